import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { poolOf } from '@/db/connect';
import type { KontorDatabase } from '@/db/types';
import { csvCell } from '@/lib/csv';
import { financeCsv, type CsvContext } from '@/lib/domain/finance-csv';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import { getStatement, parsePeriod, STATEMENT_COLUMNS } from '@/lib/domain/statement';
import { getUsageByDay } from '@/lib/domain/usage-costs';
import { guardFixture, instanceDb, type GuardFixture } from '@/test/guard';
import { parseCsv } from '@/test/csv';
import { TEST_ANCHOR } from '@/test/db';

let f: GuardFixture;
let io: CsvContext;
let longReads: Kysely<KontorDatabase>;
before(async () => {
  f = await guardFixture();
  // Cursors on a pool of their own, as the console's long-read pool (kontor_app, through pgbouncer).
  longReads = await instanceDb(f, { max: 2 });
  io = { db: f.db, connect: () => poolOf(longReads)!.connect(), today: TEST_ANCHOR };
});
after(async () => {
  await longReads?.destroy();
  await f?.close();
});


async function csv(table: Parameters<typeof financeCsv>[0], params: Record<string, string>) {
  const { body } = await financeCsv(table, params, f.ctx.finance, io);
  const [header, ...rows] = parseCsv(await new Response(body).text());
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
const cents = (s: string) => Math.round(Number(s) * 100);

test('statement CSVs: per-user and per-day totals equal the page totals and a plain SQL sum', async () => {
  const params = { period: 'month', month: '2026-10' };
  const period = parsePeriod(params, TEST_ANCHOR);
  const { total } = await getStatement(f.db, f.ctx.finance, period);
  const users = await csv('statement-users', params);
  assert.ok(users.length > 1000, `${users.length} rows: no cap`);
  for (const c of STATEMENT_COLUMNS) assert.equal(users.reduce((s, r) => s + cents(r[c]), 0), cents(total[c]), c);
  const { rows: [plain] } = await sql<{ closing: string; spends: string }>`
    select (select sum(amount) from public.credits_ledger where created_at < ${period.to})::text as closing,
           (select -sum(amount) from public.credits_ledger where type = 'spend' and created_at >= ${period.from} and created_at < ${period.to})::text as spends`.execute(f.db);
  assert.equal(cents(total.closing), cents(plain.closing));
  assert.equal(cents(total.spends), cents(plain.spends));
  const days = await csv('statement-days', params);
  assert.equal(days.length, 31);
  assert.equal(days.reduce((s, r) => s + cents(r.spends), 0), cents(plain.spends));
});

test('usage CSVs equal the page totals and a plain SQL sum', async () => {
  const params = { period: 'month', month: '2026-10' };
  const period = parsePeriod(params, TEST_ANCHOR);
  const { total } = await getUsageByDay(f.db, f.ctx.finance, period);
  const users = await csv('usage-users', params);
  const { rows: [plain] } = await sql<{ cost: string }>`
    select sum(cost_usd)::text as cost from public.api_cost_logs where created_at >= ${period.from} and created_at < ${period.to}`.execute(f.db);
  const sum = users.reduce((s, r) => s + Number(r.cost_usd), 0);
  assert.ok(Math.abs(sum - Number(plain.cost)) < 0.01 && Math.abs(Number(total.cost) - Number(plain.cost)) < 0.01);
  const models = await csv('usage-models', params);
  assert.ok(Math.abs(models.reduce((s, r) => s + Number(r.cost_usd), 0) - Number(plain.cost)) < 0.01);
  const negative = await csv('usage-users', { ...params, negative: '1' });
  assert.ok(negative.length > 0 && negative.every((r) => Number(r.margin) < 0));
});

test('the findings CSV lists a run whole, filtered by kind like the page', async () => {
  const r = await runReconciliation(f.db, { mode: 'full', startedBy: 'test' });
  const all = await csv('findings', { run: r.runId });
  assert.equal(all.length, r.findings.length);
  const drift = await csv('findings', { run: r.runId, kind: 'balance_drift' });
  assert.equal(drift.length, r.totals.balance_drift);
});

test('CSV cells: quoted when needed, formulas defused, numbers untouched', () => {
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('-12.50'), '-12.50');
  assert.equal(csvCell(null), '');
});

