/**
 * One table's structure: columns, constraints, foreign keys both ways, triggers, policies, and a
 * masked sample of rows. The table is found by name in the catalog first; an unknown name is null,
 * and every later query reaches it by oid or by sql.id (quoted), never by concatenated text.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  /** Looks like a secret by name or type: sample values are masked. */
  secret: boolean;
}

export interface ConstraintInfo {
  name: string;
  kind: 'primary key' | 'unique' | 'check' | 'foreign key' | 'exclusion' | 'not null' | 'trigger';
  definition: string;
  validated: boolean;
}

export interface ForeignKeyInfo {
  name: string;
  /** The other table, schema-qualified. */
  schema: string;
  table: string;
  definition: string;
}

export interface TriggerInfo {
  name: string;
  definition: string;
  enabled: boolean;
}

export interface PolicyInfo {
  name: string;
  command: string;
  roles: string[];
  permissive: boolean;
  using: string | null;
  check: string | null;
}

export interface TableDetail {
  schema: string;
  name: string;
  oid: number;
  kind: string;
  rls: boolean;
  forceRls: boolean;
  comment: string | null;
  columns: ColumnInfo[];
  constraints: ConstraintInfo[];
  /** Foreign keys of this table to others. */
  references: ForeignKeyInfo[];
  /** Foreign keys of other tables to this one. */
  referencedBy: ForeignKeyInfo[];
  triggers: TriggerInfo[];
  policies: PolicyInfo[];
}

// Names and types that usually carry secrets in Supabase products (GoTrue's hashes and tokens,
// API keys and anything named key, provider secrets, pgsodium/encrypted columns).
const SECRET_NAME = /(pass(word)?|passwd|secret|token|api_?key|private_?key|hash|salt|encrypted|credential|otp|recovery|signature|nonce|(^|_)keys?($|_))/i;

// Codes that are redeemed for something (promo codes, coupons, invitations): whoever reads one can use it.
const REDEEMABLE_TABLE = /promo|coupon|voucher|gift|invit|referral|discount|redeem/i;
const REDEEMABLE_COLUMN = /(promo|coupon|voucher|gift|invite|invitation|referral|discount|redeem|redemption)_?code|^voucher$|^coupon$/i;

export function looksSecret(name: string, type = '', table = ''): boolean {
  return SECRET_NAME.test(name) || /bytea/.test(type) && /key|enc/i.test(name)
    || REDEEMABLE_COLUMN.test(name) || (REDEEMABLE_TABLE.test(table) && /(^|_)code$/i.test(name));
}

const CONSTRAINT_KIND: Record<string, ConstraintInfo['kind']> = {
  p: 'primary key', u: 'unique', c: 'check', f: 'foreign key', x: 'exclusion', n: 'not null', t: 'trigger',
};

