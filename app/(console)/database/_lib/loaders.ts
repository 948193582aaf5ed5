/**
 * The data behind each database page, one function per page: the page renders what it returns, and
 * scripts/bench.ts times exactly these. Each parses its URL state (whitelisted), then reads through
 * read-only, time-limited transactions: one, or side by side (lanes.ts) where its reads overlap.
 */
import 'server-only';
import type { Kysely } from 'kysely';
import { read } from '@/db/index';
import { readLanes } from '@/app/(console)/database/_lib/lanes';
import { KontorDbError } from '@/db/errors';
import type { KontorDatabase } from '@/db/types';

/** The benchmark passes its own (logging) Kysely; pages use the process's pool. */
type Db = Kysely<KontorDatabase> | undefined;
import { listTables, listTableSchemas, TABLE_SORTS, type TableSort } from '@/lib/inspect/tables';
import { getStatsSince, INDEX_SORTS, INDEX_VERDICTS, listIndexes, listIndexPages, listUnindexedForeignKeys, type IndexSort, type IndexVerdictKind } from '@/lib/inspect/indexes';
import { getIdleSince, getTableHistory } from '@/lib/inspect/snapshots';
import { getTableDetail, sampleRows } from '@/lib/inspect/table-detail';
import { browseRows, getBrowseSpec, type BrowseQuery } from '@/lib/inspect/table-rows';
import { countRowsExactly } from '@/lib/inspect/tables';
import { blockingTrees, getWraparound, listBusySessions, listConnectionGroups, listSequencesNearMax } from '@/lib/inspect/activity';
import { getStatementsSource, listTopQueries, QUERY_SORTS, type QuerySort } from '@/lib/inspect/queries';
import { getDatabaseVitals } from '@/lib/inspect/overview';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { first } from '@/lib/format';


export const TABLES_SPEC: TableSpec<TableSort> = {
  sortable: TABLE_SORTS,
  defaultSort: { id: 'total', desc: true },
  pageSizes: [25, 50, 100],
};

/** The list's data: what the page and the benchmark time. */
export async function loadTablesPage(params: SearchParams, db?: Db) {
  const query = parseTableQuery(params, TABLES_SPEC);
  const wanted = first(params.schema) ?? '';
  return read(async (trx) => {
    const schemas = await listTableSchemas(trx);
    // Only a schema that exists reaches the query, as a bound parameter.
    const schema = schemas.includes(wanted) ? wanted : '';
    const list = await listTables(trx, { sort: query.sort.id, desc: query.sort.desc, q: query.q, schema: schema || undefined, limit: query.pageSize, offset: query.offset });
    return { query, schemas, schema, ...list };
  }, {}, db);
}


export const INDEXES_SPEC: TableSpec<IndexSort> = {
  sortable: INDEX_SORTS,
  defaultSort: { id: 'verdict', desc: false },
  pageSizes: [25, 50, 100],
};

export async function loadIndexesPage(params: SearchParams, db?: Db) {
  const query = parseTableQuery(params, INDEXES_SPEC);
  const v = first(params.verdict) ?? '';
  const verdict = v === 'any' || (INDEX_VERDICTS as readonly string[]).includes(v) ? (v as IndexVerdictKind | 'any') : undefined;
  const wanted = first(params.schema) ?? '';
  // Two read-only transactions when the pool has a connection to spare (readLanes): the verdicts'
  // statement on one, the small reads beside it on the other; else all of them on the one.
  return readLanes(2, async ([a, b = a]) => {
    const schemas = listTableSchemas(b);
    const [side, main] = await Promise.all([
      (async () => ({ schemas: await schemas, foreignKeys: await listUnindexedForeignKeys(b, { limit: 200 }), statsSince: await getStatsSince(b) }))(),
      (async () => {
        // Only a schema that exists reaches the query, as a bound parameter.
        const schema = wanted && (await schemas).includes(wanted) ? wanted : '';
        // The list and the findings in one statement: the verdicts, the costly part, are computed once.
        const [list, problems] = await listIndexPages(a, [
          { sort: query.sort.id, desc: query.sort.desc, q: query.q, schema: schema || undefined, verdict, limit: query.pageSize, offset: query.offset },
          { verdict: 'any', limit: 200 },
        ]);
        const idle = await getIdleSince(a, list.rows.filter((r) => r.scans === 0).map((r) => ({ schema: r.schema, name: r.name, scans: r.scans })));
        return { schema, list, problems, idle };
      })(),
    ]);
    const idleDays = Object.fromEntries([...main.idle].map(([k, d]) => [k, Math.floor((Date.now() - d.getTime()) / 86_400_000)]));
    return {
      query, schemas: side.schemas, schema: main.schema, verdict: verdict ?? '', ...main.list,
      foreignKeys: side.foreignKeys, statsSince: side.statsSince, problems: main.problems.rows, idleDays,
    };
  }, db);
}

