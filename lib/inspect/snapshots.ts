/**
 * Health history in kontor.snapshots (migration 0003): one snapshot holds every listed table's size,
 * rows and scans, every index's size and scans, and the top statements' cumulative counters. Taking
 * one is a handful of INSERT ... SELECT statements on the server (no rows travel through Node), so
 * `npm run kontor -- snapshot` can run every few minutes. Readers turn the counters into deltas.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { isListedSchema } from '@/lib/inspect/scope';
import { maskedQuery } from '@/lib/inspect/mask';
import { getStatementsSource, statementColumns, versionAtLeast } from '@/lib/inspect/queries';

/** Statements kept per snapshot, by total time: the ones worth a delta. */
export const SNAPSHOT_QUERY_LIMIT = 500;

export interface SnapshotResult {
  id: number;
  takenAt: Date;
  tables: number;
  indexes: number;
  queries: number;
  /** Snapshots older than the retention that were deleted. */
  pruned: number;
}

/** Takes a snapshot. `db` must be a read-write transaction (db/index.ts `write`). */
export async function takeSnapshot(db: QueryExecutorProvider, opts: { keepDays?: number } = {}): Promise<SnapshotResult> {
  const snap = await sql<{ id: string; taken_at: Date }>`
    insert into kontor.snapshots (database_bytes, stats_since)
    select pg_database_size(current_database()), coalesce(d.stats_reset, pg_postmaster_start_time())
      from pg_catalog.pg_stat_database d where d.datname = current_database()
    returning id::text, taken_at`.execute(db);
  const id = snap.rows[0].id;
  const tables = await sql`
    insert into kontor.snapshot_tables (snapshot_id, schema_name, table_name, total_bytes, index_bytes,
                                        estimated_rows, live_tuples, seq_scans, idx_scans)
    select ${id}::bigint, n.nspname, c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid),
           case when c.reltuples >= 0 then c.reltuples::bigint end, pg_stat_get_live_tuples(c.oid),
           pg_stat_get_numscans(c.oid),
           (select coalesce(sum(pg_stat_get_numscans(i.indexrelid)), 0) from pg_catalog.pg_index i where i.indrelid = c.oid)
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'm') and ${isListedSchema(sql.ref('n.nspname'))}`.execute(db);
  const indexes = await sql`
    insert into kontor.snapshot_indexes (snapshot_id, schema_name, table_name, index_name, size_bytes, scans)
    select ${id}::bigint, n.nspname, tc.relname, ic.relname, pg_relation_size(ic.oid), pg_stat_get_numscans(ic.oid)
      from pg_catalog.pg_index i
      join pg_catalog.pg_class ic on ic.oid = i.indexrelid
      join pg_catalog.pg_class tc on tc.oid = i.indrelid
      join pg_catalog.pg_namespace n on n.oid = tc.relnamespace
     where tc.relkind in ('r', 'p', 'm') and ${isListedSchema(sql.ref('n.nspname'))}`.execute(db);
  let queries = 0;
  const source = await getStatementsSource(db);
  if (source.available) {
    const c = statementColumns(source.version);
    const toplevel = versionAtLeast(source.version, '1.9') ? sql.raw('s.toplevel') : sql.raw('true');
    const r = await sql`
      insert into kontor.snapshot_queries (snapshot_id, queryid, userid, toplevel, query, calls, total_ms, rows)
      select ${id}::bigint, s.queryid, s.userid, ${toplevel}, left(${maskedQuery(sql.ref('s.query'))}, 4000), s.calls, ${c.totalMs}, s.rows
        from ${sql.id(source.schema, 'pg_stat_statements')} s
       where s.dbid = (select oid from pg_catalog.pg_database where datname = current_database()) and s.queryid is not null
       order by ${c.totalMs} desc
       limit ${SNAPSHOT_QUERY_LIMIT}
      on conflict do nothing`.execute(db);
    queries = Number(r.numAffectedRows ?? 0);
  }
  let pruned = 0;
  if (opts.keepDays) {
    const p = await sql`delete from kontor.snapshots where taken_at < now() - make_interval(days => ${opts.keepDays})`.execute(db);
    pruned = Number(p.numAffectedRows ?? 0);
  }
  return {
    id: Number(id),
    takenAt: snap.rows[0].taken_at,
    tables: Number(tables.numAffectedRows ?? 0),
    indexes: Number(indexes.numAffectedRows ?? 0),
    queries,
    pruned,
  };
}

