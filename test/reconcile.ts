/**
 * For the reconciliation's tests: what a run returned and left behind, but for what differs from run to
 * run (its id, horizon and time), so that two strategies' runs over the same data compare as equal.
 */
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { RunResult } from '@/lib/domain/reconcile/run';

export async function runOutcome(db: Kysely<KontorDatabase>, r: RunResult) {
  const { rows: checkpoints } = await sql<{ account: string; sum: string; count: string }>`
    select account, settled_sum::text as sum, settled_count::text as count from kontor.reconcile_checkpoints order by account`.execute(db);
  const { rows: [kept] } = await sql<{ fingerprint: string; accounts: string; entries: string; found: number; totals: unknown }>`
    select users_fingerprint::text as fingerprint, accounts, entries_read as entries, found, totals
      from kontor.reconcile_runs where id = ${r.runId}`.execute(db);
  return { mode: r.mode, accounts: r.accounts, entriesRead: r.entriesRead, findings: r.findings, totals: r.totals, checkpoints, kept };
}

/** Forgets the checkpoints, so that the next full run writes every one of them (the fast strategy writes only when they differ). */
export async function forgetCheckpoints(db: Kysely<KontorDatabase>) {
  await sql`delete from kontor.reconcile_checkpoints`.execute(db);
}
