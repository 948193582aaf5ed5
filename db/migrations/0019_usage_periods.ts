import { sql, type Kysely } from 'kysely';

/**
 * Usage costs of a custom period (several days, not a whole month), stored once computed (issue 22).
 * The rollup (0017) keeps per-user lines per month and per day; a custom week sums a million user-day
 * and model-day rows per view (30-40 s at the benchmark size). A background job sums them once, as of
 * the usage rollup's horizon then (`horizon`, `marks`): per account its line, per account and model its
 * share (so that an account changed since can be taken out and read live), and the model totals. A page
 * reads them as it reads a month's, with the accounts changed since `horizon` read live. A period is tied
 * to the rollup build it started from (`rollup_built_at`). Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.usage_periods (
      id bigint generated always as identity primary key,
      period_from timestamptz not null,
      period_to timestamptz not null,
      signature text not null,
      rollup_built_at timestamptz not null,
      horizon timestamptz not null,
      marks jsonb not null default '{}',
      lines bigint not null,
      computed_at timestamptz not null default clock_timestamp(),
      ms integer not null,
      unique (period_from, period_to)
    )`.execute(db);
  await sql`
    create table kontor.usage_period_lines (
      period_id bigint not null references kontor.usage_periods on delete cascade,
      account text not null,
      cost numeric not null, calls bigint not null, credits numeric not null, revenue numeric not null, margin numeric not null,
      primary key (period_id, account)
    )`.execute(db);
  for (const c of ['cost', 'calls', 'credits', 'revenue', 'margin']) {
    await sql`create index ${sql.id(`usage_period_lines_${c}_idx`)} on kontor.usage_period_lines (period_id, ${sql.id(c)})`.execute(db);
  }
  await sql`
    create table kontor.usage_period_models (
      period_id bigint not null references kontor.usage_periods on delete cascade,
      account text not null, provider text, model text,
      cost numeric not null, calls bigint not null, tokens numeric not null, credits numeric not null, revenue numeric not null
    )`.execute(db);
  await sql`create index usage_period_models_account_idx on kontor.usage_period_models (period_id, account)`.execute(db);
  await sql`
    create table kontor.usage_period_model_totals (
      period_id bigint not null references kontor.usage_periods on delete cascade,
      provider text, model text,
      cost numeric not null, calls bigint not null, tokens numeric not null, credits numeric not null, revenue numeric not null
    )`.execute(db);
  await sql`create index usage_period_model_totals_period_idx on kontor.usage_period_model_totals (period_id)`.execute(db);
  await sql`comment on table kontor.usage_periods is 'Custom usage-costs periods Kontor computed, as of the usage rollup''s horizon then.'`.execute(db);
  await sql`
    do $$ begin
      if exists (select 1 from pg_catalog.pg_roles where rolname = 'kontor_runtime') then
        grant select, insert, update, delete on kontor.usage_periods, kontor.usage_period_lines, kontor.usage_period_models,
          kontor.usage_period_model_totals to kontor_runtime;
        -- The job analyzes what it wrote before it is read (PostgreSQL 17 has the privilege).
        if current_setting('server_version_num')::int >= 170000 then
          execute 'grant maintain on kontor.usage_period_lines, kontor.usage_period_models to kontor_runtime';
        end if;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  for (const t of ['usage_period_model_totals', 'usage_period_models', 'usage_period_lines', 'usage_periods']) {
    await sql`drop table ${sql.id('kontor', t)}`.execute(db);
  }
}
