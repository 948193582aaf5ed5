/**
 * Security advisors: what lets one customer read or change another's data through the API.
 * Each is one catalog query over the product's schemas (sql.ts); none matches policy text with LIKE
 * except where the text itself is the risk (a key named user_metadata).
 */
import 'server-only';
import { sql } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import type { ObjectRow } from '@/lib/inspect/advisors/types';
import { API_ROLES_CTE, notFromExtension, productSchema } from '@/lib/inspect/advisors/sql';
import { SECRET_COLUMN_ADVISOR } from '@/lib/inspect/advisors/secrets';
import { definerFunctionFor } from '@/lib/inspect/advisors/exposure';

const TABLE = sql`quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;
const POLICY = sql`quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '/' || quote_ident(p.polname)`;

/** The policy applies to some API role: PUBLIC, or a role an API role has the privileges of. */
const POLICY_REACHES_API = sql`(0 = any(p.polroles) or exists (select 1 from api_roles ar, unnest(p.polroles) pr(oid)
   where pg_catalog.pg_has_role(ar.oid, pr.oid, 'USAGE')))`;

/**
 * A table holds user data when a column names a user (user_id, owner, created_by, sender_id, ...) or
 * it has a foreign key to auth.users, directly or through a table keyed by it (public.users).
 */
export const USER_COLUMN = '^((user|owner|author|creator|profile|customer|account|member|sender|recipient|uploader|buyer|seller)(_?id)?|(created|updated|owned|submitted)_by|uid|userid)$';
export const HOLDS_USER_DATA = sql`(exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0
      and not a.attisdropped and a.attname ~* ${USER_COLUMN})
   or exists (select 1 from pg_catalog.pg_constraint f where f.conrelid = c.oid and f.contype = 'f'
      and (f.confrelid = to_regclass('auth.users')
           or exists (select 1 from pg_catalog.pg_constraint g where g.conrelid = f.confrelid and g.contype = 'f'
                       and g.confrelid = to_regclass('auth.users')))))`;

/**
 * A policy expression (pg_node_tree) that is always true: `true`, `(true)`, `1 = 1`, as pg_get_expr
 * prints them. Their trees are a few hundred characters: longer ones are not deparsed at all.
 */
const ALWAYS_TRUE = (tree: ReturnType<typeof sql>) =>
  sql`(case when octet_length(${tree}::text) < 1000
            then lower(regexp_replace(pg_get_expr(${tree}, p.polrelid), '[\\s()]', '', 'g')) in ('true', '1=1') else false end)`;

/** 'user_metadata' as a constant's bytes appear in a pg_node_tree (`:constvalue 17 [ 68 0 0 0 117 115 ...`). */
const USER_METADATA_BYTES = `%${[...new TextEncoder().encode('user_metadata')].join(' ')}%`;

const CMD = sql`case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end`;

async function rows(db: Parameters<Advisor['run']>[0], query: ReturnType<typeof sql<ObjectRow>>) {
  return (await query.execute(db)).rows;
}

export const SECURITY_ADVISORS: Advisor[] = [
  {
    id: 'rls_disabled_public_table',
    name: 'RLS disabled on a table the API can reach',
    level: 'error',
    category: 'security',
    why: 'Anyone holding the anon key can read and change every row: nothing filters by user.',
    fix: 'ALTER TABLE … ENABLE ROW LEVEL SECURITY and add policies, or revoke the API roles’ privileges.',
    run: (db) => rows(db, sql<ObjectRow>`with ${API_ROLES_CTE}
      select ${TABLE} as object, ${TABLE} as "table", null::text[] as related,
             'RLS is off and ' || string_agg(distinct ar.rolname, ', ' order by ar.rolname) || ' hold privileges on it' as detail
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join api_roles ar on has_schema_privilege(ar.oid, n.oid, 'USAGE')
                         and has_table_privilege(ar.oid, c.oid, 'SELECT,INSERT,UPDATE,DELETE')
       where c.relkind in ('r', 'p') and not c.relrowsecurity and ${productSchema()}
       group by n.nspname, c.relname order by 1`),
  },
  {
    id: 'rls_enabled_no_policy',
    name: 'RLS enabled with no policy',
    level: 'info',
    category: 'security',
    why: 'The API returns no rows and accepts no writes: users cannot even read their own data; only roles that bypass RLS can.',
    fix: 'Add the policies the product needs, or say in a comment why only the service role may touch it.',
    run: (db) => rows(db, sql<ObjectRow>`
      select ${TABLE} as object, ${TABLE} as "table", null::text[] as related, 'RLS is on; no policy exists' as detail
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and c.relrowsecurity and ${productSchema()}
         and not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = c.oid)
       order by 1`),
  },
  {
    id: 'policy_exists_rls_disabled',
    name: 'Policies on a table with RLS disabled',
    level: 'error',
    category: 'security',
    why: 'The policies look like protection but do nothing while RLS is off.',
    fix: 'ALTER TABLE … ENABLE ROW LEVEL SECURITY (or drop the policies if they are obsolete).',
    run: (db) => rows(db, sql<ObjectRow>`
      select ${TABLE} as object, ${TABLE} as "table", array_agg(quote_ident(p.polname) order by p.polname)::text[] as related,
             count(*) || ' polic' || case when count(*) = 1 then 'y is' else 'ies are' end || ' ignored' as detail
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_policy p on p.polrelid = c.oid
       where c.relkind in ('r', 'p') and not c.relrowsecurity and ${productSchema()}
       group by n.nspname, c.relname order by 1`),
  },
  {
    id: 'policy_using_true_private',
    name: 'Always-true policy on a table with user data',
    level: 'error',
    category: 'security',
    why: 'A permissive policy that is always true lets every API user read or write every user’s rows: WITH CHECK (true) on INSERT or UPDATE lets anyone write rows in anyone’s name.',
    fix: 'Restrict the policy to the owner, e.g. USING ((select auth.uid()) = user_id) and the same WITH CHECK.',
    run: (db) => rows(db, sql<ObjectRow>`with ${API_ROLES_CTE},
      pol as (
        select p.*, ${ALWAYS_TRUE(sql`p.polqual`)} as using_true,
               (${ALWAYS_TRUE(sql`p.polwithcheck`)}
                -- INSERT has no USING: without WITH CHECK it accepts any row
                or (p.polcmd = 'a' and p.polwithcheck is null)) as check_true
          from pg_catalog.pg_policy p where p.polpermissive)
      select ${POLICY} as object, ${TABLE} as "table", null::text[] as related,
             ${CMD} || ' ' || case when p.using_true then 'USING (true)'
                                   when p.polwithcheck is null then 'without WITH CHECK' else 'WITH CHECK (true)' end
               || ' for ' || array_to_string(array(select case when r = 0 then 'public' else pg_get_userbyid(r)::text end
                                                    from unnest(p.polroles) r), ', ') as detail
        from pol p
        join pg_catalog.pg_class c on c.oid = p.polrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where c.relrowsecurity and ${productSchema()}
         and (p.using_true or p.check_true)
         and ${POLICY_REACHES_API} and ${HOLDS_USER_DATA}
       order by 1`),
  },
  {
    id: 'policy_reads_user_metadata',
    name: 'Policy trusts user_metadata',
    level: 'error',
    category: 'security',
    why: 'Users edit their own user_metadata (supabase.auth.updateUser), so a policy that trusts it trusts the user.',
    fix: 'Read roles from app_metadata or from a table the user cannot write.',
    run: (db) => rows(db, sql<ObjectRow>`
      select ${POLICY} as object, ${TABLE} as "table", null::text[] as related,
             ${CMD} || ' policy reads user_metadata' as detail
        from pg_catalog.pg_policy p
        join pg_catalog.pg_class c on c.oid = p.polrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where ${productSchema()}
         -- Deparsing every policy is the cost: only trees holding the text 'user_metadata' (a constant's
         -- bytes) are, unless a column or function of that name exists (a reference carries no name).
         and (coalesce(p.polqual::text, '') || coalesce(p.polwithcheck::text, '') like ${USER_METADATA_BYTES}
              or exists (select 1 from pg_catalog.pg_attribute a where a.attname = 'user_metadata')
              or exists (select 1 from pg_catalog.pg_proc f where f.proname = 'user_metadata'))
         and (coalesce(pg_get_expr(p.polqual, p.polrelid), '') ~ '\\muser_metadata\\M'
              or coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') ~ '\\muser_metadata\\M')
       order by 1`),
  },
  {
    id: 'auth_users_exposed',
    name: 'auth.users exposed through a view',
    level: 'error',
    category: 'security',
    why: 'A view over auth.users that the API roles can select hands out every user’s email and metadata.',
    fix: 'Drop the view, or make it security_invoker and revoke it from anon and authenticated.',
    run: (db) => rows(db, sql<ObjectRow>`with ${API_ROLES_CTE}
      select distinct ${TABLE} as object, ${TABLE} as "table", array['auth.users']::text[] as related,
             'selects from auth.users; readable by ' || (select string_agg(ar.rolname, ', ' order by ar.rolname) from api_roles ar
               where has_table_privilege(ar.oid, c.oid, 'SELECT')) as detail
        from pg_catalog.pg_depend d
        join pg_catalog.pg_rewrite rw on rw.oid = d.objid
        join pg_catalog.pg_class c on c.oid = rw.ev_class join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where d.classid = 'pg_catalog.pg_rewrite'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
         and d.refobjid = to_regclass('auth.users') and c.relkind in ('v', 'm') and ${productSchema()}
         and exists (select 1 from api_roles ar where has_table_privilege(ar.oid, c.oid, 'SELECT'))
         and (c.relkind = 'm'
              or not exists (select 1 from unnest(coalesce(c.reloptions, '{}')) o
                              where lower(o) in ('security_invoker=true', 'security_invoker=on', 'security_invoker=1', 'security_invoker=yes'))
              or exists (select 1 from api_roles ar where has_table_privilege(ar.oid, to_regclass('auth.users'), 'SELECT')))
       order by 1`),
  },
  {
    id: 'security_definer_view',
    name: 'Security-definer view',
    level: 'error',
    category: 'security',
    why: 'The view runs with its owner’s rights, so RLS on the tables beneath it does not apply to API users.',
    fix: 'ALTER VIEW … SET (security_invoker = true), or revoke it from the API roles.',
    run: (db) => rows(db, sql<ObjectRow>`with ${API_ROLES_CTE}
      select ${TABLE} as object, ${TABLE} as "table", null::text[] as related,
             'readable by ' || string_agg(ar.rolname, ', ' order by ar.rolname) || ' without security_invoker' as detail
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join api_roles ar on has_table_privilege(ar.oid, c.oid, 'SELECT')
       where c.relkind = 'v' and ${productSchema()} and ${notFromExtension('pg_class', 'c.oid')}
         and not exists (select 1 from unnest(coalesce(c.reloptions, '{}')) o
                          where lower(o) in ('security_invoker=true', 'security_invoker=on', 'security_invoker=1', 'security_invoker=yes'))
       group by n.nspname, c.relname order by 1`),
  },
  definerFunctionFor('anon'),
  definerFunctionFor('authenticated'),
  {
    id: 'function_search_path_mutable',
    name: 'Function with a mutable search_path',
    level: 'warning',
    category: 'security',
    why: 'Without a pinned search_path, whoever can create objects earlier on the path can replace what the function calls.',
    fix: 'ALTER FUNCTION … SET search_path = \'\' (and schema-qualify what it uses).',
    run: (db) => rows(db, sql<ObjectRow>`
      select quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')' as object,
             null::text as "table", null::text[] as related,
             case when p.prosecdef then 'SECURITY DEFINER, ' else '' end || 'language ' || l.lanname || ', no search_path setting' as detail
        from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        join pg_catalog.pg_language l on l.oid = p.prolang
       where p.prokind in ('f', 'p') and l.lanname not in ('c', 'internal') and ${productSchema()}
         and ${notFromExtension('pg_proc', 'p.oid')}
         and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) s where s like 'search_path=%')
       order by 1`),
  },
  SECRET_COLUMN_ADVISOR,
  {
    id: 'extension_in_public',
    name: 'Extension installed in public',
    level: 'warning',
    category: 'security',
    why: 'Its functions and types land in the API’s schema, where they are exposed and can shadow the product’s.',
    fix: 'ALTER EXTENSION … SET SCHEMA extensions (or reinstall it there).',
    run: (db) => rows(db, sql<ObjectRow>`
      select quote_ident(e.extname) as object, null::text as "table", null::text[] as related,
             'version ' || e.extversion || ' in schema public' as detail
        from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
       where n.nspname = 'public' order by 1`),
  },
];

export { SECRET_COLUMN } from '@/lib/inspect/advisors/secrets';
