import { sql, type Kysely } from 'kysely';

/**
 * Finance (issue 7): reconciliation runs and their findings, per-account checkpoints for incremental
 * runs, and the pairs made by "reverse a ledger entry". Frozen once landed: a change is a new migration.
 *
 * Product keys are stored as text: the mapping decides their type (uuid in the demo, int elsewhere).
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.reconcile_runs (
      id bigint generated always as identity primary key,
      mode text not null check (mode in ('full', 'incremental')),
      started_at timestamptz not null default clock_timestamp(),
      finished_at timestamptz,
      started_by text not null,
      staff_id uuid,
      horizon timestamptz,
      accounts bigint,
      entries_read bigint,
      found integer,
      totals jsonb not null default '{}'
    )`.execute(db);
  await sql`create index reconcile_runs_started_idx on kontor.reconcile_runs (started_at desc)`.execute(db);
  await sql`comment on table kontor.reconcile_runs is 'One row per reconciliation (console or kontor reconcile): when, by whom, how many discrepancies.'`.execute(db);

  await sql`
    create table kontor.reconcile_findings (
      run_id bigint not null references kontor.reconcile_runs (id) on delete cascade,
      n integer not null,
      kind text not null,
      user_id text,
      payment_id text,
      task_id text,
      entry_ids text[] not null default '{}',
      expected numeric,
      actual numeric,
      detail text not null,
      primary key (run_id, n)
    )`.execute(db);
  await sql`create index reconcile_findings_kind_idx on kontor.reconcile_findings (run_id, kind)`.execute(db);

  await sql`
    create table kontor.reconcile_checkpoints (
      account text primary key,
      settled_sum numeric not null,
      settled_count bigint not null,
      cached_balance numeric,
      horizon timestamptz not null,
      run_id bigint not null
    )`.execute(db);
  await sql`comment on table kontor.reconcile_checkpoints is 'Per account: the ledger sum and count of entries created before horizon, as of run_id. An incremental run reads only entries from horizon on.'`.execute(db);

  await sql`
    create table kontor.ledger_reversals (
      original_id text primary key,
      reversal_id text not null unique,
      audit_reason text not null,
      staff_id uuid not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`comment on table kontor.ledger_reversals is 'Ledger entries reversed by Kontor and their compensating entries: an entry is reversed at most once.'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.ledger_reversals`.execute(db);
  await sql`drop table kontor.reconcile_checkpoints`.execute(db);
  await sql`drop table kontor.reconcile_findings`.execute(db);
  await sql`drop table kontor.reconcile_runs`.execute(db);
}
