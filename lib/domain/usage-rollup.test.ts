/**
 * Usage costs through their rollup equal the queries over the product's tables (the reference, read
 * when the rollup is set aside) to the last digit: totals and days, models, per-user pages in every
 * sort, filtered and not, for whole months, a day and a custom period; after calls, spends and a
 * payment arrive behind the rollup (the changed accounts read live), an API call back-dated into an
 * earlier month (tracked by the log's key), after the refresh that takes them in, after a payment's
 * status changes (a refresh moves the price), and after a rebuild.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { activeMapping, type Mapping } from '@/lib/mapping';
import { parsePeriod, type Period } from '@/lib/domain/statement';
import { getUsageByDay, getUsageByModel, listUsageByUser, type UsageUserSort } from '@/lib/domain/usage-costs';
import { refreshUsageRollup } from '@/lib/domain/usage-rollup-refresh';
import { computeUsagePeriod, usagePeriodLines } from '@/lib/domain/usage-periods';
import { readRollup } from '@/lib/domain/finance-rollups';
import { usageSignature } from '@/lib/domain/usage-rollup-sql';
import type { UsagePeriod } from '@/lib/domain/usage-rollup';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { TEST_ANCHOR } from '@/test/db';

const month = (m: string) => parsePeriod({ period: 'month', month: m }, TEST_ANCHOR);
const USER_QUERIES: { sort: UsageUserSort; desc: boolean; offset: number; filter: string; negativeOnly?: boolean }[] = [
  { sort: 'margin', desc: false, offset: 0, filter: '' },
  { sort: 'margin', desc: false, offset: 25, filter: '', negativeOnly: true },
  { sort: 'cost', desc: true, offset: 0, filter: '' },
  { sort: 'calls', desc: true, offset: 10, filter: '' },
  { sort: 'credits', desc: true, offset: 0, filter: '' },
  { sort: 'revenue', desc: false, offset: 0, filter: '' },
  { sort: 'user', desc: false, offset: 0, filter: '' },
  { sort: 'user', desc: true, offset: 10, filter: '', negativeOnly: true },
  { sort: 'margin', desc: true, offset: 0, filter: 'a' },
];

/**
 * `full`: every case; else the rollup built, new rows behind it, refreshed (for the API cost log tracked
 * by its created-at column: a mapping whose key is no integer).
 */
