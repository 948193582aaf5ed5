/**
 * The row browser: keyset pages that together list every row exactly once, in order, forwards and
 * back, on tables keyed by uuid, bigint, text, two columns, or nothing (ctid); secrets masked in
 * Postgres; hostile names from a URL either quoted (the table exists) or refused (it does not).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { read } from '@/db/index';
import { browseRows, getBrowseSpec, MASK, type BrowseQuery, type BrowseSpec } from '@/lib/inspect/table-rows';
import { guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
const N = 237;
const HOSTILE_SCHEMA = 'we"ird; --';
const HOSTILE_TABLE = 't"; drop table public.browse_uuid; --';
const HOSTILE_COLUMN = 'a.b"c';

before(async () => {
  f = await guardFixture();
  const run = (q: ReturnType<typeof sql>) => q.execute(f.admin);
  await run(sql`create table public.browse_uuid (id uuid primary key default gen_random_uuid(), grp int not null, label text,
    password text, api_token text, key text, note text, created_at timestamptz not null default now())`);
  await run(sql`create index on public.browse_uuid (grp)`);
  await run(sql`insert into public.browse_uuid (grp, label, password, api_token, key, note)
    select i % 7, 'row ' || i, 'hunter2-' || i, 'tok-' || i, 'k-' || i, case when i % 3 = 0 then 'needle ' || i end from generate_series(1, ${N}) i`);
  await run(sql`create table public.browse_bigint (id bigint primary key, v text)`);
  await run(sql`insert into public.browse_bigint select i * 1000000000000, 'v' || i from generate_series(1, ${N}) i`);
  await run(sql`create table public.browse_text (code text primary key, v int)`);
  await run(sql`insert into public.browse_text select 'c' || lpad(i::text, 4, '0') || case when i % 5 = 0 then ' ü''%_' else '' end, i from generate_series(1, ${N}) i`);
  await run(sql`create table public.browse_pair (a int not null, b text not null, v int, primary key (a, b))`);
  await run(sql`insert into public.browse_pair select i % 4, 'b' || i, i from generate_series(1, ${N}) i`);
  await run(sql`create table public.browse_heap (v int, w text)`);
  await run(sql`insert into public.browse_heap select i % 10, 'same' from generate_series(1, ${N}) i`);
  await run(sql`create schema ${sql.id(HOSTILE_SCHEMA)}`);
  await run(sql`create table ${sql.id(HOSTILE_SCHEMA, HOSTILE_TABLE)} (${sql.id(HOSTILE_COLUMN)} int primary key, x text)`);
  await run(sql`insert into ${sql.id(HOSTILE_SCHEMA, HOSTILE_TABLE)} select i, 'x' || i from generate_series(1, 60) i`);
  await run(sql`grant usage on schema ${sql.id(HOSTILE_SCHEMA)} to kontor_runtime`);
  await run(sql`grant select on all tables in schema public, ${sql.id(HOSTILE_SCHEMA)} to kontor_runtime`);
});
after(() => f?.close());

const spec = (schema: string, name: string, masked: string[] = []) =>
  read((trx) => getBrowseSpec(trx, schema, name, masked), {}, f.db);
const page = (s: BrowseSpec, q: BrowseQuery) => read((trx) => browseRows(trx, s, q), {}, f.db);

/** Every page forwards, then back again from the last one with `prev`: the same pages, reversed. */
async function walk(s: BrowseSpec, q: BrowseQuery, column: string) {
  const idx = s.columns.findIndex((c) => c.name === column);
  const pages: (string | null)[][] = [];
  let p = await page(s, { ...q, pageSize: 20 });
  assert.equal(p.prev, null);
  pages.push(p.rows.map((r) => r.cells[idx]));
  while (p.next) {
    p = await page(s, { ...q, after: p.next, pageSize: 20 });
    pages.push(p.rows.map((r) => r.cells[idx]));
  }
  const back: (string | null)[][] = [pages[pages.length - 1]];
  while (p.prev) {
    p = await page(s, { ...q, before: p.prev, pageSize: 20 });
    back.unshift(p.rows.map((r) => r.cells[idx]));
  }
  assert.deepEqual(back, pages, 'walking back gives the same pages');
  assert.equal(p.prev, null);
  return pages.flat();
}

