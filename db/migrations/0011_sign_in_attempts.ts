import { sql, type Kysely } from 'kysely';

/**
 * Sign-in attempts (issue 16), kept in the database so that every console instance counts the same:
 * lib/auth/rate-limit.ts refuses an account or an address with too many recent failures. A row is
 * written before the password is checked (ok null: pending, counted as a failure) and settled after.
 * Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.sign_in_attempts (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      email text not null check (length(email) <= 320),
      address text check (length(address) <= 100),
      ok boolean
    )`.execute(db);
  await sql`create index sign_in_attempts_email_idx on kontor.sign_in_attempts (email, at desc)`.execute(db);
  await sql`create index sign_in_attempts_address_idx on kontor.sign_in_attempts (address, at desc) where address is not null`.execute(db);
  await sql`comment on table kontor.sign_in_attempts is 'Console sign-in attempts (lowercased email, client address, outcome) for the rate limit; kept a day.'`.execute(db);
  await sql`
    do $$ begin
      if exists (select from pg_roles where rolname = 'kontor_runtime') then
        grant select, insert, update, delete on kontor.sign_in_attempts to kontor_runtime;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.sign_in_attempts`.execute(db);
}
