/**
 * The whole advisor catalogue on the benchmark database (5,000 tables, 15,000 indexes, 5,000
 * policies). Target: under 1 s (Supabase's linter takes several seconds at 3,000 tables).
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { runAdvisors, ADVISORS } from '@/lib/inspect/advisors';
import type { BenchContext } from '@/bench/types';

const REPS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(ctx: BenchContext) {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ctx.url, max: 2 }) }) });
  try {
    await runAdvisors([db, db], { suppressions: [] }); // warm the catalog caches once
    const times: number[] = [];
    const perAdvisor: Record<string, number[]> = {};
    let objects = 0;
    for (let i = 0; i < REPS; i++) {
      const started = performance.now();
      const result = await runAdvisors([db, db]); // two lanes, as the page and `kontor lint` run it
      times.push(performance.now() - started);
      objects = result.findings.reduce((n, f) => n + f.objects.length, 0);
      for (const [id, ms] of Object.entries(result.timings)) (perAdvisor[id] ??= []).push(ms);
    }
    const slowest = Object.entries(perAdvisor)
      .map(([id, ms]) => [id, median(ms)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([id, ms]) => `${id} ${ms.toFixed(0)} ms`)
      .join(', ');
    ctx.log({
      name: `advisors: all ${ADVISORS.length} checks`,
      kind: 'check',
      kontorMs: median(times),
      sqlMs: null,
      reps: REPS,
      note: `${objects} objects flagged; slowest: ${slowest}; target < 1000 ms`,
    });
  } finally {
    await db.destroy();
  }
}
