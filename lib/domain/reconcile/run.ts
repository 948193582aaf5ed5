/**
 * One reconciliation run: every account, payment and task checked, the findings and the run kept in
 * the `kontor` schema. Incremental runs read only the ledger entries created since the last run's
 * horizon, on top of a per-account checkpoint (ledger sum and count of the entries before it).
 *
 * The horizon is the earliest of the run's start and the start of any transaction still open at that
 * moment in this database (one in another database of the cluster cannot write here): an entry
 * stamped before it (created_at = now() of its transaction) is already visible, so no late commit can
 * land behind a checkpoint. An entry inserted with a back-dated created_at is the one
 * thing an incremental run cannot see; a `--full` run (the nightly default is incremental) finds it.
 */
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { classifyDbError, KontorDbError } from '@/db/errors';
import { withLocalSetting } from '@/db/index';
import { activeMapping, columnOf, keyOf, tableOf, validateMapping, type Mapping } from '@/lib/mapping';
import type { Trx } from '@/lib/guard/define';
import { DISCREPANCY_KINDS, type DiscrepancyKind, type Finding } from '@/lib/domain/reconcile/kinds';
import { balanceFindings, financeConcepts, halves, inHalf, keyType, paymentFindings, splitKey, taskFindings, type Concepts } from '@/lib/domain/reconcile/checks';
import { usersFingerprints, writeCheckpoints } from '@/lib/domain/reconcile/checkpoints';
import { deferred, inOwnLane } from '@/lib/domain/reconcile/lanes';
import { narrowedFindings, paymentSignatures, type BucketPlan, type Signatures } from '@/lib/domain/reconcile/buckets';

export interface RunOptions {
  mode: 'full' | 'incremental';
  /** Who started it: a staff email, or "cli". */
  startedBy: string;
  staffId?: string | null;
  mapping?: Mapping;
  /** Long runs on large ledgers: default 10 minutes. */
  statementTimeoutMs?: number;
  /**
   * Connections of `db`'s pool a full run may use at once, all in the same snapshot: 1 (default),
   * everything on one; 2, the payment and task checks on a second while the first sums the accounts;
   * 3, as 2 with the users' fingerprint, the stored checkpoints' hash and the payments' side of the
   * checks' signatures on a third. The CLI uses 3, the console up to its pool size.
   */
  lanes?: 1 | 2 | 3;
  /** A ledger of at least this many rows is summed in halves by user (checks.ts, splitKey); default 200,000. */
  splitAbove?: number;
  /** Payments and tasks tables of at least this many rows are checked narrowed (buckets.ts); default 200,000. */
  bucketAbove?: number;
  /** Key ranges of the narrowed checks; default 4,096. */
  bucketCount?: number;
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
      await applyRunSettings(trx, opts);
      const check = await validateMapping(trx, opts.mapping ?? activeMapping());
      const result = await runIn(trx, financeConcepts(check.mapping), opts, db);
      return { ...result, ms: Math.round(performance.now() - t0) };
    });
  } catch (err) {
    throw classifyDbError(err);
  }
}

/** A run's transaction settings (long statements, short lock waits), on either lane; its backend's pid. */
async function applyRunSettings(t: Trx, opts: RunOptions): Promise<number> {
  const { rows: [r] } = await sql<{ pid: number }>`
    select pg_backend_pid() as pid, set_config('statement_timeout', ${String(opts.statementTimeoutMs ?? 600_000)}, true),
           set_config('lock_timeout', '5000', true), set_config('application_name', 'kontor reconcile', true)`.execute(t);
  return r.pid;
}

