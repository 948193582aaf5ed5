/**
 * A read-only row browser for one table (what Supabase's table editor is to its users), built so that
 * it never reads more than a page of a table of any size:
 *
 * - Paging is keyset, never OFFSET: the order is (sort column, then the table's key) and a page starts
 *   after (or before) the last (first) row's values, which travel in the URL as an opaque cursor.
 *   The key is the primary key, else a unique index over NOT NULL plain columns, else `ctid`. A ctid
 *   names where a row lies, which an UPDATE or VACUUM FULL changes: on such a table a row changed
 *   between two pages can be skipped or shown twice, and the page says so. A key with a secret-looking
 *   column would put the secret into the URL, so such a table pages by ctid too.
 * - Sorting is offered only by the key or by a NOT NULL column that leads a valid btree index, so the
 *   order comes from an index. A nullable column is not offered: NULLs do not compare in a row
 *   comparison, so its keyset would silently drop them.
 * - Filters are `column = value` (the value cast to the column's type) and, for text, "contains". A
 *   filter that no index can serve still reads only until it has a page of matches, within the read's
 *   statement timeout; the model says which filters can use an index, and a timeout is a result.
 * - Secret-looking columns (looksSecret) and the mapping's `masked` columns are never selected: only
 *   whether they are null. They can be neither filtered nor sorted by (that would reveal them).
 *
 * Every identifier comes from the catalog (the table is found by name first; a column or sort from the
 * URL must be one of its columns) and is quoted with sql.id; values are bound parameters.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { KontorDbError } from '@/db/errors';
import { looksSecret, MASK } from '@/lib/inspect/table-detail';
import { withoutControl } from '@/lib/filters';

export { MASK };

export interface BrowseColumn {
  name: string;
  /** format_type, for people. */
  type: string;
  secret: boolean;
  /** A NOT NULL column leading a valid btree index (or the key): the rows can be ordered by it. */
  sortable: boolean;
  /** Leads an index: `=` on it can use one. */
  indexed: boolean;
  /** Text-like: "contains" is offered. */
  text: boolean;
}

interface CatalogColumn extends BrowseColumn {
  /** Type's schema and name, for a cast through sql.id (never text from a request). */
  typeSchema: string;
  typeName: string;
  notNull: boolean;
}

export interface BrowseSpec {
  schema: string;
  name: string;
  columns: CatalogColumn[];
  /**
   * The columns a page continues after: `['ctid']` for a table without a usable key (a partitioned one:
   * `['tableoid', 'ctid']`, as a ctid is only unique within a partition); none for a view or foreign
   * table without one (no row position at all: only the first page is shown).
   */
  key: string[];
  keyKind: 'primary key' | 'unique index' | 'ctid' | 'none';
  /** reltuples: -1 when never analysed. */
  estimatedRows: number;
}

// Postgres caps a row at 1600 columns; a page shows the first 60, like the sample.
const MAX_COLUMNS = 60;
const MAX_CELL = 200;
export const BROWSE_PAGE_SIZE = 50;

