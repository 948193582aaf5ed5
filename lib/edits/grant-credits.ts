/**
 * Granting the credits a completed payment never produced ("I paid and got no credits"). Exactly one
 * grant per payment, even from two tabs at once:
 * - load locks the payment row, so two grants of one payment run one after the other, and the
 *   second sees the first's ledger row and is refused;
 * - kontor.credit_grants has the payment as its primary key, so a second Kontor grant cannot be
 *   written whatever path it takes. (A unique index on the product's ledger is not possible: the demo
 *   already holds a payment credited twice, as real products do.)
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { activeMapping, hasColumn } from '@/lib/mapping';
import { catalogEdit } from '@/lib/edits/define';
import { appendLedgerEntry } from '@/lib/domain/ledger-append';
import { GuardError, invalid } from '@/lib/guard/errors';
import { lockPayment, paymentConcepts, paymentIdSchema, rawStatuses } from '@/lib/domain/payments-common';
import { paymentNetGrants } from '@/lib/domain/payment-credit';
import { compareDecimals } from '@/lib/money';

export const grantMissingCredits = catalogEdit('payments.grantCredits', {
  input: z.strictObject({ paymentId: paymentIdSchema }),
  async load(trx, input) {
    const { payments } = paymentConcepts();
    const payment = await lockPayment(trx, input.paymentId);
    if (!rawStatuses(payments, ['completed']).includes(payment.status)) {
      throw invalid('paymentId', `Only a completed payment is owed credits; this one is ${payment.status}.`);
    }
    if (payment.userId === null) throw invalid('paymentId', 'This payment belongs to no user any more (deleted account).');
    if (payment.credits === null || compareDecimals(payment.credits, '0') <= 0) throw invalid('paymentId', 'This payment carries no credits to grant.');
    const granted = await sql<{ at: Date; by: string }>`
      select created_at as at, created_by_email as by from kontor.credit_grants where payment_id = ${payment.id}`.execute(trx);
    if (granted.rows[0]) {
      throw invalid('paymentId', `Kontor granted these credits already (${granted.rows[0].by}, ${granted.rows[0].at.toISOString()}).`);
    }
    // Grants net of reversals, as the reconciliation counts them: a reversed grant is no grant.
    const grants = await paymentNetGrants(trx, payment.id);
    if (grants > 0) {
      throw invalid('paymentId', `This payment has its credits already (${grants} ${grants === 1 ? 'grant' : 'grants'} standing in the ledger).`);
    }
    return {
      target: { type: 'payment', id: payment.id },
      rows: [{ key: `payment:${payment.id}`, version: payment.version }, { key: `credit_grants:${payment.id}`, version: 'absent' }],
      before: { userId: payment.userId, credits: payment.credits, purchaseEntries: 0 },
    };
  },
  async apply(trx, input, loaded, staff) {
    const { ledger } = paymentConcepts();
    const before = loaded.before as { userId: string; credits: string };
    const purchase = ledger.types.purchase;
    if (!purchase || !hasColumn(ledger, 'type') || !hasColumn(ledger, 'paymentId')) {
      throw new GuardError('misconfigured', 'Granting credits needs the ledger\'s type and payment columns and its purchase type in the table mapping.');
    }
    const ledgerId = await appendLedgerEntry(trx, activeMapping(), {
      userId: before.userId, amount: before.credits, type: purchase, paymentId: loaded.target.id,
      description: 'Missing credits of a completed payment (Kontor)',
    });
    await sql`
      insert into kontor.credit_grants (payment_id, user_id, credits, ledger_entry_id, created_by, created_by_email)
      values (${loaded.target.id}, ${before.userId}, ${before.credits}, ${ledgerId}, ${staff.userId}, ${staff.email})`.execute(trx);
    return {
      after: { userId: before.userId, credits: before.credits, purchaseEntries: 1 },
      result: { ledgerId },
    };
  },
});