test('paging lists every row once, in order, on every kind of key', async () => {
  const cases: [string, string, string, 'primary key' | 'ctid'][] = [
    ['browse_uuid', 'id', 'id', 'primary key'], ['browse_bigint', 'id', 'id', 'primary key'],
    ['browse_text', 'code', 'code', 'primary key'], ['browse_pair', 'a', 'b', 'primary key'], ['browse_heap', 'ctid', 'v', 'ctid'],
  ];
  for (const [table, firstKey, column, kind] of cases) {
    const s = (await spec('public', table))!;
    assert.equal(s.keyKind, kind, table);
    assert.equal(s.key[0], firstKey, table);
    for (const desc of [false, true]) {
      const values = await walk(s, { desc }, column);
      assert.equal(values.length, N, `${table} desc=${desc}`);
      if (kind !== 'ctid') assert.equal(new Set(values).size, N, `${table}: no row twice`);
    }
  }
  // The heap has no key: its rows are told apart by ctid; 237 rows, values 0..9 each ~24 times.
  const heap = (await spec('public', 'browse_heap'))!;
  const vs = await walk(heap, {}, 'v');
  assert.deepEqual([...new Set(vs)].length, 10);
});

test('bigint keys beyond 2^53 and text keys with quotes and LIKE characters page exactly', async () => {
  const s = (await spec('public', 'browse_bigint'))!;
  const ids = await walk(s, {}, 'id');
  assert.deepEqual(ids, Array.from({ length: N }, (_, i) => `${BigInt(i + 1) * 1000000000000n}`));
  const t = (await spec('public', 'browse_text'))!;
  const codes = await walk(t, { desc: true }, 'code');
  assert.deepEqual(codes, [...codes].sort().reverse());
});

test('sorting by an indexed column with ties keeps every row, the key breaking the ties', async () => {
  const s = (await spec('public', 'browse_uuid'))!;
  assert.ok(s.columns.find((c) => c.name === 'grp')!.sortable);
  assert.ok(!s.columns.find((c) => c.name === 'label')!.sortable, 'no index: not sortable');
  for (const desc of [false, true]) {
    const ids = await walk(s, { sort: 'grp', desc }, 'id');
    assert.equal(new Set(ids).size, N);
    const grps = await walk(s, { sort: 'grp', desc }, 'grp');
    const sorted = [...grps].sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(grps, desc ? sorted.reverse() : sorted);
  }
  const refused = await page(s, { sort: 'label' });
  assert.match(refused.problem ?? '', /sorted only by/);
  assert.equal(refused.sort.column, 'id');
});

test('secret-looking and mapping-masked columns never leave Postgres, and cannot be filtered or sorted on', async () => {
  const s = (await spec('public', 'browse_uuid', ['public.browse_uuid.label']))!;
  for (const c of ['password', 'api_token', 'key', 'label']) assert.ok(s.columns.find((x) => x.name === c)!.secret, c);
  const p = await page(s, { pageSize: 500 });
  const text = JSON.stringify(p);
  assert.doesNotMatch(text, /hunter2|tok-|k-1|row 1/);
  const pw = p.columns.findIndex((c) => c.name === 'password');
  assert.ok(p.rows.every((r) => r.cells[pw] === MASK));
  const probe = await page(s, { filter: { column: 'password', op: 'eq', value: 'hunter2-1' } });
  assert.equal(probe.filter, null);
  assert.match(probe.problem ?? '', /masked/);
  assert.equal(probe.rows.length, 50, 'the filter was ignored, not applied');
});

