/** Data-integrity advisors: counters about to run out, constraints and indexes that do not hold. */
import 'server-only';
import { sql } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import type { ObjectRow } from '@/lib/inspect/advisors/types';
import { productSchema } from '@/lib/inspect/advisors/sql';
import { indexesWithVerdict } from '@/lib/inspect/advisors/index-facts';

type Db = Parameters<Advisor['run']>[0];
const rows = async (db: Db, q: ReturnType<typeof sql<ObjectRow>>) => (await q.execute(db)).rows;

/** Share of the sequence's range used at which it is reported. */
export const SEQUENCE_THRESHOLD = 0.75;

/**
 * The product's sequences that have used at least `share` (0..1) of their range: the advisor's check
 * at SEQUENCE_THRESHOLD, and the alert rule's at its own threshold (lib/alerts).
 */
export function sequencesUsed(db: Db, share: number): Promise<ObjectRow[]> {
  return rows(db, sql<ObjectRow>`
      select quote_ident(v.nspname) || '.' || quote_ident(v.relname) as object, null::text as "table", null::text[] as related,
             format_type(v.seqtypid, null) || ' at ' || round(100 * v.used, 1) || '% (' || v.last || ' of ' || v.seqmax || ')' as detail
        from (select n.nspname, c.relname, s.seqtypid, s.seqmax, l.last,
                     case when s.seqincrement > 0 then (l.last - s.seqmin)::numeric / nullif(s.seqmax - s.seqmin, 0)
                          else (s.seqmax - l.last)::numeric / nullif(s.seqmax - s.seqmin, 0) end as used
                from pg_catalog.pg_sequence s
                join pg_catalog.pg_class c on c.oid = s.seqrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
               -- CASE keeps both calls off any row the planner reaches before the join (they raise on non-sequences).
               cross join lateral (select case when c.relkind = 'S' and has_sequence_privilege(c.oid, 'SELECT')
                                               then pg_catalog.pg_sequence_last_value(c.oid) end as last) l
               where not s.seqcycle and ${productSchema()}) v
       where v.last is not null and v.used >= ${share}
       order by 1`);
}

export const INTEGRITY_ADVISORS: Advisor[] = [
  {
    id: 'sequence_near_max',
    name: 'Sequence near its maximum',
    level: 'error',
    category: 'integrity',
    why: 'When the sequence reaches its maximum, every insert that needs a value fails.',
    fix: 'ALTER SEQUENCE … AS bigint (and the column to bigint) before it runs out.',
    costly: true,
    run: (db) => sequencesUsed(db, SEQUENCE_THRESHOLD),
  },
  {
    id: 'not_valid_constraint',
    name: 'Constraint added NOT VALID and never validated',
    level: 'warning',
    category: 'integrity',
    why: 'Existing rows were never checked: the constraint promises less than it says.',
    fix: 'ALTER TABLE … VALIDATE CONSTRAINT (it takes only a light lock), after fixing the rows that fail.',
    run: (db) => rows(db, sql<ObjectRow>`
      select quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '/' || quote_ident(k.conname) as object,
             quote_ident(n.nspname) || '.' || quote_ident(c.relname) as "table", null::text[] as related,
             case k.contype when 'f' then 'foreign key' else 'check' end || ' ' || pg_get_constraintdef(k.oid) as detail
        from pg_catalog.pg_constraint k
        join pg_catalog.pg_class c on c.oid = k.conrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where not k.convalidated and k.contype in ('c', 'f') and ${productSchema()}
       order by 1`),
  },
  {
    id: 'invalid_index',
    name: 'Invalid index',
    level: 'error',
    category: 'integrity',
    why: 'A failed CREATE INDEX CONCURRENTLY left an index that queries cannot use but every write still maintains; a unique one enforces nothing.',
    fix: 'DROP INDEX CONCURRENTLY it and create it again (REINDEX INDEX CONCURRENTLY).',
    readsIndexVerdicts: true,
    run: (_db, ctx) => indexesWithVerdict(ctx, 'invalid'),
  },
  {
    id: 'unsupported_reg_types',
    name: 'Column of a reg* type pg_upgrade cannot carry',
    level: 'warning',
    category: 'integrity',
    why: 'A column of type regproc, regoper, regconfig (and the like) stores OIDs that differ in the new cluster: pg_upgrade refuses the database.',
    fix: 'ALTER TABLE … ALTER COLUMN … TYPE text USING col::text (the name), and cast back where it is read.',
    costly: true,
    run: (db) => rows(db, sql<ObjectRow>`
      select quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname) as object,
             quote_ident(n.nspname) || '.' || quote_ident(c.relname) as "table", null::text[] as related,
             'column of type ' || t.typname as detail
        from pg_catalog.pg_attribute a
        join pg_catalog.pg_class c on c.oid = a.attrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_type t on t.oid = a.atttypid
       where a.atttypid = any(array['pg_catalog.regcollation', 'pg_catalog.regconfig', 'pg_catalog.regdictionary', 'pg_catalog.regnamespace',
                                    'pg_catalog.regoper', 'pg_catalog.regoperator', 'pg_catalog.regproc', 'pg_catalog.regprocedure']::regtype[]::oid[])
         and a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'm') and ${productSchema()}
       order by 1`),
  },
  {
    id: 'extension_versions_outdated',
    name: 'Extension behind its installed default version',
    level: 'warning',
    category: 'integrity',
    why: 'The server carries a newer version of the extension (with its fixes, security ones included) than the database uses.',
    fix: 'ALTER EXTENSION … UPDATE (read its release notes first).',
    run: (db) => rows(db, sql<ObjectRow>`
      select quote_ident(e.name) as object, null::text as "table", null::text[] as related,
             'version ' || e.installed_version || ' installed, ' || e.default_version || ' available' as detail
        from pg_catalog.pg_available_extensions e
       where e.installed_version is distinct from e.default_version and e.installed_version is not null and e.default_version is not null
         -- only versions the server still knows (not the residue of a pg_upgrade)
         and exists (select 1 from pg_catalog.pg_available_extension_versions v where v.name = e.name and v.installed)
       order by 1`),
  },
];
