/**
 * Checks a mapping against the live catalog. A concept whose table is missing (or unreadable, or
 * lacks a required column) is reported and left out, so the console hides it instead of failing;
 * a missing optional column is dropped from the concept with a note.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { CONCEPTS, CONCEPT_LABELS, requiredColumns, type ConceptName, type Mapping, type TableRef } from '@/lib/mapping/schema';
import { displayColumn, displayIdent, displayTable, parseColumn, specColumns } from '@/lib/mapping/sql';

export interface ConceptStatus {
  concept: ConceptName;
  label: string;
  available: boolean;
  /** Schema-qualified, as psql would print it; undefined when the mapping leaves the concept out. */
  table?: string;
  /** Why the concept is unavailable. */
  problems: string[];
  /** What still works with less (optional columns that are missing). */
  notes: string[];
}

export interface MappingCheck {
  /** The mapping reduced to what exists: unavailable concepts and missing optional columns removed. */
  mapping: Mapping;
  concepts: ConceptStatus[];
  available: ConceptName[];
}

interface CatalogTable {
  schema: string;
  name: string;
  can_select: boolean;
  columns: string[];
  /** Each column's type, as format_type prints it. */
  types: Record<string, string>;
  /** The labels of each column whose type is an enum. */
  enums: Record<string, string[]>;
}

/** Every mapped table in one catalog query; names travel as parameters, never as SQL text. */
async function catalogTables(db: QueryExecutorProvider, refs: TableRef[]): Promise<Map<string, CatalogTable>> {
  const found = new Map<string, CatalogTable>();
  if (!refs.length) return found;
  const { rows } = await sql<CatalogTable>`
    select n.nspname::text as schema, c.relname::text as name,
           has_table_privilege(c.oid, 'SELECT') as can_select,
           coalesce(array_agg(a.attname::text order by a.attnum) filter (where a.attname is not null), '{}') as columns,
           coalesce(jsonb_object_agg(a.attname, format_type(a.atttypid, null)) filter (where a.attname is not null), '{}') as types,
           coalesce(jsonb_object_agg(a.attname, (select array_agg(e.enumlabel::text order by e.enumsortorder)
                                                  from pg_catalog.pg_enum e where e.enumtypid = a.atttypid))
                    filter (where t.typtype = 'e'), '{}') as enums
      from unnest(${refs.map((r) => r.schema)}::text[], ${refs.map((r) => r.name)}::text[]) as want(schema, name)
      join pg_catalog.pg_namespace n on n.nspname = want.schema
      join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = want.name
                                and c.relkind in ('r', 'p', 'v', 'm', 'f')
      left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      left join pg_catalog.pg_type t on t.oid = a.atttypid
     group by n.nspname, c.relname, c.oid`.execute(db);
  for (const row of rows) found.set(key(row), row);
  return found;
}

const key = (r: { schema: string; name: string }) => JSON.stringify([r.schema, r.name]);

