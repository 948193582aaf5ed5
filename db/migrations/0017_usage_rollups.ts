import { sql, type Kysely } from 'kysely';

/**
 * Usage costs' rollup (issue 22): the API cost log and the ledger's spends summed per UTC day and
 * account (and per provider and model), each account's paid price per credit, and what the page shows
 * for a whole month or a day (per account, per model, per day) computed from them. Moved forward by
 * lib/domain/usage-rollup-refresh.ts: an account whose calls, spends or payments changed since the last
 * refresh has its rows computed again from the product's tables and the sums adjusted by the
 * difference; a page adds the same for the accounts changed since (lib/domain/usage-rollup.ts), so
 * what it shows is exact and current. Accounts are the product's user keys as text, '' for calls
 * without a user. Frozen once landed: a change is a new migration.
 *
 * finance_rollups gains `marks`: where each source's rows stop besides the horizon (the API cost log's
 * last key, when its key is an increasing integer and its created-at column has no index).
 */
export async function up(db: Kysely<unknown>) {
  await sql`alter table kontor.finance_rollups add column marks jsonb not null default '{}'`.execute(db);
  await sql`
    create table kontor.usage_user_days (
      day date not null, account text not null,
      cost numeric not null, calls bigint not null, tokens numeric not null, credits numeric not null,
      revenue numeric not null, margin numeric not null,
      primary key (day, account)
    )`.execute(db);
  await sql`create index usage_user_days_account_idx on kontor.usage_user_days (account, day)`.execute(db);
  await sql`
    create table kontor.usage_model_days (
      day date not null, account text not null, provider text, model text,
      cost numeric not null, calls bigint not null, tokens numeric not null
    )`.execute(db);
  await sql`create index usage_model_days_day_idx on kontor.usage_model_days (day)`.execute(db);
  await sql`create index usage_model_days_account_idx on kontor.usage_model_days (account, day)`.execute(db);
  await sql`
    create table kontor.usage_prices (
      account text primary key, amount numeric not null, credits numeric not null
    )`.execute(db);
  await sql`
    create table kontor.usage_months (
      month date not null, account text not null,
      cost numeric not null, calls bigint not null, credits numeric not null, revenue numeric not null, margin numeric not null,
      primary key (month, account)
    )`.execute(db);
  // The per-user table of a month or a day is sorted by any figure: each has its index, so a page of 25 reads 25 rows.
  for (const c of ['cost', 'calls', 'credits', 'revenue', 'margin']) {
    await sql`create index ${sql.id(`usage_months_${c}_idx`)} on kontor.usage_months (month, ${sql.id(c)})`.execute(db);
    await sql`create index ${sql.id(`usage_user_days_${c}_idx`)} on kontor.usage_user_days (day, ${sql.id(c)})`.execute(db);
  }
  await sql`
    create table kontor.usage_model_months (
      month date not null, provider text, model text,
      cost numeric not null, calls bigint not null, tokens numeric not null, credits numeric not null, revenue numeric not null,
      unique nulls not distinct (month, provider, model)
    )`.execute(db);
  await sql`
    create table kontor.usage_model_day_totals (
      day date not null, provider text, model text,
      cost numeric not null, calls bigint not null, tokens numeric not null, credits numeric not null, revenue numeric not null,
      unique nulls not distinct (day, provider, model)
    )`.execute(db);
  await sql`
    create table kontor.usage_days (
      day date primary key, cost numeric not null, credits numeric not null, revenue numeric not null
    )`.execute(db);
  await sql`comment on table kontor.usage_user_days is 'Per UTC day and account: API cost, calls, tokens and credits spent, of the rows before the usage rollup''s horizon.'`.execute(db);
  await sql`comment on table kontor.usage_months is 'Per UTC month and account: the usage-costs line (cost, calls, credits, revenue at the account''s price, margin).'`.execute(db);
  await sql`
    do $$ begin
      if exists (select 1 from pg_catalog.pg_roles where rolname = 'kontor_runtime') then
        grant select, insert, update, delete on kontor.usage_user_days, kontor.usage_model_days, kontor.usage_prices,
          kontor.usage_months, kontor.usage_model_months, kontor.usage_model_day_totals, kontor.usage_days to kontor_runtime;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  for (const t of ['usage_days', 'usage_model_day_totals', 'usage_model_months', 'usage_months', 'usage_prices', 'usage_model_days', 'usage_user_days']) {
    await sql`drop table ${sql.id('kontor', t)}`.execute(db);
  }
  await sql`alter table kontor.finance_rollups drop column marks`.execute(db);
}
