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
import { columnOf, hasColumn, keyOf, tableOf, type Concept } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import { GuardError } from '@/lib/guard/errors';
import type { DiscrepancyKind } from '@/lib/domain/reconcile/kinds';
import { majorAmount, paymentConcepts, rawStatuses, statusKeyOf, type PaymentStatusKey } from '@/lib/domain/payments-common';

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

export interface PaymentCreditState {
  id: string;
  /** The order number where the product keeps one, else the id. */
  name: string;
  /** Major units. */
  amount: string;
  currency: string | null;
  status: string;
  statusKey: PaymentStatusKey | null;
  netGrants: number;
  verdict: PaymentCreditKind | null;
  /** The verdict once `change` more grants stand (-1: one reversed). */
  verdictAfter: PaymentCreditKind | null;
}

/** One payment's credits now and after `change` grants more or fewer: what a ledger edit would leave. */
export async function paymentCreditState(trx: Trx, paymentId: string, change: number): Promise<PaymentCreditState | null> {
  const { payments, ledger } = paymentConcepts();
  if (!hasColumn(ledger, 'paymentId') || !hasColumn(ledger, 'type') || !ledger.types.purchase) return null;
  const p = (c: 'orderId' | 'currency') => (hasColumn(payments, c) ? sql`p.${columnOf(payments, c)}::text` : sql`null::text`);
  const status = columnOf(payments, 'status', 'p');
  const { rows: [r] } = await sql<{
    id: string; order_id: string | null; amount: string; currency: string | null; status: string; net: number | null;
    verdict: PaymentCreditKind | null; after: PaymentCreditKind | null;
  }>`
    select p.${keyOf(payments)}::text as id, ${p('orderId')} as order_id, p.${columnOf(payments, 'amount')}::text as amount,
           ${p('currency')} as currency, ${status}::text as status, g.net,
           ${creditVerdict(payments, { exists: sql`true`, status, net: sql`g.net` })} as verdict,
           ${creditVerdict(payments, { exists: sql`true`, status, net: sql`coalesce(g.net, 0) + ${change}::int` })} as after
      from ${tableOf(payments)} p cross join lateral (select ${netGrantsOf(ledger, sql`p.${keyOf(payments)}`)} as net) g
     where p.${keyOf(payments)} = ${paymentId}`.execute(trx);
  if (!r) return null;
  return {
    id: r.id, name: r.order_id ?? r.id, amount: majorAmount(payments, r.amount, r.currency), currency: r.currency,
    status: r.status, statusKey: statusKeyOf(payments, r.status), netGrants: r.net ?? 0, verdict: r.verdict, verdictAfter: r.after,
  };
}
