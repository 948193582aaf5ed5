/**
 * An incremental run: only the ledger entries since the previous run's horizon (its tail), on top of
 * the per-account checkpoints, and only the rows the tail, the changed payments and tasks and the
 * previous run's findings point at. It finds what a full run finds (run.test.ts holds it to that),
 * but for an entry inserted with a back-dated created_at (run.ts).
 */
import 'server-only';
import { sql } from 'kysely';
import { columnOf, keyOf, tableOf } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import { balanceFindings, paymentFindings, taskFindings, type Concepts } from '@/lib/domain/reconcile/checks';
import { usersFingerprints } from '@/lib/domain/reconcile/checkpoints';
import { ledgerColumns, type RunContext, type RunOutcome } from '@/lib/domain/reconcile/steps';

/** The run an incremental one goes on from. */
export interface PreviousRun {
  id: string;
  horizon: Date;
}

export async function incrementalRun(ctx: RunContext, previous: PreviousRun): Promise<RunOutcome> {
  const { trx, concepts } = ctx;

  ctx.step('Reading the ledger');
  await copyLedgerTail(ctx, previous.horizon);
  const tail = await summarizeTail(trx);
  const previousFindings = await trx.selectFrom('kontor.reconcile_findings').select(['user_id', 'payment_id', 'task_id'])
    .where('run_id', '=', previous.id).execute();
  // From the ledger (the same rows as the tail), not the temp table: that would keep the users' scan off parallel workers.
  const { user, amount, createdAt } = ledgerColumns(concepts);
  const fingerprint = await usersFingerprints(trx, concepts, ctx.userKey, sql`
    select ${user}::${ctx.userKey} as account, sum(${amount}) as since_prev, coalesce(sum(${amount}) filter (where ${createdAt} >= ${ctx.horizon}), 0) as since_now
      from ${tableOf(concepts.ledger)} l where ${createdAt} >= ${previous.horizon} group by 1`);

  // Cached balances moved only with the ledger since the last run when its fingerprint still holds:
  // then the accounts with new entries and the last run's findings are the only ones whose balance
  // check can change. Otherwise every account is checked.
  const { rows: [previousRun] } = await sql<{ fingerprint: string | null }>`
    select users_fingerprint::text as fingerprint from kontor.reconcile_runs where id = ${previous.id}`.execute(trx);
  const cachesKeptWithLedger = previousRun.fingerprint !== null && previousRun.fingerprint === fingerprint.sincePrev;
  const accountsToCheck = cachesKeptWithLedger ? unique([...tail.accounts, ...previousFindings.map((finding) => finding.user_id)]) : undefined;
  const paymentsToCheck = unique([
    ...tail.paymentIds, ...(concepts.payments ? await changedPayments(trx, concepts, previous.horizon) : []), ...previousFindings.map((finding) => finding.payment_id),
  ]);
  const tasksToCheck = unique([
    ...tail.taskIds, ...(concepts.tasks ? await changedTasks(trx, concepts, previous.horizon) : []), ...previousFindings.map((finding) => finding.task_id),
  ]);

  ctx.step('Checking balances'); // and the payments and tasks, in the same breath
  // Each account's checkpoint plus its tail.
  const accounts = sql`
    select coalesce(cp.account, t.account)::${ctx.userKey} as account,
           coalesce(cp.settled_sum, 0) + coalesce(t.total, 0) as total,
           coalesce(cp.settled_count, 0) + coalesce(t.n, 0) as entries
      from ${accountsToCheck ? sql`(select * from kontor.reconcile_checkpoints where account = any(${accountsToCheck}::text[]))` : sql`kontor.reconcile_checkpoints`} cp
      full join (select account, sum(amount) as total, count(*) as n from kontor_tail group by account) t on t.account = cp.account`;
  const findings = [
    ...(await balanceFindings(trx, concepts, accounts, accountsToCheck)),
    ...(await paymentFindings(trx, concepts, paymentsToCheck)),
    ...(await taskFindings(trx, concepts, tasksToCheck)),
  ];

  ctx.step('Writing checkpoints');
  const moved = await advanceCheckpoints(ctx);
  return { findings, accounts: moved, entriesRead: tail.entries, usersFingerprint: fingerprint.sinceNow };
}

