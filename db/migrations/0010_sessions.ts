import { sql, type Kysely } from 'kysely';

/**
 * Server-side sessions (issue 16): a signed cookie alone cannot be taken back, so every sign-in also
 * gets a row here, and the console accepts a cookie only while its row stands. Sign-out revokes the
 * row; a role change or a removal revokes every row of that staff member (the trigger below, whichever
 * path changed kontor.staff: the console, `kontor staff add`, or SQL); an idle row expires.
 * The cookie holds a random token; only its sha256 is stored. Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.sessions (
      id text primary key check (id ~ '^[0-9a-f]{64}$'),
      staff_id uuid not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoked_why text
    )`.execute(db);
  await sql`create index sessions_staff_idx on kontor.sessions (staff_id) where revoked_at is null`.execute(db);
  await sql`comment on table kontor.sessions is 'Console sessions: sha256 of the cookie token; revoked by sign-out, a role change or removal; expire when idle.'`.execute(db);

  await sql`
    create function kontor.staff_revoke_sessions() returns trigger
    language plpgsql set search_path = pg_catalog as $$
    begin
      update kontor.sessions set revoked_at = now(),
             revoked_why = case when tg_op = 'DELETE' then 'removed from staff' else 'role changed to ' || new.role end
       where staff_id = old.user_id and revoked_at is null;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger staff_revoke_sessions_on_role after update of role on kontor.staff
      for each row when (old.role is distinct from new.role) execute function kontor.staff_revoke_sessions()`.execute(db);
  await sql`
    create trigger staff_revoke_sessions_on_delete after delete on kontor.staff
      for each row execute function kontor.staff_revoke_sessions()`.execute(db);
  // Migration 0009's default privileges give the runtime role this table where the same role migrates;
  // granted here too for a database whose earlier migrations ran as another role.
  await sql`
    do $$ begin
      if exists (select from pg_roles where rolname = 'kontor_runtime') then
        grant select, insert, update on kontor.sessions to kontor_runtime;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.sessions`.execute(db);
  await sql`drop function kontor.staff_revoke_sessions()`.execute(db);
}
