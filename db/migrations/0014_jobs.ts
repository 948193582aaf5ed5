import { sql, type Kysely } from 'kysely';

/**
 * Background jobs (issue 22): a reconciliation or an operations snapshot runs outside the request that
 * starts it, on whichever console instance claimed it. One row per job, with its progress, the runner's
 * heartbeat and the outcome; at most one running job per kind (a unique index, so two instances behind a
 * transaction-mode pooler cannot both claim one: no session lock is involved). A runner whose heartbeat
 * stops is found by its age, and the next claim marks its job abandoned.
 *
 * kontor.ops_snapshots keeps the operations pages' aggregates that no index gives quickly (money on the
 * queue, each worker's last hour), computed by that job, with when they were computed.
 * Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.jobs (
      id bigint generated always as identity primary key,
      kind text not null,
      params jsonb not null default '{}',
      state text not null default 'running' check (state in ('running', 'succeeded', 'failed', 'abandoned')),
      started_at timestamptz not null default clock_timestamp(),
      started_by text not null,
      staff_id uuid,
      runner text not null,
      heartbeat_at timestamptz not null default clock_timestamp(),
      progress jsonb,
      finished_at timestamptz,
      outcome jsonb,
      error text
    )`.execute(db);
  await sql`create unique index jobs_one_running_key on kontor.jobs (kind) where state = 'running'`.execute(db);
  await sql`create index jobs_kind_idx on kontor.jobs (kind, id desc)`.execute(db);
  await sql`comment on table kontor.jobs is 'Background jobs (reconciliation, operations snapshot): progress, the runner''s heartbeat, the outcome; one running per kind.'`.execute(db);

  await sql`
    create table kontor.ops_snapshots (
      name text primary key,
      as_of timestamptz not null,
      computed_at timestamptz not null default clock_timestamp(),
      ms integer not null,
      value jsonb not null
    )`.execute(db);
  await sql`comment on table kontor.ops_snapshots is 'Operations aggregates no index gives quickly, as of the queue clock as_of, computed by the ops-snapshot job.'`.execute(db);

  // Migration 0009's default privileges cover tables its role creates; another owner's need the grant.
  await sql`
    do $$ begin
      if exists (select 1 from pg_catalog.pg_roles where rolname = 'kontor_runtime') then
        grant select, insert, update, delete on kontor.jobs, kontor.ops_snapshots to kontor_runtime;
        grant usage, select on sequence kontor.jobs_id_seq to kontor_runtime;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.ops_snapshots`.execute(db);
  await sql`drop table kontor.jobs`.execute(db);
}
