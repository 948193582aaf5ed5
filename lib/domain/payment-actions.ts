/**
 * What the payment page offers for one payment, decided here and not in the page: a refund while
 * something is left to refund, a dispute to open (completed) or resolve (disputed), the missing
 * credits of a completed payment the ledger never credited. Each also needs its edit's capability,
 * and a payment Kontor can write: not a derived concept (Reigh's payments are its ledger's rows), and
 * for refunds and grants a ledger to write to. The edits check the same conditions again under lock.
 */
import type { Capability } from '@/lib/auth/permissions';
import type { PaymentRow } from '@/lib/domain/payments';
import type { RefundSummary } from '@/lib/domain/refunds';

export interface PaymentActions {
  refund: boolean;
  dispute: 'open' | 'resolve' | null;
  grant: boolean;
}

export function paymentActions(
  staff: { can(capability: Capability): boolean },
  payment: PaymentRow,
  refunds: Pick<RefundSummary, 'refundable'>,
  where: { writable: boolean; ledger: boolean },
): PaymentActions {
  const { writable, ledger } = where;
  const disputable = writable && staff.can('payments.dispute');
  return {
    refund: disputable && ledger && refunds.refundable && payment.currency !== null,
    dispute: !disputable ? null : payment.statusKey === 'completed' ? 'open' : payment.statusKey === 'disputed' ? 'resolve' : null,
    grant: writable && ledger && staff.can('credits.adjust') && payment.flag === 'payment_without_grant'
      && payment.credits !== null && payment.userId !== null,
  };
}
