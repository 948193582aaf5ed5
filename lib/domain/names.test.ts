/**
 * Names in three tables (the ledger's payment column, money on the queue's and the findings' user
 * column) and the statement's user field, on the demo (uuid keys), a text-keyed users table, Reigh
 * (text payment keys: its session ids) and Seydam (bigint keys): each name is looked up by the key's
 * own type, through the key's index, and a key of another type is "no name", never an error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { createDb } from '@/db/connect';
import { buildFixture } from '@/db/fixtures/build';
import { emptyDatabase, TEST_ANCHOR, type TestDatabase } from '@/test/db';
import { warmDemo, type DemoCopy } from '@/test/warm-demo';
import { loadStaff } from '@/lib/auth/staff';
import { activeMapping, parseMapping, type Mapping } from '@/lib/mapping';
import { PRESET_VARIANTS } from '@/lib/mapping/presets';
import { validateMapping } from '@/lib/mapping/validate';
import type { ReadContext } from '@/lib/context';
import { namesByKey, namesQuery } from '@/lib/domain/names';
import { ledgerEntries } from '@/lib/domain/payments';
import { findMoneyIssues, nameMoneyIssues } from '@/lib/domain/tasks/money';
import { listFindings } from '@/lib/domain/reconcile/read';
import { pickUser } from '@/lib/domain/user-pick';

type Db = Kysely<KontorDatabase>;

const planOf = async (db: QueryExecutorProvider, q: NonNullable<ReturnType<typeof namesQuery>>) =>
  (await sql<{ 'QUERY PLAN': string }>`explain ${q}`.execute(db)).rows.map((r) => r['QUERY PLAN']).join('\n');

/** The lookup reads the key's own index (an index scan, or a bitmap of one for several keys), never the whole table. */
function usesIndex(plan: string, index: string) {
  assert.match(plan, new RegExp(`(Index|Index Only|Bitmap Index) Scan (using|on) ${index}\\b`));
  assert.doesNotMatch(plan, /Seq Scan/);
}

/** The plan with sequential scans priced out: an index that can serve the lookup is then taken; a cast key cannot use one. */
async function forcedPlan(db: Db, q: NonNullable<ReturnType<typeof namesQuery>>) {
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    return planOf(trx, q);
  });
}

async function adminContext(db: Db, mapping: Mapping): Promise<ReadContext> {
  const admin = await db.selectFrom('kontor.staff').select(['user_id', 'email']).where('role', '=', 'admin').executeTakeFirstOrThrow();
  return { staff: (await loadStaff(db, { userId: admin.user_id, email: admin.email }))!, mapping };
}

/** A finished reconciliation run holding findings of these users (ids as the findings table keeps them: text). */
async function plantFindings(db: Db, userIds: (string | null)[]): Promise<string> {
  const { rows: [run] } = await sql<{ id: string }>`
    insert into kontor.reconcile_runs (mode, started_at, finished_at, started_by, found)
    values ('full', now(), now(), 'names.test', ${userIds.length}) returning id::text`.execute(db);
  for (const [i, u] of userIds.entries()) {
    await sql`insert into kontor.reconcile_findings (run_id, n, kind, user_id, detail)
              values (${run.id}::bigint, ${i + 1}, 'balance_drift', ${u}, 'planted')`.execute(db);
  }
  return run.id;
}

const FINDINGS_PAGE = { sort: 'n' as const, desc: false, limit: 50, offset: 0 };

