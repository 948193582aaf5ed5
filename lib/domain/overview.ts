/**
 * The product's headline counts, read through the mapping: users, payments by status, ledger entries,
 * tasks by status, workers by status. Tables past EXACT_LIMIT rows are estimated from the planner's
 * statistics (pg_class.reltuples, pg_stats' most common values) instead of scanned. And what detection
 * found when no mapping is configured (describeDetection), with its reasons.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { StaffContext } from '@/lib/auth';
import { CONCEPT_LABELS, columnOf, tableOf, type Concept, type MappingCheck, type MappingSource, type TableRef } from '@/lib/mapping';
import type { ReadContext } from '@/lib/context';

/** Above this many rows (by estimate) a count(*) is too slow to run on every page view. */
export const EXACT_LIMIT = 200_000;

export interface Figure {
  value: number;
  /** True when the value comes from planner statistics ("≈"). */
  estimated: boolean;
}

export interface StatusFigure extends Figure {
  /** The value stored in the database. */
  status: string;
  /** The meaning Kontor gives it, or the raw value when the mapping does not know it. */
  label: string;
}

export interface StatusBreakdown {
  total: Figure;
  byStatus: StatusFigure[];
}

/** The counted concepts, in the order the overview shows them. */
export const HEADLINE_CONCEPTS = ['users', 'payments', 'ledger', 'tasks', 'workers'] as const;
export type HeadlineConcept = (typeof HEADLINE_CONCEPTS)[number];

function assertCan(staff: StaffContext) {
  if (!staff.can('overview.read')) throw new Error('overview.read is required to read the overview.');
}

async function estimatedRows(db: QueryExecutorProvider, table: TableRef): Promise<number | null> {
  const { rows } = await sql<{ reltuples: number }>`
    select c.reltuples::float8 as reltuples
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${table.schema} and c.relname = ${table.name}`.execute(db);
  const n = rows[0]?.reltuples;
  return n === undefined || n < 0 ? null : Math.round(n); // -1: never analysed
}

async function countTable(db: QueryExecutorProvider, concept: { table: TableRef; key?: string; columns: object }): Promise<Figure> {
  const estimate = await estimatedRows(db, concept.table);
  if (estimate !== null && estimate >= EXACT_LIMIT) return { value: estimate, estimated: true };
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${tableOf(concept)}`.execute(db);
  return { value: Number(rows[0].n), estimated: false };
}

function humanize(semantic: string): string {
  const words = semantic.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type WithStatus = Concept<'payments'> | Concept<'tasks'> | Concept<'workers'>;

async function countByStatus(db: QueryExecutorProvider, concept: WithStatus): Promise<StatusBreakdown> {
  const known = Object.entries(concept.statuses as Record<string, string>);
  const labelOf = new Map(known.map(([semantic, raw]) => [raw, humanize(semantic)]));
  const estimate = await estimatedRows(db, concept.table);
  let counted: { status: string; n: number }[];
  let estimated = false;

  if (estimate !== null && estimate >= EXACT_LIMIT) {
    estimated = true;
    const { rows } = await sql<{ vals: string[] | null; freqs: number[] | null }>`
      select most_common_vals::text::text[] as vals, most_common_freqs::float8[] as freqs
        from pg_catalog.pg_stats
       where schemaname = ${concept.table.schema} and tablename = ${concept.table.name}
         and attname = ${concept.columns.status}`.execute(db);
    const { vals, freqs } = rows[0] ?? {};
    counted = (vals ?? []).map((v, i) => ({ status: v, n: Math.round((freqs?.[i] ?? 0) * estimate) }));
  } else {
    const status = columnOf(concept, 'status');
    const { rows } = await sql<{ status: string | null; n: string }>`
      select ${status}::text as status, count(*)::text as n from ${tableOf(concept)} group by 1`.execute(db);
    counted = rows.map((r) => ({ status: r.status ?? '(none)', n: Number(r.n) }));
  }

  const byRaw = new Map(counted.map((c) => [c.status, c.n]));
  // Mapped statuses first in the mapping's order (zero included when counted exactly), then the rest.
  const byStatus: StatusFigure[] = known
    .filter(([, raw]) => byRaw.has(raw) || !estimated)
    .map(([, raw]) => ({ status: raw, label: labelOf.get(raw)!, value: byRaw.get(raw) ?? 0, estimated }));
  for (const c of counted.filter((c) => !labelOf.has(c.status)).sort((a, b) => b.n - a.n)) {
    byStatus.push({ status: c.status, label: c.status, value: c.n, estimated });
  }
  const total = estimated
    ? { value: estimate!, estimated: true }
    : { value: counted.reduce((sum, c) => sum + c.n, 0), estimated: false };
  return { total, byStatus };
}

export type HeadlineFigure =
  | { concept: 'users' | 'ledger'; count: Figure }
  | { concept: 'payments' | 'tasks' | 'workers'; count: StatusBreakdown };

/**
 * One headline figure. Returns null when the mapping check found the concept missing (the caller
 * shows the check's message instead).
 */
export async function getHeadlineFigure(
  db: QueryExecutorProvider,
  { staff }: ReadContext,
  check: MappingCheck,
  concept: HeadlineConcept,
): Promise<HeadlineFigure | null> {
  assertCan(staff);
  const m = check.mapping;
  switch (concept) {
    case 'users':
    case 'ledger': {
      const spec = m[concept];
      return spec ? { concept, count: await countTable(db, spec) } : null;
    }
    case 'payments':
    case 'tasks':
    case 'workers': {
      const spec = m[concept];
      return spec ? { concept, count: await countByStatus(db, spec) } : null;
    }
  }
}

export interface DetectionView {
  kind: 'preset' | 'structure' | 'nothing';
  preset: string | null;
  /** Each concept detection found: where, how sure (0 to 1), why, and the tables that nearly were. */
  found: { concept: string; label: string; table: string; score: number; reasons: string[]; nearMisses: { table: string; score: number; why: string }[] }[];
  /** Each concept it could not find, and why (the closest table, when one came near). */
  missed: { concept: string; label: string; why: string }[];
}

/**
 * What detection found, for the Overview; null when the mapping is configured (a file, a preset, the
 * embedded demo's) and detection did not run.
 */
export function describeDetection(source: MappingSource): DetectionView | null {
  if (source.kind !== 'detected') return null;
  const found = source.found.map((f) => ({
    concept: f.concept, label: CONCEPT_LABELS[f.concept], table: f.table, score: f.score, reasons: f.reasons,
    nearMisses: f.nearMisses.map((n) => ({ table: n.table, score: Math.max(0, n.points / n.max), why: n.verdict ?? n.reasons.at(-1) ?? '' })),
  }));
  const missed = source.missed.map((m) => ({ concept: m.concept, label: CONCEPT_LABELS[m.concept], why: m.why }));
  const kind = source.preset ? 'preset' : found.length ? 'structure' : 'nothing';
  return { kind, preset: source.preset, found, missed };
}
