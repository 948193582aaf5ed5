import { sql, type Kysely } from 'kysely';

/**
 * The statement's per-user lines of a period that is not a whole month (a day, a custom range), stored
 * once computed (issue 22). The month lines (0013) give each account's balance at the start of a month;
 * the balance on a later day adds every entry of the month before that day, millions at the benchmark
 * size, and the page sorts a million accounts by it. A background job sums them once into
 * statement_period_lines (every account with a balance or activity, as of the entries created before
 * `upto`); a page reads a page of them by an index on the sort's figure and adds the entries created
 * since `upto`, read live. A period is tied to the rollup build it started from (`rollup_built_at`): a
 * rebuild makes it stale. The job analyzes the lines it wrote (MAINTAIN, from PostgreSQL 17): the planner
 * then knows a new period has a million lines, not none. Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.statement_periods (
      id bigint generated always as identity primary key,
      period_from timestamptz not null,
      period_to timestamptz not null,
      signature text not null,
      rollup_built_at timestamptz not null,
      upto timestamptz not null,
      lines bigint not null,
      entries bigint not null,
      computed_at timestamptz not null default clock_timestamp(),
      ms integer not null,
      unique (period_from, period_to)
    )`.execute(db);
  await sql`
    create table kontor.statement_period_lines (
      period_id bigint not null references kontor.statement_periods on delete cascade,
      account text not null,
      opening numeric not null, grants numeric not null, spends numeric not null, adjustments numeric not null,
      refunds numeric not null, expiries numeric not null, other numeric not null, closing numeric not null,
      primary key (period_id, account)
    )`.execute(db);
  for (const c of ['opening', 'grants', 'spends', 'adjustments', 'refunds', 'expiries', 'other', 'closing']) {
    await sql`create index ${sql.id(`statement_period_lines_${c}_idx`)} on kontor.statement_period_lines (period_id, ${sql.id(c)})`.execute(db);
  }
  await sql`comment on table kontor.statement_periods is 'Statement periods other than whole months whose per-user lines Kontor computed: the entries created before upto are in them.'`.execute(db);
  await sql`comment on table kontor.statement_period_lines is 'Per stored statement period and account: opening, the period''s figures and closing, of the entries created before the period''s upto.'`.execute(db);
  await sql`
    do $$ begin
      if exists (select 1 from pg_catalog.pg_roles where rolname = 'kontor_runtime') then
        grant select, insert, update, delete on kontor.statement_periods, kontor.statement_period_lines to kontor_runtime;
        -- The job analyzes the lines it wrote before they are read (PostgreSQL 17 has the privilege; before it,
        -- autovacuum's analyze follows within minutes).
        if current_setting('server_version_num')::int >= 170000 then
          execute 'grant maintain on kontor.statement_period_lines to kontor_runtime';
        end if;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.statement_period_lines`.execute(db);
  await sql`drop table kontor.statement_periods`.execute(db);
}
