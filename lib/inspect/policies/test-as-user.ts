/**
 * Test as a user: Kontor takes an API role and a product user, switches to them the way PostgREST
 * does (SET LOCAL ROLE and request.jwt.claims), and reports what RLS lets them reach. For one row,
 * "why not?" evaluates each policy's USING and WITH CHECK separately for that user and row.
 *
 * Everything runs in a READ ONLY transaction that is always rolled back. Table, role and user are
 * looked up in the catalog and auth.users first; identifiers are quoted by Kysely. Policy expressions
 * are Postgres' own deparse of the policy (pg_get_expr), run as the role against the row's values, so
 * sub-queries inside them meet the same privileges and RLS they meet for real.
 */
import 'server-only';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { grantsOf, policiesOf, COMMANDS, type Command, type PolicyTable, type PolicyView, type RoleGrants } from '@/lib/inspect/policies/catalog';
import { applicablePolicies, decideAccess, partsFor, policyExpression, type Access } from '@/lib/inspect/policies/access';
import { productSchema } from '@/lib/inspect/advisors/sql';
import { SECRET_COLUMN } from '@/lib/inspect/advisors/security';
import type { StaffContext } from '@/lib/auth/staff';

export const TestAsUserInput = z.object({
  role: z.string().trim().min(1).max(63),
  /** A user id or an email from auth.users; optional for anon. */
  user: z.union([z.uuid(), z.email()]).optional(),
  table: z.string().trim().min(3).max(200),
});
export type TestAsUserInput = z.infer<typeof TestAsUserInput>;

export const WhyNotInput = TestAsUserInput.extend({ key: z.string().trim().min(1).max(200) });
export type WhyNotInput = z.infer<typeof WhyNotInput>;

