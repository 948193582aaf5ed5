/**
 * How a payment is credited: the one definition the reconciliation, the payments list, the payment
 * page and the ledger edits share (issue 19: the page counted a reversal as another grant).
 *
 * A payment's grants are its purchase entries net of their reversals: entries that add credits count
 * +1, entries that take them back (a reversal carries the entry's type and payment) count -1. Then:
 * - payment_without_grant: completed, and no grant left standing (net <= 0);
 * - payment_granted_twice: more than one grant standing (net > 1), whatever the status;
 * - grant_without_payment: a grant standing (net > 0) for a payment that does not exist or was never
 *   paid (not completed, refunded or disputed).
 * A refunded or disputed payment may keep its grant (its refund is an entry of its own).
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, tableOf, type Concept } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import { GuardError } from '@/lib/guard/errors';
import type { DiscrepancyKind } from '@/lib/domain/reconcile/kinds';
import { paymentConcepts, rawStatuses, type PaymentStatusKey } from '@/lib/domain/payments-common';

export const PAYMENT_CREDIT_KINDS = ['payment_without_grant', 'payment_granted_twice', 'grant_without_payment'] as const satisfies readonly DiscrepancyKind[];
export type PaymentCreditKind = (typeof PAYMENT_CREDIT_KINDS)[number];

/** Statuses whose payment was paid, and so may hold exactly one grant. */
export const PAID: PaymentStatusKey[] = ['completed', 'refunded', 'disputed'];

type Ledger = Concept<'ledger'>;

/** Purchase entries among ledger rows aliased `l` (the mapping's purchase type). */
export function isPurchase(ledger: Ledger, alias = 'l'): RawBuilder<boolean> {
  return sql<boolean>`${columnOf(ledger, 'type', alias)} = ${ledger.types.purchase!}`;
}

/** Grants net of reversals, as an aggregate over the purchase entries aliased `alias`. */
export function netGrantsAggregate(ledger: Ledger, alias = 'l'): RawBuilder<number> {
  const amount = columnOf(ledger, 'amount', alias);
  return sql<number>`(count(*) filter (where ${amount} > 0) - count(*) filter (where ${amount} < 0))::int`;
}

/** Grants net of reversals of the payment whose key is `paymentKey` (one index probe where one exists). */
export function netGrantsOf(ledger: Ledger, paymentKey: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(select ${netGrantsAggregate(ledger, 'g')} from ${tableOf(ledger)} g
                       where ${columnOf(ledger, 'paymentId', 'g')} = ${paymentKey} and ${isPurchase(ledger, 'g')})`;
}

/**
 * The verdict on one payment, null when it is credited right. `exists`: whether the payment row
 * exists (a grant may name a payment that does not); `status`: its raw status; `net`: its grants net
 * of reversals (null: none).
 */
export function creditVerdict(
  payments: Concept<'payments'>,
  p: { exists: RawBuilder<unknown>; status: RawBuilder<unknown>; net: RawBuilder<unknown> },
): RawBuilder<PaymentCreditKind | null> {
  const net = sql`coalesce(${p.net}, 0)`;
  const completed = payments.statuses.completed ?? null;
  return sql<PaymentCreditKind | null>`case
    when ${p.exists} and ${p.status}::text = ${completed} and ${net} <= 0 then 'payment_without_grant'
    when ${net} > 1 then 'payment_granted_twice'
    when ${net} > 0 and (not ${p.exists} or not (${p.status}::text = any(${rawStatuses(payments, PAID)}::text[]))) then 'grant_without_payment'
  end`;
}

/** The grants standing for one payment (net of reversals), read in `trx`. */
export async function paymentNetGrants(trx: Trx, paymentId: string): Promise<number> {
  const { ledger } = paymentConcepts();
  if (!hasColumn(ledger, 'paymentId') || !hasColumn(ledger, 'type') || !ledger.types.purchase) {
    throw new GuardError('misconfigured', 'Checking a payment\'s credits needs the ledger\'s payment and type columns and its purchase type in the table mapping.');
  }
  const { rows } = await sql<{ n: number | null }>`select ${netGrantsOf(ledger, sql`${paymentId}`)} as n`.execute(trx);
  return rows[0].n ?? 0;
}
