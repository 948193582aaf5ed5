/**
 * Refunds. The product may have no refunds table, so Kontor keeps the refund record in
 * kontor.refunds, keyed by payment, and writes the matching negative ledger entry (the mapping's
 * `refund` type) in the product's ledger: the payment's amount is never edited. Partial refunds add
 * up; their sum can never exceed the payment, checked under the payment's row lock in the same
 * transaction that writes (preview, commit and approval each re-run load and apply).
 *
 * Money out always takes two people: support or finance requests (payments.dispute: "a request that
 * finance resolves"), someone else with payments.refund approves. The kernel's threshold sees the
 * input only, so "always" is the honest threshold here.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { activeMapping, columnOf, hasColumn, keyOf } from '@/lib/mapping';
import { writeTableOf } from '@/lib/mapping/sql';
import type { Trx } from '@/db/types';
import { catalogEdit } from '@/lib/edits/define';
import { REFUND_DAILY_LIMIT, REFUND_MAX } from '@/lib/edits/catalog';
import { refundedSoFar } from '@/lib/domain/refunds';
import { appendLedgerEntry } from '@/lib/domain/ledger-append';
import { GuardError, invalid } from '@/lib/guard/errors';
import {
  lockPayment, moneySchema, paymentConcepts, paymentIdSchema, rawStatuses, type LockedPayment,
} from '@/lib/domain/payments-common';
import {
  addDecimals, compareDecimals, fromUnits, negateDecimal, parseDecimal, subtractDecimals, toUnits,
} from '@/lib/money';

export const refundInput = z.strictObject({
  paymentId: paymentIdSchema,
  amount: moneySchema,
  currency: z.string({ error: 'Give the currency.' }).trim().toUpperCase().regex(/^[A-Z]{3}$/, { error: 'The currency is a three-letter code (USD, EUR).' }),
});
export type RefundInput = z.infer<typeof refundInput>;

interface RefundBefore {
  payment: { amount: string; currency: string | null; status: string };
  refunded: string;
}

function refundable(payment: LockedPayment) {
  const { payments } = paymentConcepts();
  if (!rawStatuses(payments, ['completed', 'disputed']).includes(payment.status)) {
    throw invalid('paymentId', `Only a completed or disputed payment can be refunded; this one is ${payment.status}.`);
  }
}

/**
 * Credits that go with refunding `amount` of `payment`: the same share of the payment's credits, half
 * up to 2 decimals (kontor.refunds.credits is numeric(14, 2): the ledger entry takes back what it records).
 */
function creditsShare(payment: LockedPayment, amount: string): string {
  if (payment.credits === null) return '0';
  const scale = Math.max(parseDecimal(payment.amount).scale, parseDecimal(amount).scale);
  const cs = Math.max(2, parseDecimal(payment.credits).scale);
  // credits * amount / total, in units of 0.01: the credits' extra decimals go into the divisor.
  const divisor = toUnits(payment.amount, scale) * 10n ** BigInt(cs - 2);
  if (divisor === 0n) return '0.00';
  return fromUnits((toUnits(payment.credits, cs) * toUnits(amount, scale) + divisor / 2n) / divisor, 2);
}

export const refundPayment = catalogEdit('payments.refund', {
  input: refundInput,
  limits: { amount: (i) => i.amount, maxAmount: REFUND_MAX, dailyLimit: REFUND_DAILY_LIMIT },
  threshold: () => true,
  async load(trx: Trx, input) {
    const payment = await lockPayment(trx, input.paymentId);
    refundable(payment);
    if (payment.currency !== null && payment.currency.toUpperCase() !== input.currency) {
      throw invalid('currency', `This payment is in ${payment.currency}: a refund is made in the payment's currency.`);
    }
    const refunded = await refundedSoFar(trx, payment.id);
    const remaining = subtractDecimals(payment.amount, refunded);
    if (compareDecimals(input.amount, remaining) > 0) {
      throw invalid(
        'amount',
        compareDecimals(remaining, '0') <= 0
          ? `This payment is fully refunded already (${refunded} of ${payment.amount}).`
          : `At most ${remaining} ${payment.currency ?? ''} can still be refunded: ${payment.amount} paid, ${refunded} refunded.`.replace('  ', ' '),
      );
    }
    const before: RefundBefore = { payment: { amount: payment.amount, currency: payment.currency, status: payment.status }, refunded };
    return {
      target: { type: 'payment', id: payment.id },
      rows: [
        { key: `payment:${payment.id}`, version: payment.version },
        { key: `refunds:${payment.id}`, version: refunded },
      ],
      before,
    };
  },
  async apply(trx, input, loaded, staff) {
    const { payments, ledger } = paymentConcepts();
    const payment = await lockPayment(trx, input.paymentId);
    const before = loaded.before as RefundBefore;
    const refundedAfter = addDecimals(before.refunded, input.amount);
    if (compareDecimals(refundedAfter, payment.amount) > 0) throw invalid('amount', 'The refunds would exceed the payment.'); // load checked; belt and braces
    const credits = creditsShare(payment, input.amount);

    let ledgerId: string | null = null;
    if (compareDecimals(credits, '0') > 0 && payment.userId !== null) {
      if (!ledger.types.refund || !hasColumn(ledger, 'type') || !hasColumn(ledger, 'paymentId')) {
        throw new GuardError('misconfigured', 'Refunds need the ledger\'s type and payment columns and its refund type in the table mapping.');
      }
      ledgerId = await appendLedgerEntry(trx, activeMapping(), {
        userId: payment.userId, amount: negateDecimal(credits), type: ledger.types.refund, paymentId: payment.id,
        description: `Refund of ${input.amount} ${input.currency} (Kontor)`,
      });
    }
    const { rows } = await sql<{ id: string }>`
      insert into kontor.refunds (payment_id, user_id, amount, currency, credits, ledger_entry_id, created_by, created_by_email)
      values (${payment.id}, ${payment.userId}, ${input.amount}, ${payment.currency}, ${credits}, ${ledgerId}, ${staff.userId}, ${staff.email})
      returning id::text`.execute(trx);

    // Fully refunded: the payment's status says so (its amount stays what was paid).
    let status = payment.status;
    const refundedStatus = payments.statuses.refunded;
    if (compareDecimals(refundedAfter, payment.amount) === 0 && refundedStatus) {
      await sql`update ${writeTableOf(payments)} set ${columnOf(payments, 'status')} = ${refundedStatus} where ${keyOf(payments)} = ${payment.id}`.execute(trx);
      status = refundedStatus;
    }
    return {
      after: {
        payment: { ...before.payment, status },
        refunded: refundedAfter,
        refund: { amount: input.amount, credits: negateDecimal(credits) },
      },
      result: { refundId: rows[0].id, ledgerId },
    };
  },
});
