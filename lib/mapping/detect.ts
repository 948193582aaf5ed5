/**
 * Detection: which preset fits a database, read from its catalog alone (one query, no product rows:
 * the planner's statistics say which values a column holds). Each preset is scored by the share of the
 * tables and columns it names that exist; a preset whose every required name exists fits, and the most
 * specific one wins (the demo and Reigh share most names). When none fits, each concept is found by
 * the structure of the tables (discover.ts), with a score, reasons and the near misses, and the result
 * is a mapping file (`kontor detect`) the admin can adjust and pass with KONTOR_MAPPING.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { PRESET_VARIANTS } from '@/lib/mapping/presets';
import { CONCEPTS, parseMapping, requiredColumns, type ConceptName, type Mapping, type MappingInput } from '@/lib/mapping/schema';
import { discover, type FoundConcept, type MissedConcept } from '@/lib/mapping/discover';
import type { CatalogColumn, CatalogTable } from '@/lib/mapping/catalog';
import { displayTable, specColumns } from '@/lib/mapping/sql';

/** Schemas that belong to Postgres, Supabase or Kontor, never to the product. */
const SYSTEM_SCHEMAS = [
  'pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'realtime', 'extensions', 'graphql',
  'graphql_public', 'vault', 'pgsodium', 'pgsodium_masks', 'supabase_functions', 'supabase_migrations', 'net',
  'cron', 'pgbouncer', 'kontor', '_realtime', '_analytics', 'pgtle', 'topology', 'tiger',
];

export type { CatalogColumn, CatalogTable } from '@/lib/mapping/catalog';

export interface PresetScore {
  preset: string;
  /** Which version of the product's schema scored this (PRESET_VARIANTS). */
  version: string;
  /** Every table and required column it names exists (optional ones may be missing). */
  fits: boolean;
  /** Named tables and columns that exist, of all the preset names (0 to 1). */
  score: number;
  matched: number;
  /** What the database lacks, as "public.users.credits". */
  missing: string[];
  /** Why it fits or not, in a sentence per concept. */
  reasons: string[];
}

export interface Detection {
  /** The preset whose every table and column exists, or null. */
  preset: string | null;
  scores: PresetScore[];
  /** The preset's mapping, or what was found by structure; always valid for this database. */
  mapping: MappingInput;
  /** Each concept found, where, and why. */
  found: FoundConcept[];
  /** Each concept not found (by structure, when no preset fits), and why: its best candidate, if any. */
  missed: MissedConcept[];
}

/** A numeric type whose statistics read as numbers. */
const NUMERIC_TYPES = ['int2', 'int4', 'int8', 'numeric', 'float4', 'float8'];
const NUMBER = '^[-+]?[0-9]*[.]?[0-9]+([eE][-+]?[0-9]+)?$';

/**
 * Every product table with its columns: types, keys, foreign keys, the values a column holds (an
 * enum's labels, a CHECK's list, the planner's most common values) and numeric columns' range, for
 * detection by structure. One catalog query; the statistics need an ANALYZE (autovacuum's is enough).
 */
