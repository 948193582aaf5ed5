/** Per-edit maximums and per-staff daily totals, enforced inside the edit's transaction. */
import 'server-only';
import { sql } from 'kysely';
import type { StaffContext } from '@/lib/auth';
import type { Trx } from '@/db/types';
import type { AnyEdit, Loaded } from '@/lib/guard/define';
import { GuardError } from '@/lib/guard/errors';
import { absDecimal, addDecimals, compareDecimals, groupDigits, subtractDecimals } from '@/lib/money';

/** Amounts are exact decimal strings here, summed and compared without a float. */
const fmt = (amount: string | number) => groupDigits(String(amount));

/** What this staff member has used of an edit's daily limit today (UTC): applied edits and open requests. */
export async function dailyUsage(trx: Trx, staffId: string, edit: string): Promise<string> {
  const { rows } = await sql<{ used: string }>`
    with day as (select date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' as start)
    select (
      coalesce((select sum(abs(a.amount)) from kontor.audit_log a, day
                 where a.staff_id = ${staffId} and a.action = ${edit} and a.approval_id is null and a.at >= day.start), 0)
      + coalesce((select sum(abs(p.amount)) from kontor.approvals p, day
                 where p.requested_by = ${staffId} and p.edit = ${edit} and p.created_at >= day.start
                   and (p.status = 'approved' or (p.status = 'pending' and p.expires_at > now()))), 0)
    )::text as used`.execute(trx);
  return rows[0].used;
}

export async function checkLimits(trx: Trx, edit: AnyEdit, input: unknown, loaded: Loaded, staff: StaffContext) {
  const limits = edit.limits;
  if (!limits) return;
  if (limits.maxRows !== undefined && loaded.rows.length > limits.maxRows) {
    throw new GuardError('limit', `This edit touches ${loaded.rows.length} rows; at most ${limits.maxRows} per edit.`);
  }
  if (!limits.amount) return;
  const field = limits.amountField ?? 'amount';
  const amount = absDecimal(limits.amount(input));
  if (limits.maxAmount !== undefined && compareDecimals(amount, String(limits.maxAmount)) > 0) {
    const message = `At most ${fmt(limits.maxAmount)} per edit; split larger corrections with a second person's approval.`;
    throw new GuardError('limit', message, { [field]: [message] });
  }
  if (limits.dailyLimit !== undefined) {
    // One staff member's concurrent edits queue here, so two cannot both fit under the limit.
    await sql`select pg_advisory_xact_lock(hashtext(${`kontor.limit:${edit.name}`}), hashtext(${staff.userId}))`.execute(trx);
    const used = await dailyUsage(trx, staff.userId, edit.name);
    if (compareDecimals(addDecimals(used, amount), String(limits.dailyLimit)) > 0) {
      const left = subtractDecimals(String(limits.dailyLimit), used);
      const message = `Your daily limit for this edit is ${fmt(limits.dailyLimit)}; you have used ${fmt(used)} today (UTC), so at most ${fmt(compareDecimals(left, '0') > 0 ? left : '0')} remains.`;
      throw new GuardError('limit', message, { [field]: [message] });
    }
  }
}