async function runIn(trx: Trx, c: Concepts, opts: RunOptions, db: Kysely<KontorDatabase>): Promise<Omit<RunResult, 'ms'>> {
  const steps = ['Reading the ledger', 'Checking balances', 'Checking payments and tasks', 'Writing checkpoints', 'Recording findings'];
  const step = (i: number) => opts.onProgress?.(steps[i], i, steps.length);
  const { rows: [h] } = await sql<{ horizon: Date }>`
    select least(now(), coalesce((select min(xact_start) from pg_catalog.pg_stat_activity
                                   where xact_start is not null and pid <> pg_backend_pid() and datname = current_database()), now())) as horizon`.execute(trx);
  const horizon = h.horizon;
  const previous = opts.mode === 'incremental'
    ? await trx.selectFrom('kontor.reconcile_runs').select(['id', 'horizon']).where('finished_at', 'is not', null)
        .where('horizon', 'is not', null).orderBy('id', 'desc').limit(1).executeTakeFirst()
    : undefined;
  const mode = previous ? 'incremental' : 'full';
  const run = await trx.insertInto('kontor.reconcile_runs')
    .values({ mode, started_by: opts.startedBy, staff_id: opts.staffId ?? null, horizon: horizon.toISOString(), totals: '{}' })
    .returning('id').executeTakeFirstOrThrow();

  const { ledger } = c;
  const L = { user: columnOf(ledger, 'userId', 'l'), amount: columnOf(ledger, 'amount', 'l'), at: columnOf(ledger, 'createdAt', 'l') };
  let findings: Finding[];
  let accounts: number;
  let entriesRead: number;
  let fingerprint: { sincePrev: string; sinceNow: string };

  // Accounts are grouped and joined in the users key's own type (text keys hash and compare slower).
  const uKey = await keyType(trx, c.users.table, c.users.key);
  if (mode === 'full') {
    // What needs none of this lane's temp tables runs on the other lanes, in this transaction's
    // snapshot, beside the accounts' pass: the payment and task checks, narrowed by signatures
    // (buckets.ts), on one; with three lanes, the users' fingerprint, the stored checkpoints' hash and
    // then the payments' side of those signatures on the other.
    const rowHash = (r: string) => sql`hash_record_extended(row(${sql.ref(`${r}.account`)}, ${sql.ref(`${r}.settled_sum`)}, ${sql.ref(`${r}.settled_count`)}), 0)`;
    // Each account's entries at or after the horizon (an index range, where the ledger has one): the
    // fingerprint and the checkpoints count without them.
    const late = sql`select ${L.user}::${uKey} as account, sum(${L.amount}) as s, count(*) as n
                       from ${tableOf(ledger)} l where ${L.at} >= ${horizon} group by 1`;
    const fingerprintJob = (t: Trx) => usersFingerprints(t, c, uKey, sql`
      select account, 0::numeric as since_prev, s as since_now from (${late}) x`);
    const storedHashJob = async (t: Trx) => (await sql<{ h: string }>`
      select coalesce(bit_xor(${rowHash('cp')}), 0)::text as h from kontor.reconcile_checkpoints cp`.execute(t)).rows[0].h;
    // A lane per check at most (the extras need none of their own).
    const laneCount = Math.min((opts.lanes ?? 1) - 1, (c.payments ? 1 : 0) + (c.tasks ? 1 : 0));
    const bucketing = { above: opts.bucketAbove, count: opts.bucketCount };
    const fingerprintP = deferred<Awaited<ReturnType<typeof fingerprintJob>>>();
    const storedHashP = deferred<string>();
    const planP = deferred<BucketPlan>();
    const paymentsSideP = deferred<Signatures | null>();
    // The extras ride on another lane only when the checks have two lanes to share.
    const extrasElsewhere = laneCount >= 2;
    const lane = async (t: Trx, i: number): Promise<Finding[]> => {
      // One process per lane: the lanes already share the machine with the accounts pass's workers.
      await sql`select set_config('max_parallel_workers_per_gather', '0', true)`.execute(t);
      if (laneCount === 1 || i === 1) {
        return narrowedFindings(t, c, {
          ...bucketing,
          paymentsElsewhere: laneCount === 2 ? (plan) => { planP.resolve(plan); return paymentsSideP.promise; } : undefined,
        });
      }
      fingerprintP.resolve(await fingerprintJob(t));
      storedHashP.resolve(await storedHashJob(t));
      const plan = await planP.promise;
      paymentsSideP.resolve(plan.payments ? await paymentSignatures(t, c, plan.payments) : null);
      return [];
    };
    const others = await Promise.all(Array.from({ length: laneCount }, (_, i) => inOwnLane(trx, db, (t) => applyRunSettings(t, opts), (t) => lane(t, i))));
    // If a lane fails (even before it starts), what it owed another is never coming: say so rather
    // than leave that one waiting (a settled promise ignores the rejection).
    if (extrasElsewhere) {
      others[0].result.catch((err: unknown) => { fingerprintP.reject(err); storedHashP.reject(err); paymentsSideP.reject(err); });
      others[1].result.catch((err: unknown) => planP.reject(err));
    }
    try {
      // One pass over the ledger, as bare as a GROUP BY can be, in two halves of the user key (at its
      // median) that run side by side: a Parallel Append, one worker each, the leader writing. Half-size
      // hash tables miss the CPU's caches far less, and no partial aggregate is merged afterwards.
      const userHalves = halves(await splitKey(trx, ledger.table, ledger.columns.userId, opts.splitAbove), await keyType(trx, ledger.table, ledger.columns.userId));
      const accountsPass = sql`
        create temp table kontor_accounts on commit drop as
        ${sql.join(userHalves.map((half) => sql`
          select ${L.user}::${uKey} as account, sum(${L.amount}) as total, count(*) as entries
            from ${tableOf(ledger)} l where ${inHalf(L.user, half)} group by 1`), sql` union all `)}`;
      step(0);
      if (userHalves.length > 1) await withLocalSetting(trx, 'parallel_leader_participation', 'off', () => accountsPass.execute(trx));
      else await accountsPass.execute(trx);
      if (!extrasElsewhere) {
        fingerprintP.resolve(await fingerprintJob(trx));
        storedHashP.resolve(await storedHashJob(trx));
      }
      step(1);
      findings = await balanceFindings(trx, c, sql`select account, total, entries from kontor_accounts`);
      step(2);
      if (!others.length) findings.push(...(await narrowedFindings(trx, c, bucketing)));
      // Checkpoints are rewritten only where they changed: a full run over a quiet ledger writes almost
      // nothing. Settled = the account's entries before the horizon (the few after it subtracted).
      const settled = sql`
        select a.account::text as account, a.total - coalesce(late.s, 0) as settled_sum, a.entries - coalesce(late.n, 0) as settled_count
          from kontor_accounts a left join (${late}) late on late.account = a.account
         where a.account is not null`;
      // Most full runs find the checkpoints already right: both sides hashed (one pass each) is far
      // cheaper than joining them. Equal fingerprints (an XOR of one 64-bit hash per row; the keys are
      // unique on both sides) mean equal sets, but for a 2^-64 chance; otherwise the merge.
      const { rows: [mine] } = await sql<{ h: string }>`select coalesce(bit_xor(${rowHash('s')}), 0)::text as h from (${settled}) s`.execute(trx);
      step(3);
      if (mine.h !== (await storedHashP.promise)) await writeCheckpoints(trx, settled, horizon, run.id);
      const { rows: [n] } = await sql<{ accounts: string; entries: string }>`
        select (count(*) filter (where account is not null))::text as accounts, coalesce(sum(entries), 0)::text as entries
          from kontor_accounts`.execute(trx);
      accounts = Number(n.accounts);
      entriesRead = Number(n.entries);
      fingerprint = await fingerprintP.promise;
      for (const lane of others) findings.push(...(await lane.result));
    } catch (err) {
      for (const lane of others) lane.cancel();
      throw err;
    }
  } else {
    const since = previous!.horizon!;
    step(0);
    await sql`
      create temp table kontor_tail on commit drop as
      select ${L.user}::text as account, ${keyOf(ledger, 'l')}::text as id, ${L.amount} as amount, ${L.at} as at
             ${c.payments ? sql`, case when l.${columnOf(ledger, 'type')} = ${ledger.types.purchase!} then ${columnOf(ledger, 'paymentId', 'l')}::text end as payment_id` : sql`, null::text as payment_id`}
             ${c.tasks ? sql`, case when l.${columnOf(ledger, 'type')} = ${ledger.types.spend!} then ${columnOf(ledger, 'taskId', 'l')}::text end as task_id` : sql`, null::text as task_id`}
        from ${tableOf(ledger)} l where ${L.at} >= ${since}`.execute(trx);
    const prev = await trx.selectFrom('kontor.reconcile_findings').select(['user_id', 'payment_id', 'task_id'])
      .where('run_id', '=', previous!.id).execute();
    // From the ledger (the same rows as kontor_tail), not the temp table: that would keep the users' scan off parallel workers.
    fingerprint = await usersFingerprints(trx, c, uKey, sql`
      select ${L.user}::${uKey} as account, sum(${L.amount}) as since_prev, coalesce(sum(${L.amount}) filter (where ${L.at} >= ${horizon}), 0) as since_now
        from ${tableOf(ledger)} l where ${L.at} >= ${since} group by 1`);
    // Cached balances moved only with the ledger since the last run (its fingerprint matches): the
    // accounts with new entries and the last run's findings are the only ones whose balance check can change.
    const { rows: [pf] } = await sql<{ fp: string | null }>`select users_fingerprint::text as fp from kontor.reconcile_runs where id = ${previous!.id}`.execute(trx);
    const { rows: [ta] } = await sql<{ accounts: string[] }>`
      select coalesce(array_agg(distinct account) filter (where account is not null), '{}') as accounts from kontor_tail`.execute(trx);
    const only = pf.fp !== null && pf.fp === fingerprint.sincePrev ? unique([...ta.accounts, ...prev.map((p) => p.user_id)]) : undefined;
    const accountsSql = sql`
      select coalesce(cp.account, t.account)::${uKey} as account,
             coalesce(cp.settled_sum, 0) + coalesce(t.total, 0) as total,
             coalesce(cp.settled_count, 0) + coalesce(t.n, 0) as entries
        from ${only ? sql`(select * from kontor.reconcile_checkpoints where account = any(${only}::text[]))` : sql`kontor.reconcile_checkpoints`} cp
        full join (select account, sum(amount) as total, count(*) as n from kontor_tail group by account) t on t.account = cp.account`;
    const paymentsSince = c.payments ? await changedPayments(trx, c, since) : [];
    const tasksSince = c.tasks ? await changedTasks(trx, c, since) : [];
    const { rows: tail } = await sql<{ payment_ids: string[]; task_ids: string[]; n: string }>`
      select coalesce(array_agg(distinct payment_id) filter (where payment_id is not null), '{}') as payment_ids,
             coalesce(array_agg(distinct task_id) filter (where task_id is not null), '{}') as task_ids,
             count(*)::text as n from kontor_tail`.execute(trx);
    const pc = unique([...tail[0].payment_ids, ...paymentsSince, ...prev.map((p) => p.payment_id)]);
    const tc = unique([...tail[0].task_ids, ...tasksSince, ...prev.map((p) => p.task_id)]);
    step(1);
    findings = [
      ...(await balanceFindings(trx, c, accountsSql, only)),
      ...(await paymentFindings(trx, c, pc)),
      ...(await taskFindings(trx, c, tc)),
    ];
    step(3);
    // Only the accounts with new entries move their checkpoint; the others' stays true up to the new horizon.
    const { rows: [n] } = await sql<{ accounts: string }>`
      with t as (
        select account, sum(amount) filter (where at < ${horizon}) as s, count(*) filter (where at < ${horizon}) as n
          from kontor_tail where account is not null group by account
      ), up as (
        insert into kontor.reconcile_checkpoints as cp (account, settled_sum, settled_count, horizon, run_id)
        select account, coalesce(s, 0), n, ${horizon}, ${run.id} from t
        on conflict (account) do update
          set settled_sum = cp.settled_sum + excluded.settled_sum, settled_count = cp.settled_count + excluded.settled_count,
              horizon = excluded.horizon, run_id = excluded.run_id
        returning 1)
      select (select count(*) from up)::text as accounts`.execute(trx);
    accounts = Number(n.accounts);
    entriesRead = Number(tail[0].n);
  }

  step(4);
  findings.sort(compareFindings);
  const totals = Object.fromEntries(DISCREPANCY_KINDS.map((k) => [k, findings.filter((f) => f.kind === k).length])) as Record<DiscrepancyKind, number>;
  if (findings.length) {
    for (let i = 0; i < findings.length; i += 1000) {
      await trx.insertInto('kontor.reconcile_findings').values(findings.slice(i, i + 1000).map((f, j) => ({
        run_id: run.id, n: i + j + 1, kind: f.kind, user_id: f.userId, payment_id: f.paymentId, task_id: f.taskId,
        entry_ids: f.entryIds, expected: f.expected, actual: f.actual, detail: f.detail,
      }))).execute();
    }
  }
  await sql`update kontor.reconcile_runs set users_fingerprint = ${fingerprint.sinceNow}::bigint where id = ${run.id}`.execute(trx);
  await trx.updateTable('kontor.reconcile_runs')
    .set({ finished_at: sql<string>`clock_timestamp()` as unknown as string, accounts, entries_read: entriesRead, found: findings.length, totals: JSON.stringify(totals) })
    .where('id', '=', run.id).execute();
  return { runId: run.id, mode, horizon: horizon.toISOString(), accounts, entriesRead, findings, totals };
}

