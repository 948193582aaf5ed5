/**
 * The full reconciliation, fast: the plain path's steps (plain.ts), with the same result, made cheap
 * on a large ledger in three ways.
 *
 * - The accounts are summed in two halves of the user key (at its median) that run side by side in a
 *   Parallel Append: half-size hash tables miss the CPU's caches far less, and no partial aggregate is
 *   merged afterwards (checks.ts, splitKey).
 * - The payment and task checks look only at the key ranges whose signatures differ (buckets.ts).
 * - The work is spread over up to three connections of the pool, all in the run's snapshot (lanes.ts),
 *   as three named lanes:
 *
 *   | lanes | the run's own connection           | second | third  |
 *   |-------|------------------------------------|--------|--------|
 *   | 1     | extras, then accounts, then checks |        |        |
 *   | 2     | extras, then accounts              | checks |        |
 *   | 3     | accounts                           | checks | extras |
 *
 *   (A product with only one of the two checks runs 3 as 2: a lane per check at most.)
 *
 *   accounts: sum, balance checks, checkpoints (written only when their hash differs from the stored one);
 *   checks: the payment and task checks, narrowed; extras: the users' fingerprint and the stored
 *   checkpoints' hash (for the accounts lane), and on a lane of their own the payments' side of the
 *   checks' signatures (for the checks lane). The ranges are planned first, on the run's connection (two
 *   samples: 0.09-0.16 s on the benchmark-size demo at load 10, before the accounts' pass), so
 *   a lane waits on another only for those two results, awaited where they are used.
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { withLocalSetting } from '@/db/index';
import { tableOf } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import type { Finding } from '@/lib/domain/reconcile/kinds';
import { balanceFindings, halves, inHalf, keyType, splitKey } from '@/lib/domain/reconcile/checks';
import { checkpointsHash, writeCheckpoints } from '@/lib/domain/reconcile/checkpoints';
import { narrowedFindings, paymentSignatures, planBuckets, type BucketPlan, type Bounds, type Signatures } from '@/lib/domain/reconcile/buckets';
import { inOwnLane, type Lane } from '@/lib/domain/reconcile/lanes';
import {
  ACCOUNTS_TABLE, applyRunSettings, countSummedAccounts, fullRunFingerprint, ledgerColumns, settledAccounts, summedAccounts,
  type RunContext, type RunOutcome,
} from '@/lib/domain/reconcile/steps';

export interface ParallelLanesOptions {
  /** Connections of the pool the run may use at once (the table above); default 1. */
  lanes?: 1 | 2 | 3;
  /** A ledger of at least this many rows is summed in halves; default 200,000. */
  splitAbove?: number;
  /** Payments and tasks tables of at least this many rows are checked narrowed; default 200,000. */
  bucketAbove?: number;
  /** Key ranges of the narrowed checks; default 4,096. */
  bucketCount?: number;
  statementTimeoutMs?: number;
}

/** What the extras lane computes for the others. */
interface Extras {
  usersFingerprint: string;
  storedCheckpointsHash: string;
  /** The payments' side of the checks' signatures, when computed on the extras' own lane. */
  paymentSignatures: Signatures | null;
}

export async function parallelLanesFullRun(ctx: RunContext, db: Kysely<KontorDatabase>, opts: ParallelLanesOptions): Promise<RunOutcome> {
  const { trx, concepts } = ctx;
  const plan = await planBuckets(trx, concepts, { above: opts.bucketAbove, count: opts.bucketCount });
  // A lane per check at most: the extras get their own only when the two checks share one.
  const checkCount = (concepts.payments ? 1 : 0) + (concepts.tasks ? 1 : 0);
  const ownLanes = Math.min((opts.lanes ?? 1) - 1, checkCount);
  const checksOnOwnLane = ownLanes >= 1;
  const extrasOnOwnLane = ownLanes >= 2;

  const started: Lane<unknown>[] = [];
  async function startLane<T>(work: (laneTrx: Trx) => Promise<T>): Promise<Lane<T>> {
    const lane = await inOwnLane(trx, db, (laneTrx) => prepareLane(laneTrx, opts), work);
    started.push(lane);
    return lane;
  }
  try {
    // The lanes of their own start first, the extras before the checks (which may await its payments'
    // signatures); then the run's own connection does its part, and last collects the checks.
    const extrasOwn = extrasOnOwnLane ? await startLane((laneTrx) => extrasLane(laneTrx, ctx, plan.payments)) : null;
    const paymentSignaturesFrom = extrasOwn ? async () => (await extrasOwn.result).paymentSignatures : undefined;
    const checksOwn = checksOnOwnLane ? await startLane((laneTrx) => checksLane(laneTrx, ctx, plan, paymentSignaturesFrom)) : null;
    const extras = extrasOwn ? extrasOwn.result : await extrasLane(trx, ctx, null);
    const accounts = await accountsLane(ctx, opts, extras);
    ctx.step('Checking payments and tasks');
    const checkFindings = checksOwn ? await checksOwn.result : await checksLane(trx, ctx, plan);
    return {
      findings: [...accounts.findings, ...checkFindings],
      accounts: accounts.accounts,
      entriesRead: accounts.entriesRead,
      usersFingerprint: (await extras).usersFingerprint,
    };
  } catch (err) {
    // A lane still reading is stopped rather than left to finish what no one awaits any more.
    for (const lane of started) lane.cancel();
    throw err;
  }
}

