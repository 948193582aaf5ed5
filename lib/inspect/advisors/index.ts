/**
 * The advisor catalogue: every check, run set-based against the catalog, grouped into findings, with
 * active suppressions applied. The console page and `kontor lint` both call runAdvisors.
 */
import type { QueryExecutorProvider } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import { INTEGRITY_ADVISORS } from '@/lib/inspect/advisors/integrity';
import { PERFORMANCE_ADVISORS } from '@/lib/inspect/advisors/performance';
import { SECURITY_ADVISORS } from '@/lib/inspect/advisors/security';
import { listActiveSuppressions, matchSuppression, type Suppression } from '@/lib/inspect/advisors/suppressions';
import type { Category, Finding, Level } from '@/lib/inspect/advisors/types';
import { fixSqlFor } from '@/lib/inspect/advisors/fix-sql';
import { runContext } from '@/lib/inspect/advisors/index-facts';

export type { Advisor } from '@/lib/inspect/advisors/advisor';
export * from '@/lib/inspect/advisors/types';

export const ADVISORS: readonly Advisor[] = [...SECURITY_ADVISORS, ...PERFORMANCE_ADVISORS, ...INTEGRITY_ADVISORS];

export const ADVISOR_IDS = ADVISORS.map((a) => a.id);

export function advisorById(id: string): Advisor | undefined {
  return ADVISORS.find((a) => a.id === id);
}

export interface RunOptions {
  /** Only these categories (the security ones need security.read; the page asks for them apart). */
  categories?: readonly Category[];
  /** Suppressions to apply; read from kontor.suppressions when omitted. */
  suppressions?: readonly Suppression[];
}

export interface AdvisorRun {
  findings: Finding[];
  /** Milliseconds per advisor, for the benchmark and the page's footer. */
  timings: Record<string, number>;
}

const LEVEL_ORDER: Record<Level, number> = { error: 0, warning: 1, info: 2 };

/** Runs the catalogue (sequentially, on one connection: db may be a transaction). */
export async function runAdvisors(db: QueryExecutorProvider, opts: RunOptions = {}): Promise<AdvisorRun> {
  const suppressions = opts.suppressions ?? (await listActiveSuppressions(db));
  const timings: Record<string, number> = {};
  const ctx = runContext(db);
  const findings: Finding[] = [];
  for (const advisor of ADVISORS) {
    if (opts.categories && !opts.categories.includes(advisor.category)) continue;
    const started = performance.now();
    const rows = await advisor.run(db, ctx);
    timings[advisor.id] = performance.now() - started;
    if (!rows.length) continue;
    const { run: _run, ...info } = advisor;
    const finding: Finding = { ...info, objects: [], suppressed: [] };
    for (const row of rows) {
      const base = { object: row.object, table: row.table, related: row.related ?? [], detail: row.detail };
      const object = { ...base, sql: row.sql ?? fixSqlFor(advisor.id, base) };
      const s = matchSuppression(suppressions, advisor.id, row.object);
      if (s) finding.suppressed.push({ ...object, suppressionId: s.id, wholeAdvisor: s.object === null, reason: s.reason, expiresAt: s.expiresAt });
      else finding.objects.push(object);
    }
    findings.push(finding);
  }
  findings.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  return { findings, timings };
}

/** Findings with at least one unsuppressed object: what a pipeline fails on and the page leads with. */
export function openFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.objects.length > 0);
}
