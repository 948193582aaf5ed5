/**
 * Top statements from pg_stat_statements, whichever version is installed: 1.8 renamed total_time to
 * total_exec_time (PG 13), 1.11 (PG 17) renamed blk_read_time to shared_blk_read_time and added
 * stats_since. Kontor never calls pg_stat_statements_reset(): history comes from snapshots
 * (snapshots.ts), and "since the last snapshot" figures are deltas against the latest one.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { maskedQuery } from '@/lib/inspect/mask';

export const QUERY_SORTS = ['total', 'mean', 'calls', 'rows'] as const;
export type QuerySort = (typeof QUERY_SORTS)[number];

export type StatementsSource =
  | {
      available: true; schema: string; version: string;
      /** Whether Kontor's snapshots are here to count "since the last snapshot" from (its schema may not be migrated). */
      snapshots: boolean;
    }
  | { available: false; reason: string };

/**
 * Whether pg_stat_statements can be read here, and if not, a sentence that says what to do. One
 * statement: a page's every round trip is a network round trip to a hosted database.
 */
export async function getStatementsSource(db: QueryExecutorProvider): Promise<StatementsSource> {
  const { rows } = await sql<{ schema: string | null; version: string | null; preloaded: boolean; snapshots: boolean }>`
    select n.nspname::text as schema, e.extversion as version,
           'pg_stat_statements' = any (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) as preloaded,
           to_regclass('kontor.snapshot_queries') is not null as snapshots
      from (select) one
      left join pg_catalog.pg_extension e on e.extname = 'pg_stat_statements'
      left join pg_catalog.pg_namespace n on n.oid = e.extnamespace`.execute(db);
  const r = rows[0];
  if (!r.schema || !r.version) {
    return {
      available: false,
      reason: 'The pg_stat_statements extension is not installed in this database. Run `create extension pg_stat_statements;` (on Supabase: Database → Extensions) to see query statistics here.',
    };
  }
  if (!r.preloaded) {
    return {
      available: false,
      reason: 'pg_stat_statements is installed but not loaded: add it to shared_preload_libraries and restart the server.',
    };
  }
  return { available: true, schema: r.schema, version: r.version, snapshots: r.snapshots };
}

export function versionAtLeast(version: string, min: string): boolean {
  const [a, b] = version.split('.').map(Number);
  const [c, d] = min.split('.').map(Number);
  return a > c || (a === c && (b ?? 0) >= (d ?? 0));
}

/** Column names by extension version, so one query reads 1.7 to 1.11 alike. */
export function statementColumnNames(version: string) {
  const exec = versionAtLeast(version, '1.8');
  const shared = versionAtLeast(version, '1.11');
  return {
    totalMs: exec ? 'total_exec_time' : 'total_time',
    meanMs: exec ? 'mean_exec_time' : 'mean_time',
    readMs: shared ? 'shared_blk_read_time' : 'blk_read_time',
  };
}

/** The same, as SQL over the alias `s`. */
export function statementColumns(version: string) {
  const n = statementColumnNames(version);
  return { totalMs: sql.raw(`s.${n.totalMs}`), meanMs: sql.raw(`s.${n.meanMs}`), readMs: sql.raw(`s.${n.readMs}`) };
}

export interface QueryRow {
  queryId: string;
  role: string | null;
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  /** Share of shared-buffer reads served from the cache, 0..1; null without block reads. */
  cacheHit: number | null;
  /** Time spent reading blocks (track_io_timing), ms. */
  readMs: number;
  /** Since the latest snapshot, when there is one and it holds this statement. */
  sinceSnapshot: { calls: number; totalMs: number; rows: number } | null;
}

export interface QueryList {
  rows: QueryRow[];
  total: number;
  /** When the statistics started counting (pg_stat_statements_info, 1.9+): the last reset or the server's start. */
  statsSince: Date | null;
  /** The snapshot the deltas are measured from. */
  snapshotAt: Date | null;
}

