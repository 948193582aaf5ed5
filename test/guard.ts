/**
 * For lib/guard's tests: a private copy of the demo database at the latest migration, a pool big
 * enough for concurrency tests, and a StaffContext per demo role (made by the real loadStaff).
 * `db` connects as the README's least-privilege runtime role (kontor_app) through pgbouncer in
 * transaction mode, as a deployment behind Supavisor does; `admin` as the superuser, directly, for
 * what only a test does (tampering, planting rows).
 */
import { sql, type Kysely } from 'kysely';
import { createDb, type DbOptions } from '@/db/connect';
import { migrateToLatest } from '@/db/migrate';
import type { KontorDatabase, StaffRole } from '@/db/types';
import { loadStaff, type StaffContext } from '@/lib/auth/staff';
import type { ReadContext } from '@/lib/context';
import { activeMapping, validateMapping } from '@/lib/mapping';
import { demoDatabase, throughPooler, type TestDatabase } from '@/test/db';
import { APP, applyReadmeRoles, asRole } from '@/test/roles';

export const TEST_SECRET = 'guard-test-secret-0123456789-abcdefghijkl';

export interface GuardFixture {
  tdb: TestDatabase;
  db: Kysely<KontorDatabase>;
  admin: Kysely<KontorDatabase>;
  staff: Record<StaffRole, StaffContext>;
  /** Each role's read context: its staff and the active mapping validated on this database (as a page has). */
  ctx: Record<StaffRole, ReadContext>;
  opts: { db: Kysely<KontorDatabase>; secret: string };
  close(): Promise<void>;
}

export async function guardFixture(major: 15 | 17 = 17): Promise<GuardFixture> {
  const tdb = await demoDatabase(major);
  const admin = createDb(tdb.url, { max: 4 });
  // The demo template may predate this migration.
  const { error } = await migrateToLatest(admin as unknown as Kysely<unknown>);
  if (error) throw error;
  await applyReadmeRoles(tdb.url);
  const db = createDb(await throughPooler(asRole(tdb.url, APP), major), { max: 24 });
  const rows = await db.selectFrom('kontor.staff').select(['user_id', 'email', 'role']).execute();
  const staff = {} as Record<StaffRole, StaffContext>;
  for (const r of rows) {
    const loaded = await loadStaff(db, { userId: r.user_id, email: r.email });
    if (loaded) staff[r.role] = loaded;
  }
  const { mapping } = await validateMapping(db, activeMapping());
  const ctx = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, { staff: s, mapping }])) as Record<StaffRole, ReadContext>;
  return {
    tdb,
    db,
    admin,
    staff,
    ctx,
    opts: { db, secret: TEST_SECRET },
    async close() {
      await db.destroy();
      await admin.destroy();
      await tdb.drop();
    },
  };
}

/** A product user's id by email (auth.users). */
export async function userIdOf(db: Kysely<KontorDatabase>, email: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`select id::text from auth.users where email = ${email}`.execute(db);
  if (!rows[0]) throw new Error(`no auth user ${email}`);
  return rows[0].id;
}

export async function count(db: Kysely<KontorDatabase>, table: string, where = sql`true`): Promise<number> {
  const [schema, name] = table.split('.');
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.id(schema, name)} where ${where}`.execute(db);
  return Number(rows[0].n);
}

/** Everything an edit could change, as one comparable value. */
export async function fingerprint(db: Kysely<KontorDatabase>) {
  const { rows } = await sql<{ f: string }>`
    select md5(concat_ws('|',
      (select string_agg(s::text, ',' order by user_id) from kontor.staff s),
      (select count(*) from public.credits_ledger),
      (select sum(credits) from public.users),
      (select count(*) from kontor.audit_log),
      (select count(*) from kontor.idempotency),
      (select string_agg(a::text, ',' order by id) from kontor.approvals a))) as f`.execute(db);
  return rows[0].f;
}

/**
 * A mark to check "nothing was written anywhere" against: every table's row count in the product's
 * and Kontor's schemas, and an xid. Rows inserted or updated after the mark carry a newer xmin.
 */
export async function writeMark(db: Kysely<KontorDatabase>) {
  const tables = (await sql<{ schemaname: string; tablename: string }>`
    select schemaname, tablename from pg_tables where schemaname in ('public', 'kontor', 'auth') order by 1, 2`.execute(db)).rows;
  const counts: Record<string, number> = {};
  for (const t of tables) counts[`${t.schemaname}.${t.tablename}`] = await count(db, `${t.schemaname}.${t.tablename}`);
  const xid = (await sql<{ x: string }>`select txid_current()::text as x`.execute(db)).rows[0].x;
  return { tables, counts, xid: Number(BigInt(xid) & 0xffffffffn) };
}

/** Tables whose rows changed since the mark (count, or a row written by a newer transaction). */
export async function writtenSince(db: Kysely<KontorDatabase>, mark: Awaited<ReturnType<typeof writeMark>>): Promise<string[]> {
  const changed: string[] = [];
  for (const t of mark.tables) {
    const name = `${t.schemaname}.${t.tablename}`;
    const { rows } = await sql<{ n: string; fresh: string }>`
      select count(*)::text as n, count(*) filter (where (xmin::text)::bigint > ${mark.xid})::text as fresh
        from ${sql.id(t.schemaname, t.tablename)}`.execute(db);
    if (Number(rows[0].n) !== mark.counts[name] || rows[0].fresh !== '0') changed.push(name);
  }
  return changed;
}

/**
 * Another console instance on the fixture's database: its own pool, as the runtime role through the
 * pooler (a second process, a bounded long-read pool, one connection to starve).
 */
export async function instanceDb(f: GuardFixture, opts: DbOptions): Promise<Kysely<KontorDatabase>> {
  return createDb(await throughPooler(asRole(f.tdb.url, APP)), opts);
}
