import { sql, type Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
export async function up(db: Kysely<unknown>) {
  await sql`create schema if not exists kontor`.execute(db);
  await sql`
    create table kontor.staff (
      user_id uuid primary key,
      email text not null,
      role text not null check (role in ('viewer', 'support', 'finance', 'engineer', 'admin')),
      created_at timestamptz not null default now(),
      created_by uuid,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index staff_email_key on kontor.staff (lower(email))`.execute(db);
  await sql`comment on table kontor.staff is 'Who may use Kontor and with which role. Keyed by auth.users.id; never read roles from user metadata.'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.staff`.execute(db);
}
