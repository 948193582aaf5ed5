import { sql, type Kysely } from 'kysely';

/**
 * Finance (issue 7): each reconciliation run keeps a fingerprint of the users' cached balances (an XOR
 * of one 64-bit hash per user of its key and its cached balance less its ledger entries from the run's
 * horizon on). The next incremental run computes the same over the users in one scan: when it matches,
 * no cached balance moved except with the ledger, so only the accounts with new entries need a balance
 * check. Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`alter table kontor.reconcile_runs add column users_fingerprint bigint`.execute(db);
  await sql`comment on column kontor.reconcile_runs.users_fingerprint is 'XOR over users of hash(key, cached balance - ledger entries from horizon on); null: not taken'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`alter table kontor.reconcile_runs drop column users_fingerprint`.execute(db);
}