export async function readCatalog(db: QueryExecutorProvider): Promise<CatalogTable[]> {
  // Each fact is read once for the whole catalog and joined by hash: a lateral lookup per column
  // (pg_stats above all, a view) costs seconds per hundred tables.
  const { rows } = await sql<{ schema: string; name: string; rows: number; columns: (CatalogColumn & { checks?: string[] | null; common?: string[] | null })[]; statuses: Record<string, string[]> | null }>`
    with rel as (
      select c.oid, n.nspname, c.relname, c.reltuples
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
         and n.nspname <> all(${SYSTEM_SCHEMAS}::text[]) and n.nspname !~ '^pg_(temp|toast_temp)_'
    ), pk as (
      select i.indrelid as rel, i.indkey[0] as attnum from pg_catalog.pg_index i where i.indisprimary and i.indnatts = 1
    ), fk as (
      select k.conrelid as rel, k.conkey[1] as attnum,
             (array_agg(jsonb_build_object('schema', fn.nspname, 'table', fc.relname, 'column', fa.attname)))[1] as ref
        from pg_catalog.pg_constraint k
        join pg_catalog.pg_class fc on fc.oid = k.confrelid
        join pg_catalog.pg_namespace fn on fn.oid = fc.relnamespace
        join pg_catalog.pg_attribute fa on fa.attrelid = k.confrelid and fa.attnum = k.confkey[1]
       where k.contype = 'f' and cardinality(k.conkey) = 1
       group by 1, 2
    ), ck as (
      select k.conrelid as rel, k.conkey[1] as attnum, array_agg(pg_catalog.pg_get_constraintdef(k.oid)) as defs
        from pg_catalog.pg_constraint k where k.contype = 'c' and cardinality(k.conkey) = 1 group by 1, 2
    ), en as (
      select e.enumtypid, array_agg(e.enumlabel::text order by e.enumsortorder) as labels from pg_catalog.pg_enum e group by 1
    ), st as (
      select s.schemaname, s.tablename, s.attname, s.n_distinct,
             s.most_common_vals::text::text[] as mcv, s.histogram_bounds::text::text[] as hist
        from pg_catalog.pg_stats s
       where s.schemaname <> all(${SYSTEM_SCHEMAS}::text[]) and s.schemaname !~ '^pg_(temp|toast_temp)_'
    )
    select r.nspname::text as schema, r.relname::text as name, greatest(r.reltuples, 0)::float8 as rows,
           coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
             'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
             'pk', pk.attnum is not null or null, 'references', fk.ref, 'values', en.labels, 'checks', ck.defs,
             'common', case when t.typcategory in ('S', 'E')
                              and (st.n_distinct between 1 and 50 or (st.n_distinct < 0 and st.n_distinct > -0.5 and -st.n_distinct * r.reltuples <= 50))
                            then st.mcv[1:30] end,
             -- Numbers only: the bounds of a column of another type are not cast.
             'min', case when t.typname = any(${NUMERIC_TYPES}::text[])
                         then (select min(x::float8) from unnest(coalesce(st.hist, '{}') || coalesce(st.mcv, '{}')) x where x ~ ${NUMBER}) end,
             'mid', case when t.typname = any(${NUMERIC_TYPES}::text[])
                         then (select x::float8 from coalesce(st.hist[(cardinality(st.hist) + 1) / 2], st.mcv[1]) x where x ~ ${NUMBER}) end
           )) order by a.attnum) filter (where a.attname is not null), '[]') as columns,
           jsonb_object_agg(a.attname, st.mcv) filter (where a.attname ~ 'status|state|type$' and st.mcv is not null) as statuses
      from rel r
      left join pg_catalog.pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
      left join pg_catalog.pg_type t on t.oid = a.atttypid
      left join pk on pk.rel = r.oid and pk.attnum = a.attnum
      left join fk on fk.rel = r.oid and fk.attnum = a.attnum
      left join ck on ck.rel = r.oid and ck.attnum = a.attnum
      left join en on t.typtype = 'e' and en.enumtypid = t.oid
      left join st on st.schemaname = r.nspname and st.tablename = r.relname and st.attname = a.attname
     group by r.nspname, r.relname, r.reltuples
     order by 1, 2`.execute(db);
  return rows.map((r) => ({
    ...r,
    statuses: r.statuses ?? {},
    columns: r.columns.map(({ checks, common, ...c }) => {
      const values = [...(c.values ?? []), ...(checks ?? []).flatMap(checkValues), ...(common ?? [])];
      return { ...c, ...(values.length ? { values: [...new Set(values)] } : {}) };
    }),
  }));
}

