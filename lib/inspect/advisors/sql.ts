/**
 * SQL shared by the advisors: which schemas are the product's, and which roles the API uses.
 *
 * Supabase-managed schemas are skipped, as Supabase's own linter does: their objects are not the
 * product team's to change. Lints that are precisely about them (auth.users exposed through a view)
 * look at them on purpose.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';

export const MANAGED_SCHEMAS = [
  'pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'extensions', 'kontor', 'graphql',
  'graphql_public', 'realtime', '_realtime', 'supabase_functions', 'supabase_migrations', 'vault', 'pgsodium',
  'pgsodium_masks', 'net', 'cron', 'pgbouncer', '_analytics', 'pgtle', 'repack', 'tiger', 'topology',
] as const;

/** True for a namespace (`alias`.nspname) that belongs to the product. */
export function productSchema(alias = 'n'): RawBuilder<boolean> {
  const col = sql.ref(`${alias}.nspname`);
  return sql<boolean>`(${col} <> all(${sql.val([...MANAGED_SCHEMAS])}::text[]) and ${col} !~ '^pg_(temp|toast_temp)_')`;
}

/** Not created by an extension (pg_depend 'e'): extension objects are the extension's business. */
export function notFromExtension(classid: string, oidRef: string): RawBuilder<boolean> {
  return sql<boolean>`not exists (select 1 from pg_catalog.pg_depend dep
     where dep.classid = ${sql.lit(classid)}::regclass and dep.objid = ${sql.ref(oidRef)} and dep.deptype = 'e')`;
}

/**
 * The API roles: anon, authenticated, and every role that inherits their privileges (pg_has_role
 * USAGE). Superusers inherit everything and are not API roles; a role that is a member without
 * INHERIT (Supabase's `authenticator`) only switches into them, so it is not listed either.
 */
export const API_ROLES_CTE = sql`api_roles as materialized (
  select r.oid, r.rolname::text as rolname, r.rolbypassrls,
         -- the roles whose privileges it has: a policy TO one of them applies to it
         array(select g.oid from pg_catalog.pg_roles g where pg_catalog.pg_has_role(r.oid, g.oid, 'USAGE')) as reach
    from pg_catalog.pg_roles r
   where not r.rolsuper
     and (r.rolname in ('anon', 'authenticated')
          or exists (select 1 from pg_catalog.pg_roles b
                      where b.rolname in ('anon', 'authenticated') and b.oid <> r.oid
                        and pg_catalog.pg_has_role(r.oid, b.oid, 'USAGE'))))`;

/** `schema.name` as Postgres would print it (quoted where needed). */
export function qualified(schemaCol: string, nameCol: string): RawBuilder<string> {
  return sql<string>`(quote_ident(${sql.ref(schemaCol)}) || '.' || quote_ident(${sql.ref(nameCol)}))`;
}

/**
 * The schemas the Data API serves: PostgREST's `pgrst.db_schemas` (this session's setting, which
 * includes the database's, else the one set on the `authenticator` role), else every schema an API
 * role may use. Needs api_roles before it. A table in a schema the API does not serve cannot leak
 * through it, whatever its grants.
 */
export const EXPOSED_SCHEMAS_CTE = sql`api_setting as (
  select coalesce(nullif(current_setting('pgrst.db_schemas', true), ''),
                  (select substr(cfg, length('pgrst.db_schemas=') + 1)
                     from pg_catalog.pg_db_role_setting s cross join unnest(s.setconfig) cfg
                    where cfg like 'pgrst.db_schemas=%'
                      and s.setrole in (0, coalesce((select oid from pg_catalog.pg_roles where rolname = 'authenticator'), 0))
                      and s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
                    order by s.setrole desc, s.setdatabase desc limit 1)) as schemas),
  exposed_schemas as (
  select n.oid, n.nspname
    from pg_catalog.pg_namespace n, api_setting
   where case when api_setting.schemas is not null
              then n.nspname = any(array(select trim(x) from unnest(string_to_array(api_setting.schemas, ',')) x))
              else exists (select 1 from api_roles ar where has_schema_privilege(ar.oid, n.oid, 'USAGE')) end)`;

/** What a check needs of Supabase's layout; what is missing makes it skip, saying so. */
export interface Requirements {
  /** At least one of these roles. */
  anyRole?: string[];
  schemas?: string[];
  relations?: string[];
}

/** Why a check cannot run on this database (a plain Postgres lacks Supabase's roles and schemas), or null. */
export async function missingRequirements(db: QueryExecutorProvider, req: Requirements): Promise<string | null> {
  // Looked up by oid in the catalog, never by name: a name lookup (to_regclass) in a schema the role may
  // not use fails with "permission denied" instead of answering.
  const { rows: [r] } = await sql<{ roles: boolean; schemas: string[]; relations: string[]; unreadable: string[] }>`
    with want as (select t, split_part(t, '.', 1) as nsp, split_part(t, '.', 2) as rel from unnest(${sql.val(req.relations ?? [])}::text[]) t),
    found as (
      select w.t, c.oid as rel_oid, n.oid as nsp_oid
        from want w left join pg_catalog.pg_namespace n on n.nspname = w.nsp
        left join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = w.rel)
    select (${sql.val(req.anyRole ?? [])}::text[] = '{}' or exists (select 1 from pg_catalog.pg_roles where rolname = any(${sql.val(req.anyRole ?? [])}::text[]))) as roles,
           array(select s from unnest(${sql.val(req.schemas ?? [])}::text[]) s where not exists (select 1 from pg_catalog.pg_namespace where nspname = s)) as schemas,
           array(select t from found where rel_oid is null) as relations,
           array(select t from found where rel_oid is not null
                   and not (has_schema_privilege(nsp_oid, 'USAGE') and has_table_privilege(rel_oid, 'SELECT'))) as unreadable`.execute(db);
  const missing = [
    ...(r.roles ? [] : [`the role ${req.anyRole!.join(' or ')}`]),
    ...r.schemas.map((s) => `the schema ${s}`),
    ...r.relations.map((t) => `the table ${t}`),
  ];
  if (missing.length) return `needs Supabase's ${missing.join(', ')}, which this database lacks`;
  return r.unreadable.length ? `Kontor's role may not read ${r.unreadable.join(', ')} (grant it SELECT to run this check)` : null;
}
