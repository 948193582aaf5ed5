/**
 * Disputes: support marks a completed payment disputed (the customer contests it) or resolves the
 * dispute (back to completed; money going back is a refund, a separate edit). Above
 * DISPUTE_APPROVAL_ABOVE (in the payment's currency) finance approves (payments.approve).
 *
 * The kernel decides "needs approval" from the input alone, so the input carries the payment's
 * amount as the page showed it, and load refuses it unless it is the payment's actual amount: the
 * threshold can neither be dodged nor drift from the row.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { columnOf, keyOf } from '@/lib/mapping';
import { writeTableOf } from '@/lib/mapping/sql';
import { catalogEdit } from '@/lib/edits/define';
import { DISPUTE_APPROVAL_ABOVE } from '@/lib/edits/catalog';
import { invalid } from '@/lib/guard/errors';
import { lockPayment, moneySchema, paymentConcepts, paymentIdSchema } from '@/lib/domain/payments-common';
import { compareDecimals } from '@/lib/money';

export { DISPUTE_APPROVAL_ABOVE };

export const disputeInput = z.strictObject({
  paymentId: paymentIdSchema,
  action: z.enum(['open', 'resolve'], { error: 'Choose open or resolve.' }),
  amount: moneySchema,
});

export const disputePayment = catalogEdit('payments.dispute', {
  input: disputeInput,
  threshold: (i) => compareDecimals(i.amount, String(DISPUTE_APPROVAL_ABOVE)) > 0,
  async load(trx, input) {
    const { payments } = paymentConcepts();
    const payment = await lockPayment(trx, input.paymentId);
    if (compareDecimals(payment.amount, input.amount) !== 0) {
      throw invalid('amount', `The amount does not match this payment's (${payment.amount}): reload the page.`);
    }
    const from = input.action === 'open' ? payments.statuses.completed : payments.statuses.disputed;
    const to = input.action === 'open' ? payments.statuses.disputed : payments.statuses.completed;
    if (!from || !to) throw invalid('action', 'The table mapping names no completed or disputed payment status.');
    if (payment.status !== from) {
      throw invalid('action', input.action === 'open'
        ? `Only a completed payment can be disputed; this one is ${payment.status}.`
        : `Only a disputed payment can be resolved; this one is ${payment.status}.`);
    }
    return {
      target: { type: 'payment', id: payment.id },
      rows: [{ key: `payment:${payment.id}`, version: payment.version }],
      before: { status: payment.status, amount: payment.amount, currency: payment.currency },
    };
  },
  async apply(trx, input, loaded) {
    const { payments } = paymentConcepts();
    const to = (input.action === 'open' ? payments.statuses.disputed : payments.statuses.completed)!;
    await sql`update ${writeTableOf(payments)} set ${columnOf(payments, 'status')} = ${to} where ${keyOf(payments)} = ${loaded.target.id}`.execute(trx);
    const before = loaded.before as { status: string; amount: string; currency: string | null };
    return { after: { ...before, status: to }, result: { paymentId: loaded.target.id, status: to } };
  },
});
