/** Per-edit maximums and per-staff daily totals, enforced inside the edit's transaction. */
import 'server-only';
import { sql } from 'kysely';
import type { StaffContext } from '@/lib/auth';
import type { Trx } from '@/db/types';
import type { AnyEdit, Loaded } from '@/lib/guard/define';
import { GuardError } from '@/lib/guard/errors';

const fmt = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** What this staff member has used of an edit's daily limit today (UTC): applied edits and open requests. */
export async function dailyUsage(trx: Trx, staffId: string, edit: string): Promise<number> {
  const { rows } = await sql<{ used: string }>`
    with day as (select date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' as start)
    select (
      coalesce((select sum(abs(a.amount)) from kontor.audit_log a, day
                 where a.staff_id = ${staffId} and a.action = ${edit} and a.approval_id is null and a.at >= day.start), 0)
      + coalesce((select sum(abs(p.amount)) from kontor.approvals p, day
                 where p.requested_by = ${staffId} and p.edit = ${edit} and p.created_at >= day.start
                   and (p.status = 'approved' or (p.status = 'pending' and p.expires_at > now()))), 0)
    )::text as used`.execute(trx);
  return Number(rows[0].used);
}

export async function checkLimits(trx: Trx, edit: AnyEdit, input: unknown, loaded: Loaded, staff: StaffContext) {
  const limits = edit.limits;
  if (!limits) return;
  if (limits.maxRows !== undefined && loaded.rows.length > limits.maxRows) {
    throw new GuardError('limit', `This edit touches ${loaded.rows.length} rows; at most ${limits.maxRows} per edit.`);
  }
  if (!limits.amount) return;
  const field = limits.amountField ?? 'amount';
  const amount = Math.abs(limits.amount(input));
  if (limits.maxAmount !== undefined && amount > limits.maxAmount) {
    const message = `At most ${fmt.format(limits.maxAmount)} per edit; split larger corrections with a second person's approval.`;
    throw new GuardError('limit', message, { [field]: [message] });
  }
  if (limits.dailyLimit !== undefined) {
    // One staff member's concurrent edits queue here, so two cannot both fit under the limit.
    await sql`select pg_advisory_xact_lock(hashtext(${`kontor.limit:${edit.name}`}), hashtext(${staff.userId}))`.execute(trx);
    const used = await dailyUsage(trx, staff.userId, edit.name);
    if (used + amount > limits.dailyLimit) {
      const message = `Your daily limit for this edit is ${fmt.format(limits.dailyLimit)}; you have used ${fmt.format(used)} today (UTC), so at most ${fmt.format(Math.max(0, limits.dailyLimit - used))} remains.`;
      throw new GuardError('limit', message, { [field]: [message] });
    }
  }
}
