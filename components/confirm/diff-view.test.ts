/**
 * What previews, approvals and the audit log show (issue 19): values never broken inside (the "886.2 /
 * 2" of a squeezed column), fields and actions in words, targets by name with the id on hover, and the
 * sentence an edit ends with. Rendered to HTML as the pages do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { DiffView, fieldLabel } from '@/components/confirm/diff-view';
import { TargetLabel } from '@/components/confirm/target-label';
import { actionLabel, editOutcome } from '@/lib/edits/outcome';

const UUID = '9e5266ea-1d2c-4b7e-8f00-0123456789ab';

test('every value is one unbreakable token; lists and objects wrap between their items only', () => {
  const html = renderToStaticMarkup(createElement(DiffView, {
    changes: [
      { path: 'balance', before: '886.2', after: '891.20' },
      { path: 'entry.userId', before: null, after: UUID },
      { path: 'email', before: 'a.very.long.address@customer-domain.example.com', after: 'b@example.com' },
      { path: 'taskIds', before: [], after: [UUID, 'f00d'] },
    ],
  }));
  // Nothing may break a word anywhere (the old cells had overflow-wrap: anywhere).
  assert.doesNotMatch(html, /overflow-wrap|break-all|break-words|word-break/);
  for (const value of ['886.2', '891.20', UUID, 'a.very.long.address@customer-domain.example.com', 'f00d']) {
    assert.match(html, new RegExp(`<span data-token="true" class="whitespace-nowrap">${value.replace(/\./g, '\\.')}`), `${value} is a nowrap token`);
  }
  // A value too wide for its column scrolls with the table, inside its own box.
  assert.match(html, /^<div class="max-w-full overflow-x-auto"><table/);
});

test('fields and actions read as words; the stored names stay on hover', () => {
  assert.equal(fieldLabel('payment.status'), 'Payment status');
  assert.equal(fieldLabel('purchaseEntries'), 'Purchase entries');
  assert.equal(fieldLabel('entry.userId'), 'Entry user');
  assert.equal(fieldLabel('cached_balance'), 'Cached balance');
  const html = renderToStaticMarkup(createElement(DiffView, { changes: [{ path: 'payment.status', before: 'completed', after: 'refunded' }] }));
  assert.match(html, /<th scope="row"[^>]*title="payment\.status"[^>]*>Payment status<\/th>/);
  assert.equal(actionLabel('payments.refund.request'), 'Refund a payment (requested)');
  assert.equal(actionLabel('credits.adjust'), 'Adjust credits');
  assert.equal(actionLabel('credits.adjust.reject'), 'Adjust credits (rejected)');
  assert.equal(actionLabel('security.testAsUser'), 'security.testAsUser', 'an action Kontor has no words for stays as stored');
});

test('a target shows its name, linked where the viewer may go, with the id on hover and a copy button', () => {
  const named = renderToStaticMarkup(createElement(TargetLabel, {
    target: { type: 'payment', id: UUID }, name: { name: 'ORD-1042', href: `/payments/${UUID}` },
  }));
  assert.match(named, new RegExp(`<a [^>]*href="/payments/${UUID}"[^>]*><span class="whitespace-nowrap" title="payment ${UUID}" data-target-id="${UUID}">ORD-1042</span></a>`));
  assert.match(named, new RegExp(`aria-label="Copy the payment id ${UUID}"`));
  assert.doesNotMatch(named, new RegExp(`>payment:${UUID}<|>${UUID}<`), 'the id is not the text');
  // Unnamed (a database session, an advisor): the id is what there is, and internal type names read as words.
  const unnamed = renderToStaticMarkup(createElement(TargetLabel, { target: { type: 'ledger_entry', id: '4711' } }));
  assert.match(unnamed, /ledger entry<\/span><span[^>]*>4711<\/span>/);
  assert.doesNotMatch(unnamed, /<a /);
});

test('what staff are told after an edit: the outcome and where it is recorded', () => {
  assert.deepEqual(
    editOutcome('payments.refund', 'refund a payment', { paymentId: UUID, amount: '12.00', currency: 'USD' }, { status: 'applied', auditId: '123' }),
    { message: 'Refunded $12.00', link: { href: '/audit?entry=123', label: 'audit #123' } },
  );
  assert.deepEqual(
    editOutcome('payments.refund', 'refund a payment', { paymentId: UUID, amount: '12.00', currency: 'USD' }, { status: 'pending', approvalId: '45' }),
    { message: 'Filed for approval: refund a payment', link: { href: '/approvals', label: 'request #45' } },
  );
  assert.equal(editOutcome('credits.adjust', 'adjust credits', { amount: '-5' }, { status: 'applied', auditId: '7' }).message, 'Took 5.00 credits');
  assert.equal(editOutcome('credits.adjust', 'adjust credits', { amount: '25' }, { status: 'applied', auditId: '7' }).message, 'Added 25.00 credits');
  assert.equal(editOutcome('database.signalBackend', 'cancel a query', { pid: 4242, mode: 'terminate' }, { status: 'applied', auditId: '8' }).message, 'Session 4242 terminated');
});
