/**
 * The statement through its rollup equals the original whole-ledger queries (statement-ledger.ts, the
 * reference) to the last digit: totals, days and per-user pages in every sort, filtered and not, for
 * whole months, partial months, a day, a custom period and months outside the ledger; after new
 * entries arrive (the rollup plus its tail), after the refresh that takes them in, and on Reigh's
 * 2026 schema (an enum type with a kind no preset names, balances moved by the product's trigger, a JSON-field
 * column that makes the ledger a derived relation), also with the ledger mapped through a filter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createDb } from '@/db/connect';
import type { KontorDatabase } from '@/db/types';
import { activeMapping, type Mapping } from '@/lib/mapping';
import { parseMapping } from '@/lib/mapping/schema';
import { bestVariant, readCatalog } from '@/lib/mapping/detect';
import { getStatement, listStatementUsers, parsePeriod, type Period, type StatementUserSort } from '@/lib/domain/statement';
import { computeStatementPeriod, type PeriodLines } from '@/lib/domain/statement-periods';
import { ledgerStatement, ledgerStatementUsers } from '@/lib/domain/statement-ledger';
import { daysShown } from '@/lib/domain/statement-figures';
import { refreshStatementRollup } from '@/lib/domain/statement-rollup-refresh';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { buildFixture } from '@/db/fixtures/build';
import { emptyDatabase, TEST_ANCHOR, type TestDatabase } from '@/test/db';
import type { StaffContext } from '@/lib/auth';

const USER_QUERIES: { sort: StatementUserSort; desc: boolean; offset: number; filter: string }[] = [
  { sort: 'closing', desc: true, offset: 0, filter: '' },
  { sort: 'closing', desc: false, offset: 25, filter: '' },
  { sort: 'opening', desc: true, offset: 0, filter: '' },
  { sort: 'grants', desc: true, offset: 0, filter: '' },
  { sort: 'spends', desc: false, offset: 50, filter: '' },
  { sort: 'adjustments', desc: true, offset: 0, filter: '' },
  { sort: 'other', desc: true, offset: 0, filter: '' },
  { sort: 'user', desc: false, offset: 0, filter: '' },
  { sort: 'user', desc: true, offset: 10, filter: '' },
  { sort: 'closing', desc: true, offset: 0, filter: 'a' },
];

async function assertSame(
  db: Kysely<KontorDatabase>, staff: StaffContext, mapping: Mapping, period: Period, label: string, extraFilter?: string,
  opts: { storedFrom?: number; lines?: PeriodLines['kind'] } = {},
) {
  const mine = await getStatement(db, { staff, mapping }, period);
  assert.equal(mine.source.kind, 'rollup', `${label}: read through the rollup`);
  const ref = await ledgerStatement(db, mapping, period);
  // A period running past today lists its days through today (the page's daysShown), whole totals.
  assert.deepEqual({ total: mine.total, days: mine.days }, { ...ref, days: daysShown(ref.days, period) }, `${label}: totals and days`);
  for (const q of [...USER_QUERIES, ...(extraFilter ? [{ sort: 'closing' as const, desc: true, offset: 0, filter: extraFilter }] : [])]) {
    const args = { ...q, limit: 25 };
    const a = await listStatementUsers(db, { staff, mapping }, period, args, opts);
    assert.equal(a.source.kind, 'rollup');
    if (opts.lines) assert.equal(a.lines.kind, opts.lines, `${label}: lines ${opts.lines}`);
    const b = await ledgerStatementUsers(db, mapping, period, args);
    assert.deepEqual({ rows: a.rows, total: a.total }, b, `${label}: users ${JSON.stringify(q)}`);
  }
  return ref;
}

const month = (m: string) => parsePeriod({ period: 'month', month: m }, TEST_ANCHOR);
const monthOf = (d: Date) => d.toISOString().slice(0, 7);

describe('the statement rollup on the demo', () => {
  let f: GuardFixture;
  const mapping = activeMapping();
  let now: Date;
  before(async () => {
    f = await guardFixture();
    now = (await sql<{ now: Date }>`select now() as now`.execute(f.admin)).rows[0].now;
  });
  after(() => f?.close());

  test('without a rollup the statement reads the ledger', async () => {
    const r = await getStatement(f.db, { staff: f.staff.finance, mapping }, month('2026-10'));
    assert.equal(r.source.kind, 'ledger');
  });

  test('built by the runtime role through the pooler, it equals the whole-ledger queries', async () => {
    const built = await refreshStatementRollup(f.db, mapping);
    assert.ok(built?.full);
    assert.ok(built.entries > 100_000, `${built.entries} entries`);
    const { rows: [n] } = await sql<{ n: string }>`select count(*)::text as n from public.credits_ledger`.execute(f.admin);
    assert.equal(built.entries, Number(n.n));
    const { rows: [userId] } = await sql<{ id: string }>`select user_id::text as id from public.credits_ledger order by id limit 1`.execute(f.admin);
    for (const [p, label] of [
      [month('2026-10'), 'October'], [month('2026-11'), 'November'], [month('2026-09'), 'September (the ledger starts in it)'],
      [parsePeriod({ period: 'custom', from: '2026-09-15', to: '2026-11-20' }, TEST_ANCHOR), 'custom'],
      [parsePeriod({ period: 'day', day: '2026-11-02' }, TEST_ANCHOR), 'a day'],
      [month('2026-01'), 'a month before the ledger'], [month(monthOf(now)), 'the current month'],
    ] as const) await assertSame(f.db, f.staff.finance, mapping, p, label, userId.id);
  });

  test('entries after the rollup count at once (its tail), and the refresh takes them in once', async () => {
    const { rows: [u] } = await sql<{ id: string }>`
      select user_id::text as id from public.credits_ledger where created_at >= '2026-11-01' group by 1 order by count(*) desc limit 1`.execute(f.admin);
    const ghost = '00000000-0000-4000-8000-00000000abcd'; // a user with no users row and no lines
    const insert = () => sql`
      insert into public.credits_ledger (user_id, amount, type, description, created_at)
      values (${u.id}, 12.34, 'grant', 'test', now()), (${u.id}, -1.5, 'spend', 'test', now()),
             (${u.id}, -0.25, 'expiry', 'test', now()), (${ghost}, 7, 'manual', 'test', now()),
             (${ghost}, -7, 'manual', 'test', now()), (${u.id}, -2, 'refund', 'test', now())`.execute(f.admin);
    await insert();
    const current = month(monthOf(now));
    await assertSame(f.db, f.staff.finance, mapping, current, 'new entries, rollup behind');
    await assertSame(f.db, f.staff.finance, mapping, month('2026-11'), 'November, rollup behind');
    const tail = await getStatement(f.db, { staff: f.staff.finance, mapping }, current);
    assert.equal(tail.source.kind === 'rollup' && tail.source.tail, 6);

    const second = await refreshStatementRollup(f.db, mapping);
    assert.equal(second?.full, false);
    assert.equal(second?.entries, 6);
    await assertSame(f.db, f.staff.finance, mapping, current, 'after the refresh');
    const none = await refreshStatementRollup(f.db, mapping);
    assert.equal(none?.entries, 0);

    // Now inside the rollup's last month: the month's lines plus its tail.
    await insert();
    await assertSame(f.db, f.staff.finance, mapping, current, 'the last month with a tail');
    await assertSame(f.db, f.staff.finance, mapping, parsePeriod({ period: 'day', day: now.toISOString().slice(0, 10) }, TEST_ANCHOR), 'today');
    // Refreshes at the same moment: one writes, the other skips; nothing is counted twice.
    const both = await Promise.all([refreshStatementRollup(f.db, mapping), refreshStatementRollup(f.db, mapping)]);
    assert.equal(both.reduce((n, r) => n + (r?.entries ?? 0), 0), 6);
    await assertSame(f.db, f.staff.finance, mapping, current, 'after concurrent refreshes');
    const { rows: [all] } = await sql<{ n: string }>`select sum(entries)::text as n from kontor.statement_days`.execute(f.admin);
    const { rows: [n] } = await sql<{ n: string }>`select count(*)::text as n from public.credits_ledger`.execute(f.admin);
    assert.equal(all.n, n.n);
  });

  test('a day or a custom period past the threshold: computed once in the background, then stored lines plus the entries since', async () => {
    const stored = { storedFrom: 1 };
    const day = parsePeriod({ period: 'day', day: '2026-11-02' }, TEST_ANCHOR);
    const custom = parsePeriod({ period: 'custom', from: '2026-10-20', to: '2026-11-20' }, TEST_ANCHOR);
    const today = parsePeriod({ period: 'day', day: now.toISOString().slice(0, 10) }, TEST_ANCHOR);
    const q = { sort: 'closing' as const, desc: true, offset: 0, filter: '', limit: 25 };
    const missing = await listStatementUsers(f.db, { staff: f.staff.finance, mapping }, day, q, stored);
    assert.equal(missing.lines.kind, 'missing', 'not computed yet: the page starts the job');
    assert.ok(missing.lines.kind === 'missing' && missing.lines.entries > 1000, 'it says how many entries the job sums');
    assert.deepEqual(missing.rows, []);
    // Under the threshold the page sums them itself.
    assert.equal((await listStatementUsers(f.db, { staff: f.staff.finance, mapping }, day, q)).lines.kind, 'live');
    // A whole month needs no job.
    assert.equal((await listStatementUsers(f.db, { staff: f.staff.finance, mapping }, month('2026-10'), q, stored)).lines.kind, 'live');
    let lines = 0;
    for (const p of [day, custom, today]) {
      const r = await computeStatementPeriod(f.db, mapping, p);
      assert.ok(r && r.lines > 0, 'lines stored');
      lines += r.lines;
    }
    // The job (the runtime role) analyzed them: the planner knows how many lines there are before anyone reads them.
    const { rows: [stats] } = await sql<{ n: number }>`select reltuples::float8 as n from pg_catalog.pg_class where oid = 'kontor.statement_period_lines'::regclass`.execute(f.admin);
    assert.equal(stats.n, lines);
    await assertSame(f.db, f.staff.finance, mapping, day, 'a stored day', undefined, { ...stored, lines: 'stored' });
    await assertSame(f.db, f.staff.finance, mapping, custom, 'a stored custom period', undefined, { ...stored, lines: 'stored' });
    await assertSame(f.db, f.staff.finance, mapping, today, 'today, stored', undefined, { ...stored, lines: 'stored' });
    // Entries created after the lines were computed count at once, on top of them.
    const { rows: [u] } = await sql<{ id: string }>`
      select user_id::text as id from public.credits_ledger where created_at >= '2026-11-01' group by 1 order by count(*) desc limit 1`.execute(f.admin);
    await sql`
      insert into public.credits_ledger (user_id, amount, type, description, created_at)
      values (${u.id}, 99.5, 'grant', 'test', now()), (${u.id}, -3.25, 'spend', 'test', now()),
             ('00000000-0000-4000-8000-00000000abce', 4, 'manual', 'test', now())`.execute(f.admin);
    await assertSame(f.db, f.staff.finance, mapping, today, 'today, stored lines plus new entries', undefined, { ...stored, lines: 'stored' });
    // Computed again in place (the page does when it is stale): the same figures, one period row.
    await computeStatementPeriod(f.db, mapping, today);
    await assertSame(f.db, f.staff.finance, mapping, today, 'today, computed again', undefined, { ...stored, lines: 'stored' });
    const { rows: [n] } = await sql<{ n: string }>`select count(*)::text as n from kontor.statement_periods`.execute(f.admin);
    assert.equal(n.n, '3');
    // A fourth period: the oldest computed (the day) makes room (KEEP_PERIODS).
    await computeStatementPeriod(f.db, mapping, parsePeriod({ period: 'day', day: '2026-11-05' }, TEST_ANCHOR));
    assert.equal((await listStatementUsers(f.db, { staff: f.staff.finance, mapping }, day, q, stored)).lines.kind, 'missing');
    assert.equal((await listStatementUsers(f.db, { staff: f.staff.finance, mapping }, custom, q, stored)).lines.kind, 'stored');
    // A rebuild of the rollup drops them: computed again from the new build.
    await refreshStatementRollup(f.db, mapping, { rebuild: true });
    assert.equal((await listStatementUsers(f.db, { staff: f.staff.finance, mapping }, custom, q, stored)).lines.kind, 'missing');
  });

  test('the runtime role reads and refreshes it, and a rebuild gives the same lines', async () => {
    const lines = async () => (await sql<{ h: string }>`
      select md5(string_agg(format('%s %s %s %s %s %s %s %s %s %s', month, account, round(opening, 6), round(grants, 6), round(spends, 6),
                                     round(adjustments, 6), round(refunds, 6), round(expiries, 6), round(other, 6), round(closing, 6)), ',' order by month, account)) as h
        from kontor.statement_lines`.execute(f.admin)).rows[0].h;
    const before = await lines();
    const rebuilt = await refreshStatementRollup(f.db, mapping, { rebuild: true });
    assert.ok(rebuilt?.full);
    assert.equal(await lines(), before);
  });
});

describe('the statement rollup on Reigh 2026', () => {
  let t: TestDatabase;
  let db: Kysely<KontorDatabase>;
  let mapping: Mapping;
  before(async () => {
    t = await emptyDatabase();
    await buildFixture(t.url, 'reigh-2026', { anchor: TEST_ANCHOR });
    db = createDb(t.url, { max: 4 });
    mapping = parseMapping(bestVariant('reigh', await readCatalog(db))!);
  });
  after(async () => {
    await db?.destroy();
    await t?.drop();
  });

  test('equals the whole-ledger queries, with its auto top-ups as "other", before and after new entries', async () => {
    const staff = { can: () => true } as unknown as StaffContext;
    await refreshStatementRollup(db, mapping);
    const { rows: months } = await sql<{ m: string }>`
      select distinct to_char(created_at at time zone 'UTC', 'YYYY-MM') as m from public.credits_ledger order by 1`.execute(db);
    assert.ok(months.length >= 1);
    let sawOther = false;
    for (const { m } of months) {
      const ref = await assertSame(db, staff, mapping, month(m), `Reigh ${m}`);
      sawOther ||= ref.total.other !== '0' && Number(ref.total.other) !== 0;
    }
    const { rows: [u] } = await sql<{ id: string }>`select id::text from public.users order by id limit 1`.execute(db);
    // As the product's edge functions write (the service role): its balance trigger refuses any other writer.
    await db.transaction().execute(async (trx) => {
      await sql`select set_config('request.jwt.claim.role', 'service_role', true)`.execute(trx);
      await sql`
        insert into public.credits_ledger (user_id, amount, type, created_at)
        values (${u.id}, 500, 'auto_topup', now()), (${u.id}, -120, 'spend', now()), (${u.id}, 30, 'manual', now())`.execute(trx);
    });
    const { rows: [now] } = await sql<{ m: string }>`select to_char(now() at time zone 'UTC', 'YYYY-MM') as m`.execute(db);
    const ref = await assertSame(db, staff, mapping, month(now.m), 'Reigh, new entries in the tail');
    assert.notEqual(Number(ref.total.other), 0, 'the auto top-up counts as other');
    await refreshStatementRollup(db, mapping);
    await assertSame(db, staff, mapping, month(now.m), 'Reigh, after the refresh');
    await assertSame(db, staff, mapping, parsePeriod({ period: 'custom', from: `${months[0].m}-10`, to: `${now.m}-05` }, TEST_ANCHOR), 'Reigh, custom');
    assert.ok(sawOther || months.length > 0);
  });

  test('a ledger mapped with a filter (no Stripe rows) rebuilds the rollup for itself and counts only its rows', async () => {
    const staff = { can: () => true } as unknown as StaffContext;
    const input = bestVariant('reigh', await readCatalog(db))!;
    const filtered = parseMapping({ ...input, ledger: { ...input.ledger!, where: { type: ['spend', 'manual', 'refund', 'auto_topup'] } } } as typeof input);
    const built = await refreshStatementRollup(db, filtered);
    assert.ok(built?.full, 'another mapping: built again');
    const { rows: [n] } = await sql<{ n: string }>`select count(*)::text as n from public.credits_ledger where type <> 'stripe'`.execute(db);
    assert.equal(built.entries, Number(n.n));
    const { rows: [now] } = await sql<{ m: string }>`select to_char(now() at time zone 'UTC', 'YYYY-MM') as m`.execute(db);
    await assertSame(db, staff, filtered, month(now.m), 'Reigh filtered');
    const { rows: [u] } = await sql<{ id: string }>`select id::text from public.users order by id desc limit 1`.execute(db);
    await db.transaction().execute(async (trx) => {
      await sql`select set_config('request.jwt.claim.role', 'service_role', true)`.execute(trx);
      await sql`
        insert into public.credits_ledger (user_id, amount, type, created_at, metadata)
        values (${u.id}, 1000, 'stripe', now(), '{"stripe_session_id": "cs_test_rollup"}'), (${u.id}, -40, 'spend', now(), '{}')`.execute(trx);
    });
    const tail = await assertSame(db, staff, filtered, month(now.m), 'Reigh filtered, new entries in the tail');
    const withStripe = await ledgerStatement(db, mapping, month(now.m));
    assert.notEqual(tail.total.grants, withStripe.total.grants, 'the Stripe row counts only where the mapping keeps it');
    const second = await refreshStatementRollup(db, filtered);
    assert.equal(second?.entries, 1, 'the refresh takes in the spend only');
    await assertSame(db, staff, filtered, month(now.m), 'Reigh filtered, after the refresh');
  });
});