test('exports need credits.read', async () => {
  await assert.rejects(() => financeCsv('statement-days', {}, f.ctx.viewer, io));
});

test('the per-user statement CSV through the rollup (a month, a stored day) equals the whole-ledger one, row for row', async () => {
  const { refreshStatementRollup } = await import('@/lib/domain/statement-rollup-refresh');
  const { computeStatementPeriod } = await import('@/lib/domain/statement-periods');
  await refreshStatementRollup(f.db, f.ctx.finance.mapping);
  // An entry behind the rollup: the CSV adds it to its account's line.
  await sql`insert into public.credits_ledger (user_id, amount, type, description, created_at)
            select user_id, 3.5, 'grant', 'csv test', now() from public.credits_ledger where user_id is not null order by id limit 1`.execute(f.admin);
  const today = TEST_ANCHOR.toISOString().slice(0, 10);
  const day = { period: 'day', day: '2026-11-03' };
  await computeStatementPeriod(f.db, f.ctx.finance.mapping, parsePeriod(day, TEST_ANCHOR));
  const setAside = (on: boolean) => sql`update kontor.finance_rollups set signature = ${on ? sql`signature || ' (set aside)'` : sql`replace(signature, ' (set aside)', '')`} where name = 'statement'`.execute(f.admin);
  const cases: Record<string, string>[] = [
    { period: 'month', month: '2026-11' }, { period: 'month', month: today.slice(0, 7), u_sort: 'user', u_dir: 'asc' },
    { ...day, u_sort: 'spends', u_dir: 'desc' }, { period: 'month', month: '2026-11', u_q: 'a' }, { ...day, u_sort: 'user', u_dir: 'desc' },
  ];
  for (const params of cases) {
    const mine = await csv('statement-users', params);
    await setAside(true);
    try {
      const ledger = await csv('statement-users', params);
      assert.ok(ledger.length > 10, `${JSON.stringify(params)}: ${ledger.length} rows`);
      assert.deepEqual(mine, ledger, JSON.stringify(params));
    } finally {
      await setAside(false);
    }
  }
});

test('the per-user usage CSV through the rollup (a month, a day, a stored custom period) equals the one over the product tables', async () => {
  const { refreshUsageRollup } = await import('@/lib/domain/usage-rollup-refresh');
  const { computeUsagePeriod } = await import('@/lib/domain/usage-periods');
  await refreshUsageRollup(f.db, f.ctx.finance.mapping);
  const custom = { period: 'custom', from: '2026-10-25', to: '2026-11-06' };
  await computeUsagePeriod(f.db, f.ctx.finance.mapping, parsePeriod(custom, TEST_ANCHOR));
  const setAside = (on: boolean) => sql`update kontor.finance_rollups set signature = ${on ? sql`signature || ' (set aside)'` : sql`replace(signature, ' (set aside)', '')`} where name = 'usage'`.execute(f.admin);
  const cases: Record<string, string>[] = [
    { period: 'month', month: '2026-11' }, { period: 'day', day: '2026-11-03', u_sort: 'user', u_dir: 'asc' },
    { ...custom, u_sort: 'cost', u_dir: 'desc' }, { ...custom, negative: '1' }, { period: 'month', month: '2026-10', u_q: 'a' },
  ];
  for (const params of cases) {
    const mine = await csv('usage-users', params);
    await setAside(true);
    try {
      const reference = await csv('usage-users', params);
      assert.ok(reference.length > 0, `${JSON.stringify(params)}: ${reference.length} rows`);
      assert.deepEqual(mine, reference, JSON.stringify(params));
    } finally {
      await setAside(false);
    }
  }
});
