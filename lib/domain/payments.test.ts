/** Payments and users read models on a private demo copy, through read() (read-only, as the pages run them). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { read } from '@/db/index';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { getPayment, listFlaggedPayments, listPayments, parsePaymentFilters, paymentTotals } from '@/lib/domain/payments';
import { getUserProfile, listUserAudit, listUserLedger, listUserTasks } from '@/lib/domain/users';
import { GuardError } from '@/lib/guard/errors';
import manifest from '@/db/demo/manifest.json' with { type: 'json' };

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const idsOf = (kind: string) => manifest.find((d) => d.kind === kind)!.ids!;
const r = <T>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, f.db);

test('the planted "paid, no credits" and "granted twice" payments are flagged, and no other', async () => {
  const flagged = await r((trx) => listFlaggedPayments(trx, f.ctx.support, 1000));
  const none = flagged.filter((p) => p.flag === 'payment_without_grant').map((p) => p.id).sort();
  const twice = flagged.filter((p) => p.flag === 'payment_granted_twice').map((p) => p.id).sort();
  assert.deepEqual(none, [...idsOf('payment_without_grant')].sort());
  assert.deepEqual(twice, idsOf('payment_granted_twice'));
  assert.equal(flagged.length, 3);
  // The filter in the list agrees, and the detail page flags the same payment.
  const { filters } = parsePaymentFilters({ flag: 'twice' });
  assert.deepEqual((await r((trx) => listPayments(trx, f.ctx.finance, filters, { sort: 'created', desc: true, limit: 25, offset: 0 }))).map((p) => p.id), twice);
  const detail = await r((trx) => getPayment(trx, f.ctx.finance, twice[0]));
  assert.equal(detail?.grants.length, 2);
  assert.equal(detail?.payment.flag, 'payment_granted_twice');
  assert.equal(detail?.payment.netGrants, 2);
  const clean = await r((trx) => listPayments(trx, f.ctx.finance, { status: 'completed' }, { sort: 'created', desc: false, limit: 5, offset: 0 }));
  for (const p of clean.filter((x) => !twice.includes(x.id) && !none.includes(x.id))) assert.equal(p.flag, null, p.id);
});

test('filters narrow the list and the totals agree with the database', async () => {
  const { filters, problems } = parsePaymentFilters({ status: 'completed', currency: 'eur', min: '20', max: '60', method: 'card' });
  assert.deepEqual(problems, []);
  const totals = await r((trx) => paymentTotals(trx, f.ctx.finance, filters));
  const expected = await sql<{ n: string; s: string }>`
    select count(*)::text as n, sum(amount)::text as s from public.payments
     where status = 'completed' and currency = 'EUR' and amount between 20 and 60 and method = 'card'`.execute(f.db);
  assert.equal(totals.count, Number(expected.rows[0].n));
  assert.ok(totals.count > 0);
  assert.deepEqual(totals.byCurrency.map((c) => [c.currency, Number(c.amount)]), [['EUR', Number(expected.rows[0].s)]]);
  const page = await r((trx) => listPayments(trx, f.ctx.finance, filters, { sort: 'amount', desc: true, limit: 10, offset: 0 }));
  assert.ok(page.every((p) => p.currency === 'EUR' && p.statusKey === 'completed' && Number(p.amount) >= 20 && Number(p.amount) <= 60 && p.method === 'card'));
  assert.ok(page.every((p, i) => i === 0 || Number(page[i - 1].amount) >= Number(p.amount)), 'sorted by amount, descending');
});

test('malformed filters are dropped with a message, never reach SQL', () => {
  const { filters, problems } = parsePaymentFilters({ status: 'paid; drop table x', currency: 'EURO', min: '-1', from: '2026-13-01', user: 'abc', method: "card' or 1=1" });
  assert.deepEqual(Object.values(filters).filter((v) => v !== undefined), []);
  assert.equal(problems.length, 6);
});

test('a payment is read by payments.read only', async () => {
  await assert.rejects(r((trx) => listPayments(trx, f.ctx.engineer, {}, { sort: 'created', desc: true, limit: 5, offset: 0 })), GuardError);
  await assert.rejects(r((trx) => getPayment(trx, f.ctx.viewer, idsOf('payment_granted_twice')[0])), GuardError);
});

test('the user page: cached balance beside the ledger sum, with the drift; no secrets', async () => {
  const [drifted] = idsOf('balance_drift');
  const p = await r((trx) => getUserProfile(trx, f.ctx.support, drifted));
  assert.ok(p);
  assert.equal(p.drift, '50.00');
  assert.equal(Number(p.cachedBalance) - Number(p.ledgerBalance), 50);
  assert.ok(p.auth?.signedUpAt && p.auth.providers.length >= 1);
  assert.ok(p.tasks && p.apiCosts && p.tier);
  const text = JSON.stringify(p);
  assert.doesNotMatch(text, /encrypted_password|\$2[aby]\$|token/i);

  const negative = await r((trx) => getUserProfile(trx, f.ctx.support, idsOf('negative_balance')[0]));
  assert.equal(negative?.drift, null);
  assert.equal(negative?.cachedBalance, '-9.87');

  const ledger = await r((trx) => listUserLedger(trx, f.ctx.support, drifted, { limit: 5, offset: 0 }));
  const n = await sql<{ n: string }>`select count(*)::text as n from public.credits_ledger where user_id = ${drifted}`.execute(f.db);
  assert.equal(ledger.total, Number(n.rows[0].n));
  assert.ok(ledger.rows.length <= 5);
  const tasks = await r((trx) => listUserTasks(trx, f.ctx.support, drifted, { limit: 5, offset: 0 }));
  assert.ok(tasks.total >= tasks.rows.length);
  assert.equal(await r((trx) => getUserProfile(trx, f.ctx.support, '00000000-0000-4000-8000-000000000000')), null);
  await assert.rejects(r((trx) => listUserAudit(trx, f.ctx.support, drifted)), GuardError, 'support has no audit.read');
  assert.deepEqual(await r((trx) => listUserAudit(trx, f.ctx.finance, drifted)), []);
});