/** A lane's transaction: the run's settings, and one process per lane (they share the machine with the accounts' workers). */
async function prepareLane(laneTrx: Trx, opts: ParallelLanesOptions): Promise<number> {
  const pid = await applyRunSettings(laneTrx, opts.statementTimeoutMs);
  await sql`select set_config('max_parallel_workers_per_gather', '0', true)`.execute(laneTrx);
  return pid;
}

/** The accounts: summed in halves, their balances checked, their checkpoints brought up to date. */
async function accountsLane(
  ctx: RunContext, opts: ParallelLanesOptions, extras: Extras | Promise<Extras>,
): Promise<{ findings: Finding[]; accounts: number; entriesRead: number }> {
  const { trx, concepts } = ctx;
  ctx.step('Reading the ledger');
  await sumAccountsInHalves(ctx, opts.splitAbove);
  ctx.step('Checking balances');
  const findings = await balanceFindings(trx, concepts, summedAccounts);
  ctx.step('Writing checkpoints');
  // Most full runs find the checkpoints already right: both sides hashed rather than joined.
  const settled = settledAccounts(ctx);
  if ((await checkpointsHash(trx, settled)) !== (await extras).storedCheckpointsHash) {
    await writeCheckpoints(trx, settled, ctx.horizon, ctx.runId);
  }
  return { findings, ...(await countSummedAccounts(trx)) };
}

/**
 * One pass over the ledger, as bare as a GROUP BY can be, in two halves of the user key that run side
 * by side (a Parallel Append, one worker each, the leader writing); in one piece on a small ledger.
 */
async function sumAccountsInHalves(ctx: RunContext, splitAbove: number | undefined) {
  const { trx, concepts: { ledger } } = ctx;
  const { user, amount } = ledgerColumns(ctx.concepts);
  const userHalves = halves(await splitKey(trx, ledger.table, ledger.columns.userId, splitAbove), await keyType(trx, ledger.table, ledger.columns.userId));
  const sumAccounts = sql`
    create temp table ${sql.table(ACCOUNTS_TABLE)} on commit drop as
    ${sql.join(userHalves.map((half) => sql`
      select ${user}::${ctx.userKey} as account, sum(${amount}) as total, count(*) as entries
        from ${tableOf(ledger)} l where ${inHalf(user, half)} group by 1`), sql` union all `)}`;
  if (userHalves.length > 1) await withLocalSetting(trx, 'parallel_leader_participation', 'off', () => sumAccounts.execute(trx));
  else await sumAccounts.execute(trx);
}

/** The payment and task checks, narrowed by the planned ranges; the payments' signatures from the extras lane when it has them. */
function checksLane(laneTrx: Trx, ctx: RunContext, plan: BucketPlan, paymentSignaturesFrom?: () => Promise<Signatures | null>): Promise<Finding[]> {
  return narrowedFindings(laneTrx, ctx.concepts, plan, paymentSignaturesFrom);
}

/** The users' fingerprint, the stored checkpoints' hash, and the payments' signatures for `paymentBounds` (none: the checks lane computes them). */
async function extrasLane(laneTrx: Trx, ctx: RunContext, paymentBounds: Bounds | null): Promise<Extras> {
  const usersFingerprint = await fullRunFingerprint(laneTrx, ctx);
  const storedCheckpointsHash = await checkpointsHash(laneTrx);
  const signatures = paymentBounds ? await paymentSignatures(laneTrx, ctx.concepts, paymentBounds) : null;
  return { usersFingerprint, storedCheckpointsHash, paymentSignatures: signatures };
}
