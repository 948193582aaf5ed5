import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roleCan, type Capability, type StaffRole } from '@/lib/auth/permissions';
import type { PaymentRow } from '@/lib/domain/payments';
import { paymentActions } from '@/lib/domain/payment-actions';

const as = (role: StaffRole) => ({ can: (c: Capability) => roleCan(role, c) });
const payment = (over: Partial<PaymentRow>): PaymentRow => ({
  id: 'p1', userId: 'u1', email: null, amount: '20.00', currency: 'USD', credits: '100', status: 'paid', statusKey: 'completed',
  method: null, provider: null, providerRef: null, orderId: null, createdAt: '2026-01-01T00:00:00Z', netGrants: 1, flag: null, ...over,
});
const kept = { writable: true, ledger: true };

test('a completed payment: refund while refundable, open a dispute; a grant only when the ledger never credited it', () => {
  assert.deepEqual(paymentActions(as('finance'), payment({}), { refundable: true }, kept), { refund: true, dispute: 'open', grant: false });
  assert.deepEqual(paymentActions(as('finance'), payment({ flag: 'payment_without_grant', netGrants: 0 }), { refundable: false }, kept), { refund: false, dispute: 'open', grant: true });
  assert.equal(paymentActions(as('finance'), payment({ flag: 'payment_without_grant', userId: null }), { refundable: true }, kept).grant, false, 'a deleted user gets no grant');
});

test('a disputed payment is resolved; a refunded or failed one offers nothing', () => {
  assert.equal(paymentActions(as('support'), payment({ statusKey: 'disputed' }), { refundable: true }, kept).dispute, 'resolve');
  for (const statusKey of ['refunded', 'failed', 'pending'] as const) {
    assert.deepEqual(paymentActions(as('admin'), payment({ statusKey }), { refundable: false }, kept), { refund: false, dispute: null, grant: false }, statusKey);
  }
});

test('capabilities and the mapping: support may not grant, a viewer nothing, a derived or ledgerless payment no writes', () => {
  assert.equal(paymentActions(as('support'), payment({ flag: 'payment_without_grant' }), { refundable: true }, kept).grant, false);
  assert.deepEqual(paymentActions(as('viewer'), payment({ flag: 'payment_without_grant' }), { refundable: true }, kept), { refund: false, dispute: null, grant: false });
  assert.deepEqual(paymentActions(as('admin'), payment({ flag: 'payment_without_grant' }), { refundable: true }, { writable: false, ledger: true }), { refund: false, dispute: null, grant: false });
  assert.deepEqual(paymentActions(as('admin'), payment({ flag: 'payment_without_grant' }), { refundable: true }, { writable: true, ledger: false }), { refund: false, dispute: 'open', grant: false });
});