/** The table's columns, key and indexes from the catalog; null when no such table (or view) exists. */
export async function getBrowseSpec(db: QueryExecutorProvider, schema: string, name: string, masked: readonly string[] = []): Promise<BrowseSpec | null> {
  const { rows: found } = await sql<{ oid: number; reltuples: number; relkind: string }>`
    select c.oid::int as oid, c.reltuples::float8 as reltuples, c.relkind::text as relkind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${schema} and c.relname = ${name} and c.relkind in ('r', 'p', 'm', 'v', 'f') limit 1`.execute(db);
  const t = found[0];
  if (!t) return null;
  const [{ rows: cols }, { rows: indexes }] = await Promise.all([
    sql<{ name: string; attnum: number; type: string; type_schema: string; type_name: string; not_null: boolean; category: string }>`
      select a.attname::text as name, a.attnum::int as attnum, format_type(a.atttypid, a.atttypmod) as type,
             tn.nspname::text as type_schema, ty.typname::text as type_name, a.attnotnull as not_null, ty.typcategory::text as category
        from pg_catalog.pg_attribute a
        join pg_catalog.pg_type ty on ty.oid = a.atttypid join pg_catalog.pg_namespace tn on tn.oid = ty.typnamespace
       where a.attrelid = ${t.oid} and a.attnum > 0 and not a.attisdropped order by a.attnum limit 1600`.execute(db),
    // Valid, whole-table indexes; expression columns show as attnum 0.
    sql<{ primary: boolean; unique: boolean; btree: boolean; keys: number[] }>`
      select i.indisprimary as primary, i.indisunique as unique, am.amname = 'btree' as btree,
             (select array_agg(k::int order by o) from unnest(i.indkey[0:i.indnkeyatts - 1]) with ordinality u(k, o)) as keys
        from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid join pg_catalog.pg_am am on am.oid = ic.relam
       where i.indrelid = ${t.oid} and i.indisvalid and i.indpred is null
       order by i.indisprimary desc, i.indnkeyatts, ic.relname limit 500`.execute(db),
  ]);
  const maskedHere = new Set(masked.flatMap((m) => {
    const parts = m.split('.');
    const [s, tb, c] = parts.length === 3 ? parts : ['public', ...parts];
    return s === schema && tb === name && c ? [c] : [];
  }));
  const byNum = new Map(cols.map((c) => [c.attnum, c]));
  const leading = new Set(indexes.map((i) => i.keys[0]).filter((k) => k > 0));
  const btreeLeading = new Set(indexes.filter((i) => i.btree).map((i) => i.keys[0]).filter((k) => k > 0));
  const secret = (c: { name: string; type: string }) => looksSecret(c.name, c.type, name) || maskedHere.has(c.name);

  const usable = (i: (typeof indexes)[number]) => i.btree && i.keys.every((k) => byNum.get(k)?.not_null && !secret(byNum.get(k)!));
  const keyIndex = indexes.find((i) => i.primary && usable(i)) ?? indexes.find((i) => i.unique && usable(i));
  const positional = t.relkind === 'v' || t.relkind === 'f' ? [] : t.relkind === 'p' ? ['tableoid', 'ctid'] : ['ctid'];
  const key = keyIndex ? keyIndex.keys.map((k) => byNum.get(k)!.name) : positional;
  const keyKind = keyIndex ? (keyIndex.primary ? 'primary key' : 'unique index') : key.length ? 'ctid' : 'none';

  const columns = cols.slice(0, MAX_COLUMNS).map((c): CatalogColumn => {
    const isSecret = secret(c);
    return {
      name: c.name, type: c.type, typeSchema: c.type_schema, typeName: c.type_name, notNull: c.not_null, secret: isSecret,
      sortable: !isSecret && (key[0] === c.name || (c.not_null && btreeLeading.has(c.attnum))),
      indexed: leading.has(c.attnum),
      text: c.category === 'S',
    };
  });
  return { schema, name, columns, key, keyKind, estimatedRows: t.reltuples };
}

export interface BrowseQuery {
  /** A sortable column's name; the key's first column when absent. */
  sort?: string;
  desc?: boolean;
  filter?: { column: string; op: 'eq' | 'contains'; value: string };
  /** Continue after this cursor (next page) or before it (previous page). */
  after?: string;
  before?: string;
  pageSize?: number;
}

export interface BrowsePage {
  columns: Pick<BrowseColumn, 'name' | 'type' | 'secret'>[];
  /** Display text per column (secret: MASK or null), and the row's own cursor position. */
  rows: { id: string; cells: (string | null)[] }[];
  /** Cursors of the pages around this one; null at an end. */
  next: string | null;
  prev: string | null;
  sort: { column: string; desc: boolean };
  /** The filter as applied, and whether an index can serve it. */
  filter: (NonNullable<BrowseQuery['filter']> & { indexed: boolean }) | null;
  /** What of the request was refused, in a sentence (an unknown column, a value the type cannot hold). */
  problem: string | null;
  /** The read hit the statement timeout (an unindexed filter over a large table). */
  timedOut: boolean;
}

