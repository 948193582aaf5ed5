/**
 * Top statements from pg_stat_statements, whichever version is installed: 1.8 renamed total_time to
 * total_exec_time (PG 13), 1.11 (PG 17) renamed blk_read_time to shared_blk_read_time and added
 * stats_since. Kontor never calls pg_stat_statements_reset(): history comes from snapshots
 * (snapshots.ts), and "since the last snapshot" figures are deltas against the latest one.
 */
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';

export const QUERY_SORTS = ['total', 'mean', 'calls', 'rows'] as const;
export type QuerySort = (typeof QUERY_SORTS)[number];

export type StatementsSource =
  | { available: true; schema: string; version: string; statsSince: Date | null }
  | { available: false; reason: string };

/** Whether pg_stat_statements can be read here, and if not, a sentence that says what to do. */
export async function getStatementsSource(db: QueryExecutorProvider): Promise<StatementsSource> {
  const { rows } = await sql<{ schema: string | null; version: string | null; preloaded: boolean }>`
    select (select n.nspname::text from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
             where e.extname = 'pg_stat_statements') as schema,
           (select e.extversion from pg_catalog.pg_extension e where e.extname = 'pg_stat_statements') as version,
           'pg_stat_statements' = any (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) as preloaded`.execute(db);
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
  let statsSince: Date | null = null;
  if (versionAtLeast(r.version, '1.9')) {
    const info = await sql<{ since: Date | null }>`select stats_reset as since from ${sql.id(r.schema, 'pg_stat_statements_info')}`.execute(db);
    statsSince = info.rows[0]?.since ?? null;
  }
  return { available: true, schema: r.schema, version: r.version, statsSince };
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
  const limit = Math.min(Math.max(opts.limit ?? 25, 1), 500);
  const offset = Math.max(opts.offset ?? 0, 0);
  const q = opts.q?.trim();
  const snapshot = await latestQuerySnapshot(db);
  const { rows } = await sql<{
    queryid: string; role: string | null; query: string; calls: string; total_ms: number; mean_ms: number;
    rows: string; hit: string; read: string; read_ms: number; matched: string;
    snap_calls: string | null; snap_total_ms: number | null; snap_rows: string | null;
  }>`
    select s.queryid::text as queryid, r.rolname::text as role, left(s.query, 4000) as query,
           s.calls::text as calls, ${c.totalMs}::float8 as total_ms, ${c.meanMs}::float8 as mean_ms,
           s.rows::text as rows, s.shared_blks_hit::text as hit, s.shared_blks_read::text as read,
           ${c.readMs}::float8 as read_ms, count(*) over ()::text as matched,
           ${snapshot ? sql`p.calls::text` : sql`null`} as snap_calls,
           ${snapshot ? sql`p.total_ms` : sql`null`} as snap_total_ms,
           ${snapshot ? sql`p.rows::text` : sql`null`} as snap_rows
      from ${sql.id(source.schema, 'pg_stat_statements')} s
      left join pg_catalog.pg_roles r on r.oid = s.userid
      ${snapshot ? sql`left join kontor.snapshot_queries p on p.snapshot_id = ${snapshot.id} and p.queryid = s.queryid and p.userid = s.userid and p.toplevel = ${versionAtLeast(source.version, '1.9') ? sql.raw('s.toplevel') : sql.raw('true')}` : sql``}
     where s.dbid = (select oid from pg_catalog.pg_database where datname = current_database())
       ${q ? sql`and s.query ilike ${'%' + q.replace(/[\\%_]/g, (ch) => `\\${ch}`) + '%'}` : sql``}
     order by ${order[opts.sort ?? 'total'] ?? order.total} desc nulls last, s.queryid
     limit ${limit} offset ${offset}`.execute(db);
  return {
    snapshotAt: snapshot?.takenAt ?? null,
    total: rows.length ? Number(rows[0].matched) : 0,
    rows: rows.map((r) => {
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

async function latestQuerySnapshot(db: QueryExecutorProvider): Promise<{ id: number; takenAt: Date } | null> {
  const exists = await sql<{ ok: boolean }>`select to_regclass('kontor.snapshot_queries') is not null as ok`.execute(db);
  if (!exists.rows[0].ok) return null;
  const { rows } = await sql<{ id: string; taken_at: Date }>`
    select s.id::text as id, s.taken_at from kontor.snapshots s
     where exists (select 1 from kontor.snapshot_queries q where q.snapshot_id = s.id)
     order by s.taken_at desc limit 1`.execute(db);
  return rows[0] ? { id: Number(rows[0].id), takenAt: rows[0].taken_at } : null;
}
