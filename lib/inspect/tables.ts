/**
 * The Tables list: every table of every listed schema with sizes, tuples, scans, writes, maintenance
 * and an estimated bloat. Sorted, filtered and paged in SQL, so 10,000 tables cost one page of work:
 * the sort key is computed for every table, everything else only for the rows of the page.
 *
 * Statistics come from the pg_stat_get_* functions on the table's oid (the functions behind
 * pg_stat_all_tables, unchanged in 15 and 17) rather than the view, which would aggregate every
 * table's indexes before the page is cut.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { isListedSchema, likePattern } from '@/lib/inspect/scope';

export const TABLE_SORTS = ['name', 'total', 'table', 'index', 'toast', 'rows', 'dead', 'seq', 'idx', 'writes', 'vacuum'] as const;
export type TableSort = (typeof TABLE_SORTS)[number];

export interface TableListOptions {
  sort?: TableSort;
  desc?: boolean;
  /** Free text matched against "schema.table". */
  q?: string;
  /** Exactly this schema. */
  schema?: string;
  /** Rows per page, 1 to 1,000 (the CLI's --limit allows as many). */
  limit?: number;
  offset?: number;
}

export interface TableRow {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned' | 'materialized view';
  rls: boolean;
  totalBytes: number;
  /** Heap with its free-space and visibility maps: total minus indexes minus TOAST. */
  tableBytes: number;
  indexBytes: number;
  toastBytes: number;
  /** pg_class.reltuples; null when never analysed or vacuumed. */
  estimatedRows: number | null;
  liveTuples: number;
  deadTuples: number;
  seqScans: number;
  idxScans: number;
  /** Share of scans that used an index, 0..1; null before any scan. */
  idxShare: number | null;
  inserts: number;
  updates: number;
  deletes: number;
  lastVacuum: Date | null;
  lastAutovacuum: Date | null;
  lastAnalyze: Date | null;
  lastAutoanalyze: Date | null;
  /** Estimated wasted heap bytes (expected pages from rows x average width vs actual); null when unknown. */
  bloatBytes: number | null;
  bloatRatio: number | null;
}

const SIZE = {
  total: sql.raw('pg_total_relation_size(c.oid)'),
  index: sql.raw('pg_indexes_size(c.oid)'),
  toast: sql.raw('(case when c.reltoastrelid <> 0 then pg_total_relation_size(c.reltoastrelid) else 0 end)'),
};

// The same sizes from the catalog's page counts (kept by VACUUM, ANALYZE and CREATE INDEX): no file
// system calls and no locks, so ordering 10,000 tables by size stays cheap.
const PAGES = {
  index: sql.raw('(select coalesce(sum(ic.relpages), 0)::int8 from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid where i.indrelid = c.oid)'),
  toast: sql.raw('(select coalesce(sum(tc.relpages), 0)::int8 from pg_catalog.pg_class tc where tc.oid = c.reltoastrelid)'),
  table: sql.raw('c.relpages::int8'),
};

/** Above this many matching tables, size orders use page counts instead of measuring every file. */
export const EXACT_SIZE_ORDER_LIMIT = 200;

function sizeOrder(exact: boolean): Pick<Record<TableSort, RawBuilder<unknown>>, 'total' | 'table' | 'index' | 'toast'> {
  if (exact) {
    return { total: SIZE.total, table: sql`(${SIZE.total} - ${SIZE.index} - ${SIZE.toast})`, index: SIZE.index, toast: SIZE.toast };
  }
  return { total: sql`(${PAGES.table} + ${PAGES.index} + ${PAGES.toast})`, table: PAGES.table, index: PAGES.index, toast: PAGES.toast };
}

