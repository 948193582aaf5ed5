/**
 * Referencing mapped tables and columns in Kysely. Names come from a mapping (ultimately from the
 * catalog), so they go through sql.id, which quotes each part and doubles embedded quotes. sql.table
 * and sql.ref would split a name on dots, and a product may well have a column called "a.b".
 *
 * A concept whose rows are a subset of a table (`where`), whose columns are JSON fields
 * ("metadata->>stripe_session_id") or constants ("'completed'"), or whose key repeats (`oneRowPerKey`)
 * is read through a derived relation: `(select t.*, <field> as "metadata->>stripe_session_id" from
 * <table> t where ...)`. Every column is then an ordinary column of that relation, named by its spec,
 * so the domain queries read plain and derived concepts alike. Postgres pulls such a subquery up into
 * the outer query, so expression indexes on the JSON fields still serve it. Writes go to the table
 * itself (writeTableOf, insertColumns), where a JSON field is written inside its column.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import { parseColumn, type PartPath } from '@/lib/mapping/column-spec';
import type { TableRef } from '@/lib/mapping/schema';

interface Mapped {
  table: TableRef;
  key?: string;
  columns: object;
  where?: Record<string, WhereValue>;
  oneRowPerKey?: boolean;
}

type ColumnName<C extends Mapped> = Extract<keyof C['columns'], string>;

/** A `where` value: equal to it, to any of a list, IS NULL (null), or IS NOT NULL. */
export type WhereValue = string | string[] | null | { notNull: true };

export { parseColumn, specColumns, type ColumnPath } from '@/lib/mapping/column-spec';

const isPlain = (spec: string | undefined) => !spec || parseColumn(spec).kind === 'column';

/** True when the concept must be read through a derived relation (see the header). */
export function isDerived(concept: Mapped): boolean {
  const specs = [concept.key, ...Object.values(concept.columns as Record<string, string | undefined>)];
  return Boolean(concept.where && Object.keys(concept.where).length) || Boolean(concept.oneRowPerKey) || !specs.every(isPlain);
}

function partSql(p: PartPath, alias: string): RawBuilder<unknown> {
  if (p.kind === 'column') return sql.id(alias, p.column);
  if (p.kind === 'constant') return sql`${sql.lit(p.value)}::text`;
  const steps = p.path.map((k, i) => (i === p.path.length - 1 ? sql`->>${sql.lit(k)}` : sql`->${sql.lit(k)}`));
  return sql`(${sql.id(alias, p.column)}${sql.join(steps, sql``)})`;
}

/** The SQL of one column spec over the table row `alias`. */
export function pathSql(spec: string, alias: string): RawBuilder<unknown> {
  const p = parseColumn(spec);
  if (p.kind === 'coalesce') return sql`coalesce(${sql.join(p.parts.map((x) => sql`(${partSql(x, alias)})::text`))})`;
  if (p.kind === 'concat') return sql`(${sql.join(p.parts.map((x) => sql`(${partSql(x, alias)})::text`), sql` || '|' || `)})`;
  if (p.kind === 'lookup') {
    return sql`(select l_.${sql.id(p.value)} from ${sql.id(p.table.schema, p.table.name)} l_ where l_.${sql.id(p.key)} = ${sql.id(alias, p.local)})`;
  }
  return partSql(p, alias);
}

export function whereSql(where: Record<string, WhereValue>, alias: string): RawBuilder<unknown> {
  const parts = Object.entries(where).map(([column, v]) => {
    if (v === null) return sql`${sql.id(alias, column)} is null`;
    if (!Array.isArray(v) && typeof v === 'object') return sql`${sql.id(alias, column)} is not null`;
    // Untyped literals, so that an enum column compares as its enum (and its indexes serve).
    const values = (Array.isArray(v) ? v : [v]).map((x) => sql.lit(x));
    return sql`${sql.id(alias, column)} in (${sql.join(values)})`;
  });
  return sql.join(parts, sql` and `);
}

