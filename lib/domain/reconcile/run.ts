/**
 * One reconciliation run: every account, payment and task checked, the findings and the run kept in
 * the `kontor` schema. This file starts a run, hands it to its path, and records what it found:
 *
 * - a full run reads the whole ledger, by one of two strategies that return the same result
 *   (RunStrategy): plain.ts, the one to read first, or parallel-lanes.ts, the fast one;
 * - an incremental run (incremental.ts) reads only the ledger entries created since the last run's
 *   horizon, on top of a per-account checkpoint (ledger sum and count of the entries before it).
 *
 * The horizon is the earliest of the run's start and the start of any transaction still open at that
 * moment in this database (one in another database of the cluster cannot write here): an entry
 * stamped before it (created_at = now() of its transaction) is already visible, so no late commit can
 * land behind a checkpoint. An entry inserted with a back-dated created_at is the one
 * thing an incremental run cannot see; a `--full` run (the nightly default is incremental) finds it.
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { classifyDbError, KontorDbError } from '@/db/errors';
import { activeMapping, validateMapping, type Mapping } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import { DISCREPANCY_KINDS, type DiscrepancyKind, type Finding } from '@/lib/domain/reconcile/kinds';
import { financeConcepts, keyType } from '@/lib/domain/reconcile/checks';
import { plainFullRun } from '@/lib/domain/reconcile/plain';
import { parallelLanesFullRun, type ParallelLanesOptions } from '@/lib/domain/reconcile/parallel-lanes';
import { incrementalRun, type PreviousRun } from '@/lib/domain/reconcile/incremental';
import { applyRunSettings, RUN_STEPS, type RunContext, type RunOutcome } from '@/lib/domain/reconcile/steps';

/**
 * How a full run does its work; both return the same result and leave the same checkpoints.
 * - `plain` (plain.ts): one step after the other on one connection, every check over every row. The
 *   path to read, and the tests' oracle.
 * - `parallel-lanes` (parallel-lanes.ts, the default): the same steps made fast on a large ledger: the
 *   accounts summed in halves side by side, the payment and task checks narrowed by range signatures,
 *   the work spread over up to `lanes` connections in one snapshot.
 * An incremental run (incremental.ts) is one path, whichever the strategy.
 */
export type RunStrategy = 'plain' | 'parallel-lanes';

export interface RunOptions extends Omit<ParallelLanesOptions, 'statementTimeoutMs'> {
  mode: 'full' | 'incremental';
  /** Default `parallel-lanes`; its options (lanes, splitAbove, bucketAbove, bucketCount) apply to it alone. */
  strategy?: RunStrategy;
  /** Who started it: a staff email, or "cli". */
  startedBy: string;
  staffId?: string | null;
  mapping?: Mapping;
  /** Long runs on large ledgers: default 10 minutes. */
  statementTimeoutMs?: number;
  /** Told each step as it starts (a background job writes it to its row); never awaited by the run's SQL. */
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface RunResult {
  runId: string;
  mode: 'full' | 'incremental';
  horizon: string;
  accounts: number;
  entriesRead: number;
  findings: Finding[];
  totals: Record<DiscrepancyKind, number>;
  ms: number;
}

export const RUNNING_MESSAGE = 'A reconciliation is running already, so this one was not started. Its result shows here when it ends.';

/** Runs a reconciliation on `db` (Kontor's long-read pool or a test's). One at a time per database: another is refused. */
export async function runReconciliation(db: Kysely<KontorDatabase>, opts: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  try {
    return await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
      // One at a time: a lock that ends with the transaction, so that it holds behind a transaction-mode
      // pooler (a session lock and its unlock may reach different server connections there, and leak).
      // NOWAIT: a second run is told at once that one is running, rather than holding a connection while
      // it waits. LOCK TABLE takes no snapshot, so this transaction's comes after it.
      await sql`lock table kontor.reconcile_runs in share row exclusive mode nowait`.execute(trx).catch((err: { code?: string }) => {
        if (err.code === '55P03') throw new KontorDbError('busy', RUNNING_MESSAGE, err.code, err);
        throw err;
      });
      await applyRunSettings(trx, opts.statementTimeoutMs);
      return { ...(await reconcile(trx, db, opts)), ms: Math.round(performance.now() - t0) };
    });
  } catch (err) {
    throw classifyDbError(err);
  }
}

