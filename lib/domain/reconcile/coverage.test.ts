import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcileCoverage } from '@/lib/domain/reconcile/coverage';
import { getPreset } from '@/lib/mapping/presets';
import { parseMapping } from '@/lib/mapping/schema';

const ran = (name: string) => reconcileCoverage(getPreset(name)).map((c) => [c.check, c.ran]);

test('every check runs on the demo; on Reigh too (its payments are its stripe ledger rows)', () => {
  assert.deepEqual(ran('demo'), [['balances', true], ['payments', true], ['tasks', true]]);
  assert.deepEqual(ran('reigh'), [['balances', true], ['payments', true], ['tasks', true]]);
});

test('a product without a ledger: no check runs, each says why in the product\'s words', () => {
  const c = reconcileCoverage(getPreset('seydam'));
  assert.ok(c.every((x) => !x.ran));
  assert.match(c[0].why!, /Seydam keeps no credit ledger/);
});

test('a ledger without payment references: the payment check says it did not run and why', () => {
  const demo = getPreset('demo');
  const m = parseMapping({ ...demo, ledger: { ...demo.ledger!, columns: { ...demo.ledger!.columns, paymentId: undefined } } });
  const payments = reconcileCoverage(m).find((x) => x.check === 'payments')!;
  assert.deepEqual([payments.ran, payments.why], [false, 'the ledger names no payment (ledger.columns.paymentId)']);
});
