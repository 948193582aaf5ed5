/**
 * Background jobs (kontor.jobs, migration 0014): work that outlives the request starting it, such as a
 * full reconciliation (20+ s at the benchmark size) or the operations snapshot.
 *
 * - Started once: a claim is an INSERT that a unique index on (kind) where state = 'running' lets through
 *   at most once, whichever console instance and pooled connection it comes from (no session lock, so it
 *   holds behind a transaction-mode pooler). A second claim gets the running job back instead.
 * - Survives the request: the claim commits, then the work runs in this process, detached from the
 *   request (the caller hands `done` to Next's `after()`), writing its progress to the row.
 * - A dead runner is detectable: the runner refreshes `heartbeat_at` every HEARTBEAT_MS; a running job
 *   whose heartbeat is older than STALE_MS has lost its runner (process gone, its transaction rolled
 *   back). The next claim of that kind marks it abandoned, and the page says so meanwhile.
 * - The outcome is recorded: succeeded with the work's result, or failed with a message for people.
 */
import 'server-only';
import os from 'node:os';
import crypto from 'node:crypto';
import { sql, type QueryExecutorProvider } from 'kysely';
import { KontorDbError } from '@/db/errors';

export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 30_000;

export type JobState = 'running' | 'succeeded' | 'failed' | 'abandoned';

export interface JobProgress {
  step: string;
  /** Steps done of `total` (the step named is under way). */
  done: number;
  total: number;
}

export interface JobView<O = unknown> {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  state: JobState;
  startedAt: string;
  startedBy: string;
  heartbeatAt: string;
  finishedAt: string | null;
  progress: JobProgress | null;
  outcome: O | null;
  error: string | null;
  /** Seconds since the runner's last heartbeat (database clock). */
  heartbeatAgeSeconds: number;
  /** Running, and its runner stopped sending heartbeats: it will never finish. */
  lost: boolean;
}

type JobRow = {
  id: string; kind: string; params: Record<string, unknown>; state: JobState; started_at: Date; started_by: string; heartbeat_at: Date;
  finished_at: Date | null; progress: JobProgress | null; outcome: unknown; error: string | null; heartbeat_age: number;
};

const columns = sql`id::text, kind, params, state, started_at, started_by, heartbeat_at, finished_at, progress, outcome, error,
  extract(epoch from clock_timestamp() - heartbeat_at)::float8 as heartbeat_age`;

function toView<O>(r: JobRow): JobView<O> {
  return {
    id: r.id, kind: r.kind, params: r.params ?? {}, state: r.state, startedAt: r.started_at.toISOString(), startedBy: r.started_by,
    heartbeatAt: r.heartbeat_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null, progress: r.progress,
    outcome: (r.outcome ?? null) as O | null, error: r.error, heartbeatAgeSeconds: Math.max(0, Math.round(r.heartbeat_age)),
    lost: r.state === 'running' && r.heartbeat_age * 1000 > STALE_MS,
  };
}

/** The newest job of a kind (running or not), or null. */
export async function latestJob<O = unknown>(db: QueryExecutorProvider, kind: string): Promise<JobView<O> | null> {
  const { rows } = await sql<JobRow>`select ${columns} from kontor.jobs where kind = ${kind} order by id desc limit 1`.execute(db);
  return rows[0] ? toView<O>(rows[0]) : null;
}

export async function getJob<O = unknown>(db: QueryExecutorProvider, id: string): Promise<JobView<O> | null> {
  const { rows } = await sql<JobRow>`select ${columns} from kontor.jobs where id = ${id}::bigint`.execute(db);
  return rows[0] ? toView<O>(rows[0]) : null;
}

/** This process, as a job's runner: host, pid and a random tag (a restarted process is another runner). */
const RUNNER = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;

export type Claim = { claimed: true; job: JobView } | { claimed: false; job: JobView };

/**
 * Claims the one running slot of `kind`: abandons a job of that kind whose runner is lost, then inserts
 * a running row unless another is running. Returns the new job, or the one already running.
 */
