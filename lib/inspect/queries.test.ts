import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sql } from 'kysely';
import { read, write } from '@/db/index';
import { getStatementsSource, listTopQueries, QUERY_SORTS, statementColumnNames, versionAtLeast, type QueryList } from '@/lib/inspect/queries';
import { getIdleSince, getTableHistory, getDatabaseHistory, takeSnapshot } from '@/lib/inspect/snapshots';
import { listIndexes } from '@/lib/inspect/indexes';
import { warmDemo, type DemoCopy } from '@/test/warm-demo';

test('statement columns follow the extension version', () => {
  assert.equal(versionAtLeast('1.10', '1.9'), true);
  assert.equal(versionAtLeast('1.7', '1.8'), false);
  assert.deepEqual(statementColumnNames('1.11'), { totalMs: 'total_exec_time', meanMs: 'mean_exec_time', readMs: 'shared_blk_read_time' });
  assert.deepEqual(statementColumnNames('1.10'), { totalMs: 'total_exec_time', meanMs: 'mean_exec_time', readMs: 'blk_read_time' });
  assert.deepEqual(statementColumnNames('1.7'), { totalMs: 'total_time', meanMs: 'mean_time', readMs: 'blk_read_time' });
});

test('Kontor never resets pg_stat_statements', () => {
  for (const f of fs.readdirSync('lib/inspect')) {
    if (f.endsWith('.test.ts') || !f.endsWith('.ts')) continue;
    assert.doesNotMatch(fs.readFileSync(`lib/inspect/${f}`, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\/|^\s*\*.*$/gm, ''), /pg_stat_statements_reset/i, f);
  }
});

for (const major of [17, 15] as const) {
  describe(`queries and snapshots on PostgreSQL ${major}`, () => {
    let d: DemoCopy;
    before(async () => { d = await warmDemo(major); });
    after(() => d.close());
    const r = <T,>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, d.db);

    test('top queries, with deltas since the latest snapshot', async () => {
      const source = await r((trx) => getStatementsSource(trx));
      assert.ok(source.available, 'the demo has pg_stat_statements');
      if (!source.available) return;
      assert.equal(source.version, major === 17 ? '1.11' : '1.10');
      const probe = `select ${major}000 + count(*) as kontor_probe from public.workers`;
      await d.run(probe, probe);
      const find = async () => (await r((trx) => listTopQueries(trx, source, { q: 'kontor_probe', limit: 5 }))).rows.find((q) => /kontor_probe/.test(q.query) && !/pg_stat_statements/.test(q.query))!;
      const first = await find();
      assert.equal(first.calls, 2);
      assert.match(first.query, /\$1/, 'normalized text');
      const snap = await write((trx) => takeSnapshot(trx), {}, d.db);
      assert.ok(snap.queries > 0 && snap.tables > 0 && snap.indexes > 0);
      await d.run(probe, probe, probe);
      const later = await find();
      assert.equal(later.calls, 5);
      assert.deepEqual(later.sinceSnapshot && later.sinceSnapshot.calls, 3);
      for (const sort of QUERY_SORTS) await r((trx) => listTopQueries(trx, source, { sort, limit: 2 }));
      // The reset time and the snapshot come with the list, also when no statement matches.
      const empty = await r((trx) => listTopQueries(trx, source, { q: 'no statement says this 4f1c' }));
      assert.deepEqual([empty.rows.length, empty.total], [0, 0]);
      assert.ok(empty.statsSince instanceof Date && empty.snapshotAt instanceof Date);
      assert.equal(empty.snapshotAt.getTime(), snap.takenAt.getTime());
      // Without Kontor's schema (not migrated): the list still reads, with no deltas.
      const bare = await r((trx) => listTopQueries(trx, { ...source, snapshots: false }, { q: 'kontor_probe', limit: 5 }));
      assert.ok(bare.rows.length > 0 && bare.rows.every((q) => q.sinceSnapshot === null) && bare.snapshotAt === null);
      // Sorted as asked, across the page.
      for (const sort of ['calls', 'rows'] as const) {
        const list: QueryList = await r((trx) => listTopQueries(trx, source, { sort, limit: 20 }));
        const keys = list.rows.map((q) => q[sort]);
        assert.deepEqual(keys, [...keys].sort((a, b) => b - a), sort);
      }
    });

    test('a missing extension gives a note, not an error', async () => {
      await d.run('drop extension pg_stat_statements');
      const source = await r((trx) => getStatementsSource(trx));
      assert.equal(source.available, false);
      if (!source.available) assert.match(source.reason, /not installed/);
      await d.run('create extension pg_stat_statements schema extensions');
    });

    test('history: sizes per snapshot, scan deltas per index, idle since', async () => {
      await write((trx) => takeSnapshot(trx), {}, d.db);
      // Back-date the snapshots so that they spread over days.
      await sql`update kontor.snapshots set taken_at = now() - make_interval(days => 10 - id::int)`.execute(d.db);
      await d.run('set enable_seqscan = off', `select id from public.projects where user_id = '00000000-0000-4000-8000-000000000000'`);
      await write((trx) => takeSnapshot(trx, { keepDays: 365 }), {}, d.db);
      const h = await r((trx) => getTableHistory(trx, 'public', 'projects'));
      assert.equal(h.totalBytes.length, 3);
      assert.ok(h.rows.length === 3 && h.rows[0].value > 0);
      const scans = h.indexScans.find((i) => i.index === 'idx_projects_user_id')!;
      assert.deepEqual(scans.points.map((p) => p.value), [0, 1]);
      const db = await r((trx) => getDatabaseHistory(trx));
      assert.equal(db.size.length, 3);
      const unused = (await r((trx) => listIndexes(trx, { verdict: 'unused' }))).rows;
      const idle = await r((trx) => getIdleSince(trx, unused.map((u) => ({ schema: u.schema, name: u.name, scans: u.scans }))));
      const since = idle.get('public.idx_payments_amount')!;
      const days = (Date.now() - since.getTime()) / 86_400_000;
      assert.ok(days > 8.9 && days < 9.1, `idle for ${days} days`);
      const scanned = await r((trx) => getIdleSince(trx, [{ schema: 'public', name: 'idx_projects_user_id', scans: 1e9 }]));
      assert.equal(scanned.size, 0, 'a moving counter is not idle');
    });
  });
}