/** The run, in the run's transaction: started, done by its mode and strategy, recorded. */
async function reconcile(trx: Trx, db: Kysely<KontorDatabase>, opts: RunOptions): Promise<Omit<RunResult, 'ms'>> {
  const concepts = financeConcepts((await validateMapping(trx, opts.mapping ?? activeMapping())).mapping);
  const horizon = await readHorizon(trx);
  const previous = opts.mode === 'incremental' ? await lastFinishedRun(trx) : undefined;
  const mode = previous ? 'incremental' : 'full';
  const run = await trx.insertInto('kontor.reconcile_runs')
    .values({ mode, started_by: opts.startedBy, staff_id: opts.staffId ?? null, horizon: horizon.toISOString(), totals: '{}' })
    .returning('id').executeTakeFirstOrThrow();
  const ctx: RunContext = {
    trx, concepts, horizon, runId: run.id,
    userKey: await keyType(trx, concepts.users.table, concepts.users.key),
    step: (step) => opts.onProgress?.(step, RUN_STEPS.indexOf(step), RUN_STEPS.length),
  };

  const outcome = previous ? await incrementalRun(ctx, previous)
    : opts.strategy === 'plain' ? await plainFullRun(ctx)
      : await parallelLanesFullRun(ctx, db, opts);

  ctx.step('Recording findings');
  const findings = outcome.findings.sort(compareFindings);
  const totals = Object.fromEntries(DISCREPANCY_KINDS.map((kind) => [kind, findings.filter((finding) => finding.kind === kind).length])) as Record<DiscrepancyKind, number>;
  await recordFindings(trx, run.id, findings);
  await recordRunEnd(trx, run.id, outcome, totals);
  return { runId: run.id, mode, horizon: horizon.toISOString(), accounts: outcome.accounts, entriesRead: outcome.entriesRead, findings, totals };
}

/**
 * The earliest of now and the start of any transaction still open in this database (one in another
 * database of the cluster cannot write here): no entry stamped before it can still commit.
 */
async function readHorizon(trx: Trx): Promise<Date> {
  const { rows: [row] } = await sql<{ horizon: Date }>`
    select least(now(), coalesce((select min(xact_start) from pg_catalog.pg_stat_activity
                                   where xact_start is not null and pid <> pg_backend_pid() and datname = current_database()), now())) as horizon`.execute(trx);
  return row.horizon;
}

/** The last run that finished with a horizon: an incremental run goes on from it (none: the run is a full one). */
async function lastFinishedRun(trx: Trx): Promise<PreviousRun | undefined> {
  const run = await trx.selectFrom('kontor.reconcile_runs').select(['id', 'horizon']).where('finished_at', 'is not', null)
    .where('horizon', 'is not', null).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return run && { id: run.id, horizon: new Date(run.horizon!) };
}

async function recordFindings(trx: Trx, runId: string, findings: Finding[]) {
  // In batches of 1,000 rows, numbered in the findings' order (the page lists them so).
  for (let start = 0; start < findings.length; start += 1000) {
    await trx.insertInto('kontor.reconcile_findings').values(findings.slice(start, start + 1000).map((finding, offset) => ({
      run_id: runId, n: start + offset + 1, kind: finding.kind, user_id: finding.userId, payment_id: finding.paymentId, task_id: finding.taskId,
      entry_ids: finding.entryIds, expected: finding.expected, actual: finding.actual, detail: finding.detail,
    }))).execute();
  }
}

async function recordRunEnd(trx: Trx, runId: string, outcome: RunOutcome, totals: Record<DiscrepancyKind, number>) {
  await sql`update kontor.reconcile_runs set users_fingerprint = ${outcome.usersFingerprint}::bigint where id = ${runId}`.execute(trx);
  await trx.updateTable('kontor.reconcile_runs')
    .set({
      finished_at: sql<string>`clock_timestamp()` as unknown as string, accounts: outcome.accounts, entries_read: outcome.entriesRead,
      found: outcome.findings.length, totals: JSON.stringify(totals),
    })
    .where('id', '=', runId).execute();
}

const ORDER = new Map(DISCREPANCY_KINDS.map((k, i) => [k, i]));
function compareFindings(a: Finding, b: Finding) {
  return (ORDER.get(a.kind)! - ORDER.get(b.kind)!) ||
    (a.userId ?? '').localeCompare(b.userId ?? '') || (a.paymentId ?? '').localeCompare(b.paymentId ?? '') ||
    (a.taskId ?? '').localeCompare(b.taskId ?? '');
}
