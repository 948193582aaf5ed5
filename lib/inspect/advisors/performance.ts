/**
 * Performance advisors: policies that cost per row, and indexes that are missing, doubled or idle.
 * Index verdicts are set-based over pg_index (keys compared as arrays, operator classes and
 * collations included), so 15,000 indexes take one pass each.
 */
import 'server-only';
import { sql } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import type { ObjectRow } from '@/lib/inspect/advisors/types';
import { API_ROLES_CTE, notFromExtension, productSchema } from '@/lib/inspect/advisors/sql';
import { perRowAuthCalls } from '@/lib/inspect/advisors/per-row';
import { indexesWithVerdict, unindexedForeignKeys } from '@/lib/inspect/advisors/index-facts';

const TABLE = sql`quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;

type Db = Parameters<Advisor['run']>[0];
const rows = async (db: Db, q: ReturnType<typeof sql<ObjectRow>>) => (await q.execute(db)).rows;

export const PERFORMANCE_ADVISORS: Advisor[] = [
  {
    id: 'policy_auth_uid_per_row',
    name: 'auth function called per row in a policy',
    level: 'warning',
    category: 'performance',
    why: 'A bare auth.uid() or auth.jwt() is evaluated for every row scanned; wrapped in a sub-select it runs once per query.',
    fix: 'Write (select auth.uid()) instead of auth.uid() in USING and WITH CHECK.',
    costly: true,
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
      -- Grouped by the table's oid, and named only for the groups of two or more.
      select ${TABLE} || '/' || g.rolname || '/' || g.cmd as object, ${TABLE} as "table", g.related,
             g.n || ' permissive ' || g.cmd || ' policies for ' || g.rolname as detail
        from (select pol.polrelid, ar.rolname, pol.cmd, count(*) as n,
                     array_agg(quote_ident(pol.polname) order by pol.polname)::text[] as related
                from pol join api_roles ar on (0 = any(pol.polroles) or pol.polroles && ar.reach)
               group by pol.polrelid, ar.rolname, pol.cmd having count(*) > 1) g
        join pg_catalog.pg_class c on c.oid = g.polrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where c.relrowsecurity and ${productSchema()}
       order by 1`),
  },
  {
    id: 'unindexed_foreign_key',
    name: 'Foreign key without a covering index',
    level: 'info',
    category: 'performance',
    why: 'Deleting or updating a referenced row scans the whole referencing table, and joins on the key seq-scan.',
    fix: 'CREATE INDEX CONCURRENTLY on the referencing columns.',
    run: (db) => unindexedForeignKeys(db),
  },
  {
    id: 'duplicate_index',
    name: 'Duplicate indexes',
    level: 'warning',
    category: 'performance',
    why: 'Identical indexes cost every write and their storage twice and serve no query the other does not.',
    fix: 'DROP INDEX CONCURRENTLY all but one (keep the one backing a constraint).',
    readsIndexVerdicts: true,
    run: (_db, ctx) => indexesWithVerdict(ctx, 'duplicate'),
  },
  {
    id: 'redundant_index',
    name: 'Redundant index (a prefix of another)',
    level: 'warning',
    category: 'performance',
    why: 'A btree on (a) is served by a btree on (a, b); keeping both costs every write.',
    fix: 'DROP INDEX CONCURRENTLY the shorter one after checking its scans moved to the longer one.',
    readsIndexVerdicts: true,
    run: (_db, ctx) => indexesWithVerdict(ctx, 'redundant'),
  },
  {
    id: 'unused_index',
    name: 'Unused index',
    level: 'info',
    category: 'performance',
    why: 'An index no query has scanned since statistics were reset costs every write and its storage for nothing.',
    fix: 'Check the replicas too, then DROP INDEX CONCURRENTLY.',
    readsIndexVerdicts: true,
    run: (_db, ctx) => indexesWithVerdict(ctx, 'unused'),
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
    // The two counters pg_stat_user_tables would show, read directly: the view computes some twenty
    // per table (and sums the index scans) for 5,000 tables.
    run: (db) => rows(db, sql<ObjectRow>`
      select ${TABLE} as object, ${TABLE} as "table", null::text[] as related,
             s.dead || ' dead rows, ' || round(100.0 * s.dead / (s.live + s.dead)) || '% of the table' as detail
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       cross join lateral (select pg_catalog.pg_stat_get_dead_tuples(c.oid) as dead, pg_catalog.pg_stat_get_live_tuples(c.oid) as live) s
       where c.relkind in ('r', 't', 'm', 'p') and ${productSchema()} and s.dead >= 10000 and s.dead > 0.2 * (s.live + s.dead)
       order by 1`),
  },
];
