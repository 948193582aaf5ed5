/** The payments page's stored totals (payments-totals.ts) against the live count, on a private demo copy. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { read } from '@/db/index';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { parsePaymentFilters, paymentTotals } from '@/lib/domain/payments';
import { computePaymentDays, liveIsBounded, paymentTotalsView, readPaymentDays, storedCanAnswer, storedTotals, storePaymentDays, type PaymentDays } from '@/lib/domain/payments-totals';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const r = <T>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, f.db);

const FILTERS = [{}, { currency: 'eur' }, { status: 'completed' }, { status: 'refunded', method: 'card' }, { from: '2026-06-01' }, { from: '2026-03-01', to: '2026-09-30', currency: 'usd' }];

test('stored days plus the payments since the horizon give the live totals, wherever the horizon falls', async () => {
  const all = await r((trx) => computePaymentDays(trx, f.ctx.finance.mapping));
  assert.ok(all.days.length > 10);
  const days = all.days.map((d) => d.day).filter((d): d is string => d !== null).sort();
  // A horizon in the middle: the days before it stored, the rest read as the tail.
  const cut = days[Math.floor(days.length / 2)];
  const half: PaymentDays = { ...all, horizon: `${cut}T00:00:00.000Z`, days: all.days.filter((d) => d.day === null || d.day < cut) };
  for (const raw of FILTERS) {
    const { filters, problems } = parsePaymentFilters(raw);
    assert.deepEqual(problems, []);
    assert.ok(storedCanAnswer(filters));
    const live = await r((trx) => paymentTotals(trx, f.ctx.finance, filters));
    for (const stored of [all, half]) {
      const { tail, ...totals } = await r((trx) => storedTotals(trx, f.ctx.finance.mapping, stored, filters));
      assert.deepEqual(totals, live, `${JSON.stringify(raw)} at ${stored.horizon}`);
      if (stored === all) assert.equal(tail, 0);
    }
  }
  const withTail = await r((trx) => storedTotals(trx, f.ctx.finance.mapping, half, {}));
  assert.ok(withTail.tail > 0 && withTail.tail < withTail.count);
});

test('amounts, a user and the credit flags are not in the stored days: those totals are read live', () => {
  for (const raw of [{ min: '10' }, { max: '10' }, { user: '00000000-0000-4000-8000-000000000000' }, { flag: 'twice' }]) {
    assert.equal(storedCanAnswer(parsePaymentFilters(raw).filters), false, JSON.stringify(raw));
  }
  // On a large table they are counted live only within a user.
  const bounded = (raw: Record<string, string>) => liveIsBounded(parsePaymentFilters(raw).filters);
  assert.equal(bounded({ min: '10' }), false);
  assert.equal(bounded({ min: '10', from: '2026-01-01', to: '2026-01-07' }), false);
  assert.equal(bounded({ flag: 'twice', user: '00000000-0000-4000-8000-000000000000' }), true);
});

test('a stored count is read back for this mapping only; a small table is counted live', async () => {
  const value = await r((trx) => computePaymentDays(trx, f.ctx.finance.mapping));
  await storePaymentDays(f.db, value, 5);
  assert.deepEqual((await r((trx) => readPaymentDays(trx, f.ctx.finance.mapping)))?.value, value);
  await storePaymentDays(f.db, { ...value, mapping: '{}' }, 5);
  assert.equal(await r((trx) => readPaymentDays(trx, f.ctx.finance.mapping)), null);
  // The demo's payments are far below STORED_TOTALS_FROM_ROWS: live, and nothing to refresh.
  const view = await r((trx) => paymentTotalsView(trx, f.ctx.finance, {}));
  assert.equal(view.stored, null);
  assert.equal(view.stale, false);
  assert.deepEqual(view.totals, await r((trx) => paymentTotals(trx, f.ctx.finance, {})));
});
