/**
 * What the Data API exposes that RLS does not guard: materialized views and foreign tables (RLS does
 * not apply to them), security-definer functions (they run past RLS), pgmq's queue tables, public
 * storage buckets whose policy lets clients list every file, and foreign keys onto auth's unique
 * constraints. Each needs Supabase's roles or schemas; on a plain Postgres it skips, saying so.
 */
import 'server-only';
import { sql } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import type { ObjectRow } from '@/lib/inspect/advisors/types';
import { API_ROLES_CTE, EXPOSED_SCHEMAS_CTE, notFromExtension, productSchema } from '@/lib/inspect/advisors/sql';
import { bucketsAdmittedBy } from '@/lib/inspect/advisors/storage-policy';

type Db = Parameters<Advisor['run']>[0];
const rows = async (db: Db, q: ReturnType<typeof sql<ObjectRow>>) => (await q.execute(db)).rows;
const TABLE = sql`quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;
const API = { anyRole: ['anon', 'authenticated'] };

/** Relations of one kind an API role can select, in a schema the API serves. */
function relationInApi(relkind: 'm' | 'f', what: string) {
  return (db: Db) => rows(db, sql<ObjectRow>`with ${API_ROLES_CTE}, ${EXPOSED_SCHEMAS_CTE}
    select ${TABLE} as object, ${TABLE} as "table", null::text[] as related,
           ${what} || ' selectable by ' || string_agg(ar.rolname, ', ' order by ar.rolname) as detail
      from pg_catalog.pg_class c
      join exposed_schemas n on n.oid = c.relnamespace
      join api_roles ar on has_schema_privilege(ar.oid, n.oid, 'USAGE') and has_table_privilege(ar.oid, c.oid, 'SELECT')
     where c.relkind = ${relkind} and ${productSchema()} and ${notFromExtension('pg_class', 'c.oid')}
     group by n.nspname, c.relname order by 1`);
}

/** Security-definer functions that `role` may execute, in a schema the API serves (callable as /rpc). */
export function definerFunctionFor(role: 'anon' | 'authenticated'): Advisor {
  return {
    id: `security_definer_function_${role}`,
    name: `Security-definer function executable by ${role}`,
    level: 'warning',
    category: 'security',
    why: role === 'anon'
      ? 'Anyone with the anon key can call it through the API, and it runs with its owner’s rights, past RLS.'
      : 'Any signed-in user (anyone, where sign-up is open) can call it through the API, and it runs with its owner’s rights, past RLS.',
    fix: `REVOKE EXECUTE … FROM ${role}, PUBLIC, make it SECURITY INVOKER, or move it out of the API's schemas.`,
    requires: { anyRole: [role] },
    run: (db) => rows(db, sql<ObjectRow>`with ${API_ROLES_CTE}, ${EXPOSED_SCHEMAS_CTE}
      select quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')' as object,
             null::text as "table", null::text[] as related, 'SECURITY DEFINER, owned by ' || pg_get_userbyid(p.proowner) as detail
        from pg_catalog.pg_proc p
        join exposed_schemas n on n.oid = p.pronamespace
        join pg_catalog.pg_roles r on r.rolname = ${role}
       where p.prosecdef and ${productSchema()} and ${notFromExtension('pg_proc', 'p.oid')}
         -- a trigger function cannot be called through the API
         and p.prorettype not in ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)
         and has_schema_privilege(r.oid, n.oid, 'USAGE') and has_function_privilege(r.oid, p.oid, 'EXECUTE')
       order by 1`),
  };
}

async function publicBucketsListed(db: Db): Promise<ObjectRow[]> {
  const { rows: buckets } = await sql<{ id: string }>`select id::text as id from storage.buckets where public order by 1`.execute(db);
  if (!buckets.length) return [];
  const { rows: policies } = await sql<{ name: string; qual: string | null }>`with ${API_ROLES_CTE}
    select quote_ident(p.polname) as name, pg_get_expr(p.polqual, p.polrelid) as qual
      from pg_catalog.pg_policy p
     where p.polrelid = 'storage.objects'::regclass and p.polpermissive and p.polcmd in ('r', '*')
       and (0 = any(p.polroles) or exists (select 1 from api_roles ar, unnest(p.polroles) pr(oid)
                                             where pg_catalog.pg_has_role(ar.oid, pr.oid, 'USAGE')))
     order by 1`.execute(db);
  return buckets.flatMap((b) => {
    const listing = policies.filter((p) => { const ids = bucketsAdmittedBy(p.qual); return ids === 'all' || ids.includes(b.id); });
    return listing.length
      ? [{
        object: `storage.buckets/${b.id}`,
        table: 'storage.objects',
        related: listing.map((p) => p.name),
        detail: `public bucket ${b.id}: every file is listable through ${listing.map((p) => p.name).join(', ')}`,
      }]
      : [];
  });
}

