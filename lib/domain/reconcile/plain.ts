/**
 * The full reconciliation, plainly: one step after the other on the run's own connection, each check
 * over every row. The path to read first, and the oracle the tests hold the fast strategy to
 * (parallel-lanes.ts): on the same data both return the same result and leave the same checkpoints.
 */
import 'server-only';
import { sql } from 'kysely';
import { tableOf } from '@/lib/mapping';
import { balanceFindings, paymentFindings, taskFindings } from '@/lib/domain/reconcile/checks';
import { writeCheckpoints } from '@/lib/domain/reconcile/checkpoints';
import {
  ACCOUNTS_TABLE, countSummedAccounts, fullRunFingerprint, ledgerColumns, settledAccounts, summedAccounts,
  type RunContext, type RunOutcome,
} from '@/lib/domain/reconcile/steps';

export async function plainFullRun(ctx: RunContext): Promise<RunOutcome> {
  const { trx, concepts } = ctx;

  ctx.step('Reading the ledger');
  await sumEveryAccount(ctx);

  ctx.step('Checking balances');
  const balances = await balanceFindings(trx, concepts, summedAccounts);

  ctx.step('Writing checkpoints');
  // What the next incremental run starts from. The merge writes only the checkpoints that differ.
  await writeCheckpoints(trx, settledAccounts(ctx), ctx.horizon, ctx.runId);
  const usersFingerprint = await fullRunFingerprint(trx, ctx);
  const counts = await countSummedAccounts(trx);

  ctx.step('Checking payments and tasks');
  const payments = await paymentFindings(trx, concepts);
  const tasks = await taskFindings(trx, concepts);

  return { findings: [...balances, ...payments, ...tasks], ...counts, usersFingerprint };
}

/** Every account's ledger sum and count, in one GROUP BY over the whole ledger, kept for the steps after it. */
async function sumEveryAccount(ctx: RunContext) {
  const { user, amount } = ledgerColumns(ctx.concepts);
  await sql`
    create temp table ${sql.table(ACCOUNTS_TABLE)} on commit drop as
    select ${user}::${ctx.userKey} as account, sum(${amount}) as total, count(*) as entries
      from ${tableOf(ctx.concepts.ledger)} l group by 1`.execute(ctx.trx);
}
