/**
 * A payment's refunds as Kontor recorded them (kontor.refunds) and what is left to refund: the read
 * side of the refund edit (lib/edits/refund.ts).
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { GuardError } from '@/lib/guard/errors';
import { compareDecimals, currencyDigits, rescale, subtractDecimals } from '@/lib/money';
import type { ReadContext } from '@/lib/context';

export async function refundedSoFar(trx: QueryExecutorProvider, paymentId: string): Promise<string> {
  const { rows } = await sql<{ sum: string }>`
    select coalesce(sum(amount), 0)::numeric(14, 2)::text as sum from kontor.refunds where payment_id = ${paymentId}`.execute(trx);
  return rows[0].sum;
}

export interface RefundRow {
  id: string;
  amount: string;
  currency: string | null;
  credits: string;
  ledgerEntryId: string | null;
  by: string;
  createdAt: string;
}

export interface RefundSummary {
  rows: RefundRow[];
  /** Major units refunded so far, and what can still be refunded. */
  refunded: string;
  remaining: string;
  /** Completed or disputed with something left to refund. */
  refundable: boolean;
}

/** A payment's refunds and what is left of it, for its page: the page renders, it does not subtract. */
export async function getRefundSummary(
  db: QueryExecutorProvider, ctx: ReadContext, payment: { id: string; amount: string; currency: string | null; statusKey: string | null },
): Promise<RefundSummary> {
  const rows = await listRefunds(db, ctx, payment.id);
  const refunded = await refundedSoFar(db, payment.id);
  const remaining = rescale(subtractDecimals(payment.amount, refunded), currencyDigits(payment.currency));
  const refundable = (payment.statusKey === 'completed' || payment.statusKey === 'disputed') && compareDecimals(remaining, '0') > 0;
  return { rows, refunded: rescale(refunded, currencyDigits(payment.currency)), remaining, refundable };
}

/** A payment's refunds recorded by Kontor, oldest first (bounded). */
export async function listRefunds(db: QueryExecutorProvider, { staff }: ReadContext, paymentId: string): Promise<RefundRow[]> {
  if (!staff.can('payments.read')) throw new GuardError('forbidden', 'payments.read is required to see refunds.');
  const { rows } = await sql<{ id: string; amount: string; currency: string | null; credits: string; ledger_entry_id: string | null; created_by_email: string; created_at: Date }>`
    select id::text, amount::text, currency, credits::text, ledger_entry_id, created_by_email, created_at
      from kontor.refunds where payment_id = ${paymentId} order by refunds.id limit 200`.execute(db);
  return rows.map((r) => ({
    id: r.id, amount: r.amount, currency: r.currency, credits: r.credits, ledgerEntryId: r.ledger_entry_id, by: r.created_by_email, createdAt: r.created_at.toISOString(),
  }));
}