export const EXPOSURE_ADVISORS: Advisor[] = [
  {
    id: 'materialized_view_in_api',
    name: 'Materialized view readable through the API',
    level: 'warning',
    category: 'security',
    why: 'RLS does not apply to a materialized view: every API user reads all of its rows.',
    fix: 'REVOKE SELECT … FROM anon, authenticated, or move it to a schema the API does not serve.',
    requires: API,
    run: relationInApi('m', 'materialized view'),
  },
  {
    id: 'foreign_table_in_api',
    name: 'Foreign table readable through the API',
    level: 'warning',
    category: 'security',
    why: 'RLS does not apply to a foreign table: every API user reads what the remote server returns.',
    fix: 'REVOKE SELECT … FROM anon, authenticated, or move it to a schema the API does not serve.',
    requires: API,
    run: relationInApi('f', 'foreign table'),
  },
  {
    id: 'insecure_queue_exposed_in_api',
    name: 'Queue readable through the API without RLS',
    level: 'error',
    category: 'security',
    why: 'pgmq_public lets API users read and pop messages, and a queue table without RLS holds every user’s messages.',
    fix: 'ALTER TABLE pgmq.q_… ENABLE ROW LEVEL SECURITY and add policies, or revoke the API roles’ privileges on it.',
    requires: { ...API, schemas: ['pgmq'] },
    run: (db) => rows(db, sql<ObjectRow>`with ${API_ROLES_CTE}, ${EXPOSED_SCHEMAS_CTE}
      select ${TABLE} as object, ${TABLE} as "table", null::text[] as related,
             'RLS is off and ' || string_agg(ar.rolname, ', ' order by ar.rolname) || ' may select from it' as detail
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join api_roles ar on has_table_privilege(ar.oid, c.oid, 'SELECT')
       where n.nspname = 'pgmq' and c.relname like 'q\\_%' and c.relkind in ('r', 'p') and not c.relrowsecurity
         and exists (select 1 from exposed_schemas e where e.nspname in ('pgmq', 'pgmq_public'))
       group by n.nspname, c.relname order by 1`),
  },
  {
    id: 'public_bucket_allows_listing',
    name: 'Public bucket whose files anyone can list',
    level: 'warning',
    category: 'security',
    why: 'A public bucket serves its files by URL without any policy; a SELECT policy that admits the whole bucket also lets clients list every file in it.',
    fix: 'Drop the bucket from the broad SELECT policy on storage.objects (public URLs keep working), or limit it to the owner’s files.',
    requires: { ...API, relations: ['storage.buckets', 'storage.objects'] },
    run: publicBucketsListed,
  },
  {
    id: 'fkey_to_auth_unique',
    name: 'Foreign key to a unique constraint of auth',
    level: 'error',
    category: 'integrity',
    why: 'Supabase manages the auth schema and may change its unique constraints (on email, phone); a foreign key onto one blocks that and breaks sign-ups or upgrades.',
    fix: 'Reference auth.users (id) instead, and drop the foreign key onto the unique constraint.',
    requires: { schemas: ['auth'] },
    run: (db) => rows(db, sql<ObjectRow>`
      select ${TABLE} || '/' || quote_ident(k.conname) as object, ${TABLE} as "table",
             array[quote_ident(rn.nspname) || '.' || quote_ident(rc.relname)]::text[] as related,
             'references ' || quote_ident(rn.nspname) || '.' || quote_ident(rc.relname) || ' through its unique index ' || quote_ident(ic.relname) as detail
        from pg_catalog.pg_constraint k
        join pg_catalog.pg_class c on c.oid = k.conrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_class rc on rc.oid = k.confrelid join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace
        join pg_catalog.pg_index i on i.indexrelid = k.conindid join pg_catalog.pg_class ic on ic.oid = i.indexrelid
       where k.contype = 'f' and rn.nspname = 'auth' and i.indisunique and not i.indisprimary and ${productSchema()}
       order by 1`),
  },
];