export async function getTableDetail(db: QueryExecutorProvider, schema: string, name: string): Promise<TableDetail | null> {
  const found = await sql<{ oid: number; relkind: string; rls: boolean; force: boolean; comment: string | null }>`
    select c.oid::int as oid, c.relkind::text as relkind, c.relrowsecurity as rls, c.relforcerowsecurity as force,
           obj_description(c.oid, 'pg_class') as comment
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${schema} and c.relname = ${name} and c.relkind in ('r', 'p', 'm', 'v', 'f')
     limit 1`.execute(db);
  const t = found.rows[0];
  if (!t) return null;
  const oid = t.oid;
  const [columns, constraints, references, referencedBy, triggers, policies] = await Promise.all([
    sql<{ name: string; type: string; nullable: boolean; default: string | null }>`
      select a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type, not a.attnotnull as nullable,
             pg_get_expr(d.adbin, d.adrelid) as default
        from pg_catalog.pg_attribute a
        left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
       where a.attrelid = ${oid} and a.attnum > 0 and not a.attisdropped
       order by a.attnum limit 1600`.execute(db),
    sql<{ name: string; contype: string; definition: string; validated: boolean }>`
      select conname::text as name, contype::text, pg_get_constraintdef(oid) as definition, convalidated as validated
        from pg_catalog.pg_constraint where conrelid = ${oid} and contype <> 'f'
       order by contype, conname limit 500`.execute(db),
    sql<ForeignKeyInfo>`
      select k.conname::text as name, n.nspname::text as schema, c.relname::text as table, pg_get_constraintdef(k.oid) as definition
        from pg_catalog.pg_constraint k join pg_catalog.pg_class c on c.oid = k.confrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where k.conrelid = ${oid} and k.contype = 'f' order by k.conname limit 500`.execute(db),
    sql<ForeignKeyInfo>`
      select k.conname::text as name, n.nspname::text as schema, c.relname::text as table, pg_get_constraintdef(k.oid) as definition
        from pg_catalog.pg_constraint k join pg_catalog.pg_class c on c.oid = k.conrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where k.confrelid = ${oid} and k.contype = 'f' order by n.nspname, c.relname, k.conname limit 500`.execute(db),
    sql<TriggerInfo>`
      select tgname::text as name, pg_get_triggerdef(oid) as definition, tgenabled <> 'D' as enabled
        from pg_catalog.pg_trigger where tgrelid = ${oid} and not tgisinternal order by tgname limit 500`.execute(db),
    sql<PolicyInfo>`
      select p.polname::text as name,
             case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end as command,
             case when p.polroles = '{0}' then array['public']
                  else array(select rolname::text from pg_catalog.pg_roles where oid = any (p.polroles) order by 1) end as roles,
             p.polpermissive as permissive,
             pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as check
        from pg_catalog.pg_policy p where p.polrelid = ${oid} order by p.polname limit 500`.execute(db),
  ]);
  return {
    schema,
    name,
    oid,
    kind: { r: 'table', p: 'partitioned table', m: 'materialized view', v: 'view', f: 'foreign table' }[t.relkind] ?? t.relkind,
    rls: t.rls,
    forceRls: t.force,
    comment: t.comment,
    columns: columns.rows.map((c) => ({ ...c, secret: looksSecret(c.name, c.type, name) })),
    constraints: constraints.rows.map((c) => ({
      name: c.name, kind: CONSTRAINT_KIND[c.contype] ?? 'check', definition: c.definition, validated: c.validated,
    })),
    references: references.rows,
    referencedBy: referencedBy.rows,
    triggers: triggers.rows,
    policies: policies.rows,
  };
}

export const SAMPLE_LIMIT = 20;
const MAX_CELL = 200;
export const MASK = '•••••• (masked)';

/** Display text of one value: masked when its column looks secret, shortened when long. */
function display(value: unknown, secret: boolean): string | null {
  if (value === null || value === undefined) return null;
  if (secret) return MASK;
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL)}…` : text;
}

/**
 * A few rows, as display strings: secret-looking columns are masked here, on the server, so their
 * values never reach the browser. Byte arrays and huge values are cut to MAX_CELL characters.
 */
export async function sampleRows(
  db: QueryExecutorProvider,
  detail: Pick<TableDetail, 'schema' | 'name' | 'columns'>,
  limit = SAMPLE_LIMIT,
): Promise<{ columns: string[]; rows: (string | null)[][] }> {
  const cols = detail.columns.slice(0, 60);
  if (!cols.length) return { columns: [], rows: [] };
  // Secret columns are not even selected: the value never leaves Postgres.
  const list = sql.join(cols.map((c) =>
    c.secret ? sql`(${sql.id(c.name)} is not null) as ${sql.id(c.name)}` : sql`left(${sql.id(c.name)}::text, ${MAX_CELL + 1}) as ${sql.id(c.name)}`));
  const { rows } = await sql<Record<string, unknown>>`
    select ${list} from ${sql.id(detail.schema, detail.name)} limit ${Math.min(Math.max(limit, 1), 100)}`.execute(db);
  return {
    columns: cols.map((c) => c.name),
    rows: rows.map((r) => cols.map((c) => (c.secret ? (r[c.name] ? MASK : null) : display(r[c.name], false)))),
  };
}
