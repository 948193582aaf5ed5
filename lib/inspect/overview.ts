/**
 * Catalog facts for the overview: size, cache hit ratio, connections, the largest tables. Every query
 * here reads columns that exist unchanged in Postgres 15 and 17 (pg_stat_database, pg_statio_*,
 * pg_stat_activity.backend_type); the ones PG 17 moved (pg_stat_bgwriter -> pg_stat_checkpointer,
 * pg_stat_statements' blk_*_time) are deliberately not used.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';

export interface DatabaseIdentity {
  name: string;
  serverVersion: string;
}

export async function getDatabaseIdentity(db: QueryExecutorProvider): Promise<DatabaseIdentity> {
  const { rows } = await sql<DatabaseIdentity>`
    select current_database()::text as "name", current_setting('server_version') as "serverVersion"`.execute(db);
  return rows[0];
}

export interface DatabaseVitals {
  sizeBytes: number;
  /** Share of block reads served from shared buffers, 0..1; null until anything was read. */
  cacheHit: { heap: number | null; index: number | null; database: number | null };
  connections: { used: number; max: number; reserved: number };
  /** Since when pg_stat_database counts (stats reset or server start). */
  statsSince: Date | null;
}

const ratio = (hit: string | null, read: string | null): number | null => {
  const h = Number(hit ?? 0);
  const r = Number(read ?? 0);
  return h + r > 0 ? h / (h + r) : null;
};

export async function getDatabaseVitals(db: QueryExecutorProvider): Promise<DatabaseVitals> {
  const { rows } = await sql<{
    size: string;
    heap_hit: string | null;
    heap_read: string | null;
    idx_hit: string | null;
    idx_read: string | null;
    db_hit: string | null;
    db_read: string | null;
    used: number;
    max: number;
    reserved: number;
    stats_since: Date | null;
  }>`
    select pg_database_size(current_database())::text as size,
           (select sum(heap_blks_hit)::text from pg_catalog.pg_statio_user_tables) as heap_hit,
           (select sum(heap_blks_read)::text from pg_catalog.pg_statio_user_tables) as heap_read,
           (select sum(idx_blks_hit)::text from pg_catalog.pg_statio_user_indexes) as idx_hit,
           (select sum(idx_blks_read)::text from pg_catalog.pg_statio_user_indexes) as idx_read,
           d.blks_hit::text as db_hit, d.blks_read::text as db_read,
           coalesce(d.stats_reset, pg_postmaster_start_time()) as stats_since,
           (select count(*)::int from pg_catalog.pg_stat_activity where backend_type = 'client backend') as used,
           current_setting('max_connections')::int as max,
           current_setting('superuser_reserved_connections')::int as reserved
      from pg_catalog.pg_stat_database d
     where d.datname = current_database()`.execute(db);
  const r = rows[0];
  return {
    sizeBytes: Number(r.size),
    cacheHit: {
      heap: ratio(r.heap_hit, r.heap_read),
      index: ratio(r.idx_hit, r.idx_read),
      database: ratio(r.db_hit, r.db_read),
    },
    connections: { used: r.used, max: r.max, reserved: r.reserved },
    statsSince: r.stats_since,
  };
}

export const LARGEST_TABLE_SORTS = ['total', 'table', 'index'] as const;
export type LargestTableSort = (typeof LARGEST_TABLE_SORTS)[number];

export interface LargestTableRow {
  schema: string;
  name: string;
  totalBytes: number;
  tableBytes: number;
  indexBytes: number;
  /** pg_class.reltuples: the planner's estimate, null when never analysed. */
  estimatedRows: number | null;
}

// Whitelisted sort keys -> fixed SQL; nothing from the URL reaches the query text.
const ORDER: Record<LargestTableSort, ReturnType<typeof sql.raw>> = {
  total: sql.raw('pg_total_relation_size(c.oid)'),
  table: sql.raw('pg_table_size(c.oid)'),
  index: sql.raw('pg_indexes_size(c.oid)'),
};

/** The largest user tables (system schemas excluded), schema-qualified. */
export async function listLargestTables(
  db: QueryExecutorProvider,
  opts: { sort?: LargestTableSort; limit?: number } = {},
): Promise<LargestTableRow[]> {
  const order = ORDER[opts.sort ?? 'total'] ?? ORDER.total;
  const limit = Math.min(Math.max(opts.limit ?? 5, 1), 100);
  const { rows } = await sql<{
    schema: string;
    name: string;
    total: string;
    table_size: string;
    index_size: string;
    reltuples: number;
  }>`
    select n.nspname::text as schema, c.relname::text as name,
           pg_total_relation_size(c.oid)::text as total,
           pg_table_size(c.oid)::text as table_size,
           pg_indexes_size(c.oid)::text as index_size,
           c.reltuples::float8 as reltuples
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'm', 'p')
       and n.nspname not in ('pg_catalog', 'information_schema')
       and n.nspname !~ '^pg_(toast|temp)'
     order by ${order} desc, n.nspname, c.relname
     limit ${limit}`.execute(db);
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    totalBytes: Number(r.total),
    tableBytes: Number(r.table_size),
    indexBytes: Number(r.index_size),
    estimatedRows: r.reltuples >= 0 ? Math.round(r.reltuples) : null,
  }));
}
