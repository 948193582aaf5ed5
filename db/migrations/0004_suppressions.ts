import { sql, type Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
// An advisor finding hidden on purpose: for one object (or the whole advisor when `object` is null),
// with the reason and an expiry after which the finding shows again.
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.suppressions (
      id uuid primary key default gen_random_uuid(),
      advisor_id text not null check (advisor_id ~ '^[a-z0-9_]{1,64}$'),
      object text check (length(object) <= 1000),
      reason text not null check (length(btrim(reason)) between 3 and 2000),
      expires_at timestamptz not null,
      created_by uuid not null,
      created_by_email text not null,
      created_at timestamptz not null default now(),
      check (expires_at > created_at)
    )`.execute(db);
  await sql`create index suppressions_advisor_idx on kontor.suppressions (advisor_id, expires_at)`.execute(db);
  await sql`comment on table kontor.suppressions is 'Advisor findings hidden on purpose, with a reason and an expiry (issue 5).'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.suppressions`.execute(db);
}