export class TestAsUserError extends Error {
  override name = 'TestAsUserError';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Trx = Transaction<any>;

class Rollback<T> {
  constructor(readonly value: T) {}
}

/** Runs fn in a read-only transaction and always rolls it back, returning fn's value. */
async function rolledBack<T>(db: AnyDb, fn: (trx: Trx) => Promise<T>): Promise<T> {
  try {
    await db.transaction().setAccessMode('read only').execute(async (trx) => {
      await sql`select set_config('statement_timeout', '5000', true), set_config('lock_timeout', '1000', true)`.execute(trx);
      throw new Rollback(await fn(trx));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
  throw new Error('unreachable');
}

interface Target extends Pick<PolicyTable, 'oid' | 'table' | 'schema' | 'name' | 'rls' | 'forced' | 'policies'> {
  grants: RoleGrants;
  pk: { column: string; type: string } | null;
  /** A column the role may UPDATE, for the "set c = c" probe. */
  updatable: string | null;
}

interface Subject {
  id: string | null;
  email: string | null;
  claims: Record<string, unknown>;
}

const PART = String.raw`("(?:[^"]|"")+"|[^."\s]+)`;
const QUALIFIED = new RegExp(String.raw`^\s*${PART}\s*\.\s*${PART}\s*$`);
const unquote = (part: string) => (part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part.toLowerCase());

/**
 * `schema.table` as Postgres reads it: a quoted part as it is (dots, spaces, % and all), an unquoted
 * one folded to lower case. Null when the text is not such a name.
 */
export function parseQualifiedName(text: string): { schema: string; name: string } | null {
  const m = QUALIFIED.exec(text);
  return m ? { schema: unquote(m[1]), name: unquote(m[2]) } : null;
}

async function resolveTarget(trx: Trx, input: TestAsUserInput): Promise<Target> {
  const wanted = parseQualifiedName(input.table);
  if (!wanted) throw new TestAsUserError(`No table ${input.table} in the product's schemas.`);
  const t = await sql<Omit<Target, 'grants' | 'policies' | 'updatable'> & { pkcols: { column: string; type: string }[] }>`
    select c.oid::int as oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) as "table", n.nspname as schema, c.relname as name,
           c.relrowsecurity as rls, c.relforcerowsecurity as forced,
           coalesce((select jsonb_agg(jsonb_build_object('column', a.attname, 'type', format_type(a.atttypid, a.atttypmod)))
                       from pg_catalog.pg_index i join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                      where i.indrelid = c.oid and i.indisprimary), '[]') as pkcols
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and ${productSchema()}
       and n.nspname = ${wanted.schema} and c.relname = ${wanted.name}`.execute(trx);
  const row = t.rows[0];
  if (!row) throw new TestAsUserError(`No table ${input.table} in the product's schemas.`);
  const grants = (await grantsOf(trx, [row.oid])).get(row.oid)?.find((g) => g.role === input.role);
  if (!grants) throw new TestAsUserError(`${input.role} is not an API role (anon, authenticated, or a role inheriting them).`);
  const updatable = await sql<{ col: string | null }>`
    select (select a.attname from pg_catalog.pg_attribute a join pg_catalog.pg_roles r on r.rolname = ${input.role}
             where a.attrelid = ${row.oid} and a.attnum > 0 and not a.attisdropped
               and has_column_privilege(r.oid, a.attrelid, a.attnum, 'UPDATE')
             order by a.attnum desc limit 1)::text as col`.execute(trx);
  const { pkcols, ...rest } = row;
  return {
    ...rest,
    grants,
    policies: (await policiesOf(trx, [row.oid])).get(row.oid) ?? [],
    pk: pkcols.length === 1 ? pkcols[0] : null,
    updatable: updatable.rows[0]?.col ?? null,
  };
}

async function resolveSubject(trx: Trx, role: string, user: string | undefined): Promise<Subject> {
  if (!user) {
    if (role !== 'anon') throw new TestAsUserError('Choose a user (email or id) for a signed-in role.');
    return { id: null, email: null, claims: { role } };
  }
  const isId = z.uuid().safeParse(user).success;
  const { rows } = await sql<{ id: string; email: string | null; app: unknown; meta: unknown }>`
    select id::text as id, email::text as email, raw_app_meta_data as app, raw_user_meta_data as meta
      from auth.users where ${isId ? sql`id = ${user}::uuid` : sql`lower(email) = lower(${user})`} limit 1`.execute(trx);
  const u = rows[0];
  if (!u) throw new TestAsUserError(`No user ${user} in auth.users.`);
  return {
    id: u.id,
    email: u.email,
    // The claims Supabase Auth puts in an access token, as PostgREST hands them to Postgres.
    claims: { sub: u.id, role, email: u.email, aud: 'authenticated', app_metadata: u.app ?? {}, user_metadata: u.meta ?? {}, is_anonymous: false },
  };
}

async function becomeUser(trx: Trx, role: string, subject: Subject) {
  await sql`set local role ${sql.id(role)}`.execute(trx);
  await sql`select set_config('request.jwt.claims', ${JSON.stringify(subject.claims)}, true)`.execute(trx);
}

/** Combines the applicable policies' expressions for a command as Postgres does (permissive OR, restrictive AND). */
function combined(policies: PolicyView[], part: 'using' | 'check') {
  const permissive = policies.filter((p) => p.permissive).map((p) => policyExpression(p, part) ?? 'true');
  const restrictive = policies.filter((p) => !p.permissive).map((p) => policyExpression(p, part) ?? 'true');
  if (!permissive.length) return 'false';
  return [`((${permissive.join(') or (')}))`, ...restrictive.map((r) => `(${r})`)].join(' and ');
}

function rlsApplies(t: Target) {
  return t.rls && !t.grants.bypassRls && !(t.grants.owner && !t.forced);
}

const SECRET = new RegExp(SECRET_COLUMN, 'i');
function redact(row: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => {
      if (SECRET.test(k)) return [k, '[hidden]'];
      const s = v === null ? 'null' : typeof v === 'string' ? v : JSON.stringify(v);
      return [k, s.length > 80 ? `${s.slice(0, 79)}…` : s];
    }),
  );
}

const CAP = 10_000;

export interface CommandReach {
  command: Command;
  access: Access;
  /** Rows the command reaches for this user (capped at 10,000); null for INSERT (no existing row). */
  rows: number | null;
  capped: boolean;
}

export interface TestAsUserResult {
  table: string;
  role: string;
  user: { id: string | null; email: string | null };
  commands: CommandReach[];
  sample: Record<string, string>[];
  /** Columns of the single-column primary key, for "why not?" links. */
  key: string | null;
}

function requireImpersonate(staff: StaffContext) {
  if (!staff.can('security.impersonate')) throw new TestAsUserError('Testing as a user needs security.impersonate.');
}

/** What this user reaches in this table, per command, and a sample of the rows they can read. */
export async function testAsUser(db: AnyDb, staff: StaffContext, raw: TestAsUserInput): Promise<TestAsUserResult> {
  requireImpersonate(staff);
  const input = TestAsUserInput.parse(raw);
  return rolledBack(db, async (trx) => {
    const target = await resolveTarget(trx, input);
    const subject = await resolveSubject(trx, input.role, input.user);
    await becomeUser(trx, input.role, subject);
    const tbl = sql.id(target.schema, target.name);
    const commands: CommandReach[] = [];
    let sample: Record<string, string>[] = [];
    for (const command of COMMANDS) {
      const access = decideAccess(target, target.grants, command);
      if (command === 'INSERT' || access.kind === 'denied') {
        commands.push({ command, access, rows: command === 'INSERT' ? null : 0, capped: false });
        continue;
      }
      // SELECT: what the role sees. UPDATE/DELETE: rows a statement with a WHERE clause reaches, i.e.
      // visible (SELECT policies, applied to this query by Postgres) and passing the command's USING.
      const where = command === 'SELECT' || !rlsApplies(target)
        ? sql`true`
        : sql.raw(combined(applicablePolicies(target.policies, input.role, command), 'using'));
      const counted = await sql<{ n: number }>`
        select count(*)::int as n from (select 1 from ${tbl} as ${sql.id(target.name)} where ${where} limit ${CAP + 1}) s`.execute(trx);
      const n = counted.rows[0].n;
      commands.push({ command, access, rows: Math.min(n, CAP), capped: n > CAP });
      if (command === 'SELECT') {
        const s = await sql<{ r: Record<string, unknown> }>`select to_jsonb(t) as r from ${tbl} as t limit 5`.execute(trx);
        sample = s.rows.map((x) => redact(x.r));
      }
    }
    return { table: target.table, role: input.role, user: { id: subject.id, email: subject.email }, commands, sample, key: target.pk?.column ?? null };
  });
}

export interface PolicyCheck {
  name: string;
  command: PolicyView['command'];
  permissive: boolean;
  part: 'using' | 'check';
  expression: string;
  /** true/false as Postgres evaluates it for this user and row; null when it raised (see error). */
  result: boolean | null;
  error?: string;
}

export interface WhyNotCommand {
  command: Command;
  grant: { ok: boolean; detail: string };
  rls: 'off' | 'bypassed' | 'on';
  checks: PolicyCheck[];
  allowed: boolean;
  reason: string;
}

export interface WhyNotResult {
  table: string;
  role: string;
  user: { id: string | null; email: string | null };
  key: string;
  commands: WhyNotCommand[];
}

async function evaluate(trx: Trx, target: Target, row: unknown, expression: string): Promise<{ result: boolean | null; error?: string }> {
  await sql`savepoint kontor_why`.execute(trx);
  try {
    const r = await sql<{ ok: boolean | null }>`
      select (${sql.raw(expression)})::boolean as ok
        from jsonb_populate_record(null::${sql.id(target.schema, target.name)}, ${JSON.stringify(row)}::jsonb) as ${sql.id(target.name)}`.execute(trx);
    await sql`release savepoint kontor_why`.execute(trx);
    return { result: r.rows[0]?.ok === true };
  } catch (err) {
    await sql`rollback to savepoint kontor_why`.execute(trx);
    return { result: null, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * For one row (by its single-column primary key): the grant check, each applicable policy's USING and
 * WITH CHECK evaluated separately, and the verdict for SELECT, INSERT (this row as a new row), UPDATE
 * and DELETE as statements addressing the row by its key (so SELECT policies apply to them too).
 */
export async function whyNot(db: AnyDb, staff: StaffContext, raw: WhyNotInput): Promise<WhyNotResult> {
  requireImpersonate(staff);
  const input = WhyNotInput.parse(raw);
  return rolledBack(db, async (trx) => {
    const target = await resolveTarget(trx, input);
    if (!target.pk) throw new TestAsUserError(`${target.table} has no single-column primary key to name a row by.`);
    const subject = await resolveSubject(trx, input.role, input.user);
    const tbl = sql.id(target.schema, target.name);
    // Read as Kontor, before switching: the row itself, whatever RLS would say.
    const found = await sql<{ r: Record<string, unknown> }>`
      select to_jsonb(t) as r from ${tbl} as t where ${sql.id('t', target.pk.column)} = cast(${input.key} as ${sql.raw(target.pk.type)})`
      .execute(trx)
      .catch(() => ({ rows: [] }));
    const row = found.rows[0]?.r;
    if (!row) throw new TestAsUserError(`No row of ${target.table} with ${target.pk.column} = ${input.key}.`);
    await becomeUser(trx, input.role, subject);
    const applies = rlsApplies(target);
    const g = target.grants;
    const cache = new Map<string, Promise<{ result: boolean | null; error?: string }>>();
    const commands: WhyNotCommand[] = [];
    for (const command of COMMANDS) {
      const needsSelect = command !== 'INSERT';
      const own = g.grants[command] !== 'none' && (command !== 'UPDATE' || target.updatable !== null);
      const sel = !needsSelect || command === 'SELECT' || g.grants.SELECT !== 'none';
      const grantOk = g.schemaUsage && own && sel;
      const grant = {
        ok: grantOk,
        detail: !g.schemaUsage ? 'no USAGE on the schema'
          : !own ? `no ${command} privilege` : !sel ? `no SELECT privilege (the WHERE clause reads the key)`
          : `${command}${needsSelect && command !== 'SELECT' ? ' and SELECT' : ''} granted${g.grants[command] === 'columns' ? ' on some columns' : ''}`,
      };
      const checks: PolicyCheck[] = [];
      let allowed = grantOk;
      let reason = grantOk ? '' : `Denied before RLS: ${grant.detail}.`;
      if (applies) {
        // The policy sets Postgres applies: the command's own, plus SELECT's for statements that read the row.
        const sets: { cmd: Command; part: 'using' | 'check' }[] = [
          ...partsFor(command).map((part) => ({ cmd: command, part })),
          ...(needsSelect && command !== 'SELECT' ? [{ cmd: 'SELECT' as Command, part: 'using' as const }] : []),
        ];
        for (const { cmd, part } of sets) {
          const pols = applicablePolicies(target.policies, input.role, cmd);
          const results: PolicyCheck[] = [];
          for (const p of pols) {
            const expression = policyExpression(p, part) ?? 'true';
            const key = expression;
            if (!cache.has(key)) cache.set(key, evaluate(trx, target, row, expression));
            const r = await cache.get(key)!;
            results.push({ name: p.name, command: p.command, permissive: p.permissive, part, expression, ...r });
          }
          checks.push(...results);
          const passes = results.some((r) => r.permissive && r.result === true) && results.filter((r) => !r.permissive).every((r) => r.result === true);
          if (allowed && !passes) {
            allowed = false;
            const label = `${cmd} ${part === 'using' ? 'USING' : 'WITH CHECK'}`;
            reason = !results.some((r) => r.permissive)
              ? `No permissive ${cmd} policy applies to ${input.role}.`
              : results.some((r) => !r.permissive && r.result !== true) && results.some((r) => r.permissive && r.result === true)
                ? `A restrictive policy (${label}) is false for this row.`
                : `No permissive policy’s ${label} is true for this row.`;
          }
        }
      }
      if (allowed) reason = applies ? 'Allowed: the grant and the policies pass for this row.' : `Allowed: RLS ${target.rls ? 'is bypassed' : 'is off'} and the grant holds.`;
      commands.push({ command, grant, rls: !target.rls ? 'off' : applies ? 'on' : 'bypassed', checks, allowed, reason });
    }
    return { table: target.table, role: input.role, user: { id: subject.id, email: subject.email }, key: input.key, commands };
  });
}