function suite(name: string, mapping: Mapping, full: boolean) {
describe(name, () => {
  let f: GuardFixture;
  let now: Date;
  before(async () => {
    f = await guardFixture();
    now = (await sql<{ now: Date }>`select now() as now`.execute(f.admin)).rows[0].now;
  });
  after(() => f?.close());

  async function everything(period: Period, extraFilter: string, stored?: UsagePeriod) {
    const { source, ...byDay } = await getUsageByDay(f.db, { staff: f.staff.finance, mapping }, period);
    const models = await getUsageByModel(f.db, { staff: f.staff.finance, mapping }, period, { stored });
    const users = [];
    for (const q of [...USER_QUERIES, { sort: 'margin' as const, desc: false, offset: 0, filter: extraFilter }]) {
      users.push(await listUsageByUser(f.db, { staff: f.staff.finance, mapping }, period, { ...q, limit: 25 }, { stored }));
    }
    return { source: source.kind, byDay, models, users };
  }

  /** The rollup's figures, then the reference's (the rollup set aside by its signature), equal. */
  async function assertSame(period: Period, label: string, stored?: UsagePeriod) {
    const { rows: [u] } = await sql<{ id: string }>`select user_id::text as id from public.api_cost_logs where user_id is not null order by id limit 1`.execute(f.admin);
    const mine = await everything(period, u.id, stored);
    assert.equal(mine.source, 'rollup', `${label}: read through the rollup`);
    await sql`update kontor.finance_rollups set signature = signature || ' (set aside)' where name = 'usage'`.execute(f.admin);
    try {
      const ref = await everything(period, u.id);
      assert.equal(ref.source, 'live');
      assert.deepEqual(mine.byDay, ref.byDay, `${label}: days and totals`);
      assert.deepEqual(mine.models, ref.models, `${label}: models`);
      mine.users.forEach((m, i) => assert.deepEqual(m, ref.users[i], `${label}: users ${JSON.stringify(USER_QUERIES[i] ?? 'by key')}`));
    } finally {
      await sql`update kontor.finance_rollups set signature = replace(signature, ' (set aside)', '') where name = 'usage'`.execute(f.admin);
    }
  }

  const periods = (): [Period, string][] => [
    [month('2026-10'), 'October'], [month('2026-11'), 'November'],
    [parsePeriod({ period: 'day', day: '2026-11-02' }, TEST_ANCHOR), 'a day'],
    [parsePeriod({ period: 'custom', from: '2026-09-15', to: '2026-11-20' }, TEST_ANCHOR), 'custom'],
    [month(now.toISOString().slice(0, 7)), 'the current month'],
    [parsePeriod({ period: 'day', day: now.toISOString().slice(0, 10) }, TEST_ANCHOR), 'today'],
  ];

  if (full) test('without a rollup usage costs read the product tables', async () => {
    assert.equal((await getUsageByDay(f.db, { staff: f.staff.finance, mapping }, month('2026-10'))).source.kind, 'live');
  });

  test('built by the runtime role through the pooler, it equals the reference', async () => {
    const built = await refreshUsageRollup(f.db, mapping);
    assert.ok(built?.full);
    assert.ok(built.accounts > 100, `${built.accounts} accounts`);
    for (const [p, label] of periods()) await assertSame(p, label);
  });

  test('calls, spends and payments after the rollup count at once, and the refresh takes them in', async () => {
    const { rows: [u] } = await sql<{ id: string }>`
      select l.user_id::text as id from public.credits_ledger l join public.payments p on p.user_id = l.user_id and p.status = 'completed'
       where l.type = 'spend' and l.created_at >= '2026-11-01' group by 1 order by count(*) desc limit 1`.execute(f.admin);
    // A call back-dated into October: tracked by the log's key it counts at once; by created-at only a rebuild sees it, so not there.
    await sql`
      insert into public.api_cost_logs (user_id, provider, model, input_tokens, output_tokens, cost_usd, created_at)
      values (${u.id}, 'openai', 'gpt-test', 10, 20, 0.123456, now()), (null, 'openai', 'gpt-test', 1, 2, 0.5, now()),
             (${u.id}, 'anthropic', 'claude-test', 5, 5, 0.000001, ${full ? '2026-10-15T10:00:00Z' : new Date().toISOString()})`.execute(f.admin);
    await sql`insert into public.credits_ledger (user_id, amount, type, description, created_at) values (${u.id}, -3.25, 'spend', 'test', now())`.execute(f.admin);
    await sql`insert into public.payments (user_id, provider, provider_ref, amount, credits, status)
              values (${u.id}, 'stripe', 'usage-rollup-test-1', 7.77, 333, 'completed')`.execute(f.admin);
    for (const [p, label] of periods()) await assertSame(p, `behind: ${label}`);

    const second = await refreshUsageRollup(f.db, mapping);
    assert.equal(second?.full, false);
    assert.equal(second?.accounts, 2, 'the user and the calls without one');
    for (const [p, label] of periods()) await assertSame(p, `refreshed: ${label}`);
    assert.equal((await refreshUsageRollup(f.db, mapping))?.accounts, 0);
  });

  test('a custom period past the threshold: computed once, then read as stored plus the accounts changed since', async () => {
    const custom = parsePeriod({ period: 'custom', from: '2026-10-20', to: '2026-11-18' }, TEST_ANCHOR);
    const state = async () => usagePeriodLines(f.db, mapping, custom, await readRollup(f.db, 'usage', usageSignature(mapping)), { storedFrom: 1 });
    const before = await state();
    assert.equal(before.kind, 'missing', 'not computed yet: the page starts the job');
    assert.equal((await usagePeriodLines(f.db, mapping, month('2026-10'), await readRollup(f.db, 'usage', usageSignature(mapping)), { storedFrom: 1 })).kind, 'live', 'a month reads its own lines');
    const computed = await computeUsagePeriod(f.db, mapping, custom);
    assert.ok(computed && computed.lines > 0 && computed.models > 0);
    const kept = async () => { const s = await state(); assert.equal(s.kind, 'stored'); return (s as Extract<typeof s, { kind: 'stored' }>).stored; };
    await assertSame(custom, 'stored custom', await kept());
    // Rows behind the stored period: their accounts are read live, the rest stays stored.
    const { rows: [u] } = await sql<{ id: string }>`
      select l.user_id::text as id from public.credits_ledger l join public.payments p on p.user_id = l.user_id and p.status = 'completed'
       where l.type = 'spend' and l.created_at >= '2026-11-01' group by 1 order by count(*) desc limit 1 offset 1`.execute(f.admin);
    await sql`
      insert into public.api_cost_logs (user_id, provider, model, input_tokens, output_tokens, cost_usd, created_at)
      values (${u.id}, 'openai', 'gpt-test-2', 10, 20, 0.654321, now()), (null, 'openai', 'gpt-test-2', 1, 2, 0.25, now())`.execute(f.admin);
    await sql`insert into public.credits_ledger (user_id, amount, type, description, created_at) values (${u.id}, -4.5, 'spend', 'test', now())`.execute(f.admin);
    await sql`insert into public.payments (user_id, provider, provider_ref, amount, credits, status)
              values (${u.id}, 'stripe', 'usage-period-test-1', 9.99, 250, 'completed')`.execute(f.admin);
    await assertSame(custom, 'stored custom, rows behind it', await kept());
    // The rollup moves on: the stored period still counts every account changed since it was computed.
    await refreshUsageRollup(f.db, mapping);
    await assertSame(custom, 'stored custom, rollup moved on', await kept());
    assert.equal((await computeUsagePeriod(f.db, mapping, custom))?.lines, computed.lines, 'computed again in place');
    await assertSame(custom, 'stored custom, computed again', await kept());
  });

  if (full) test('a payment whose status changes moves its user\'s price at the next refresh; a rebuild gives the same', async () => {
    const { rows: [p] } = await sql<{ id: string }>`
      select p.id::text from public.payments p where p.status = 'completed'
         and exists (select from public.credits_ledger l where l.user_id = p.user_id and l.type = 'spend' and l.created_at >= '2026-10-01')
       order by p.id limit 1`.execute(f.admin);
    await sql`update public.payments set status = 'failed' where id = ${p.id}::uuid`.execute(f.admin);
    const r = await refreshUsageRollup(f.db, mapping);
    assert.equal(r?.accounts, 1);
    for (const [period, label] of periods()) await assertSame(period, `status changed: ${label}`);
    const rebuilt = await refreshUsageRollup(f.db, mapping, { rebuild: true });
    assert.ok(rebuilt?.full);
    await assertSame(month('2026-11'), 'rebuilt');
  });
});
}

suite('usage costs through the rollup', activeMapping(), true);
const byTime = activeMapping();
suite('usage costs through the rollup, the API cost log tracked by its created-at', { ...byTime, apiCosts: { ...byTime.apiCosts!, key: 'task_id' } }, false);