const unique = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => Boolean(x)))];

const ORDER = new Map(DISCREPANCY_KINDS.map((k, i) => [k, i]));
function compareFindings(a: Finding, b: Finding) {
  return (ORDER.get(a.kind)! - ORDER.get(b.kind)!) ||
    (a.userId ?? '').localeCompare(b.userId ?? '') || (a.paymentId ?? '').localeCompare(b.paymentId ?? '') ||
    (a.taskId ?? '').localeCompare(b.taskId ?? '');
}

/** Payments whose row changed since `since` (updated, completed or created after it). */
async function changedPayments(trx: Trx, c: Concepts, since: Date): Promise<string[]> {
  const p = c.payments!;
  const col = p.columns.updatedAt ? columnOf(p, 'updatedAt') : p.columns.completedAt ? sql`greatest(${columnOf(p, 'completedAt')}, ${columnOf(p, 'createdAt')})` : columnOf(p, 'createdAt');
  const { rows } = await sql<{ id: string }>`select ${keyOf(p)}::text as id from ${tableOf(p)} where ${col} >= ${since}`.execute(trx);
  return rows.map((r) => r.id);
}

/** Tasks whose row changed since `since`. */
async function changedTasks(trx: Trx, c: Concepts, since: Date): Promise<string[]> {
  const t = c.tasks!;
  const col = t.columns.updatedAt ? columnOf(t, 'updatedAt') : t.columns.processedAt ? sql`greatest(${columnOf(t, 'processedAt')}, ${columnOf(t, 'createdAt')})` : columnOf(t, 'createdAt');
  const { rows } = await sql<{ id: string }>`select ${keyOf(t)}::text as id from ${tableOf(t)} where ${col} >= ${since}`.execute(trx);
  return rows.map((r) => r.id);
}
