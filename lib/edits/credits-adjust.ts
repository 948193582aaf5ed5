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
import { writeTableOf } from '@/lib/mapping/sql';
import type { Trx } from '@/db/types';
import { catalogEdit } from '@/lib/edits/define';
import { ADJUST_DAILY_LIMIT, ADJUST_MAX, ADJUST_APPROVAL_ABOVE } from '@/lib/edits/catalog';
import { GuardError, invalid } from '@/lib/guard/errors';
import { moveCachedBalance } from '@/lib/domain/balance';
import { rowKeySchema } from '@/lib/mapping/keys';
import { addDecimals, compareDecimals } from '@/lib/money';

/** Anything beyond this is a typo or an attack, not an adjustment: refused as invalid input. */
const ABSURD = 1_000_000;

const amount = z
  .union([z.number(), z.string()], { error: 'The amount must be a number of credits.' })
  // Text is checked here rather than in a union member: a union reports only its own message, and
  // "12.345" deserves to hear about the decimals.
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const text = v.trim();
    if (/^[+-]?\d{1,9}(\.\d{1,2})?$/.test(text)) return Number(text);
    const message = /^[+-]?\d{1,9}\.\d{3,}$/.test(text)
      ? 'The amount can have at most 2 decimals.'
      : 'The amount must be a number of credits with at most 2 decimals.';
    ctx.issues.push({ code: 'custom', message, input: v });
    return z.NEVER;
  })
  .pipe(
    z
      .number({ error: 'The amount must be a number of credits.' })
      .refine(Number.isFinite, { error: 'The amount must be a finite number.' })
      .refine((n) => n !== 0, { error: 'The amount cannot be zero.' })
      .refine((n) => Math.abs(n) <= ABSURD, { error: `The amount is not plausible (more than ${ABSURD.toLocaleString('en')} credits).` })
      .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, { error: 'The amount can have at most 2 decimals.' }),
  );

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
  threshold: (i) => Math.abs(i.amount) > ADJUST_APPROVAL_ABOVE,
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
    const { ledger, manual } = concepts(mapping);
    const before = loaded.before as { email: string; balance: string };
    // The amount has at most 2 decimals, so String() writes it exactly; the balance is the column's text.
    const next = addDecimals(before.balance ?? '0', String(input.amount));
    if (input.amount < 0 && compareDecimals(next, '0') < 0) {
      throw invalid('amount', `This debit would take the balance below zero (it is ${before.balance}).`);
    }
    const description = hasColumn(ledger, 'description') ? sql`, ${columnOf(ledger, 'description')}` : sql``;
    const descriptionValue = hasColumn(ledger, 'description') ? sql`, ${'Manual adjustment (Kontor)'}` : sql``;
    const { rows } = await sql<{ id: string }>`
      insert into ${writeTableOf(ledger)} (${columnOf(ledger, 'userId')}, ${columnOf(ledger, 'amount')}, ${columnOf(ledger, 'type')}${description})
      values (${loaded.target.id}, ${input.amount}, ${manual}${descriptionValue})
      returning ${keyOf(ledger)}::text as id`.execute(trx);
    await moveCachedBalance(trx, loaded.target.id, input.amount, mapping);
    return {
      after: { email: before.email, balance: await balanceOf(trx, mapping, loaded.target.id), entry: { type: manual, amount: input.amount.toFixed(2) } },
      result: { ledgerId: rows[0].id },
    };
  },
});
