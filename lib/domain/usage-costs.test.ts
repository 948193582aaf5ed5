import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { activeMapping } from '@/lib/mapping';
import { parsePeriod } from '@/lib/domain/statement';
import { getUsageByDay, getUsageByModel, listUsageByUser } from '@/lib/domain/usage-costs';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { TEST_ANCHOR } from '@/test/db';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const mapping = activeMapping();
const period = parsePeriod({ period: 'month', month: '2026-10' }, TEST_ANCHOR);
const close = (a: number, b: number, label: string) => assert.ok(Math.abs(a - b) < 0.01, `${label}: ${a} vs ${b}`);

test('usage per day, per user and per model add up to the same totals, and to plain SQL sums', async () => {
  const { days, total } = await getUsageByDay(f.db, { staff: f.staff.finance, mapping }, period);
  assert.equal(days.length, 31);
  const { rows: [plain] } = await sql<{ cost: string; credits: string }>`
    select (select sum(cost_usd) from public.api_cost_logs where created_at >= ${period.from} and created_at < ${period.to})::text as cost,
           (select -sum(amount) from public.credits_ledger where type = 'spend' and created_at >= ${period.from} and created_at < ${period.to})::text as credits`.execute(f.db);
  close(Number(total.cost), Number(plain.cost), 'cost');
  close(Number(total.credits), Number(plain.credits), 'credits');

  const users = await listUsageByUser(f.db, { staff: f.staff.finance, mapping }, period, { sort: 'margin', desc: false, limit: 5000, offset: 0, filter: '' });
  const sum = (rows: { cost: string; credits: string; revenue: string }[], k: 'cost' | 'credits' | 'revenue') => rows.reduce((s, r) => s + Number(r[k]), 0);
  close(sum(users.rows, 'cost'), Number(total.cost), 'users cost');
  close(sum(users.rows, 'credits'), Number(total.credits), 'users credits');
  close(sum(users.rows, 'revenue'), Number(total.revenue), 'users revenue');
  const models = await getUsageByModel(f.db, { staff: f.staff.finance, mapping }, period);
  close(sum(models, 'cost'), Number(total.cost), 'models cost');
  assert.ok(models.length >= 5);

  const negative = await listUsageByUser(f.db, { staff: f.staff.finance, mapping }, period, { sort: 'margin', desc: false, limit: 5000, offset: 0, filter: '', negativeOnly: true });
  assert.equal(negative.total, users.rows.filter((r) => Number(r.margin) < 0).length);
  assert.ok(negative.total > 0, 'free-credit users cost money and bring no revenue');
});

test('the month in progress lists its days through today, never a future day', async () => {
  // TEST_ANCHOR is the demo's today: 2026-11-20.
  const { days } = await getUsageByDay(f.db, { staff: f.staff.finance, mapping }, parsePeriod({ period: 'month', month: '2026-11' }, TEST_ANCHOR));
  assert.equal(days.length, 20);
  assert.equal(days.at(-1)?.day, '2026-11-20');
  const past = await getUsageByDay(f.db, { staff: f.staff.finance, mapping }, parsePeriod({ period: 'month', month: '2026-10' }, TEST_ANCHOR));
  assert.equal(past.days.length, 31);
});
