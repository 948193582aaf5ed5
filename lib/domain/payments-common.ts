/**
 * What the payment edits and read models share: the mapped concepts they need, amounts in major units
 * as exact decimal strings (lib/money.ts: never floats), the input schemas for ids and amounts, and the
 * payment row as one locked read.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { activeMapping, columnOf, hasColumn, keyOf, tableOf, type Concept, type Mapping } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import { GuardError, invalid } from '@/lib/guard/errors';
import { rowKeySchema } from '@/lib/mapping/keys';
import { anyRowKey } from '@/lib/mapping/keys';
import { compareDecimals, storedToMajor, typedAmountText } from '@/lib/money';

export type PaymentStatusKey = 'created' | 'pending' | 'completed' | 'failed' | 'refunded' | 'disputed';

/** Anything beyond this is a typo or an attack, not a payment correction. */
export const ABSURD_AMOUNT = 1_000_000;

export const paymentIdSchema = rowKeySchema('payment');
export const userIdSchema = rowKeySchema('user');

const DECIMAL = /^\d{1,9}(\.\d{1,2})?$/;

/** A positive amount of money in major units, as text with at most 2 decimals ("12.5", "12.50"). */
export const moneySchema = z
  .union([z.string(), z.number()], { error: 'The amount must be a number.' })
  .transform(typedAmountText)
  .pipe(
    z
      .string()
      .regex(DECIMAL, { error: 'The amount must be a positive number with at most 2 decimals.' })
      .refine((s) => !DECIMAL.test(s) || compareDecimals(s, '0') > 0, { error: 'The amount must be more than zero.' })
      .refine((s) => !DECIMAL.test(s) || compareDecimals(s, String(ABSURD_AMOUNT)) <= 0, {
        error: `The amount is not plausible (more than ${ABSURD_AMOUNT.toLocaleString('en')}).`,
      }),
  );

export function paymentConcepts(mapping: Mapping = activeMapping()) {
  const { payments, ledger, users } = mapping;
  if (!payments || !ledger || !users) {
    throw new GuardError('misconfigured', 'Payments need the users, payments and ledger concepts in the table mapping.');
  }
  return { payments, ledger, users };
}

/**
 * What the payment pages read: users and payments, and the ledger when the product keeps one (Seydam
 * and AetherCrown98 take payments without a credit ledger: their payments show without grant counts).
 */
export function paymentReadConcepts(mapping: Mapping) {
  const { payments, ledger, users } = mapping;
  if (!payments || !users) throw new GuardError('misconfigured', 'Payments need the users and payments concepts in the table mapping.');
  return { payments, users, ledger };
}

/** The raw status values the mapping gives these meanings (unknown meanings are left out). */
export function rawStatuses(payments: Concept<'payments'>, keys: PaymentStatusKey[]): string[] {
  return keys.map((k) => payments.statuses[k]).filter((v): v is string => typeof v === 'string');
}

export function statusKeyOf(payments: Concept<'payments'>, raw: string): PaymentStatusKey | null {
  const hit = Object.entries(payments.statuses).find(([, v]) => v === raw);
  return hit ? (hit[0] as PaymentStatusKey) : null;
}

/** An amount as the payments column stores it -> major units at its currency's decimals ("2900", USD -> "29.00"). */
export function majorAmount(payments: Concept<'payments'>, stored: string, currency: string | null): string {
  return storedToMajor(stored, payments.amountUnit, currency);
}

export interface LockedPayment {
  id: string;
  userId: string | null;
  /** Major units. */
  amount: string;
  currency: string | null;
  credits: string | null;
  status: string;
  statusKey: PaymentStatusKey | null;
  version: string;
}

/** Reads one payment and locks its row until the transaction ends (preview, commit and approval all run in one). */
export async function lockPayment(trx: Trx, paymentId: string): Promise<LockedPayment> {
  const { payments } = paymentConcepts();
  const opt = (c: 'currency' | 'credits') => (hasColumn(payments, c) ? sql`p.${columnOf(payments, c)}::text` : sql`null::text`);
  const { rows } = await sql<{ id: string; user_id: string | null; amount: string; currency: string | null; credits: string | null; status: string; version: string }>`
    select p.${keyOf(payments)}::text as id, p.${columnOf(payments, 'userId')}::text as user_id,
           p.${columnOf(payments, 'amount')}::text as amount, ${opt('currency')} as currency, ${opt('credits')} as credits,
           p.${columnOf(payments, 'status')}::text as status, md5(p::text) as version
      from ${tableOf(payments)} p where p.${keyOf(payments)} = ${paymentId}
       for update`.execute(trx);
  const row = rows[0];
  if (!row) throw invalid('paymentId', 'No payment has this id.');
  return {
    id: row.id,
    userId: row.user_id,
    amount: majorAmount(payments, row.amount, row.currency),
    currency: row.currency,
    credits: row.credits,
    status: row.status,
    statusKey: statusKeyOf(payments, row.status),
    version: row.version,
  };
}

/**
 * A row key from a URL: a uuid (the Supabase products') or an integer (Django's, Seydam's). Which one
 * the product uses is the database's to say: a key its column cannot hold reads as "not found"
 * (isKeyTypeMismatch in db/errors).
 */
export const urlKeySchema = anyRowKey;
