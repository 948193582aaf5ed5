import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { demoDatabase, type TestDatabase } from '@/test/db';
import type { KontorDatabase } from '@/db/types';
import { loadStaff, type StaffContext } from '@/lib/auth/staff';
import { COMMANDS, listPolicyTables, type Command, type PolicyTable } from '@/lib/inspect/policies/catalog';
import { decideAccess } from '@/lib/inspect/policies/access';
import { testAsUser, whyNot, TestAsUserError } from '@/lib/inspect/policies/test-as-user';
import { createDb } from '@/db/connect';

// Tables of the demo that cover RLS off, RLS with no policy, always-true, owner policies, two permissive
// policies, a sub-query policy, column-only UPDATE grants and a user_metadata policy.
const TABLES = ['projects', 'tasks', 'payments', 'users', 'api_cost_logs', 'user_feedback', 'promo_codes', 'workers', 'subscription_tiers', 'generations'];

describe('access matrix and "why not?" agree with Postgres (demo database)', () => {
  let t: TestDatabase;
  let db: Kysely<KontorDatabase>;
  let engineer: StaffContext;
  let viewer: StaffContext;
  let ada: string;
  let other: string;
  let tables: PolicyTable[];

  before(async () => {
    t = await demoDatabase(17);
    db = createDb(t.url, { max: 2 });
    const staff = await db.selectFrom('kontor.staff').select(['user_id', 'email']).where('email', 'in', ['engineer@kontor.dev', 'viewer@kontor.dev']).execute();
    const load = async (email: string) => (await loadStaff(db, { userId: staff.find((s) => s.email === email)!.user_id, email }))!;
    engineer = await load('engineer@kontor.dev');
    viewer = await load('viewer@kontor.dev');
    ada = (await sql<{ id: string }>`select id::text as id from auth.users where email = 'ada@example.com'`.execute(db)).rows[0].id;
    other = (await sql<{ id: string }>`select id::text as id from public.users where id <> ${ada}::uuid and status = 'active' order by id limit 1`.execute(db)).rows[0].id;
    tables = (await listPolicyTables(db, { q: 'public.', limit: 100, offset: 0 })).rows.filter((r) => TABLES.includes(r.name));
  });
  after(async () => {
    await db?.destroy();
    await t?.drop();
  });

  const afterRls = new Set<string>();
  /** Really runs the statement as the role, in a transaction that is rolled back. */
  async function really(role: string, userId: string | null, table: PolicyTable, key: string, command: Command, updCol: string | null) {
    const c = new pg.Client(t.url);
    await c.connect();
    try {
      await c.query('begin');
      const pk = (await c.query(`select a.attname, format_type(a.atttypid, a.atttypmod) as type from pg_index i join pg_attribute a
          on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = $1::regclass and i.indisprimary`, [table.table])).rows[0];
      const row = (await c.query(`select to_jsonb(t) as r from ${table.table} t where ${pk.attname} = $1::${pk.type}`, [key])).rows[0].r;
      row[pk.attname] = pk.type === 'uuid' ? crypto.randomUUID() : /int/.test(pk.type) ? -424242 : `kontor-test-${crypto.randomUUID()}`;
      await c.query(`set local role ${c.escapeIdentifier(role)}`);
      const claims = userId ? { sub: userId, role, aud: 'authenticated' } : { role };
      await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
      const stmt = {
        SELECT: [`select 1 from ${table.table} where ${pk.attname} = $1::${pk.type}`, [key]],
        UPDATE: [`update ${table.table} set ${updCol ?? pk.attname} = ${updCol ?? pk.attname} where ${pk.attname} = $1::${pk.type}`, [key]],
        DELETE: [`delete from ${table.table} where ${pk.attname} = $1::${pk.type}`, [key]],
        INSERT: [`insert into ${table.table} overriding system value select * from jsonb_populate_record(null::${table.table}, $1::jsonb)`, [JSON.stringify(row)]],
      }[command] as [string, unknown[]];
      try {
        const r = await c.query(stmt[0], stmt[1]);
        return command === 'INSERT' ? true : r.rowCount === 1;
      } catch (err) {
        // 42501: no privilege, or a row that violates a policy. Anything else (a trigger, a foreign key)
        // came after RLS had let the row through.
        const code = (err as { code?: string }).code ?? '';
        if (code !== '42501') afterRls.add(`${command} ${code} ${(err as Error).message}`);
        return code !== '42501';
      }
    } finally {
      await c.query('rollback').catch(() => undefined);
      await c.end();
    }
  }

  async function keysOf(table: PolicyTable): Promise<string[]> {
    const owner = table.name === 'users' ? 'id' : ['api_cost_logs', 'user_feedback', 'tasks', 'payments', 'projects'].includes(table.name) ? 'user_id' : null;
    const pk = table.name === 'task_cost_configs' ? 'task_type' : table.name === 'promo_codes' ? 'code' : 'id';
    const own = owner
      ? await sql<{ k: string }>`select ${sql.ref(pk)}::text as k from ${sql.table(table.table.replace(/"/g, ''))} where ${sql.ref(owner)} = ${ada}::uuid order by 1 limit 1`.execute(db)
      : { rows: [] };
    const any = await sql<{ k: string }>`select ${sql.ref(pk)}::text as k from ${sql.table(table.table.replace(/"/g, ''))} order by 1 desc limit 1`.execute(db);
    return [...own.rows, ...any.rows].map((r) => r.k);
  }

  test('the grid: users x rows x commands', async () => {
    assert.equal(tables.length, TABLES.length);
    let checked = 0;
    let allowedSeen = 0;
    for (const table of tables) {
      const keys = await keysOf(table);
      for (const [role, user] of [['anon', null], ['authenticated', ada], ['authenticated', other]] as const) {
        const grants = table.roles.find((r) => r.role === role)!;
        for (const key of keys) {
          const why = await whyNot(db, engineer, { role, user: user ?? undefined, table: table.table, key });
          const updCol = (await sql<{ c: string | null }>`select (select a.attname from pg_attribute a where a.attrelid = ${table.table}::regclass
              and a.attnum > 0 and not a.attisdropped and has_column_privilege(${role}, a.attrelid, a.attnum, 'UPDATE') order by a.attnum desc limit 1)::text as c`.execute(db)).rows[0].c;
          for (const command of COMMANDS) {
            const verdict = why.commands.find((c) => c.command === command)!;
            const actual = await really(role, user, table, key, command, updCol);
            const where = `${role}${user === ada ? ' (ada)' : user ? ' (other)' : ''} ${command} ${table.table} ${key}`;
            assert.equal(verdict.allowed, actual, `why-not says ${verdict.allowed} (${verdict.reason}), Postgres says ${actual}: ${where}`);
            const matrix = decideAccess(table, grants, command);
            if (matrix.kind === 'denied') assert.equal(actual, false, `matrix denied but Postgres allowed: ${where}`);
            if (matrix.kind === 'all' && command !== 'INSERT') assert.equal(actual, true, `matrix all but Postgres refused: ${where}`);
            checked++;
            if (actual) allowedSeen++;
          }
        }
      }
    }
    // Errors after RLS let the row through: foreign keys, unique keys, the ledger's append-only trigger.
    for (const e of afterRls) assert.match(e, /^\w+ (23503|23505|P0001) /, e);
    assert.ok(checked >= 150, `checked ${checked}`);
    assert.ok(allowedSeen > 20 && allowedSeen < checked - 20, `allowed ${allowedSeen} of ${checked}: the grid must exercise both outcomes`);
  });

  test('matrix verdicts name the reason', () => {
    const byName = (n: string) => tables.find((x) => x.name === n)!;
    const role = (tb: PolicyTable, r: string) => tb.roles.find((x) => x.role === r)!;
    assert.equal(decideAccess(byName('promo_codes'), role(byName('promo_codes'), 'anon'), 'SELECT').kind, 'all');
    assert.match(decideAccess(byName('user_feedback'), role(byName('user_feedback'), 'authenticated'), 'SELECT').reason, /no policy/);
    assert.equal(decideAccess(byName('subscription_tiers'), role(byName('subscription_tiers'), 'anon'), 'SELECT').kind, 'all');
    const projects = decideAccess(byName('projects'), role(byName('projects'), 'authenticated'), 'SELECT');
    assert.equal(projects.kind, 'conditional');
    assert.deepEqual(projects.permissive, ['Users can view own projects', 'Users can view public projects']);
    const users = decideAccess(byName('users'), role(byName('users'), 'authenticated'), 'UPDATE');
    assert.equal(users.columnsOnly, true);
    assert.match(decideAccess(byName('tasks'), role(byName('tasks'), 'anon'), 'SELECT').reason, /no permissive SELECT policy/);
  });

  test('test-as-user counts what the user really sees, and needs security.impersonate', async () => {
    const r = await testAsUser(db, engineer, { role: 'authenticated', user: 'ADA@example.com', table: 'public.projects' });
    const c = new pg.Client(t.url);
    await c.connect();
    await c.query('begin');
    await c.query('set local role authenticated');
    await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: ada, role: 'authenticated' })]);
    const real = Number((await c.query('select count(*) from public.projects')).rows[0].count);
    await c.query('rollback');
    await c.end();
    assert.equal(r.commands.find((x) => x.command === 'SELECT')!.rows, real);
    assert.ok(real > 0 && r.sample.length > 0);
    assert.equal(r.user.id, ada);
    const anon = await testAsUser(db, engineer, { role: 'anon', table: 'public.tasks' });
    assert.equal(anon.commands.find((x) => x.command === 'SELECT')!.rows, 0);
    await assert.rejects(testAsUser(db, viewer, { role: 'anon', table: 'public.tasks' }), TestAsUserError);
    await assert.rejects(testAsUser(db, engineer, { role: 'anon', table: 'public.tasks; drop table x' }), /No table/);
    await assert.rejects(testAsUser(db, engineer, { role: 'postgres', table: 'public.tasks' }), /not an API role/);
    await assert.rejects(testAsUser(db, engineer, { role: 'authenticated', user: 'nobody@example.com', table: 'public.tasks' }), /No user/);
    // Nothing persisted: the transaction was rolled back (and read-only).
    const role = await sql<{ r: string }>`select current_user::text as r`.execute(db);
    assert.equal(role.rows[0].r, 'postgres');
  });
});