// Whitelisted keys -> fixed SQL over pg_class c / pg_namespace n. Nothing from the URL reaches the text.
const ORDER: Record<Exclude<TableSort, 'total' | 'table' | 'index' | 'toast'>, RawBuilder<unknown>> = {
  name: sql`n.nspname || '.' || c.relname`,
  rows: sql.raw('c.reltuples'),
  dead: sql.raw('pg_stat_get_dead_tuples(c.oid)'),
  seq: sql.raw('pg_stat_get_numscans(c.oid)'),
  idx: sql.raw('(select coalesce(sum(pg_stat_get_numscans(i.indexrelid)), 0) from pg_catalog.pg_index i where i.indrelid = c.oid)'),
  writes: sql.raw('(pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid) + pg_stat_get_tuples_deleted(c.oid))'),
  vacuum: sql.raw('greatest(pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid))'),
};

function where(opts: TableListOptions) {
  const q = opts.q?.trim();
  // The schedule's queue (pg-boss, migration 0022) keeps one partition of kontor.job per job, named by a
  // 56-character hash: engine internals, listed once as their parent.
  return sql`c.relkind in ('r', 'p', 'm')
     and ${isListedSchema(sql.ref('n.nspname'))}
     and not (c.relispartition and n.nspname = 'kontor')
     ${q ? sql`and (n.nspname || '.' || c.relname) ilike ${likePattern(q)}` : sql``}
     ${opts.schema ? sql`and n.nspname = ${opts.schema}` : sql``}`;
}

interface RawTableRow {
  schema: string;
  name: string;
  relkind: 'r' | 'p' | 'm';
  rls: boolean;
  total: string;
  index_size: string;
  toast: string;
  reltuples: number;
  relpages: number;
  live: string;
  dead: string;
  seq: string;
  idx: string;
  ins: string;
  upd: string;
  del: string;
  last_vacuum: Date | null;
  last_autovacuum: Date | null;
  last_analyze: Date | null;
  last_autoanalyze: Date | null;
  expected_pages: number | null;
  block_size: number;
}

const KIND = { r: 'table', p: 'partitioned', m: 'materialized view' } as const;

/** One page of tables and the number that match the filter. */
export async function listTables(
  db: QueryExecutorProvider,
  opts: TableListOptions = {},
): Promise<{ rows: TableRow[]; total: number }> {
  const sort = (TABLE_SORTS as readonly string[]).includes(opts.sort ?? '') ? opts.sort! : 'total';
  const sizeSort = sort === 'total' || sort === 'table' || sort === 'index' || sort === 'toast';
  const exact = sizeSort ? (await countTables(db, opts)) <= EXACT_SIZE_ORDER_LIMIT : true;
  const order = sizeSort ? sizeOrder(exact)[sort] : ORDER[sort as keyof typeof ORDER];
  const dir = sql.raw((opts.desc ?? sort !== 'name') ? 'desc nulls last' : 'asc nulls first');
  const limit = Math.min(Math.max(opts.limit ?? 25, 1), 1000);
  const offset = Math.max(opts.offset ?? 0, 0);
  const { rows } = await sql<RawTableRow & { matched: string }>`
    with page as (
      select c.oid, count(*) over () as matched, row_number() over (order by ${order} ${dir}, n.nspname, c.relname) as pos
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where ${where(opts)}
       order by pos
       limit ${limit} offset ${offset}
    )
    select n.nspname::text as schema, c.relname::text as name, c.relkind::text as relkind, c.relrowsecurity as rls,
           p.matched::text as matched,
           pg_total_relation_size(c.oid)::text as total,
           pg_indexes_size(c.oid)::text as index_size,
           ${SIZE.toast}::text as toast,
           c.reltuples::float8 as reltuples, c.relpages::int as relpages,
           pg_stat_get_live_tuples(c.oid)::text as live, pg_stat_get_dead_tuples(c.oid)::text as dead,
           pg_stat_get_numscans(c.oid)::text as seq,
           (select coalesce(sum(pg_stat_get_numscans(i.indexrelid)), 0) from pg_catalog.pg_index i where i.indrelid = c.oid)::text as idx,
           pg_stat_get_tuples_inserted(c.oid)::text as ins, pg_stat_get_tuples_updated(c.oid)::text as upd,
           pg_stat_get_tuples_deleted(c.oid)::text as del,
           pg_stat_get_last_vacuum_time(c.oid) as last_vacuum, pg_stat_get_last_autovacuum_time(c.oid) as last_autovacuum,
           pg_stat_get_last_analyze_time(c.oid) as last_analyze, pg_stat_get_last_autoanalyze_time(c.oid) as last_autoanalyze,
           est.pages as expected_pages, current_setting('block_size')::int as block_size
      from page p
      join pg_catalog.pg_class c on c.oid = p.oid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      left join lateral (
        -- Heap pages the rows would fill when packed: tuple header (24 B, aligned), line pointer (4 B),
        -- the columns' average widths from pg_stats, at the table's fillfactor (default 100).
        select ceil(c.reltuples * (24 + 4 + sum(s.avg_width)) /
                    ((current_setting('block_size')::int - 24) *
                     coalesce((select split_part(o, '=', 2)::int from unnest(c.reloptions) o where o like 'fillfactor=%'), 100) / 100.0))::float8 as pages
          from pg_catalog.pg_stats s
         where s.schemaname = n.nspname and s.tablename = c.relname and not s.inherited
        having count(*) > 0
      ) est on c.relkind = 'r' and c.reltuples > 0
     order by p.pos`.execute(db);
  const total = rows.length ? Number(rows[0].matched) : opts.offset ? await countTables(db, opts) : 0;
  return { rows: rows.map(toTableRow), total };
}