/** "schema"."table", or the derived relation, for FROM and JOIN. */
export function tableOf(concept: Mapped): RawBuilder<unknown> {
  if (!isDerived(concept)) return sql.id(concept.table.schema, concept.table.name);
  const specs = [...new Set([concept.key, ...Object.values(concept.columns as Record<string, string | undefined>)])]
    .filter((s): s is string => Boolean(s) && !isPlain(s));
  // A lookup is a left join on the other table's key (removed by the planner when a query does not
  // read it); every other derived column is an expression over the row.
  const joins: RawBuilder<unknown>[] = [];
  const extra = specs.map((s) => {
    const p = parseColumn(s);
    if (p.kind !== 'lookup') return sql`, ${pathSql(s, 'k_')} as ${sql.id(s)}`;
    const alias = `l${joins.length}_`;
    joins.push(sql` left join ${sql.id(p.table.schema, p.table.name)} ${sql.id(alias)} on ${sql.id(alias, p.key)} = ${sql.id('k_', p.local)}`);
    return sql`, ${sql.id(alias, p.value)} as ${sql.id(s)}`;
  });
  const where = concept.where && Object.keys(concept.where).length ? sql`where ${whereSql(concept.where, 'k_')}` : sql``;
  const base = sql`${sql.id(concept.table.schema, concept.table.name)} k_${sql.join(joins, sql``)}`;
  if (concept.oneRowPerKey && concept.key) {
    // One row per key: the earliest by createdAt (nulls last), then the first stored. Written as "no
    // earlier row with this key" rather than DISTINCT ON, so that a query's own filters (a user, an id)
    // and its ORDER BY ... LIMIT reach the table's indexes: DISTINCT ON sorts every row first (seconds
    // on a million-row ledger, past the statement timeout) and keeps filters above the sort.
    const created = (concept.columns as Record<string, string | undefined>).createdAt;
    const [d, k] = created ? [pathSql(created, 'd_'), pathSql(created, 'k_')] : [null, null];
    const earlier = d && k
      ? sql`(${d} < ${k} or (${d} is not null and ${k} is null) or (${d} is not distinct from ${k} and d_.ctid < k_.ctid))`
      : sql`d_.ctid < k_.ctid`;
    const sameWhere = concept.where && Object.keys(concept.where).length ? sql` and ${whereSql(concept.where, 'd_')}` : sql``;
    const first = sql`not exists (select 1 from ${sql.id(concept.table.schema, concept.table.name)} d_
                        where ${pathSql(concept.key, 'd_')} = ${pathSql(concept.key, 'k_')}${sameWhere} and ${earlier})`;
    const keyed = sql`${pathSql(concept.key, 'k_')} is not null`;
    const all = concept.where && Object.keys(concept.where).length ? sql`where ${whereSql(concept.where, 'k_')} and ${keyed} and ${first}` : sql`where ${keyed} and ${first}`;
    return sql`(select k_.*${sql.join(extra, sql``)} from ${base} ${all})`;
  }
  return sql`(select k_.*${sql.join(extra, sql``)} from ${base} ${where})`;
}

/** The table itself, for UPDATE and INSERT. */
export function writeTableOf(concept: Mapped): RawBuilder<unknown> {
  return sql.id(concept.table.schema, concept.table.name);
}

/** The mapped column, optionally qualified by a table alias: "t"."created_at". */
export function columnOf<C extends Mapped>(concept: C, column: ColumnName<C>, alias?: string): RawBuilder<unknown> {
  const name = (concept.columns as Record<string, string | undefined>)[column];
  if (!name) throw new Error(`The mapping has no column "${column}" for ${displayTable(concept.table)}.`);
  return alias ? sql.id(alias, name) : sql.id(name);
}

/** The key column. */
export function keyOf(concept: Mapped, alias?: string): RawBuilder<unknown> {
  if (!concept.key) throw new Error(`The mapping names no key column for ${displayTable(concept.table)}.`);
  return alias ? sql.id(alias, concept.key) : sql.id(concept.key);
}

/** True when the mapping names the column and validation found it. */
export function hasColumn<C extends Mapped>(concept: C, column: ColumnName<C>): boolean {
  return Boolean((concept.columns as Record<string, string | undefined>)[column]);
}