export async function listTopQueries(
  db: QueryExecutorProvider,
  source: Extract<StatementsSource, { available: true }>,
  opts: { sort?: QuerySort; q?: string; limit?: number; offset?: number } = {},
): Promise<QueryList> {
  const c = statementColumns(source.version);
  const order: Record<QuerySort, RawBuilder<unknown>> = {
    total: sql`${c.totalMs}`,
    mean: sql`${c.meanMs}`,
    calls: sql.raw('s.calls'),
    rows: sql.raw('s.rows'),
  };
  const limit = Math.min(Math.max(opts.limit ?? 25, 1), 1000);
  const offset = Math.max(opts.offset ?? 0, 0);
  const q = opts.q?.trim();
  const since = versionAtLeast(source.version, '1.9')
    ? sql`(select stats_reset from ${sql.id(source.schema, 'pg_stat_statements_info')})`
    : sql`null::timestamptz`;
  // The stats' reset time and the latest snapshot ride along: one statement, and one row even when
  // the page is empty (then its columns are null).
  const { rows } = await sql<{
    stats_since: Date | null; snapshot_at: Date | null;
    queryid: string | null; role: string | null; query: string; calls: string; total_ms: number; mean_ms: number;
    rows: string; hit: string; read: string; read_ms: number; matched: string;
    snap_calls: string | null; snap_total_ms: number | null; snap_rows: string | null;
  }>`
    with snap as (
      ${source.snapshots
        ? sql`select s.id, s.taken_at from kontor.snapshots s
               where exists (select 1 from kontor.snapshot_queries q where q.snapshot_id = s.id)
               order by s.taken_at desc limit 1`
        : sql`select null::bigint as id, null::timestamptz as taken_at where false`}
    ), page as (
      select s.queryid::text as queryid, r.rolname::text as role, left(${maskedQuery(sql.ref('s.query'))}, 4000) as query,
             s.calls::text as calls, ${c.totalMs}::float8 as total_ms, ${c.meanMs}::float8 as mean_ms,
             s.rows::text as rows, s.shared_blks_hit::text as hit, s.shared_blks_read::text as read,
             ${c.readMs}::float8 as read_ms, count(*) over ()::text as matched,
             p.calls::text as snap_calls, p.total_ms as snap_total_ms, p.rows::text as snap_rows,
             ${order[opts.sort ?? 'total'] ?? order.total} as sort_key, s.queryid as sort_id
        from ${sql.id(source.schema, 'pg_stat_statements')} s
        left join pg_catalog.pg_roles r on r.oid = s.userid
        ${source.snapshots
          ? sql`left join kontor.snapshot_queries p on p.snapshot_id = (select id from snap) and p.queryid = s.queryid
                  and p.userid = s.userid and p.toplevel = ${versionAtLeast(source.version, '1.9') ? sql.raw('s.toplevel') : sql.raw('true')}`
          : sql`left join (select null::bigint as calls, null::float8 as total_ms, null::bigint as rows) p on false`}
       where s.dbid = (select oid from pg_catalog.pg_database where datname = current_database())
         ${q ? sql`and ${maskedQuery(sql.ref('s.query'))} ilike ${'%' + q.replace(/[\\%_]/g, (ch) => `\\${ch}`) + '%'}` : sql``}
       order by sort_key desc nulls last, sort_id
       limit ${limit} offset ${offset}
    )
    select ${since} as stats_since, (select taken_at from snap) as snapshot_at, page.*
      from (select) one left join page on true
     order by page.sort_key desc nulls last, page.sort_id`.execute(db);
  const head = rows[0];
  const found = rows.filter((r): r is typeof r & { queryid: string } => r.queryid !== null);
  return {
    statsSince: head?.stats_since ?? null,
    snapshotAt: head?.snapshot_at ?? null,
    total: found.length ? Number(found[0].matched) : 0,
    rows: found.map((r) => {
      const calls = Number(r.calls);
      const hit = Number(r.hit);
      const read = Number(r.read);
      const snapCalls = r.snap_calls === null ? null : Number(r.snap_calls);
      // A counter below the snapshot's means the statistics were reset since: count from zero.
      const reset = snapCalls !== null && snapCalls > calls;
      return {
        queryId: r.queryid,
        role: r.role,
        query: r.query,
        calls,
        totalMs: r.total_ms,
        meanMs: r.mean_ms,
        rows: Number(r.rows),
        cacheHit: hit + read > 0 ? hit / (hit + read) : null,
        readMs: r.read_ms,
        sinceSnapshot:
          snapCalls === null
            ? null
            : reset
              ? { calls, totalMs: r.total_ms, rows: Number(r.rows) }
              : { calls: calls - snapCalls, totalMs: r.total_ms - (r.snap_total_ms ?? 0), rows: Number(r.rows) - Number(r.snap_rows) },
      };
    }),
  };
}