/** The literals of a CHECK that lists a column's values: `status = ANY (ARRAY['a'::text, 'b'::text])`, `status IN (...)`. */
function checkValues(def: string): string[] {
  if (!/ANY \(ARRAY\[|\bIN \(|= '/i.test(def)) return [];
  return [...def.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replaceAll("''", "'"));
}

type Index = Map<string, Map<string, CatalogColumn>>;

const tableKey = (schema: string, name: string) => `${schema}\u0000${name}`;

function indexCatalog(tables: CatalogTable[]): Index {
  return new Map(tables.map((t) => [tableKey(t.schema, t.name), new Map(t.columns.map((c) => [c.name, c]))]));
}

interface Named { concept: ConceptName; table: string; column?: string; required: boolean }

/** The names a mapping gives: each table, its key, its columns (a JSON field's column) and its filter's columns. */
function namedIn(mapping: Mapping): Named[] {
  return CONCEPTS.flatMap((concept) => {
    const spec = mapping[concept];
    if (!spec) return [];
    const table = tableKey(spec.table.schema, spec.table.name);
    const required = new Set(['key', ...requiredColumns(concept)]);
    const columns = new Map<string, boolean>();
    const add = (spec: string | undefined, isRequired: boolean) => {
      if (!spec) return;
      for (const column of specColumns(spec)) columns.set(column, (columns.get(column) ?? false) || isRequired);
    };
    add(spec.key, true);
    for (const [semantic, c] of Object.entries(spec.columns as Record<string, string | undefined>)) add(c, required.has(semantic));
    for (const c of Object.keys(spec.where ?? {})) add(c, true);
    return [{ concept, table, required: true }, ...[...columns].map(([column, req]) => ({ concept, table, column, required: req }))];
  });
}

/** A variant fits at this share of its names (every table and required column present). */
const FIT_SCORE = 0.8;

export function scorePreset(name: string, preset: MappingInput, catalog: Index, version = 'current', marks: string[] = []): PresetScore {
  const mapping = parseMapping(preset);
  const names = namedIn(mapping);
  const missing: string[] = [];
  let matched = 0;
  let requiredMissing = 0;
  for (const n of names) {
    const table = catalog.get(n.table);
    const ok = n.column ? Boolean(table?.has(n.column)) : Boolean(table);
    if (ok) matched += 1;
    else {
      if (n.required) requiredMissing += 1;
      const [schema, tableName] = n.table.split('\u0000');
      const where = displayTable({ schema, name: tableName });
      // A missing table is said once, not once per column.
      if (!n.column) missing.push(where);
      else if (table) missing.push(`${where}.${n.column}`);
    }
  }
  const score = names.length ? matched / names.length : 0;
  const reasons = CONCEPTS.filter((c) => mapping[c]).map((c) => {
    const own = names.filter((n) => n.concept === c);
    const found = own.filter((n) => (n.column ? catalog.get(n.table)?.has(n.column) : catalog.has(n.table))).length;
    return `${c}: ${displayTable(mapping[c]!.table)}, ${found} of ${own.length} names`;
  });
  // A version's marks are columns only it has: without them, it is another version of the product.
  const marksMissing = marks.filter((m) => {
    const [schema, table, column] = m.split('.');
    return !catalog.get(tableKey(schema, table))?.has(column);
  });
  if (marks.length) reasons.push(marksMissing.length ? `not this version: no ${marksMissing.join(', ')}` : `this version: ${marks.join(', ')}`);
  return {
    preset: name, version, fits: requiredMissing === 0 && score >= FIT_SCORE && !marksMissing.length,
    // Marks met rank a version above the others of its product.
    score: score + (marks.length && !marksMissing.length ? 0.001 * marks.length : 0), matched, missing: [...missing, ...marksMissing], reasons,
  };
}

/** Every variant of every preset, scored against the catalog, best first. */
function scoreAll(catalog: Index): PresetScore[] {
  return Object.entries(PRESET_VARIANTS)
    .flatMap(([name, variants]) => variants.map((v) => scorePreset(name, v.mapping, catalog, v.version, v.marks)))
    .sort((a, b) => Number(b.fits) - Number(a.fits) || b.score - a.score || b.matched - a.matched || a.preset.localeCompare(b.preset));
}

/** The variant of `preset` that fits this database best (KONTOR_PRESET names the product, not its version). */
export function bestVariant(preset: string, tables: CatalogTable[]): MappingInput | null {
  const catalog = indexCatalog(tables);
  const variants = PRESET_VARIANTS[preset];
  if (!variants) return null;
  const scored = variants.map((v) => ({ v, s: scorePreset(preset, v.mapping, catalog, v.version, v.marks) }))
    .sort((a, b) => Number(b.s.fits) - Number(a.s.fits) || b.s.score - a.s.score);
  return scored[0]?.v.mapping ?? null;
}

export async function detectMapping(db: QueryExecutorProvider): Promise<Detection> {
  const tables = await readCatalog(db);
  return detectFromCatalog(tables);
}

export function detectFromCatalog(tables: CatalogTable[]): Detection {
  const catalog = indexCatalog(tables);
  // One line per preset: its best version.
  const scores = scoreAll(catalog).filter((s, i, all) => all.findIndex((x) => x.preset === s.preset) === i);
  const best = scores[0];
  if (best && best.fits) {
    const mapping = PRESET_VARIANTS[best.preset].find((v) => v.version === best.version)!.mapping;
    const parsed = parseMapping(mapping);
    const found = CONCEPTS.filter((c) => parsed[c]).map((c) => ({
      concept: c, table: displayTable(parsed[c]!.table), score: 1,
      reasons: [`the ${best.preset} preset (${best.version}) names it`, ...best.reasons.filter((r) => r.startsWith(`${c}:`))], nearMisses: [],
    }));
    const missed = CONCEPTS.filter((c) => !parsed[c]).map((c) => ({ concept: c, why: parsed.absent[c] ?? `the ${best.preset} preset does not map it` }));
    return { preset: best.preset, scores, mapping, found, missed };
  }
  const { mapping, found, missed } = discover(tables);
  return { preset: null, scores, mapping, found, missed };
}
