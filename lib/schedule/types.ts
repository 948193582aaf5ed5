import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Mapping } from '@/lib/mapping/schema';

/** What a scheduled job's run is handed. */
export interface RunContext {
  /** The pages' pool: short reads and Kontor's own writes. */
  db: Kysely<KontorDatabase>;
  /** The bounded pool for long reads (a reconciliation's lanes, the advisors' catalog scans). */
  longReads: Kysely<KontorDatabase>;
  mapping: Mapping;
  /** Records the step under way on the run's kontor.jobs row. */
  progress(step: string, done: number, total: number): Promise<void>;
}

export interface ScheduledJob {
  /** Its pg-boss queue (made by a migration) and the name people type: `kontor jobs run <name>`. */
  name: string;
  title: string;
  /** The kontor.jobs kind its runs are recorded under: one running per kind. */
  kind: string;
  /** Default cron expression (UTC). */
  every: string;
  /** A run still going after this long is taken for dead (its process stopped) and run again. */
  expireSeconds: number;
  /** A run taken for dead is run again after this long; default the queue's (30 s, migration 0022). */
  retryDelaySeconds?: number;
  /** At start, run at once when no run since its last due time (the demo's charts get a point at once). */
  catchUp?: boolean;
  run: (ctx: RunContext) => Promise<unknown>;
}
