import { sql, type Kysely } from 'kysely';

/**
 * Finance rollups (issue 22): the statement's sums over the product's ledger, kept in Kontor's own
 * schema and moved forward incrementally (lib/domain/statement-rollup-refresh.ts, finance-rollups.ts).
 * A page reads a rollup plus the entries created since its horizon (an index range), so its figures
 * stay exact and current. Frozen once landed: a change is a new migration.
 *
 * - finance_rollups: one row per rollup: the mapping it was built for (a different one rebuilds it),
 *   its horizon (entries created before it are in), the latest month it holds.
 * - statement_days: per UTC day, the statement's figures of the entries before the horizon.
 * - statement_lines: per UTC month and account, the statement line (opening, figures, closing) of every
 *   account with a balance or activity that month; never all zeros (those are deleted).
 * - statement_months: per UTC month, its number of lines, and of lines opening or closing non-zero.
 *
 * Accounts are the product's user keys as text ('' for entries without a user).
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.finance_rollups (
      name text primary key,
      signature text not null,
      horizon timestamptz not null,
      last_month date,
      entries bigint not null default 0,
      built_at timestamptz not null default clock_timestamp(),
      refreshed_at timestamptz not null default clock_timestamp(),
      refresh_ms integer
    )`.execute(db);
  await sql`comment on table kontor.finance_rollups is 'Per rollup: the mapping it follows, its horizon (product rows created before it are summed in), the latest month it holds.'`.execute(db);

  const figures = sql`grants numeric not null, spends numeric not null, adjustments numeric not null,
                      refunds numeric not null, expiries numeric not null, other numeric not null`;
  await sql`
    create table kontor.statement_days (
      day date primary key,
      ${figures},
      net numeric not null,
      entries bigint not null
    )`.execute(db);
  await sql`
    create table kontor.statement_lines (
      month date not null,
      account text not null,
      opening numeric not null,
      ${figures},
      closing numeric not null,
      primary key (month, account)
    )`.execute(db);
  // The per-user table is sorted by any figure: each has its index, so a page of 25 reads 25 rows.
  for (const c of ['opening', 'grants', 'spends', 'adjustments', 'refunds', 'expiries', 'other', 'closing']) {
    await sql`create index ${sql.id(`statement_lines_${c}_idx`)} on kontor.statement_lines (month, ${sql.id(c)})`.execute(db);
  }
  await sql`
    create table kontor.statement_months (
      month date primary key,
      lines bigint not null,
      opening_nonzero bigint not null,
      closing_nonzero bigint not null
    )`.execute(db);
  await sql`comment on table kontor.statement_months is 'Per UTC month: how many statement lines it has, and how many open or close with a balance (the per-user table''s row counts without counting a million lines).'`.execute(db);
  await sql`comment on table kontor.statement_lines is 'Per UTC month and account: the statement line of the ledger entries before the rollup''s horizon.'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.statement_months`.execute(db);
  await sql`drop table kontor.statement_lines`.execute(db);
  await sql`drop table kontor.statement_days`.execute(db);
  await sql`drop table kontor.finance_rollups`.execute(db);
}