/** The cursor: the order columns' values of one row, as text (cast back with the column types). */
const cursorSchema = z.array(z.string().nullable()).min(1).max(33);

export function encodeCursor(values: (string | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(text: string | undefined, length: number): (string | null)[] | null {
  if (!text) return null;
  try {
    const values = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return values.length === length ? values : null;
  } catch {
    return null;
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

interface OrderColumn { ref: RawBuilder<unknown>; cast: (v: string | null) => RawBuilder<unknown> }

function orderColumn(spec: BrowseSpec, name: string): OrderColumn {
  if (name === 'ctid') return { ref: sql`ctid`, cast: (v) => sql`cast(${v} as pg_catalog.tid)` };
  if (name === 'tableoid') return { ref: sql`tableoid`, cast: (v) => sql`cast(${v} as pg_catalog.oid)` };
  const c = spec.columns.find((x) => x.name === name)!;
  return { ref: sql.id(c.name), cast: (v) => sql`cast(${v} as ${sql.id(c.typeSchema, c.typeName)})` };
}

/**
 * One page of rows. Assumes `spec` came from getBrowseSpec for this transaction's database; every name
 * in `q` is checked against it, and what does not match is dropped with a `problem` sentence.
 */
export async function browseRows(db: QueryExecutorProvider, spec: BrowseSpec, q: BrowseQuery): Promise<BrowsePage> {
  const problems: string[] = [];
  const sortCol = q.sort && spec.columns.find((c) => c.name === q.sort && c.sortable);
  if (q.sort && !sortCol) problems.push('The rows can be sorted only by the key or an indexed column that is never null; they are in key order.');
  // Undefined only for a view without a key: its rows come in no defined order, one page of them.
  const sortName: string | undefined = sortCol ? sortCol.name : spec.key[0];
  const desc = q.desc ?? false;
  // The order: the sort column, then the key (without repeating a column).
  const order = sortName ? [sortName, ...spec.key.filter((k) => k !== sortName)] : [];
  const orderCols = order.map((n) => orderColumn(spec, n));

  let filter: BrowsePage['filter'] = null;
  const where: RawBuilder<unknown>[] = [];
  if (q.filter) {
    const c = spec.columns.find((x) => x.name === q.filter!.column);
    const value = withoutControl(q.filter.value).slice(0, 500);
    if (!c) problems.push('No such column: the filter was ignored.');
    else if (c.secret) problems.push(`${c.name} is masked: it cannot be filtered on. The filter was ignored.`);
    else if (q.filter.op === 'contains' && !c.text) problems.push(`"contains" is for text columns; ${c.name} is ${c.type}. The filter was ignored.`);
    else {
      filter = { column: c.name, op: q.filter.op, value, indexed: q.filter.op === 'eq' && c.indexed };
      where.push(q.filter.op === 'eq'
        ? sql`${sql.id(c.name)} = cast(${value} as ${sql.id(c.typeSchema, c.typeName)})`
        : sql`${sql.id(c.name)}::text ilike ${`%${escapeLike(value)}%`}`);
    }
  }

  const backwards = !!q.before && !q.after;
  const cursor = order.length ? decodeCursor(q.after ?? q.before, order.length) : null;
  if ((q.after || q.before) && !cursor) problems.push('The page position in the address is not valid: showing the first page.');
  // Walking backwards flips the comparison and the order; the rows are put back in order after.
  const ascending = desc === backwards;
  if (cursor) {
    const left = sql.join(orderCols.map((o) => o.ref));
    const right = sql.join(orderCols.map((o, i) => o.cast(cursor[i])));
    const cmp = ascending ? sql.raw('>') : sql.raw('<');
    const lead = ascending ? sql.raw('>=') : sql.raw('<=');
    // The single-column bound lets an index on the sort column alone start at the cursor.
    where.push(sql`${orderCols[0].ref} ${lead} ${orderCols[0].cast(cursor[0])}`, sql`(${left}) ${cmp} (${right})`);
  }
  const pageSize = Math.min(Math.max(q.pageSize ?? BROWSE_PAGE_SIZE, 1), 500);
  const dir = sql.raw(ascending ? 'asc' : 'desc');

  const list = sql.join([
    ...spec.columns.map((c, i) => c.secret
      ? sql`(${sql.id(c.name)} is not null) as ${sql.id(`c${i}`)}`
      : sql`left(${sql.id(c.name)}::text, ${MAX_CELL + 1}) as ${sql.id(`c${i}`)}`),
    ...orderCols.map((o, i) => sql`${o.ref}::text as ${sql.id(`k${i}`)}`),
  ]);
  const result: BrowsePage = {
    columns: spec.columns.map((c) => ({ name: c.name, type: c.type, secret: c.secret })),
    rows: [], next: null, prev: null, sort: { column: sortName ?? '', desc }, filter, problem: null, timedOut: false,
  };
  let rows: Record<string, string | boolean | null>[];
  // A savepoint, so that a refused value or a timeout leaves the caller's read transaction usable.
  await sql`savepoint browse_rows`.execute(db);
  try {
    ({ rows } = await sql<Record<string, string | boolean | null>>`
      select ${list} from ${sql.id(spec.schema, spec.name)}
       ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
       ${orderCols.length ? sql`order by ${sql.join(orderCols.map((o) => sql`${o.ref} ${dir}`))}` : sql``}
       limit ${pageSize + 1}`.execute(db));
    await sql`release savepoint browse_rows`.execute(db);
  } catch (err) {
    await sql`rollback to savepoint browse_rows`.execute(db);
    const code = (err as { code?: string }).code;
    if (code === '57014' || (err instanceof KontorDbError && err.kind === 'timeout')) return { ...result, timedOut: true, problem: problems.join(' ') || null };
    // A value the column's type cannot hold (22P02 and kin), or a type without `=`: the request's fault.
    if (filter && (code?.startsWith('22') || code === '42883')) {
      problems.push(code === '42883' ? `${filter.column} cannot be compared with "=".` : `"${filter.value}" is not a valid ${spec.columns.find((c) => c.name === filter!.column)!.type}.`);
      return { ...result, filter: null, problem: problems.join(' ') };
    }
    // A forged cursor whose values the key's types cannot hold.
    if (cursor && code?.startsWith('22')) return { ...result, problem: 'The page position in the address is not valid: open the first page.' };
    throw err;
  }
  const more = rows.length > pageSize;
  if (more) rows = rows.slice(0, pageSize);
  if (backwards) rows.reverse();
  const position = (r: Record<string, unknown>) => orderCols.map((_, i) => r[`k${i}`] as string | null);
  result.rows = rows.map((r) => ({
    id: encodeCursor(position(r)),
    cells: spec.columns.map((c, i) => {
      const v = r[`c${i}`];
      if (c.secret) return v ? MASK : null;
      if (v === null || v === undefined) return null;
      const text = String(v);
      return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL)}…` : text;
    }),
  }));
  const first = result.rows[0];
  const last = result.rows[result.rows.length - 1];
  // Forwards: a next page when more came; a previous one when this page began at a cursor. Backwards: the mirror.
  const paged = orderCols.length > 0;
  result.next = paged && last && (backwards ? !!cursor : more) ? last.id : null;
  result.prev = paged && first && (backwards ? more : !!cursor) ? first.id : null;
  result.problem = problems.join(' ') || null;
  return result;
}