export async function loadTableDetailPage(schema: string, name: string, opts: { exact?: boolean } = {}, db?: Db) {
  return read(async (trx) => {
    const detail = await getTableDetail(trx, schema, name);
    if (!detail) return null;
    const [indexes, foreignKeys, history, sample, exact, stats] = await Promise.all([
      listIndexes(trx, { table: { schema, name }, sort: 'name', limit: 500 }),
      listUnindexedForeignKeys(trx, { table: { schema, name } }),
      getTableHistory(trx, schema, name),
      sampleRows(trx, detail),
      opts.exact ? countRowsExactly(trx, schema, name) : Promise.resolve(null),
      listTables(trx, { schema, q: `${schema}.${name}`, limit: 50 }),
    ]);
    const row = stats.rows.find((r) => r.schema === schema && r.name === name) ?? null;
    return { detail, indexes: indexes.rows, foreignKeys, history, sample, exact, stats: row };
  }, {}, db);
}

/** One page of the row browser, with the table's key and sortable columns; null when no such table. */
export async function loadTableRowsPage(schema: string, name: string, query: BrowseQuery, masked: readonly string[], db?: Db) {
  return read(async (trx) => {
    const spec = await getBrowseSpec(trx, schema, name, masked);
    if (!spec) return null;
    return { spec, page: await browseRows(trx, spec, query) };
  }, {}, db);
}

/** Reading sequences opens each one: thousands of them, cold, can take seconds. */
const SEQUENCES_TIMEOUT_MS = 3000;

export async function loadActivityPage(db?: Db) {
  // The sequences on their own connection and time limit, so that a slow first read of thousands of
  // them costs only that section, never the sessions and locks an engineer came for.
  const [main, sequences] = await Promise.all([
    read(async (trx) => {
      const [groups, sessions, wraparound, vitals] = await Promise.all([
        listConnectionGroups(trx),
        listBusySessions(trx),
        getWraparound(trx),
        getDatabaseVitals(trx),
      ]);
      return { groups, sessions, lockTrees: blockingTrees(sessions), wraparound, vitals };
    }, {}, db),
    read((trx) => listSequencesNearMax(trx, { limit: 10 }), { statementTimeoutMs: SEQUENCES_TIMEOUT_MS }, db).then(
      (rows) => ({ rows, problem: null }),
      (err: unknown) => {
        if (err instanceof KontorDbError && err.kind === 'timeout') {
          return { rows: null, problem: `Reading the sequences took longer than ${SEQUENCES_TIMEOUT_MS / 1000} s (each one is opened to read its last value); reload to try again.` };
        }
        throw err;
      },
    ),
  ]);
  return { ...main, sequences };
}

export const QUERIES_SPEC: TableSpec<QuerySort> = {
  sortable: QUERY_SORTS,
  defaultSort: { id: 'total', desc: true },
  pageSizes: [25, 50, 100],
};

export async function loadQueriesPage(params: SearchParams, db?: Db) {
  const query = parseTableQuery(params, QUERIES_SPEC);
  return read(async (trx) => {
    const source = await getStatementsSource(trx);
    if (!source.available) return { query, source, list: null };
    const list = await listTopQueries(trx, source, { sort: query.sort.id, q: query.q, limit: query.pageSize, offset: query.offset });
    return { query: { ...query, sort: { ...query.sort, desc: true } }, source, list };
  }, {}, db);
}
