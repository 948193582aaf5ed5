/** An id prefix finds its rows through the key's index: uuid keys and text keys; integer keys take whole numbers only. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type QueryExecutorProvider } from 'kysely';
import { activeMapping, type Mapping } from '@/lib/mapping';
import { validateMapping } from '@/lib/mapping/validate';
import { findByIdPrefix, prefixQuery, prefixRange } from '@/lib/domain/id-prefix';
import { warmDemo, type DemoCopy } from '@/test/warm-demo';

let d: DemoCopy;
let m: Mapping;
before(async () => {
  d = await warmDemo(17);
  m = (await validateMapping(d.db, activeMapping())).mapping;
});
after(() => d?.close());

const plan = async (db: QueryExecutorProvider, q: NonNullable<ReturnType<typeof prefixQuery>>) =>
  (await sql<{ 'QUERY PLAN': string }>`explain ${q}`.execute(db)).rows.map((r) => r['QUERY PLAN']).join('\n');

test('the range a prefix stands for', () => {
  assert.deepEqual(prefixRange('uuid', '9e5266ea'), { kind: 'uuid', from: '9e5266ea-0000-0000-0000-000000000000', to: '9e5266ea-ffff-ffff-ffff-ffffffffffff' });
  assert.deepEqual(prefixRange('uuid', '9E5266EA-1b'), { kind: 'uuid', from: '9e5266ea-1b00-0000-0000-000000000000', to: '9e5266ea-1bff-ffff-ffff-ffffffffffff' });
  assert.equal(prefixRange('uuid', '9e5'), null, 'shorter than 4');
  assert.equal(prefixRange('uuid', 'ada@'), null, 'not hex');
  assert.deepEqual(prefixRange('text', 'cus_12'), { kind: 'text', from: 'cus_12', below: 'cus_13' });
  assert.deepEqual(prefixRange('character varying', 'job-z'), { kind: 'text', from: 'job-z', below: 'job-{' });
  assert.equal(prefixRange('bigint', '1234'), null, 'an integer has no prefix');
});

test('a uuid key: 8 characters find the user, through the primary key\'s index', async () => {
  const { rows: [u] } = await sql<{ id: string }>`select id::text from public.users order by id offset 123 limit 1`.execute(d.db);
  assert.deepEqual(await findByIdPrefix(d.db, m, 'users', u.id.slice(0, 8)), { ids: [u.id], more: false });
  assert.deepEqual((await findByIdPrefix(d.db, m, 'users', u.id.slice(0, 13).toUpperCase())).ids, [u.id]);
  assert.deepEqual((await findByIdPrefix(d.db, m, 'users', u.id)).ids, [u.id]);
  // Four hex digits match about one in 65,536 uuids; one digit less is refused, not scanned.
  assert.deepEqual(await findByIdPrefix(d.db, m, 'users', u.id.slice(0, 3)), { ids: [], more: false });
  const p = await plan(d.db, prefixQuery(m, 'users', u.id.slice(0, 8), 2)!);
  assert.match(p, /Index (Only )?Scan using users_pkey/);
  assert.doesNotMatch(p, /Seq Scan/);
});

test('a text key: every key that starts with the prefix and no other, in key order, through its index', async () => {
  await sql`create table public.t_prefix_keys (id text primary key)`.execute(d.db);
  try {
    await sql`insert into public.t_prefix_keys select 'job_' || md5(g::text) from generate_series(1, 20000) g`.execute(d.db);
    await sql`insert into public.t_prefix_keys values ('cus_12'), ('cus_1200'), ('cus_1299'), ('cus_13'), ('cus_1'), ('cus_12%')`.execute(d.db);
    await sql`analyze public.t_prefix_keys`.execute(d.db);
    const texts = { ...m, tasks: { ...m.tasks!, table: { schema: 'public', name: 't_prefix_keys' }, key: 'id', keyType: 'text', where: undefined, oneRowPerKey: undefined, columns: {} } } as unknown as Mapping;
    assert.deepEqual(await findByIdPrefix(d.db, texts, 'tasks', 'cus_12'), { ids: ['cus_12', 'cus_12%', 'cus_1200', 'cus_1299'], more: false });
    assert.deepEqual((await findByIdPrefix(d.db, texts, 'tasks', 'cus_13')).ids, ['cus_13']);
    assert.deepEqual(await findByIdPrefix(d.db, texts, 'tasks', 'cus_1', 3), { ids: ['cus_1', 'cus_12', 'cus_12%'], more: true });
    assert.deepEqual((await findByIdPrefix(d.db, texts, 'tasks', 'cus_12%')).ids, ['cus_12%'], 'a % is a character, not a wildcard');
    const p = await plan(d.db, prefixQuery(texts, 'tasks', 'cus_12', 11)!);
    assert.match(p, /Index (Only )?Scan using t_prefix_keys_pkey/);
    assert.doesNotMatch(p, /Seq Scan/);
  } finally {
    await sql`drop table public.t_prefix_keys`.execute(d.db);
  }
});
