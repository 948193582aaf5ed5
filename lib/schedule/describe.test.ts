import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCron, summarizeOutcome } from '@/lib/schedule/describe';

test('a cron in words; anything else shown as the cron itself', () => {
  assert.equal(describeCron('* * * * *'), 'every minute');
  assert.equal(describeCron('*/5 * * * *'), 'every 5 minutes');
  assert.equal(describeCron('17 * * * *'), 'hourly at :17');
  assert.equal(describeCron('30 2 * * *'), 'daily at 02:30 UTC');
  assert.equal(describeCron('0 4 * * 1'), 'cron 0 4 * * 1 (UTC)');
  assert.equal(describeCron(null), 'off (run now only)');
});

test("a run's outcome in one line: numbers and short strings, an advisors' counts", () => {
  assert.equal(summarizeOutcome({ id: 3, tables: 72, takenAt: '2026-12-08T00:08:03.207Z', big: 'x'.repeat(80), list: [1] }), 'id 3 · tables 72 · takenAt 2026-12-08T00:08:03.207Z');
  assert.equal(summarizeOutcome({ counts: { error: 1, warning: 4, info: 0 }, findings: [] }), '1 error, 4 warning, 0 info');
  assert.equal(summarizeOutcome(null), null);
  assert.equal(summarizeOutcome({ nested: { a: 1 } }), null);
});