async function countTables(db: QueryExecutorProvider, opts: TableListOptions): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where ${where(opts)}`.execute(db);
  return rows[0].n;
}

function toTableRow(r: RawTableRow): TableRow {
  const total = Number(r.total);
  const index = Number(r.index_size);
  const toast = Number(r.toast);
  const seq = Number(r.seq);
  const idx = Number(r.idx);
  const bloatPages = r.expected_pages !== null && r.relpages > 0 ? Math.max(r.relpages - r.expected_pages, 0) : null;
  return {
    schema: r.schema,
    name: r.name,
    kind: KIND[r.relkind],
    rls: r.rls,
    totalBytes: total,
    tableBytes: Math.max(total - index - toast, 0),
    indexBytes: index,
    toastBytes: toast,
    estimatedRows: r.reltuples >= 0 ? Math.round(r.reltuples) : null,
    liveTuples: Number(r.live),
    deadTuples: Number(r.dead),
    seqScans: seq,
    idxScans: idx,
    idxShare: seq + idx > 0 ? idx / (seq + idx) : null,
    inserts: Number(r.ins),
    updates: Number(r.upd),
    deletes: Number(r.del),
    lastVacuum: r.last_vacuum,
    lastAutovacuum: r.last_autovacuum,
    lastAnalyze: r.last_analyze,
    lastAutoanalyze: r.last_autoanalyze,
    bloatBytes: bloatPages === null ? null : bloatPages * r.block_size,
    bloatRatio: bloatPages === null ? null : bloatPages / r.relpages,
  };
}

/** The schemas the Tables list offers as a filter (listed ones that hold at least one table). */
export async function listTableSchemas(db: QueryExecutorProvider): Promise<string[]> {
  const { rows } = await sql<{ schema: string }>`
    select n.nspname::text as schema
      from pg_catalog.pg_namespace n
     where ${isListedSchema(sql.ref('n.nspname'))}
       -- One pass over pg_class, hashed: no index leads with relnamespace, so a probe per schema
       -- (EXISTS, as the planner runs it) reads the whole name index each time.
       and n.oid in (select distinct c.relnamespace from pg_catalog.pg_class c where c.relkind in ('r', 'p', 'm'))
     order by 1
     limit 1000`.execute(db);
  return rows.map((r) => r.schema);
}

/**
 * count(*) on one table, on demand (bounded by the read path's statement timeout). The name's parts
 * are quoted as they are (sql.id): a table named `x.y` or ` x` is not split or trimmed into another.
 */
export async function countRowsExactly(db: QueryExecutorProvider, schema: string, table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.id(schema, table)}`.execute(db);
  return Number(rows[0].n);
}