/** The ledger's entries since `since`, into the temp table kontor_tail (dropped at commit), with the payment or task each purchase or spend names. */
async function copyLedgerTail(ctx: RunContext, since: Date) {
  const { concepts: c } = ctx;
  const { ledger } = c;
  const { user, amount, createdAt } = ledgerColumns(c);
  const type = columnOf(ledger, 'type', 'l');
  await sql`
    create temp table kontor_tail on commit drop as
    select ${user}::text as account, ${keyOf(ledger, 'l')}::text as id, ${amount} as amount, ${createdAt} as at,
           ${c.payments ? sql`case when ${type} = ${ledger.types.purchase!} then ${columnOf(ledger, 'paymentId', 'l')}::text end` : sql`null::text`} as payment_id,
           ${c.tasks ? sql`case when ${type} = ${ledger.types.spend!} then ${columnOf(ledger, 'taskId', 'l')}::text end` : sql`null::text`} as task_id
      from ${tableOf(ledger)} l where ${createdAt} >= ${since}`.execute(ctx.trx);
}

/** The accounts, payments and tasks the tail names, and how many entries it holds. */
async function summarizeTail(trx: Trx): Promise<{ accounts: string[]; paymentIds: string[]; taskIds: string[]; entries: number }> {
  const { rows: [tail] } = await sql<{ accounts: string[]; payment_ids: string[]; task_ids: string[]; entries: string }>`
    select coalesce(array_agg(distinct account) filter (where account is not null), '{}') as accounts,
           coalesce(array_agg(distinct payment_id) filter (where payment_id is not null), '{}') as payment_ids,
           coalesce(array_agg(distinct task_id) filter (where task_id is not null), '{}') as task_ids,
           count(*)::text as entries from kontor_tail`.execute(trx);
  return { accounts: tail.accounts, paymentIds: tail.payment_ids, taskIds: tail.task_ids, entries: Number(tail.entries) };
}

/**
 * Moves the checkpoints of the accounts with new entries by their entries before the new horizon (the
 * others' stay true up to it). Returns how many moved.
 */
async function advanceCheckpoints(ctx: RunContext): Promise<number> {
  const { rows: [moved] } = await sql<{ accounts: string }>`
    with t as (
      select account, sum(amount) filter (where at < ${ctx.horizon}) as s, count(*) filter (where at < ${ctx.horizon}) as n
        from kontor_tail where account is not null group by account
    ), up as (
      insert into kontor.reconcile_checkpoints as cp (account, settled_sum, settled_count, horizon, run_id)
      select account, coalesce(s, 0), n, ${ctx.horizon}, ${ctx.runId} from t
      on conflict (account) do update
        set settled_sum = cp.settled_sum + excluded.settled_sum, settled_count = cp.settled_count + excluded.settled_count,
            horizon = excluded.horizon, run_id = excluded.run_id
      returning 1)
    select (select count(*) from up)::text as accounts`.execute(ctx.trx);
  return Number(moved.accounts);
}

const unique = (ids: (string | null)[]) => [...new Set(ids.filter((id): id is string => Boolean(id)))];

/** Payments whose row changed since `since` (updated, completed or created after it). */
async function changedPayments(trx: Trx, c: Concepts, since: Date): Promise<string[]> {
  const payments = c.payments!;
  const changedAt = payments.columns.updatedAt ? columnOf(payments, 'updatedAt')
    : payments.columns.completedAt ? sql`greatest(${columnOf(payments, 'completedAt')}, ${columnOf(payments, 'createdAt')})` : columnOf(payments, 'createdAt');
  const { rows } = await sql<{ id: string }>`select ${keyOf(payments)}::text as id from ${tableOf(payments)} where ${changedAt} >= ${since}`.execute(trx);
  return rows.map((row) => row.id);
}

/** Tasks whose row changed since `since`. */
async function changedTasks(trx: Trx, c: Concepts, since: Date): Promise<string[]> {
  const tasks = c.tasks!;
  const changedAt = tasks.columns.updatedAt ? columnOf(tasks, 'updatedAt')
    : tasks.columns.processedAt ? sql`greatest(${columnOf(tasks, 'processedAt')}, ${columnOf(tasks, 'createdAt')})` : columnOf(tasks, 'createdAt');
  const { rows } = await sql<{ id: string }>`select ${keyOf(tasks)}::text as id from ${tableOf(tasks)} where ${changedAt} >= ${since}`.execute(trx);
  return rows.map((row) => row.id);
}
