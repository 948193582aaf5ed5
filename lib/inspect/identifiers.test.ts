/**
 * Names Postgres allows and Kontor must not reinterpret: a table named `x.y` (beside a table `x`),
 * one with a leading space (beside the trimmed name), one with `%`. Counts, the table page and "test as
 * a user" read exactly the table named; promo codes are masked in a table's sample.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { loadTableDetailPage } from '@/app/(console)/database/_lib/loaders';
import { MASK } from '@/lib/inspect/table-detail';
import { testAsUser } from '@/lib/inspect/policies/test-as-user';
import { countRowsExactly } from '@/lib/inspect/tables';
import { read } from '@/db/index';
import { guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
// name -> rows: each decoy has another count than its look-alike.
const TABLES: [string, number][] = [['x.y', 3], ['x', 1], [' lead', 2], ['lead', 5], ['a%b', 4], ['a', 6]];

before(async () => {
  f = await guardFixture();
  for (const [name, n] of TABLES) {
    await sql`create table ${sql.id('public', name)} (id int primary key)`.execute(f.admin);
    await sql`insert into ${sql.id('public', name)} select generate_series(1, ${n})`.execute(f.admin);
    await sql`grant select on ${sql.id('public', name)} to anon, kontor_runtime`.execute(f.admin);
  }
});
after(() => f?.close());

test('exact counts read the table named, not one its name looks like', async () => {
  for (const [name, n] of TABLES) {
    assert.equal(await read((trx) => countRowsExactly(trx, 'public', name), {}, f.db), n, JSON.stringify(name));
  }
});

test('the table page opens each of them, with its own count and statistics', async () => {
  for (const [name, n] of TABLES) {
    const page = await loadTableDetailPage('public', name, { exact: true }, f.db);
    assert.ok(page, JSON.stringify(name));
    assert.equal(page.exact, n, JSON.stringify(name));
    assert.equal(page.sample.rows.length, n);
    assert.equal(page.stats?.name, name);
  }
});

test('test as a user reaches the table named', async () => {
  for (const [name, n] of TABLES) {
    const quoted = `public."${name.replace(/"/g, '""')}"`;
    const r = await testAsUser(f.db, f.staff.engineer, { role: 'anon', table: quoted });
    assert.equal(r.commands.find((c) => c.command === 'SELECT')?.rows, n, quoted);
  }
});

test('promo codes are masked in the table page\'s sample, like passwords', async () => {
  const page = await loadTableDetailPage('public', 'promo_codes', {}, f.db);
  assert.ok(page && page.sample.rows.length > 0);
  const code = page.sample.columns.indexOf('code');
  assert.ok(page.sample.rows.every((r) => r[code] === MASK), JSON.stringify(page.sample.rows.map((r) => r[code])));
  assert.ok(page.detail.columns.find((c) => c.name === 'code')?.secret);
  assert.ok(!page.detail.columns.find((c) => c.name === 'description')?.secret);
});

test('qualified names parse as Postgres reads them', async () => {
  const { parseQualifiedName } = await import('@/lib/inspect/policies/test-as-user');
  assert.deepEqual(parseQualifiedName('public.Tasks'), { schema: 'public', name: 'tasks' });
  assert.deepEqual(parseQualifiedName('public."x.y"'), { schema: 'public', name: 'x.y' });
  assert.deepEqual(parseQualifiedName('"My ""Schema"""." lead"'), { schema: 'My "Schema"', name: ' lead' });
  assert.equal(parseQualifiedName('public.tasks; drop table x'), null);
  assert.equal(parseQualifiedName('tasks'), null);
});