export async function claimJob(
  db: QueryExecutorProvider,
  kind: string,
  who: { startedBy: string; staffId?: string | null; params?: Record<string, unknown> },
): Promise<Claim> {
  // Two statements, each its own transaction (autocommit): the abandon commits first, so the insert's
  // conflict check sees the slot free; two claimers at once both insert, and the unique index lets one in.
  await sql`
    update kontor.jobs set state = 'abandoned', finished_at = clock_timestamp(),
           error = 'Its runner stopped sending heartbeats at ' || to_char(heartbeat_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC (a console instance stopped or restarted); nothing it did was kept.'
     where kind = ${kind} and state = 'running' and heartbeat_at < clock_timestamp() - make_interval(secs => ${STALE_MS / 1000})`.execute(db);
  const { rows } = await sql<JobRow>`
    insert into kontor.jobs (kind, params, started_by, staff_id, runner)
    values (${kind}, ${JSON.stringify(who.params ?? {})}::jsonb, ${who.startedBy}, ${who.staffId ?? null}, ${RUNNER})
    on conflict (kind) where state = 'running' do nothing
    returning ${columns}`.execute(db);
  if (rows[0]) return { claimed: true, job: toView(rows[0]) };
  const { rows: running } = await sql<JobRow>`select ${columns} from kontor.jobs where kind = ${kind} and state = 'running' limit 1`.execute(db);
  // Finished between the two statements: claim again (a slot that is free now).
  if (!running[0]) return claimJob(db, kind, who);
  return { claimed: false, job: toView(running[0]) };
}

export interface JobContext {
  /** Records the step under way (written at once; the heartbeat goes on beside it). */
  progress(step: string, done: number, total: number): Promise<void>;
}

/**
 * Runs a claimed job's work here, with its heartbeat, and records the outcome. Never rejects: a failure
 * is the job's outcome (the message a KontorDbError wrote for people, else a generic one; the server
 * log has the rest). Resolves with the job as it ended.
 */
export async function runJob<O>(db: QueryExecutorProvider, job: JobView, work: (ctx: JobContext) => Promise<O>): Promise<JobView<O>> {
  const beat = () => sql`update kontor.jobs set heartbeat_at = clock_timestamp() where id = ${job.id}::bigint and state = 'running'`.execute(db);
  const timer = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
  timer.unref?.();
  const ctx: JobContext = {
    progress: async (step, done, total) => {
      await sql`update kontor.jobs set progress = ${JSON.stringify({ step, done, total })}::jsonb, heartbeat_at = clock_timestamp()
                 where id = ${job.id}::bigint and state = 'running'`.execute(db).catch(() => undefined);
    },
  };
  try {
    const outcome = await work(ctx);
    await sql`update kontor.jobs set state = 'succeeded', finished_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
                     outcome = ${JSON.stringify(outcome ?? null)}::jsonb, progress = null
               where id = ${job.id}::bigint and state = 'running'`.execute(db);
  } catch (err) {
    const message = err instanceof KontorDbError ? err.message : 'The job failed unexpectedly; the server log has the details.';
    if (!(err instanceof KontorDbError)) console.error(`[kontor] job ${job.kind} #${job.id} failed`, err);
    await sql`update kontor.jobs set state = 'failed', finished_at = clock_timestamp(), error = ${message}
               where id = ${job.id}::bigint and state = 'running'`.execute(db).catch(() => undefined);
  } finally {
    clearInterval(timer);
  }
  return (await getJob<O>(db, job.id))!;
}

/**
 * Claims `kind` and, when this call got it, starts `work` detached from the caller: `done` settles when
 * the job ends (hand it to `after()` in a request). When another job of the kind is running, returns it
 * and starts nothing.
 */
export async function startJob<O>(
  db: QueryExecutorProvider,
  kind: string,
  who: { startedBy: string; staffId?: string | null; params?: Record<string, unknown> },
  work: (ctx: JobContext) => Promise<O>,
): Promise<{ started: boolean; job: JobView; done: Promise<JobView<O> | null> }> {
  const claim = await claimJob(db, kind, who);
  if (!claim.claimed) return { started: false, job: claim.job, done: Promise.resolve(null) };
  return { started: true, job: claim.job, done: runJob(db, claim.job, work) };
}
