import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { read } from '@/db/index';
import { listIndexes } from '@/lib/inspect/indexes';
import { listTables } from '@/lib/inspect/tables';
import { warmDemo, type DemoCopy } from '@/test/warm-demo';

function kontor(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/kontor.ts', ...args], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let d: DemoCopy;
before(async () => { d = await warmDemo(); });
after(() => d.close());

test('inspect indexes --json: the same verdicts as the page function', async () => {
  const r = kontor(['inspect', 'indexes', '--json'], d.t.url);
  assert.equal(r.code, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  const page = await read((trx) => listIndexes(trx, { verdict: 'any', limit: 50 }), {}, d.db);
  assert.deepEqual(data.indexes.map((i: { name: string; verdict: { kind: string } }) => [i.name, i.verdict.kind]),
    page.rows.map((i) => [i.name, i.verdict!.kind]));
  assert.deepEqual(data.unindexedForeignKeys.map((f: { constraint: string }) => f.constraint), ['generations_task_id_fkey']);
  assert.equal(kontor(['inspect', 'indexes', '--fail-on-findings'], d.t.url).code, 1);
});

test('inspect tables, activity, queries print text and JSON', async () => {
  const tables = JSON.parse(kontor(['inspect', 'tables', '--json', '--limit', '5', '--sort', 'name'], d.t.url).stdout);
  const page = await read((trx) => listTables(trx, { sort: 'name', limit: 5 }), {}, d.db);
  assert.deepEqual(tables.rows.map((t: { name: string }) => t.name), page.rows.map((t) => t.name));
  assert.equal(tables.total, page.total);
  const text = kontor(['inspect', 'tables', '--limit', '3'], d.t.url);
  assert.match(text.stdout, /^table\s+total/);
  assert.match(text.stdout, /3 of \d+ tables/);

  const activity = JSON.parse(kontor(['inspect', 'activity', '--json'], d.t.url).stdout);
  assert.equal(activity.sequences[0].name, 'payments_order_number_seq');
  assert.ok(activity.wraparound.xidAge > 0);

  const queries = kontor(['inspect', 'queries', '--json', '--sort', 'calls'], d.t.url);
  assert.equal(queries.code, 0, queries.stderr);
  assert.equal(JSON.parse(queries.stdout).available, true);
});

test('usage errors exit 2 on stderr; snapshot records history', () => {
  const bad = kontor(['inspect', 'everything'], d.t.url);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /tables, indexes, activity, queries/);
  const sort = kontor(['inspect', 'tables', '--sort', 'pg_sleep(1)'], d.t.url);
  assert.equal(sort.code, 2);
  const snap = kontor(['snapshot', '--json'], d.t.url);
  assert.equal(snap.code, 0, snap.stderr);
  const s = JSON.parse(snap.stdout);
  assert.ok(s.tables > 10 && s.indexes > 30 && s.queries > 0);
});