describe('the demo (uuid keys, benchmark-size tables)', () => {
  let d: DemoCopy;
  let m: Mapping;
  let ctx: ReadContext;
  before(async () => {
    d = await warmDemo(17);
    m = (await validateMapping(d.db, activeMapping())).mapping;
    ctx = await adminContext(d.db, m);
  });
  after(() => d?.close());

  test('the ledger table names each payment by its order number, looked up through payments_pkey', async () => {
    const { rows: [u] } = await sql<{ id: string }>`
      select user_id::text as id from public.credits_ledger where payment_id is not null group by 1 order by count(*) desc, 1 limit 1`.execute(d.db);
    const entries = await ledgerEntries(d.db, m, sql`l.user_id = ${u.id}`, sql`l.created_at desc, l.id desc`, 100);
    const paid = entries.filter((e) => e.paymentId);
    assert.ok(paid.length > 0);
    const { rows: orders } = await sql<{ id: string; order_id: string }>`
      select id::text, order_id from public.payments where id = any(${paid.map((e) => e.paymentId)}::uuid[])`.execute(d.db);
    const orderOf = new Map(orders.map((o) => [o.id, o.order_id]));
    for (const e of paid) assert.equal(e.paymentName, orderOf.get(e.paymentId!) ?? null, e.paymentId!);
    assert.ok(paid.some((e) => e.paymentName && e.paymentName !== e.paymentId), 'an order number, not the id');
    for (const e of entries.filter((x) => !x.paymentId)) assert.equal(e.paymentName, null);

    const p = await planOf(d.db, namesQuery(m, 'payments', paid.map((e) => e.paymentId))!);
    usesIndex(p, 'payments_pkey');
  });

  test('money on the queue names its users by email, through users_pkey', async () => {
    const issues = await findMoneyIssues(d.db, m, { now: TEST_ANCHOR });
    assert.ok(issues.some((i) => i.userId));
    const named = await nameMoneyIssues(d.db, m, issues);
    const { rows } = await sql<{ id: string; email: string }>`
      select id::text, email from public.users where id = any(${issues.map((i) => i.userId).filter(Boolean)}::uuid[])`.execute(d.db);
    const emailOf = new Map(rows.map((r) => [r.id, r.email]));
    for (const i of named) assert.equal(i.userEmail, i.userId ? emailOf.get(i.userId) ?? null : null);
    assert.ok(named.some((i) => i.userEmail?.includes('@')));

    const p = await planOf(d.db, namesQuery(m, 'users', issues.map((i) => i.userId))!);
    usesIndex(p, 'users_pkey');
  });

  test('the findings name their users by email; a deleted user, a foreign id or none keeps the id alone', async () => {
    const { rows: [u] } = await sql<{ id: string; email: string }>`select id::text, email from public.users order by id offset 40 limit 1`.execute(d.db);
    const gone = '00000000-0000-4000-8000-000000000000';
    const run = await plantFindings(d.db, [u.id, gone, 'cus_not_a_uuid', null]);
    const { rows } = await listFindings(d.db, ctx, run, FINDINGS_PAGE);
    assert.deepEqual(rows.map((r) => [r.userId, r.userEmail]), [[u.id, u.email], [gone, null], ['cus_not_a_uuid', null], [null, null]]);
  });

  test('the balance form: a whole id, its first 8 characters, an email in any case, and a clear refusal', async () => {
    const { rows: [u] } = await sql<{ id: string; email: string }>`select id::text, email from public.users order by id offset 77 limit 1`.execute(d.db);
    const one = { id: u.id, email: u.email };
    assert.deepEqual(await pickUser(d.db, ctx, u.id), { kind: 'one', user: one, by: 'id' });
    assert.deepEqual(await pickUser(d.db, ctx, ` ${u.id.slice(0, 8)} `), { kind: 'one', user: one, by: 'prefix' });
    assert.deepEqual(await pickUser(d.db, ctx, u.email.toUpperCase()), { kind: 'one', user: one, by: 'email' });
    assert.deepEqual(await pickUser(d.db, ctx, 'nobody@example.invalid'), { kind: 'none', message: 'No user has the email nobody@example.invalid.' });
    const bad = await pickUser(d.db, ctx, 'cus_123');
    assert.equal(bad.kind, 'none');
    assert.match((bad as { message: string }).message, /^cus_123 is not a user id here: type a uuid/);
    assert.deepEqual(await pickUser(d.db, ctx, 'ffffffff-ffff-4fff-bfff-ffffffffffff'), { kind: 'none', message: 'No user id starts with ffffffff-ffff-4fff-bfff-ffffffffffff.' });
  });

  test('a text-keyed users table: exact id first, then the prefix (several listed), names through its primary key', async () => {
    await sql`create table public.t_text_users (id text primary key, email text not null)`.execute(d.db);
    try {
      await sql`insert into public.t_text_users select 'usr_' || md5(g::text), 'u' || g || '@example.com' from generate_series(1, 20000) g`.execute(d.db);
      await sql`insert into public.t_text_users values ('cus_12', 'a@x.io'), ('cus_1200', 'b@x.io'), ('cus_13', 'c@x.io')`.execute(d.db);
      await sql`analyze public.t_text_users`.execute(d.db);
      const texts = { ...m, users: { ...m.users!, table: { schema: 'public', name: 't_text_users' }, key: 'id', keyType: 'text', columns: { email: 'email' } } } as unknown as Mapping;
      const tctx = { ...ctx, mapping: texts };
      assert.deepEqual(await pickUser(d.db, tctx, 'cus_12'), { kind: 'one', user: { id: 'cus_12', email: 'a@x.io' }, by: 'id' });
      assert.deepEqual(await pickUser(d.db, tctx, 'cus_1'), {
        kind: 'many', users: [{ id: 'cus_12', email: 'a@x.io' }, { id: 'cus_1200', email: 'b@x.io' }, { id: 'cus_13', email: 'c@x.io' }], more: false,
      });
      assert.deepEqual(await pickUser(d.db, tctx, 'cus_120'), { kind: 'one', user: { id: 'cus_1200', email: 'b@x.io' }, by: 'prefix' });
      assert.deepEqual(await pickUser(d.db, tctx, 'B@X.IO'), { kind: 'one', user: { id: 'cus_1200', email: 'b@x.io' }, by: 'email' });
      assert.deepEqual([...(await namesByKey(d.db, texts, 'users', ['cus_13', 'cus_12', 'nope', null]))].sort(), [['cus_12', 'a@x.io'], ['cus_13', 'c@x.io']]);
      const p = await planOf(d.db, namesQuery(texts, 'users', ['cus_12', 'cus_13'])!);
      usesIndex(p, 't_text_users_pkey');
    } finally {
      await sql`drop table public.t_text_users`.execute(d.db);
    }
  });
});

