/**
 * The daily advisors run keeps its result as the outcome of its kontor.jobs row (kind 'advisors'): the
 * open findings with their level and objects, so that a later reader (the alert rules) compares the
 * latest run with the one before it ("new at error level") without running the catalogue again.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { AdvisorRun, Level } from '@/lib/inspect/advisors';
import type { JobView } from '@/lib/jobs';

export interface AdvisorSummary {
  counts: Record<Level, number>;
  /** Open findings (suppressed objects left out): advisor id, level, name, the objects it names. */
  findings: { id: string; level: Level; name: string; objects: string[] }[];
  skipped: string[];
}

export function summarizeAdvisors(run: AdvisorRun): AdvisorSummary {
  const findings = run.findings.filter((f) => f.objects.length > 0)
    .map((f) => ({ id: f.id, level: f.level, name: f.name, objects: f.objects.map((o) => o.object) }));
  const counts: Record<Level, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.level] += 1;
  return { counts, findings, skipped: run.skipped.map((s) => s.id) };
}

/** The newest successful advisors runs, newest first (`limit` 2: the latest and the one to compare with). */
export async function latestAdvisorSummaries(db: QueryExecutorProvider, limit = 2): Promise<Pick<JobView<AdvisorSummary>, 'id' | 'finishedAt' | 'outcome'>[]> {
  const { rows } = await sql<{ id: string; finished_at: Date; outcome: AdvisorSummary }>`
    select id::text, finished_at, outcome from kontor.jobs
     where kind = 'advisors' and state = 'succeeded' order by id desc limit ${limit}`.execute(db);
  return rows.map((r) => ({ id: r.id, finishedAt: r.finished_at.toISOString(), outcome: r.outcome }));
}
