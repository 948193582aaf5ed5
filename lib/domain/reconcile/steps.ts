/**
 * What every way of running a reconciliation shares (run.ts): the run's context, what a strategy
 * returns, and the steps over the summed accounts that a full run takes whichever its strategy.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import { columnOf, tableOf } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import type { Finding } from '@/lib/domain/reconcile/kinds';
import type { Concepts } from '@/lib/domain/reconcile/checks';
import { usersFingerprints } from '@/lib/domain/reconcile/checkpoints';

/**
 * The steps a run reports as it goes (RunOptions.onProgress), in order. The payment and task checks come
 * last but one: where they run on a lane of their own, what is left of them is what the run waits for.
 */
export const RUN_STEPS = ['Reading the ledger', 'Checking balances', 'Writing checkpoints', 'Checking payments and tasks', 'Recording findings'] as const;
export type RunStep = (typeof RUN_STEPS)[number];

/** One run, as its strategy sees it: the run's transaction and what it settled before the strategy began. */
export interface RunContext {
  /** The run's repeatable-read transaction: its snapshot is the run's. */
  trx: Trx;
  concepts: Concepts;
  /** Entries stamped before it are settled into the checkpoints (run.ts explains why it is safe). */
  horizon: Date;
  runId: string;
  /** The users key's catalog type: accounts are grouped and joined in it (text keys hash and compare slower). */
  userKey: RawBuilder<unknown>;
  step: (step: RunStep) => void;
}

/** What a strategy hands back for the run to record. */
export interface RunOutcome {
  findings: Finding[];
  /** Accounts summed (full) or whose checkpoint moved (incremental). */
  accounts: number;
  entriesRead: number;
  /** The users' fingerprint as of this run's horizon (checkpoints.ts), for the next incremental run. */
  usersFingerprint: string;
}

/** The settings of a run's transaction, on its own connection or a lane's: long statements, short lock waits. Returns the backend's pid. */
export async function applyRunSettings(trx: Trx, statementTimeoutMs = 600_000): Promise<number> {
  const { rows: [backend] } = await sql<{ pid: number }>`
    select pg_backend_pid() as pid, set_config('statement_timeout', ${String(statementTimeoutMs)}, true),
           set_config('lock_timeout', '5000', true), set_config('application_name', 'kontor reconcile', true)`.execute(trx);
  return backend.pid;
}

/** The ledger's user, amount and creation columns, on the alias `l`. */
export function ledgerColumns(c: Concepts) {
  return { user: columnOf(c.ledger, 'userId', 'l'), amount: columnOf(c.ledger, 'amount', 'l'), createdAt: columnOf(c.ledger, 'createdAt', 'l') };
}

/**
 * The temp table a full run sums the accounts into (account in the users key's type, total, entries),
 * one row per user key of the ledger (and one for entries without a user). Dropped at commit.
 */
export const ACCOUNTS_TABLE = 'kontor_accounts';
export const summedAccounts = sql`select account, total, entries from ${sql.table(ACCOUNTS_TABLE)}`;

/**
 * Each account's entries at or after the horizon (an index range, where the ledger has one): not
 * settled yet, so the checkpoints and the users' fingerprint count without them.
 */
export function lateEntries(ctx: RunContext): RawBuilder<unknown> {
  const { user, amount, createdAt } = ledgerColumns(ctx.concepts);
  return sql`select ${user}::${ctx.userKey} as account, sum(${amount}) as s, count(*) as n
               from ${tableOf(ctx.concepts.ledger)} l where ${createdAt} >= ${ctx.horizon} group by 1`;
}

/** Each summed account's settled sum and count: its entries before the horizon. The checkpoints a full run leaves. */
export function settledAccounts(ctx: RunContext): RawBuilder<unknown> {
  return sql`
    select a.account::text as account, a.total - coalesce(late.s, 0) as settled_sum, a.entries - coalesce(late.n, 0) as settled_count
      from ${sql.table(ACCOUNTS_TABLE)} a left join (${lateEntries(ctx)}) late on late.account = a.account
     where a.account is not null`;
}

/** How many accounts were summed (entries without a user are no account) and how many entries that read. */
export async function countSummedAccounts(trx: Trx): Promise<{ accounts: number; entriesRead: number }> {
  const { rows: [counts] } = await sql<{ accounts: string; entries: string }>`
    select (count(*) filter (where account is not null))::text as accounts, coalesce(sum(entries), 0)::text as entries
      from ${sql.table(ACCOUNTS_TABLE)}`.execute(trx);
  return { accounts: Number(counts.accounts), entriesRead: Number(counts.entries) };
}

/** The users' fingerprint a full run stores: each cached balance less its account's entries since the horizon. */
export async function fullRunFingerprint(trx: Trx, ctx: RunContext): Promise<string> {
  const { sinceNow } = await usersFingerprints(trx, ctx.concepts, ctx.userKey, sql`
    select account, 0::numeric as since_prev, s as since_now from (${lateEntries(ctx)}) late`);
  return sinceNow;
}