export async function validateMapping(db: QueryExecutorProvider, mapping: Mapping): Promise<MappingCheck> {
  const mapped = CONCEPTS.filter((c) => mapping[c]);
  const events = mapping.usageCounters?.events.table;
  const lookups = mapped.flatMap((c) => {
    const spec = mapping[c]!;
    return [spec.key, ...Object.values(spec.columns as Record<string, string | undefined>)].flatMap((s) => {
      const p = s ? parseColumn(s) : null;
      return p?.kind === 'lookup' ? [p.table] : [];
    });
  });
  const catalog = await catalogTables(db, [...mapped.map((c) => mapping[c]!.table), ...(events ? [events] : []), ...lookups]);
  const resolved: Mapping = { name: mapping.name, absent: mapping.absent };
  const concepts: ConceptStatus[] = [];

  for (const concept of CONCEPTS) {
    const label = CONCEPT_LABELS[concept];
    const spec = mapping[concept];
    if (!spec) {
      const why = mapping.absent[concept] ?? `not mapped in the "${mapping.name}" mapping`;
      concepts.push({ concept, label, available: false, problems: [why], notes: [] });
      continue;
    }
    const table = displayTable(spec.table);
    const status: ConceptStatus = { concept, label, available: false, table, problems: [], notes: [] };
    concepts.push(status);
    const found = catalog.get(key(spec.table));
    if (!found) {
      status.problems.push(`table ${table} does not exist`);
      continue;
    }
    if (!found.can_select) {
      status.problems.push(`Kontor's database role may not read ${table}`);
      continue;
    }
    const present = new Set(found.columns);
    // A column spec exists when its column does (a JSON field: when the column is json or jsonb).
    // A lookup: when its column does and the other table has the key and value columns.
    const missing = (s: string): string | null => {
      const p = parseColumn(s);
      if (p.kind === 'lookup') {
        if (!present.has(p.local)) return `reads ${displayIdent(p.local)}, which does not exist`;
        const other = catalog.get(key(p.table));
        if (!other || !other.can_select) return `looks up ${displayTable(p.table)}, which ${other ? 'Kontor may not read' : 'does not exist'}`;
        const absent = [p.key, p.value].filter((c) => !other.columns.includes(c));
        return absent.length ? `looks up ${absent.map(displayIdent).join(' and ')} of ${displayTable(p.table)}, which does not exist` : null;
      }
      const parts = p.kind === 'coalesce' || p.kind === 'concat' ? p.parts : [p];
      for (const part of parts) {
        if (part.kind === 'constant') continue;
        if (!present.has(part.column)) return parts.length > 1 ? `reads ${displayIdent(part.column)}, which does not exist` : 'does not exist';
        if (part.kind === 'json' && !/^jsonb?$/.test(found.types[part.column] ?? '')) return `is ${found.types[part.column]}, not json or jsonb`;
      }
      return null;
    };
    const required = new Set(requiredColumns(concept));
    const columns: Record<string, string> = {};
    for (const [semantic, column] of Object.entries(spec.columns as Record<string, string | undefined>)) {
      if (!column) continue;
      const why = missing(column);
      if (!why) columns[semantic] = column;
      else if (required.has(semantic)) status.problems.push(`column ${table}.${displayColumn(column)} (${semantic}) ${why}`);
      else status.notes.push(`column ${table}.${displayColumn(column)} (${semantic}) ${why}; shown without it`);
    }
    if (spec.key && missing(spec.key)) {
      status.problems.push(`key column ${table}.${displayColumn(spec.key)} ${missing(spec.key)}`);
    }
    // An enum column compares with its own labels (so its indexes serve): a value that is not one
    // would make every read fail with "invalid input value for enum", so it is named here instead.
    const notLabels = (column: string, vals: string[]) => {
      const labels = found.enums[column];
      return labels ? vals.filter((v) => !labels.includes(v)) : [];
    };
    for (const [column, value] of Object.entries(spec.where ?? {})) {
      if (!present.has(column)) status.problems.push(`column ${table}.${displayIdent(column)} (in where) does not exist`);
      const vals = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
      for (const v of notLabels(column, vals)) {
        status.problems.push(`where ${displayIdent(column)} = '${v}': not a value of its type ${found.types[column]} (${found.enums[column].join(', ')})`);
      }
    }
    const statusSpec = (spec.columns as Record<string, string | undefined>).status;
    const statusPath = statusSpec ? parseColumn(statusSpec) : null;
    let statuses = (spec as { statuses?: Record<string, string> }).statuses;
    if (statuses && statusPath?.kind === 'column') {
      const wrong = Object.entries(statuses).filter(([, raw]) => notLabels(statusPath.column, [raw]).length);
      for (const [state, raw] of wrong) {
        status.notes.push(`status "${state}" is mapped to '${raw}', not a value of ${table}.${displayIdent(statusPath.column)} (${found.enums[statusPath.column].join(', ')}); no row is read as ${state}`);
      }
      if (wrong.length) statuses = Object.fromEntries(Object.entries(statuses).filter(([, raw]) => !notLabels(statusPath.column, [raw]).length));
    }
    if (concept === 'usageCounters' && mapping.usageCounters) {
      // The events a counter counts: their table and every column the check reads.
      const ev = mapping.usageCounters.events;
      const evTable = catalog.get(key(ev.table));
      const evName = displayTable(ev.table);
      if (!evTable) status.problems.push(`the events table ${evName} does not exist`);
      else {
        const evPresent = new Set(evTable.columns);
        const match = mapping.usageCounters.match;
        const specs = [ev.amount, ev.createdAt, match?.events ?? mapping.usageCounters.columns.userId, ...Object.keys(ev.where ?? {})];
        for (const s of specs) {
          if (!s) continue;
          if (specColumns(s).some((c) => !evPresent.has(c))) status.problems.push(`column ${evName}.${displayColumn(s)} (events) does not exist`);
        }
        if (match && missing(match.counter)) status.problems.push(`column ${table}.${displayColumn(match.counter)} (match) ${missing(match.counter)}`);
      }
    }
    if (concept === 'tasks' && mapping.tasks?.billing === 'parent-only' && !columns.parentId) {
      status.problems.push(`billing "parent-only" needs the parentId column of ${table}`);
    }
    if (status.problems.length) continue;
    status.available = true;
    // The spread keeps statuses/types/amountUnit; only the columns shrink to what exists.
    const keyPath = spec.key ? parseColumn(spec.key) : null;
    const keyType = keyPath?.kind === 'column' ? found.types[keyPath.column] : keyPath ? 'text' : undefined;
    (resolved as Record<string, unknown>)[concept] = { ...spec, columns, keyType, ...(statuses ? { statuses } : {}) };
  }

  return { mapping: resolved, concepts, available: concepts.filter((c) => c.available).map((c) => c.concept) };
}

/**
 * What an admin's own mapping (KONTOR_MAPPING, KONTOR_PRESET) names and the database lacks: every
 * missing table, column or key, each named. A configured mapping with any of these stops Kontor at
 * start; concepts the mapping leaves out are not problems.
 */
export function configurationProblems(check: MappingCheck): string[] {
  return check.concepts.flatMap((c) => {
    if (!c.table) return [];
    const missingColumns = c.notes.map((n) => n.replace(/; shown without it$/, ''));
    return [...c.problems, ...missingColumns].map((p) => `${c.label}: ${p}`);
  });
}

/** One line per unavailable concept, for notes and the CLI. */
export function describeMissing(check: MappingCheck): string[] {
  return check.concepts
    .filter((c) => !c.available)
    .map((c) => `${c.label}: ${c.problems.join('; ')}`);
}
