/**
 * Performance advisors: policies that cost per row, and indexes that are missing, doubled or idle.
 * Index verdicts are set-based over pg_index (keys compared as arrays, operator classes and
 * collations included), so 15,000 indexes take one pass each.
 */
import { sql } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import type { ObjectRow } from '@/lib/inspect/advisors/types';
import { API_ROLES_CTE, notFromExtension, productSchema } from '@/lib/inspect/advisors/sql';
import { perRowCalls } from '@/lib/inspect/advisors/node-tree';

const TABLE = sql`quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;
const KEYS = (alias: string) => sql`(string_to_array(${sql.ref(`${alias}.indkey`)}::text, ' ')::int2[])`;
const CLASSES = (alias: string) => sql`(string_to_array(${sql.ref(`${alias}.indclass`)}::text, ' ')::oid[])`;
const COLLATIONS = (alias: string) => sql`(string_to_array(${sql.ref(`${alias}.indcollation`)}::text, ' ')::oid[])`;

type Db = Parameters<Advisor['run']>[0];
const rows = async (db: Db, q: ReturnType<typeof sql<ObjectRow>>) => (await q.execute(db)).rows;

async function perRowAuthCalls(db: Db): Promise<ObjectRow[]> {
  const fns = await sql<{ oid: string; name: string }>`
    select p.oid::text as oid, n.nspname || '.' || p.proname || '()' as name
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where (n.nspname = 'auth' and p.proname in ('uid', 'jwt', 'role', 'email'))
        or (n.nspname = 'pg_catalog' and p.proname = 'current_setting')`.execute(db);
  if (!fns.rows.length) return [];
  const names = new Map(fns.rows.map((f) => [f.oid, f.name]));
  // Only trees that call a watched function at all come back; the walk decides which calls are bare.
  const pattern = `:funcid (${[...names.keys()].join('|')}) `;
  const policies = await sql<{ object: string; table: string; qual: string | null; check: string | null }>`
    select quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '/' || quote_ident(p.polname) as object,
           ${TABLE} as "table", p.polqual::text as qual, p.polwithcheck::text as "check"
      from pg_catalog.pg_policy p
      join pg_catalog.pg_class c on c.oid = p.polrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where ${productSchema()}
       and (p.polqual::text ~ ${pattern} or p.polwithcheck::text ~ ${pattern})
     order by 1`.execute(db);
  const watched = new Set(names.keys());
  return policies.rows.flatMap((p) => {
    const calls = [...new Set([...perRowCalls(p.qual, watched), ...perRowCalls(p.check, watched)])].map((o) => names.get(o)!);
    return calls.length
      ? [{ object: p.object, table: p.table, related: null, detail: `calls ${calls.join(', ')} once per row` }]
      : [];
  });
}

export const PERFORMANCE_ADVISORS: Advisor[] = [
  {
    id: 'policy_auth_uid_per_row',
    name: 'auth function called per row in a policy',
    level: 'warning',
    category: 'performance',
    why: 'A bare auth.uid() or auth.jwt() is evaluated for every row scanned; wrapped in a sub-select it runs once per query.',
    fix: 'Write (select auth.uid()) instead of auth.uid() in USING and WITH CHECK.',
    run: perRowAuthCalls,
  },
  {
    id: 'multiple_permissive_policies',
    name: 'Several permissive policies for one role and command',
    level: 'warning',
    category: 'performance',
    why: 'Every permissive policy is evaluated for every row and OR-ed; two policies cost twice.',
    fix: 'Merge them into one policy whose USING ORs the conditions.',
    run: (db) => rows(db, sql<ObjectRow>`with ${API_ROLES_CTE},
      pol as (
        select p.polrelid, p.polname, p.polroles, cmd
          from pg_catalog.pg_policy p
         cross join lateral unnest(case p.polcmd when '*' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE']
             else array[case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' else 'DELETE' end] end) cmd
         where p.polpermissive)
      select ${TABLE} || '/' || ar.rolname || '/' || pol.cmd as object, ${TABLE} as "table",
             array_agg(quote_ident(pol.polname) order by pol.polname)::text[] as related,
             count(*) || ' permissive ' || pol.cmd || ' policies for ' || ar.rolname as detail
        from pol
        join pg_catalog.pg_class c on c.oid = pol.polrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join api_roles ar on (0 = any(pol.polroles)
             or exists (select 1 from unnest(pol.polroles) pr(oid) where pg_catalog.pg_has_role(ar.oid, pr.oid, 'USAGE')))
       where c.relrowsecurity and ${productSchema()}
       group by n.nspname, c.relname, ar.rolname, pol.cmd having count(*) > 1
       order by 1`),
  },
  {
    id: 'unindexed_foreign_key',
    name: 'Foreign key without a covering index',
    level: 'info',
    category: 'performance',
    why: 'Deleting or updating a referenced row scans the whole referencing table, and joins on the key seq-scan.',
    fix: 'CREATE INDEX CONCURRENTLY on the referencing columns.',
    run: (db) => rows(db, sql<ObjectRow>`
      select ${TABLE} || '/' || quote_ident(k.conname) as object, ${TABLE} as "table", array[(select quote_ident(rn.nspname) || '.' || quote_ident(rc.relname) from pg_catalog.pg_class rc join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace where rc.oid = k.confrelid)]::text[] as related,
             quote_ident(k.conname) || ' (' || array_to_string(array(select quote_ident(a.attname) from unnest(k.conkey) with ordinality u(attnum, ord)
               join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.ord), ', ')
               || ') has no index' as detail
        from pg_catalog.pg_constraint k
        join pg_catalog.pg_class c on c.oid = k.conrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where k.contype = 'f' and c.relkind in ('r', 'p') and ${productSchema()}
         and not exists (select 1 from pg_catalog.pg_index i
                          where i.indrelid = k.conrelid and i.indpred is null
                            and (${KEYS('i')})[1:cardinality(k.conkey)] @> k.conkey
                            and cardinality(k.conkey) <= i.indnkeyatts)
       order by 1`),
  },
  {
    id: 'duplicate_index',
    name: 'Duplicate indexes',
    level: 'warning',
    category: 'performance',
    why: 'Identical indexes cost every write and their storage twice and serve no query the other does not.',
    fix: 'DROP INDEX CONCURRENTLY all but one (keep the one backing a constraint).',
    run: (db) => rows(db, sql<ObjectRow>`
      select array_to_string(d.names, ' = ') as object, d.tbl as "table", d.names::text[] as related,
             cardinality(d.names) || ' identical ' || d.am || ' indexes on ' || d.tbl as detail
        from (select quote_ident(n.nspname) || '.' || quote_ident(t.relname) as tbl, am.amname as am,
                     array_agg(quote_ident(n.nspname) || '.' || quote_ident(ic.relname) order by ic.relname) as names
                from pg_catalog.pg_index i
                join pg_catalog.pg_class ic on ic.oid = i.indexrelid join pg_catalog.pg_class t on t.oid = i.indrelid
                join pg_catalog.pg_namespace n on n.oid = t.relnamespace join pg_catalog.pg_am am on am.oid = ic.relam
               where ${productSchema()} and i.indisvalid
               group by n.nspname, t.relname, i.indrelid, am.amname, i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text,
                        coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
              having count(*) > 1) d
       order by 1`),
  },
  {
    id: 'redundant_index',
    name: 'Redundant index (a prefix of another)',
    level: 'warning',
    category: 'performance',
    why: 'A btree on (a) is served by a btree on (a, b); keeping both costs every write.',
    fix: 'DROP INDEX CONCURRENTLY the shorter one after checking its scans moved to the longer one.',
    run: (db) => rows(db, sql<ObjectRow>`
      select quote_ident(n.nspname) || '.' || quote_ident(ac.relname) as object, ${TABLE} as "table",
             array_agg(quote_ident(n.nspname) || '.' || quote_ident(bc.relname) order by bc.relname)::text[] as related,
             'its columns lead ' || string_agg(quote_ident(n.nspname) || '.' || quote_ident(bc.relname), ', ' order by bc.relname) as detail
        from pg_catalog.pg_index a
        join pg_catalog.pg_index b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid
        join pg_catalog.pg_class ac on ac.oid = a.indexrelid join pg_catalog.pg_class bc on bc.oid = b.indexrelid
        join pg_catalog.pg_class c on c.oid = a.indrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_am am on am.oid = ac.relam
       where am.amname = 'btree' and bc.relam = ac.relam and ${productSchema()}
         and not a.indisunique and a.indisvalid and b.indisvalid
         and a.indpred is null and b.indpred is null and a.indexprs is null and b.indexprs is null
         and a.indnatts = a.indnkeyatts and a.indnkeyatts < b.indnkeyatts
         and (${KEYS('b')})[1:a.indnkeyatts] = (${KEYS('a')})[1:a.indnkeyatts]
         and (${CLASSES('b')})[1:a.indnkeyatts] = (${CLASSES('a')})[1:a.indnkeyatts]
         and (${COLLATIONS('b')})[1:a.indnkeyatts] = (${COLLATIONS('a')})[1:a.indnkeyatts]
       group by n.nspname, ac.relname, c.relname order by 1`),
  },
  {
    id: 'unused_index',
    name: 'Unused index',
    level: 'info',
    category: 'performance',
    why: 'An index no query has scanned since statistics were reset costs every write and its storage for nothing.',
    fix: 'Check the replicas too, then DROP INDEX CONCURRENTLY.',
    run: (db) => rows(db, sql<ObjectRow>`
      select quote_ident(n.nspname) || '.' || quote_ident(ic.relname) as object, ${TABLE} as "table", null::text[] as related,
             'never scanned since ' || coalesce(to_char((select stats_reset from pg_catalog.pg_stat_database where datname = current_database()), 'YYYY-MM-DD'), 'the server started')
               || '; ' || pg_size_pretty(ic.relpages::bigint * current_setting('block_size')::bigint) as detail
        from pg_catalog.pg_stat_user_indexes s
        join pg_catalog.pg_index i on i.indexrelid = s.indexrelid
        join pg_catalog.pg_class ic on ic.oid = i.indexrelid join pg_catalog.pg_class c on c.oid = i.indrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where s.idx_scan = 0 and not i.indisunique and not i.indisprimary and i.indisvalid and ${productSchema()}
         and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = i.indexrelid)
       order by 1`),
  },
  {
    id: 'no_primary_key',
    name: 'Table without a primary key',
    level: 'info',
    category: 'performance',
    why: 'Rows cannot be addressed one by one: replication, the API’s updates and Kontor’s edits all need a key.',
    fix: 'ALTER TABLE … ADD PRIMARY KEY (or an identity column).',
    run: (db) => rows(db, sql<ObjectRow>`
      select ${TABLE} as object, ${TABLE} as "table", null::text[] as related, 'no primary key' as detail
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and not c.relispartition and ${productSchema()} and ${notFromExtension('pg_class', 'c.oid')}
         and not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary)
       order by 1`),
  },
  {
    id: 'table_bloat',
    name: 'Table bloated with dead rows',
    level: 'warning',
    category: 'performance',
    why: 'Dead row versions make every scan read pages of nothing, until vacuum reclaims them.',
    fix: 'Check why autovacuum falls behind (long transactions, thresholds); VACUUM the table.',
    run: (db) => rows(db, sql<ObjectRow>`
      select ${TABLE} as object, ${TABLE} as "table", null::text[] as related,
             s.n_dead_tup || ' dead rows, ' || round(100.0 * s.n_dead_tup / (s.n_live_tup + s.n_dead_tup)) || '% of the table' as detail
        from pg_catalog.pg_stat_user_tables s
        join pg_catalog.pg_class c on c.oid = s.relid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where ${productSchema()} and s.n_dead_tup >= 10000 and s.n_dead_tup > 0.2 * (s.n_live_tup + s.n_dead_tup)
       order by 1`),
  },
];
