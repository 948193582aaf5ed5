/**
 * A full run's per-account checkpoints and the users' fingerprint (run.ts): what lets the next,
 * incremental run read only the ledger entries since this one.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, keyOf, tableOf } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import type { Concepts } from '@/lib/domain/reconcile/checks';

/**
 * Makes the checkpoints equal `settled` (account, settled_sum, settled_count): changed rows updated,
 * new ones inserted, those of accounts gone from the ledger deleted (in the same pass on PostgreSQL 17+).
 */
export async function writeCheckpoints(trx: Trx, settled: RawBuilder<unknown>, horizon: Date, runId: string) {
  const { rows: [v] } = await sql<{ n: number }>`select current_setting('server_version_num')::int as n`.execute(trx);
  const bySource = v.n >= 170000;
  if (!bySource) {
    await sql`
      delete from kontor.reconcile_checkpoints cp
       where not exists (select from (${settled}) s where s.account = cp.account)`.execute(trx);
  }
  await sql`
    merge into kontor.reconcile_checkpoints cp using (${settled}) s on s.account = cp.account
     when matched and (cp.settled_sum, cp.settled_count) is distinct from (s.settled_sum, s.settled_count) then
       update set settled_sum = s.settled_sum, settled_count = s.settled_count, horizon = ${horizon}, run_id = ${runId}
     when not matched then
       insert (account, settled_sum, settled_count, horizon, run_id) values (s.account, s.settled_sum, s.settled_count, ${horizon}, ${runId})
     ${bySource ? sql`when not matched by source then delete` : sql``}`.execute(trx);
}

/**
 * XOR over the users of a 64-bit hash of (key, cached balance less the entries in `late`), for
 * `late` = each account's entries since the previous run's horizon and since this run's (migration
 * 0008). A cache kept with the ledger leaves the first equal to the previous run's second; a drifted
 * cache, a new or a removed user changes it (but for a 2^-64 chance).
 */
export async function usersFingerprints(trx: Trx, c: Concepts, uKey: RawBuilder<unknown>, late: RawBuilder<unknown>) {
  const { users } = c;
  const cached = hasColumn(users, 'credits') ? sql`u.${columnOf(users, 'credits')}::numeric` : sql`null::numeric`;
  const key = sql`u.${keyOf(users)}::${uKey}`;
  // The users without late entries hash once, into both.
  const { rows: [r] } = await sql<{ since_prev: string; since_now: string }>`
    with f as (
      select coalesce(bit_xor(hash_record_extended(row(${key}, ${cached}), 0)) filter (where x.account is null), 0) as base,
             coalesce(bit_xor(hash_record_extended(row(${key}, ${cached} - x.since_prev), 0)) filter (where x.account is not null), 0) as prev,
             coalesce(bit_xor(hash_record_extended(row(${key}, ${cached} - x.since_now), 0)) filter (where x.account is not null), 0) as now
        from ${tableOf(users)} u left join (${late}) x on x.account = ${key})
    select (base # prev)::text as since_prev, (base # now)::text as since_now from f`.execute(trx);
  return { sincePrev: r.since_prev, sinceNow: r.since_now };
}

/**
 * An order-free hash of a set of checkpoint rows (account, settled_sum, settled_count): the XOR of a
 * 64-bit hash of each row. The accounts are unique, so equal hashes mean equal sets but for a 2^-64
 * chance: a full run compares its settled sums with the stored checkpoints this way (one pass each,
 * far cheaper than joining them) and writes only when they differ.
 */
export async function checkpointsHash(trx: Trx, rows: RawBuilder<unknown> = sql`select account, settled_sum, settled_count from kontor.reconcile_checkpoints`): Promise<string> {
  const { rows: [hashed] } = await sql<{ hash: string }>`
    select coalesce(bit_xor(hash_record_extended(row(r.account, r.settled_sum, r.settled_count), 0)), 0)::text as hash
      from (${rows}) r`.execute(trx);
  return hashed.hash;
}
