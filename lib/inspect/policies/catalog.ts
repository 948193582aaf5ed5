/**
 * The RLS facts of product tables, read from the catalog: RLS flags, owner, policies (formatted), and
 * for each API role the grants that decide access before any policy does. One query per fact set,
 * bounded to the tables of one page.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { API_ROLES_CTE, productSchema } from '@/lib/inspect/advisors/sql';

import { COMMANDS, type Command } from '@/lib/inspect/policies/commands';

export { COMMANDS, type Command };

export interface PolicyView {
  name: string;
  command: Command | 'ALL';
  /** Role names; 'public' for PUBLIC. */
  roles: string[];
  /** API roles this policy applies to (PUBLIC, the role itself, or a role it inherits). */
  appliesTo: string[];
  permissive: boolean;
  using: string | null;
  check: string | null;
}

export interface RoleGrants {
  role: string;
  bypassRls: boolean;
  /** The role owns the table (or inherits from its owner): RLS applies only when forced. */
  owner: boolean;
  schemaUsage: boolean;
  /** Per command: on the whole table, on some columns only, or none. */
  grants: Record<Command, 'table' | 'columns' | 'none'>;
}

export interface PolicyTable {
  oid: number;
  /** schema.name, quoted as Postgres prints it: the key pages and forms use. */
  table: string;
  schema: string;
  name: string;
  owner: string;
  rls: boolean;
  forced: boolean;
  policies: PolicyView[];
  roles: RoleGrants[];
}

export const POLICY_SORTS = ['table', 'policies'] as const;
export type PolicySort = (typeof POLICY_SORTS)[number];

export interface TableListQuery {
  q?: string;
  sort?: PolicySort;
  desc?: boolean;
  limit: number;
  offset: number;
}

const CMD = sql<Command | 'ALL'>`case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end`;

/** A page of product tables with their policies and API-role grants; `total` counts the filter's matches. */
export async function listPolicyTables(db: QueryExecutorProvider, query: TableListQuery): Promise<{ rows: PolicyTable[]; total: number }> {
  const filter = query.q ? `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const order = query.sort === 'policies'
    ? sql`npol ${sql.raw(query.desc ? 'desc' : 'asc')}, n.nspname, c.relname`
    : sql`n.nspname ${sql.raw(query.desc ? 'desc' : 'asc')}, c.relname ${sql.raw(query.desc ? 'desc' : 'asc')}`;
  const tables = await sql<{ oid: number; table: string; schema: string; name: string; owner: string; rls: boolean; forced: boolean; total: number }>`
    select c.oid::int as oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) as "table", n.nspname as schema,
           c.relname as name, pg_get_userbyid(c.relowner)::text as owner, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
           (select count(*) from pg_catalog.pg_policy p where p.polrelid = c.oid) as npol,
           (count(*) over ())::int as total
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and ${productSchema()}
       and (${filter}::text is null or (n.nspname || '.' || c.relname) ilike ${filter})
     order by ${order}
     limit ${query.limit} offset ${query.offset}`.execute(db);
  const oids = tables.rows.map((t) => t.oid);
  if (!oids.length) return { rows: [], total: 0 };
  const [policies, roles] = await Promise.all([policiesOf(db, oids), grantsOf(db, oids)]);
  return {
    total: tables.rows[0].total,
    rows: tables.rows.map(({ total: _t, ...t }) => ({ ...t, policies: policies.get(t.oid) ?? [], roles: roles.get(t.oid) ?? [] })),
  };
}

export async function policiesOf(db: QueryExecutorProvider, oids: number[]): Promise<Map<number, PolicyView[]>> {
  const { rows } = await sql<PolicyView & { oid: number }>`with ${API_ROLES_CTE}
    select p.polrelid::int as oid, p.polname::text as name, ${CMD} as command, p.polpermissive as permissive,
           array(select case when r = 0 then 'public' else pg_get_userbyid(r)::text end from unnest(p.polroles) r order by 1) as roles,
           array(select ar.rolname from api_roles ar
                  where 0 = any(p.polroles)
                     or exists (select 1 from unnest(p.polroles) pr(oid) where pg_catalog.pg_has_role(ar.oid, pr.oid, 'USAGE'))
                  order by 1) as "appliesTo",
           pg_get_expr(p.polqual, p.polrelid, true) as using, pg_get_expr(p.polwithcheck, p.polrelid, true) as check
      from pg_catalog.pg_policy p
     where p.polrelid = any(${oids}::oid[])
     order by p.polrelid, p.polname`.execute(db);
  const map = new Map<number, PolicyView[]>();
  for (const { oid, ...p } of rows) map.set(oid, [...(map.get(oid) ?? []), p]);
  return map;
}

export async function grantsOf(db: QueryExecutorProvider, oids: number[]): Promise<Map<number, RoleGrants[]>> {
  const { rows } = await sql<{ oid: number; role: string; bypassRls: boolean; owner: boolean; schemaUsage: boolean; g: string[] }>`with ${API_ROLES_CTE}
    select c.oid::int as oid, ar.rolname as role, ar.rolbypassrls as "bypassRls",
           pg_catalog.pg_has_role(ar.oid, c.relowner, 'USAGE') as owner,
           has_schema_privilege(ar.oid, c.relnamespace, 'USAGE') as "schemaUsage",
           array[
             case when has_table_privilege(ar.oid, c.oid, 'SELECT') then 'table' when has_any_column_privilege(ar.oid, c.oid, 'SELECT') then 'columns' else 'none' end,
             case when has_table_privilege(ar.oid, c.oid, 'INSERT') then 'table' when has_any_column_privilege(ar.oid, c.oid, 'INSERT') then 'columns' else 'none' end,
             case when has_table_privilege(ar.oid, c.oid, 'UPDATE') then 'table' when has_any_column_privilege(ar.oid, c.oid, 'UPDATE') then 'columns' else 'none' end,
             case when has_table_privilege(ar.oid, c.oid, 'DELETE') then 'table' else 'none' end] as g
      from pg_catalog.pg_class c cross join api_roles ar
     where c.oid = any(${oids}::oid[])
     order by c.oid, ar.rolname`.execute(db);
  const map = new Map<number, RoleGrants[]>();
  for (const { oid, g, ...r } of rows) {
    const grants = Object.fromEntries(COMMANDS.map((cmd, i) => [cmd, g[i]])) as RoleGrants['grants'];
    map.set(oid, [...(map.get(oid) ?? []), { ...r, grants }]);
  }
  return map;
}