test('filters: = uses the value as the column type, contains escapes LIKE, a bad value is a sentence', async () => {
  const s = (await spec('public', 'browse_uuid'))!;
  const eq = await page(s, { filter: { column: 'grp', op: 'eq', value: '3' }, pageSize: 500 });
  assert.equal(eq.rows.length, Array.from({ length: N }, (_, i) => (i + 1) % 7).filter((g) => g === 3).length);
  assert.equal(eq.filter?.indexed, true);
  const contains = await page(s, { filter: { column: 'note', op: 'contains', value: 'NEEDLE 1' }, pageSize: 500 });
  assert.ok(contains.rows.length > 0 && contains.filter?.indexed === false);
  const bad = await page(s, { filter: { column: 'grp', op: 'eq', value: 'seven' } });
  assert.match(bad.problem ?? '', /not a valid integer/);
  const t = (await spec('public', 'browse_text'))!;
  const like = await page(t, { filter: { column: 'code', op: 'contains', value: "'%_" }, pageSize: 500 });
  assert.equal(like.rows.length, Math.floor(N / 5), 'LIKE characters match themselves');
});

test('hostile names from a URL: an existing one is quoted, an unknown table or column is refused', async () => {
  assert.equal(await spec('public', 'browse_uuid"; drop table public.browse_uuid; --'), null);
  const s = (await spec(HOSTILE_SCHEMA, HOSTILE_TABLE))!;
  assert.deepEqual(s.key, [HOSTILE_COLUMN]);
  const values = await walk(s, { desc: true }, HOSTILE_COLUMN);
  assert.equal(values.length, 60);
  const eq = await page(s, { filter: { column: HOSTILE_COLUMN, op: 'eq', value: '7' } });
  assert.equal(eq.rows.length, 1);
  const unknown = await page(s, { filter: { column: 'x" or true; --', op: 'eq', value: '1' }, sort: '1; drop table x' });
  assert.match(unknown.problem ?? '', /No such column/);
  assert.equal(unknown.rows.length, 50);
  const forged = await page(s, { after: Buffer.from(JSON.stringify(["1); drop table x; --"])).toString('base64url') });
  assert.match(forged.problem ?? '', /not valid/);
  assert.equal(forged.rows.length, 0);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from public.browse_uuid`.execute(f.admin);
  assert.equal(rows[0].n, N, 'nothing was dropped');
});

test('a filter no index serves runs within the read\'s timeout, and a timeout is a result, not an error', async () => {
  await sql`create table public.browse_big as select i as id, md5(i::text) as body from generate_series(1, 300000) i`.execute(f.admin);
  await sql`alter table public.browse_big add primary key (id)`.execute(f.admin);
  await sql`grant select on public.browse_big to kontor_runtime`.execute(f.admin);
  const s = (await spec('public', 'browse_big'))!;
  const q: BrowseQuery = { filter: { column: 'body', op: 'contains', value: 'no such text' } };
  const p = await read((trx) => browseRows(trx, s, q), { statementTimeoutMs: 1 }, f.db);
  assert.equal(p.timedOut, true);
  assert.equal(p.filter?.indexed, false);
  assert.equal(p.rows.length, 0);
});

test('a view has no key: one page, no next; a partitioned table without one pages by partition and ctid', async () => {
  await sql`create view public.browse_view as select id, v from public.browse_bigint`.execute(f.admin);
  await sql`create table public.browse_parts (k int not null, v text) partition by range (k)`.execute(f.admin);
  await sql`create table public.browse_parts_a partition of public.browse_parts for values from (0) to (100)`.execute(f.admin);
  await sql`create table public.browse_parts_b partition of public.browse_parts for values from (100) to (1000)`.execute(f.admin);
  await sql`insert into public.browse_parts select i, 'p' || i from generate_series(0, ${N - 1}) i`.execute(f.admin);
  await sql`grant select on public.browse_view, public.browse_parts to kontor_runtime`.execute(f.admin);
  const view = (await spec('public', 'browse_view'))!;
  assert.equal(view.keyKind, 'none');
  const p = await page(view, { pageSize: 20 });
  assert.equal(p.rows.length, 20);
  assert.equal(p.next, null);
  const parts = (await spec('public', 'browse_parts'))!;
  assert.deepEqual(parts.key, ['tableoid', 'ctid']);
  const ks = await walk(parts, {}, 'k');
  assert.deepEqual([...ks].sort((a, b) => Number(a) - Number(b)), Array.from({ length: N }, (_, i) => String(i)));
});
