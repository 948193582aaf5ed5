/** The search box on a private demo copy: each kind finds what it should, and the catalog says which kinds have an index. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { read } from '@/db/index';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { kindsFor, search, searchIndexes } from '@/lib/domain/search';
import { GuardError } from '@/lib/guard/errors';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const r = <T>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, f.db);

test('which kinds a text can be', () => {
  assert.deepEqual(kindsFor('71daf531-de3e-4819-8882-67f476806c81'), ['userId', 'paymentId', 'taskId']);
  assert.deepEqual(kindsFor('ada@ex'), ['email', 'providerRef', 'orderId']);
  assert.deepEqual(kindsFor('Ada Lovelace'), ['name']);
  assert.deepEqual(kindsFor('ORD-12'), ['email', 'providerRef', 'orderId', 'name']);
});

test('email prefix, case-insensitive, with LIKE wildcards taken literally', async () => {
  const { hits } = await r((trx) => search(trx, f.ctx.support, 'ADA@Exam'));
  assert.deepEqual(hits.filter((h) => h.kind === 'email').map((h) => h.title), ['ada@example.com']);
  const wild = await r((trx) => search(trx, f.ctx.support, '%'));
  assert.equal(wild.hits.filter((h) => h.kind === 'email').length, 0, '% is a character, not a wildcard');
});

test('user id, name, provider reference, order id, payment id and task id', async () => {
  const p = (await sql<{ id: string; user_id: string; provider_ref: string; order_id: string }>`
    select id::text, user_id::text, provider_ref, order_id from public.payments where user_id is not null order by id limit 1`.execute(f.db)).rows[0];
  const t = (await sql<{ id: string; user_id: string }>`select id::text, user_id::text from public.tasks order by id limit 1`.execute(f.db)).rows[0];
  const byId = await r((trx) => search(trx, f.ctx.support, p.user_id));
  assert.deepEqual(byId.hits.map((h) => [h.kind, h.href]), [['userId', `/users/${p.user_id}`]]);
  const byName = await r((trx) => search(trx, f.ctx.support, 'lovelace'));
  assert.ok(byName.hits.some((h) => h.kind === 'name' && h.title === 'ada@example.com'));
  const byRef = await r((trx) => search(trx, f.ctx.support, p.provider_ref));
  assert.deepEqual(byRef.hits.filter((h) => h.kind === 'providerRef').map((h) => h.href), [`/payments/${p.id}`]);
  const byOrder = await r((trx) => search(trx, f.ctx.support, p.order_id));
  assert.deepEqual(byOrder.hits.filter((h) => h.kind === 'orderId').map((h) => h.href), [`/payments/${p.id}`]);
  const byPayment = await r((trx) => search(trx, f.ctx.support, p.id));
  assert.deepEqual(byPayment.hits.map((h) => h.kind), ['paymentId']);
  const byTask = await r((trx) => search(trx, f.ctx.support, t.id));
  assert.deepEqual(byTask.hits.map((h) => [h.kind, h.href.split('?')[0]]), [['taskId', `/users/${t.user_id}`]]);
  // Finance cannot read tasks: the task kind is not searched for them.
  assert.deepEqual((await r((trx) => search(trx, f.ctx.finance, t.id))).hits, []);
  await assert.rejects(r((trx) => search(trx, f.ctx.viewer, 'ada')), GuardError);
});

test('the catalog says which kinds have an index: name has none in the demo, until one is created', async () => {
  const kinds = await r((trx) => searchIndexes(trx, f.ctx.support));
  const by = Object.fromEntries(kinds.map((k) => [k.kind, k]));
  assert.equal(by.email.index, 'idx_users_email_lower');
  for (const k of ['userId', 'providerRef', 'orderId', 'paymentId', 'taskId']) assert.equal(by[k].indexed, true, k);
  assert.equal(by.name.indexed, false);
  assert.match(by.name.suggestion!, /gin_trgm_ops/);
  // The planner agrees: the email prefix query uses the index.
  const plan = await sql<{ 'QUERY PLAN': string }>`
    explain select id from public.users u where lower(u.email) like 'ada@exam%' order by lower(u.email) limit 10`.execute(f.db);
  assert.match(plan.rows.map((x) => x['QUERY PLAN']).join('\n'), /idx_users_email_lower/);
  // On a large table a kind without an index is skipped (it would scan), unless asked.
  await sql`update pg_class set reltuples = 1000000 where oid = 'public.users'::regclass`.execute(f.admin);
  const skipped = await r((trx) => search(trx, f.ctx.support, 'lovelace'));
  assert.deepEqual([skipped.skipped, skipped.hits], [['name'], []]);
  const forced = await r((trx) => search(trx, f.ctx.support, 'lovelace', { scan: true }));
  assert.ok(forced.hits.some((h) => h.kind === 'name'));
  await sql`create extension if not exists pg_trgm`.execute(f.admin);
  await sql`create index users_name_trgm on public.users using gin (lower(full_name) gin_trgm_ops)`.execute(f.admin);
  const after = await r((trx) => searchIndexes(trx, f.ctx.support));
  assert.equal(after.find((k) => k.kind === 'name')?.index, 'users_name_trgm');
  assert.deepEqual((await r((trx) => search(trx, f.ctx.support, 'lovelace'))).skipped, [], 'indexed now: searched');
  await sql`drop index idx_users_email_lower`.execute(f.admin);
  const none = await r((trx) => searchIndexes(trx, f.ctx.support));
  assert.equal(none.find((k) => k.kind === 'email')?.indexed, false);
});

test('the 8 characters a screen shows find the user, the payment and the task they start', async () => {
  const p = (await sql<{ id: string; user_id: string }>`
    select id::text, user_id::text from public.payments where user_id is not null order by id offset 7 limit 1`.execute(f.db)).rows[0];
  const t = (await sql<{ id: string }>`select id::text from public.tasks order by id offset 7 limit 1`.execute(f.db)).rows[0];
  const byUser = await r((trx) => search(trx, f.ctx.support, p.user_id.slice(0, 8)));
  assert.deepEqual(byUser.hits.filter((h) => h.kind === 'userId').map((h) => h.href), [`/users/${p.user_id}`]);
  const byPayment = await r((trx) => search(trx, f.ctx.support, p.id.slice(0, 8).toUpperCase()));
  assert.deepEqual(byPayment.hits.filter((h) => h.kind === 'paymentId').map((h) => h.href), [`/payments/${p.id}`]);
  const byTask = await r((trx) => search(trx, f.ctx.support, t.id.slice(0, 13)));
  assert.deepEqual(byTask.hits.filter((h) => h.kind === 'taskId').map((h) => h.title), [`Task ${t.id}`]);
  // Fewer than 4 characters are no prefix: no id kind is searched.
  const short = (await r((trx) => search(trx, f.ctx.support, p.user_id.slice(0, 3)))).kinds;
  assert.ok(!short.includes('userId') && !short.includes('paymentId') && !short.includes('taskId'), short.join());
});