/** A product's fixture with its preset's version, validated on it, for the suite's tests. */
function onFixture(product: string, preset: string, version: string) {
  let t: TestDatabase;
  const f = {} as { db: Db; m: Mapping; ctx: ReadContext };
  before(async () => {
    t = await emptyDatabase();
    await buildFixture(t.url, product, { anchor: TEST_ANCHOR });
    f.db = createDb(t.url, { max: 2 });
    const variant = PRESET_VARIANTS[preset].find((v) => v.version.startsWith(version))!;
    f.m = (await validateMapping(f.db, parseMapping(variant.mapping))).mapping;
    f.ctx = await adminContext(f.db, f.m);
  });
  after(async () => {
    await f.db?.destroy();
    await t?.drop();
  });
  return f;
}

describe('Reigh 2026 (payments keyed by their Stripe session id, text)', () => {
  const f = onFixture('reigh-2026', 'reigh', '2026');

  test('the ledger keeps the session id alone: it is the payment key itself, so no lookup is made', async () => {
    const { rows: [u] } = await sql<{ id: string }>`
      select user_id::text as id from public.credits_ledger where type = 'stripe' order by created_at limit 1`.execute(f.db);
    const entries = await ledgerEntries(f.db, f.m, sql`l.user_id = ${u.id}`, sql`l.created_at desc, l.id desc`, 100);
    const paid = entries.filter((e) => e.paymentId);
    assert.ok(paid.length > 0 && paid.every((e) => e.paymentId!.startsWith('cs_')));
    assert.ok(entries.every((e) => e.paymentName === null));
    assert.equal(namesQuery(f.m, 'payments', paid.map((e) => e.paymentId)), null);

    // Were there a name to read (here a stand-in JSON field), the session ids would be looked up as
    // text through the ledger's partial unique index on them, the derived payments relation included.
    const named = { ...f.m, payments: { ...f.m.payments!, columns: { ...f.m.payments!.columns, orderId: 'metadata->>currency' } } } as Mapping;
    const ids = paid.map((e) => e.paymentId);
    assert.deepEqual([...(await namesByKey(f.db, named, 'payments', ids)).keys()].sort(), [...new Set(ids)].sort());
    usesIndex(await forcedPlan(f.db, namesQuery(named, 'payments', ids)!), 'idx_credits_ledger_stripe_session_unique');
  });

  test('money on the queue and the findings name their users by email, through users_pkey', async () => {
    const issues = await findMoneyIssues(f.db, f.m, { now: TEST_ANCHOR });
    assert.ok(issues.length > 0 && issues.every((i) => i.userId));
    const named = await nameMoneyIssues(f.db, f.m, issues);
    const { rows } = await sql<{ id: string; email: string }>`select id::text, email from public.users`.execute(f.db);
    const emailOf = new Map(rows.map((r) => [r.id, r.email]));
    for (const i of named) assert.equal(i.userEmail, emailOf.get(i.userId!));

    const run = await plantFindings(f.db, [issues[0].userId, 'not-a-uuid']);
    const { rows: found } = await listFindings(f.db, f.ctx, run, FINDINGS_PAGE);
    assert.deepEqual(found.map((r) => r.userEmail), [emailOf.get(issues[0].userId!), null]);

    const p = await forcedPlan(f.db, namesQuery(f.m, 'users', issues.map((i) => i.userId))!);
    usesIndex(p, 'users_pkey');
  });
});

describe('Seydam (bigint keys)', () => {
  const f = onFixture('seydam-fe43247', 'seydam', 'current');

  test('the balance form takes a whole number or an email, and says so for anything else', async () => {
    const { rows: [u] } = await sql<{ id: string; email: string }>`select id::text, email from public.seydam_customuser order by id limit 1`.execute(f.db);
    assert.deepEqual(await pickUser(f.db, f.ctx, u.id), { kind: 'one', user: u, by: 'id' });
    assert.deepEqual(await pickUser(f.db, f.ctx, u.email), { kind: 'one', user: u, by: 'email' });
    assert.deepEqual(await pickUser(f.db, f.ctx, '987654321'), { kind: 'none', message: 'No user has the id 987654321.' });
    assert.deepEqual(await pickUser(f.db, f.ctx, '9e5266ea'), { kind: 'none', message: '9e5266ea is not a user id here: type a whole number or an email.' });
  });

  test('names by a bigint key through its primary key; text ids are left out, not an error', async () => {
    const { rows: [u] } = await sql<{ id: string; email: string }>`select id::text, email from public.seydam_customuser order by id limit 1`.execute(f.db);
    assert.deepEqual([...(await namesByKey(f.db, f.m, 'users', [u.id, '9e5266ea', null]))], [[u.id, u.email]]);
    const p = await forcedPlan(f.db, namesQuery(f.m, 'users', [u.id])!);
    usesIndex(p, 'seydam_customuser_pkey');
  });
});
