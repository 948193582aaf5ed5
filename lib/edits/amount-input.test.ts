/** Amounts as people type them (issue 19): a minus sign from a phone or a word processor, spaces around. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustCreditsInput } from '@/lib/edits/credits-adjust';
import { refundInput } from '@/lib/edits/refund';
import { typedAmountText } from '@/lib/money';

const USER = '6f1b2c3d-0000-4000-8000-000000000001';

test('a minus typed as U+2212, an en dash or with spaces adjusts by -5', () => {
  for (const typed of ['\u22125', '\u20135', ' -5', '-5 ', '\u00a0\u22125\u00a0', '- 5', '\u2212 5', '\uff0d5', '\u2014 5']) {
    const r = adjustCreditsInput.safeParse({ userId: USER, amount: typed });
    assert.ok(r.success, `${JSON.stringify(typed)}: ${r.success ? '' : r.error.issues[0].message}`);
    assert.equal(r.data.amount, '-5', JSON.stringify(typed));
  }
  assert.equal(adjustCreditsInput.parse({ userId: USER, amount: '\u221212.50' }).amount, '-12.50');
  assert.equal(adjustCreditsInput.parse({ userId: USER, amount: ' +25 ' }).amount, '25');
});

test('what is not an amount stays refused', () => {
  for (const typed of ['5\u2212', '5-', '--5', '\u2212\u22125', '1,5', '\u2212', '-', 'five', '5 5']) {
    assert.equal(adjustCreditsInput.safeParse({ userId: USER, amount: typed }).success, false, JSON.stringify(typed));
  }
});

test('a refund amount with spaces around it is read; one typed negative is refused as not positive', () => {
  const payment = '6f1b2c3d-0000-4000-8000-000000000002';
  assert.equal(refundInput.parse({ paymentId: payment, amount: '\u00a012.00 ', currency: 'usd' }).amount, '12.00');
  const negative = refundInput.safeParse({ paymentId: payment, amount: '\u22125', currency: 'USD' });
  assert.equal(negative.success, false);
  assert.match(negative.error!.issues[0].message, /positive/);
});

test('typedAmountText changes only the sign and the spaces', () => {
  assert.equal(typedAmountText('\u22120.5'), '-0.5');
  assert.equal(typedAmountText('\u2013 .5'), '-.5');
  assert.equal(typedAmountText('12'), '12');
  assert.equal(typedAmountText(-3), '-3');
  assert.equal(typedAmountText('1\u22122'), '1\u22122');
});
