/**
 * SQL shared by the advisors: which schemas are the product's, and which roles the API uses.
 *
 * Supabase-managed schemas are skipped, as Supabase's own linter does: their objects are not the
 * product team's to change. Lints that are precisely about them (auth.users exposed through a view)
 * look at them on purpose.
 */
import { sql, type RawBuilder } from 'kysely';

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
export const API_ROLES_CTE = sql`api_roles as (
  select r.oid, r.rolname::text as rolname, r.rolbypassrls
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
