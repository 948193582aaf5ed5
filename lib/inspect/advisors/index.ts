/**
 * The advisor catalogue: every check, run set-based against the catalog, grouped into findings, with
 * active suppressions applied. The console page and `kontor lint` both call runAdvisors.
 */
import 'server-only';
import type { QueryExecutorProvider } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import { INTEGRITY_ADVISORS } from '@/lib/inspect/advisors/integrity';
import { PERFORMANCE_ADVISORS } from '@/lib/inspect/advisors/performance';
import { SECURITY_ADVISORS } from '@/lib/inspect/advisors/security';
import { EXPOSURE_ADVISORS } from '@/lib/inspect/advisors/exposure';
import { listActiveSuppressions, matchSuppression, type Suppression } from '@/lib/inspect/advisors/suppressions';
import type { Category, Finding, Level } from '@/lib/inspect/advisors/types';
import { fixSqlFor } from '@/lib/inspect/advisors/fix-sql';
import { runContext } from '@/lib/inspect/advisors/index-facts';
import { missingRequirements } from '@/lib/inspect/advisors/sql';

export type { Advisor } from '@/lib/inspect/advisors/advisor';
export * from '@/lib/inspect/advisors/types';

export const ADVISORS: readonly Advisor[] = [...SECURITY_ADVISORS, ...EXPOSURE_ADVISORS, ...PERFORMANCE_ADVISORS, ...INTEGRITY_ADVISORS];

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

/** A check that did not run, and why (a plain Postgres lacks what it is about). */
export interface SkippedAdvisor {
  id: string;
  name: string;
  reason: string;
}

export interface AdvisorRun {
  findings: Finding[];
  skipped: SkippedAdvisor[];
  /** Milliseconds per advisor, for the benchmark and the page's footer. */
  timings: Record<string, number>;
}

const LEVEL_ORDER: Record<Level, number> = { error: 0, warning: 1, info: 2 };

/**
 * Runs the catalogue. `db` is one connection (a transaction: the checks run one after another) or
 * several (lanes: each takes the next check as soon as it is free, so the catalog queries of two
 * checks overlap; the page passes two read-only transactions).
 */
export async function runAdvisors(db: QueryExecutorProvider | readonly QueryExecutorProvider[], opts: RunOptions = {}): Promise<AdvisorRun> {
  const lanes = Array.isArray(db) ? db : [db as QueryExecutorProvider];
  const suppressions = opts.suppressions ?? (await listActiveSuppressions(lanes[0]));
  const timings: Record<string, number> = {};
  const cache = {};
  const todo = schedule(ADVISORS.filter((a) => !opts.categories || opts.categories.includes(a.category)));
  const results = new Map<string, Awaited<ReturnType<Advisor['run']>>>();
  const skipped: SkippedAdvisor[] = [];
  let next = 0;
  await Promise.all(lanes.map(async (lane) => {
    const ctx = runContext(lane, cache);
    while (next < todo.length) {
      const advisor = todo[next++];
      const started = performance.now();
      const reason = advisor.requires ? await missingRequirements(lane, advisor.requires) : null;
      if (reason) skipped.push({ id: advisor.id, name: advisor.name, reason });
      else results.set(advisor.id, await advisor.run(lane, ctx));
      timings[advisor.id] = performance.now() - started;
    }
  }));
  const findings: Finding[] = [];
  for (const advisor of todo) {
    const rows = results.get(advisor.id);
    if (!rows?.length) continue;
    const { run: _run, requires: _requires, readsIndexVerdicts: _reads, costly: _costly, ...info } = advisor;
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
  skipped.sort((a, b) => a.id.localeCompare(b.id));
  return { findings, skipped, timings };
}

/**
 * The order lanes take the checks in: the first that reads the shared index verdicts goes first (its
 * lane reads them, the costliest query of the run, while the other lanes take the rest), the costly
 * scans next and the cheap checks after them, so that the lanes end together; the others that read
 * the verdicts go last, when the verdicts are there: no lane waits on another's query.
 */
function schedule(todo: Advisor[]): Advisor[] {
  const shared = todo.filter((a) => a.readsIndexVerdicts);
  const rest = todo.filter((a) => !a.readsIndexVerdicts);
  return [...shared.slice(0, 1), ...rest.filter((a) => a.costly), ...rest.filter((a) => !a.costly), ...shared.slice(1)];
}

/** Findings with at least one unsuppressed object: what a pipeline fails on and the page leads with. */
export function openFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.objects.length > 0);
}