/** Whether the snapshot tables exist (the kontor schema may be behind). */
export async function hasSnapshots(db: QueryExecutorProvider): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select to_regclass('kontor.snapshots') is not null as ok`.execute(db);
  return rows[0].ok;
}

export interface Point {
  at: Date;
  value: number;
}

export interface DatabaseHistory {
  size: Point[];
}

/** Database size per snapshot over the last `days` (at most 500 points). */
export async function getDatabaseHistory(db: QueryExecutorProvider, days = 30): Promise<DatabaseHistory> {
  if (!(await hasSnapshots(db))) return { size: [] };
  const { rows } = await sql<{ at: Date; value: string }>`
    select taken_at as at, database_bytes::text as value from (
      select taken_at, database_bytes from kontor.snapshots
       where taken_at > now() - make_interval(days => ${days})
       order by taken_at desc limit 500) s
     order by taken_at`.execute(db);
  return { size: rows.map((r) => ({ at: r.at, value: Number(r.value) })) };
}

export interface TableHistory {
  totalBytes: Point[];
  rows: Point[];
  /** Index scans between consecutive snapshots, per index of the table. */
  indexScans: { index: string; points: Point[] }[];
}

export async function getTableHistory(
  db: QueryExecutorProvider,
  schema: string,
  table: string,
  days = 30,
): Promise<TableHistory> {
  if (!(await hasSnapshots(db))) return { totalBytes: [], rows: [], indexScans: [] };
  const t = await sql<{ at: Date; total: string; rows: string | null }>`
    select s.taken_at as at, t.total_bytes::text as total, t.estimated_rows::text as rows
      from kontor.snapshot_tables t join kontor.snapshots s on s.id = t.snapshot_id
     where t.schema_name = ${schema} and t.table_name = ${table} and s.taken_at > now() - make_interval(days => ${days})
     order by s.taken_at desc limit 500`.execute(db);
  const ix = await sql<{ index_name: string; at: Date; delta: string | null }>`
    select index_name, at, delta::text from (
      select i.index_name, s.taken_at as at,
             -- a counter that went down was reset: the new value is the delta
             case when lag(i.scans) over w is null then null
                  when i.scans >= lag(i.scans) over w then i.scans - lag(i.scans) over w
                  else i.scans end as delta
        from kontor.snapshot_indexes i join kontor.snapshots s on s.id = i.snapshot_id
       where i.schema_name = ${schema} and i.table_name = ${table} and s.taken_at > now() - make_interval(days => ${days})
      window w as (partition by i.index_name order by s.taken_at)
    ) d where delta is not null
     order by index_name, at limit 5000`.execute(db);
  const byIndex = new Map<string, Point[]>();
  for (const r of ix.rows) byIndex.set(r.index_name, [...(byIndex.get(r.index_name) ?? []), { at: r.at, value: Number(r.delta) }]);
  const rows = [...t.rows].reverse();
  return {
    totalBytes: rows.map((r) => ({ at: r.at, value: Number(r.total) })),
    rows: rows.filter((r) => r.rows !== null).map((r) => ({ at: r.at, value: Number(r.rows) })),
    indexScans: [...byIndex].map(([index, points]) => ({ index, points })),
  };
}

/**
 * Since when each index has not been scanned, from snapshots: the first snapshot after which its
 * counter never moved (a counter that fell was reset, and only snapshots after the reset count).
 * Indexes scanned since the latest snapshot, or never snapshotted, are absent.
 */
export async function getIdleSince(
  db: QueryExecutorProvider,
  indexes: { schema: string; name: string; scans: number }[],
): Promise<Map<string, Date>> {
  const result = new Map<string, Date>();
  if (!indexes.length || !(await hasSnapshots(db))) return result;
  const { rows } = await sql<{ schema: string; name: string; since: Date }>`
    with cur as (
      select * from unnest(${indexes.map((i) => i.schema)}::text[], ${indexes.map((i) => i.name)}::text[],
                           ${indexes.map((i) => String(i.scans))}::bigint[]) as c(schema, name, scans)
    )
    select cur.schema, cur.name, (
             select min(s.taken_at) from kontor.snapshot_indexes i join kontor.snapshots s on s.id = i.snapshot_id
              where i.schema_name = cur.schema and i.index_name = cur.name and i.scans = cur.scans
                and s.taken_at > coalesce((
                  select max(s2.taken_at) from kontor.snapshot_indexes i2 join kontor.snapshots s2 on s2.id = i2.snapshot_id
                   where i2.schema_name = cur.schema and i2.index_name = cur.name and i2.scans <> cur.scans), '-infinity')
           ) as since
      from cur`.execute(db);
  for (const r of rows) if (r.since) result.set(`${r.schema}.${r.name}`, r.since);
  return result;
}