/** True when the column can be written: a column of the table, or a JSON field inside one. */
export function isWritable<C extends Mapped>(concept: C, column: ColumnName<C>): boolean {
  const spec = (concept.columns as Record<string, string | undefined>)[column];
  const kind = spec ? parseColumn(spec).kind : null;
  return kind === 'column' || kind === 'json';
}

/** A column's spec for UPDATE ... SET: only a plain column can be set (a JSON field is refused). */
export function setColumnOf<C extends Mapped>(concept: C, column: ColumnName<C>): RawBuilder<unknown> {
  const spec = (concept.columns as Record<string, string | undefined>)[column];
  const p = spec ? parseColumn(spec) : null;
  if (!p || p.kind !== 'column') throw new Error(`Kontor cannot set ${displayTable(concept.table)}'s ${column} (${spec ?? 'not mapped'}): it is not a plain column.`);
  return sql.id(p.column);
}

/**
 * The column list and values of an INSERT into the concept's table: `values` by the concept's
 * column names. A JSON field goes inside its column (jsonb_build_object, nested for a longer path),
 * fields of one column together; the concept's `where` values are written too, so the new row
 * belongs to the concept.
 */
export function insertColumns<C extends Mapped>(
  concept: C, values: Partial<Record<ColumnName<C>, RawBuilder<unknown> | string | null>>,
): { columns: RawBuilder<unknown>; values: RawBuilder<unknown> } {
  const plain = new Map<string, RawBuilder<unknown>>();
  const json = new Map<string, { path: string[]; value: RawBuilder<unknown> }[]>();
  const value = (v: RawBuilder<unknown> | string | null) => (v === null || typeof v === 'string' ? sql`${v}` : v);
  for (const [semantic, v] of Object.entries(values) as [ColumnName<C>, RawBuilder<unknown> | string | null | undefined][]) {
    if (v === undefined || v === null) continue;
    const spec = (concept.columns as Record<string, string | undefined>)[semantic];
    if (!spec) continue;
    const p = parseColumn(spec);
    if (p.kind === 'column') plain.set(p.column, value(v));
    else if (p.kind === 'json') json.set(p.column, [...(json.get(p.column) ?? []), { path: p.path, value: value(v) }]);
  }
  for (const [column, v] of Object.entries(concept.where ?? {})) {
    if (!plain.has(column) && (typeof v === 'string' || Array.isArray(v))) plain.set(column, sql`${Array.isArray(v) ? v[0] : v}`);
  }
  for (const [column, fields] of json) {
    const build = (path: string[], v: RawBuilder<unknown>): RawBuilder<unknown> =>
      path.length === 1 ? sql`jsonb_build_object(${path[0]}::text, ${v}::text)` : sql`jsonb_build_object(${path[0]}::text, ${build(path.slice(1), v)})`;
    const objects = fields.map((f) => build(f.path, f.value));
    plain.set(column, sql.join(objects, sql` || `));
  }
  return {
    columns: sql.join([...plain.keys()].map((c) => sql.id(c))),
    values: sql.join([...plain.values()]),
  };
}

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

/** An identifier as a person would type it in psql: quoted only when it has to be. */
export function displayIdent(name: string): string {
  return PLAIN.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

export function displayTable(ref: TableRef): string {
  return `${displayIdent(ref.schema)}.${displayIdent(ref.name)}`;
}

function displayPart(p: PartPath): string {
  if (p.kind === 'column') return displayIdent(p.column);
  if (p.kind === 'constant') return `'${p.value.replaceAll("'", "''")}'`;
  return `${displayIdent(p.column)}${p.path.map((k, i) => `${i === p.path.length - 1 ? '->>' : '->'}'${k.replaceAll("'", "''")}'`).join('')}`;
}

/** A column spec as a person would write it in psql: metadata->>'session_id'. */
export function displayColumn(spec: string): string {
  const p = parseColumn(spec);
  if (p.kind === 'coalesce') return `coalesce(${p.parts.map(displayPart).join(', ')})`;
  if (p.kind === 'concat') return p.parts.map(displayPart).join(" || '|' || ");
  if (p.kind === 'lookup') return `(select ${displayIdent(p.value)} from ${displayTable(p.table)} where ${displayIdent(p.key)} = ${displayIdent(p.local)})`;
  return displayPart(p);
}
