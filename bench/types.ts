import type pg from 'pg';
import type { CompiledQuery } from 'kysely';
/**
 * One line of the benchmark's table (scripts/bench.ts). Modules `bench/*.bench.ts` export
 * `run(ctx: BenchContext)` and call `ctx.log(row)` once per thing they time; the runner prints the
 * rows and writes them into BENCHMARKS.md.
 */
export interface BenchRow {
  /** What was timed, e.g. "page /database/tables" or "cli inspect indexes". */
  name: string;
  /** Which face of Kontor: a page's server function, a CLI command, or a check (advisors). */
  kind: 'page' | 'cli' | 'check';
  /** Median wall time of Kontor's own code path, in milliseconds. */
  kontorMs: number;
  /** Median wall time of the same SQL alone, run by psql; null when there is no single SQL to compare. */
  sqlMs: number | null;
  /** How many timed repetitions the medians are taken over. */
  reps: number;
  /** Anything a reader needs to interpret the row (rows returned, what the SQL covers). */
  note?: string;
}

export interface BenchContext {
  /** A superuser URL of the generated benchmark database (5,000 tables, 15,000 indexes, 5,000 policies). */
  url: string;
  log: (row: BenchRow) => void;
}

/** Whether a recorded statement is transaction control, which a replay issues itself. */
export function isTransactionControl(sql: string): boolean {
  return /^\s*(begin|commit|rollback|start transaction)\b/i.test(sql);
}

/**
 * The statements a read sent, to replay on a bare client: without its BEGIN (which carries the read's
 * time limits) and COMMIT, in a read-only transaction of the replay's own, as Kontor's (local planner
 * settings need one).
 */
export function readReplay(raw: pg.Client, captured: CompiledQuery[]) {
  const statements = captured.filter((q) => !isTransactionControl(q.sql));
  return {
    statements,
    run: async () => {
      await raw.query('begin read only');
      for (const q of statements) await raw.query(q.sql, q.parameters as unknown[]);
      await raw.query('commit');
    },
  };
}
