/**
 * The first money edit: a manual credit adjustment. Money is never edited in place: the edit adds a
 * NEW ledger row of the mapping's `manual` type (the product's own trigger, if it has one, moves the
 * cached balance). Above ADJUST_APPROVAL_ABOVE credits a second person (credits.approve) must approve;
 * at most ADJUST_MAX per edit and ADJUST_DAILY_LIMIT per staff member a day. The finance issue gives it
 * a page; this module is the edit itself.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { activeMapping, columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import { catalogEdit } from '@/lib/edits/define';
import { ADJUST_DAILY_LIMIT, ADJUST_MAX, ADJUST_APPROVAL_ABOVE } from '@/lib/edits/catalog';
import { GuardError, invalid } from '@/lib/guard/errors';
import { appendLedgerEntry } from '@/lib/domain/ledger-append';
import { rowKeySchema } from '@/lib/mapping/keys';
import { absDecimal, addDecimals, compareDecimals, decimalText, parseDecimal, rescale, typedAmountText } from '@/lib/money';

/** Anything beyond this is a typo or an attack, not an adjustment: refused as invalid input. */
const ABSURD = 1_000_000;

/** Credits as typed: up to 9 digits and 2 decimals. */
const AMOUNT = /^[+-]?\d{1,9}(\.\d{1,2})?$/;

/**
 * An exact decimal string ("25", "-5.5"). A number is read as the text JavaScript prints for it
 * (12.5 -> "12.5"), so no float arithmetic touches the amount after this.
 */
const amount = z
  .union([z.number(), z.string()], { error: 'The amount must be a number of credits.' })
  .transform((v, ctx) => {
    const fail = (message: string) => {
      ctx.issues.push({ code: 'custom', message, input: v });
      return z.NEVER;
    };
    if (typeof v === 'number' && !Number.isFinite(v)) return fail('The amount must be a finite number.');
    const text = typedAmountText(v);
    if (!AMOUNT.test(text)) {
      if (/^[+-]?\d+\.\d{3,}$/.test(text)) return fail('The amount can have at most 2 decimals.');
      if (/^[+-]?\d{10,}(\.\d*)?$/.test(text) || /e\+/.test(text)) return fail(`The amount is not plausible (more than ${ABSURD.toLocaleString('en')} credits).`);
      return fail('The amount must be a number of credits with at most 2 decimals.');
    }
    const exact = decimalText(parseDecimal(text));
    if (compareDecimals(exact, '0') === 0) return fail('The amount cannot be zero.');
    if (compareDecimals(absDecimal(exact), String(ABSURD)) > 0) return fail(`The amount is not plausible (more than ${ABSURD.toLocaleString('en')} credits).`);
    return exact;
  });

export const adjustCreditsInput = z.strictObject({
  userId: rowKeySchema('user'),
  amount,
});
export type AdjustCreditsInput = z.infer<typeof adjustCreditsInput>;

function concepts(mapping: Mapping) {
  const { users, ledger } = mapping;
  if (!users || !ledger || !ledger.columns.type || !ledger.types.manual) {
    throw new GuardError('misconfigured', 'Credit adjustments need the users and ledger concepts, with a ledger type for manual entries, in the table mapping.');
  }
  return { users, ledger, manual: ledger.types.manual };
}

async function balanceOf(trx: Trx, mapping: Mapping, userId: string): Promise<string> {
  const { users, ledger } = concepts(mapping);
  const { rows } = hasColumn(users, 'credits')
    ? await sql<{ balance: string }>`select ${columnOf(users, 'credits')}::text as balance from ${tableOf(users)} where ${keyOf(users)} = ${userId}`.execute(trx)
    : await sql<{ balance: string }>`select coalesce(sum(${columnOf(ledger, 'amount')}), 0)::text as balance from ${tableOf(ledger)} where ${columnOf(ledger, 'userId')} = ${userId}`.execute(trx);
  return rows[0]?.balance ?? '0';
}

export const adjustCredits = catalogEdit('credits.adjust', {
  input: adjustCreditsInput,
  limits: { amount: (i) => i.amount, maxAmount: ADJUST_MAX, dailyLimit: ADJUST_DAILY_LIMIT },
  threshold: (i) => compareDecimals(absDecimal(i.amount), String(ADJUST_APPROVAL_ABOVE)) > 0,
  // The row lock comes first: the kernel's preview checks limits (an advisory lock) after apply and its
  // commit before, so without it a preview and a commit of the same user can deadlock.
  async load(trx, input) {
    const mapping = activeMapping();
    const { users } = concepts(mapping);
    const { rows } = await sql<{ id: string; email: string; version: string }>`
      select u.${keyOf(users)}::text as id, u.${columnOf(users, 'email')}::text as email, md5(u::text) as version
        from ${tableOf(users)} u where u.${keyOf(users)} = ${input.userId} for update`.execute(trx);
    const user = rows[0];
    if (!user) throw invalid('userId', 'No user has this id.');
    return {
      target: { type: 'user', id: user.id },
      rows: [{ key: `user:${user.id}`, version: user.version }],
      before: { email: user.email, balance: await balanceOf(trx, mapping, user.id) },
    };
  },
  async apply(trx, input, loaded) {
    const mapping = activeMapping();
    const { manual } = concepts(mapping);
    const before = loaded.before as { email: string; balance: string };
    const next = addDecimals(before.balance ?? '0', input.amount);
    if (compareDecimals(input.amount, '0') < 0 && compareDecimals(next, '0') < 0) {
      throw invalid('amount', `This debit would take the balance below zero (it is ${before.balance}).`);
    }
    const ledgerId = await appendLedgerEntry(trx, mapping, {
      userId: loaded.target.id, amount: input.amount, type: manual, description: 'Manual adjustment (Kontor)',
    });
    return {
      after: { email: before.email, balance: await balanceOf(trx, mapping, loaded.target.id), entry: { type: manual, amount: rescale(input.amount, 2) } },
      result: { ledgerId },
    };
  },
});
