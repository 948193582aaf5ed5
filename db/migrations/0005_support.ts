import { sql, type Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
// Support's records (issue 6), kept in Kontor's schema because a product need not have them:
// - user_notes: what staff know about a customer; written only through the guarded edit users.addNote.
// - refunds: a refund of a payment (the product may have no refunds table). Never updated: a partial
//   refund is another row, and their sum is checked against the payment under the payment's row lock.
// - credit_grants: at most one Kontor grant of a payment's missing credits. The product's ledger may
//   hold a payment credited twice already, so a unique index there may be impossible; this key is not.
// Product ids are text: the product's key may be a uuid, a bigint or anything else.
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.user_notes (
      id bigint generated always as identity primary key,
      user_id text not null check (length(user_id) between 1 and 200),
      body text not null check (length(btrim(body)) between 1 and 4000),
      created_by uuid not null,
      created_by_email text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index user_notes_user_idx on kontor.user_notes (user_id, created_at desc, id desc)`.execute(db);

  await sql`
    create table kontor.refunds (
      id bigint generated always as identity primary key,
      payment_id text not null check (length(payment_id) between 1 and 200),
      user_id text,
      amount numeric(14, 2) not null check (amount > 0),
      currency text,
      credits numeric(14, 2) not null check (credits >= 0),
      ledger_entry_id text,
      created_by uuid not null,
      created_by_email text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index refunds_payment_idx on kontor.refunds (payment_id)`.execute(db);

  await sql`
    create table kontor.credit_grants (
      payment_id text primary key check (length(payment_id) between 1 and 200),
      user_id text not null,
      credits numeric(14, 2) not null check (credits > 0),
      ledger_entry_id text,
      created_by uuid not null,
      created_by_email text not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create function kontor.support_refuse_change() returns trigger
      language plpgsql
      set search_path = ''
      as $$
    begin
      raise exception 'kontor.% is append-only: % refused', tg_table_name, tg_op
        using errcode = 'check_violation', hint = 'Record a correction as a new row.';
    end
    $$`.execute(db);
  for (const table of ['user_notes', 'refunds', 'credit_grants']) {
    // Append-only, like the audit log: a correction is a new row.
    await sql`
      create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(`kontor.${table}`)}
        for each row execute function kontor.support_refuse_change()`.execute(db);
  }
  await sql`comment on table kontor.user_notes is 'Staff notes about a product user (guarded edit users.addNote).'`.execute(db);
  await sql`comment on table kontor.refunds is 'Refunds recorded by Kontor: one row per (partial) refund, with its negative ledger entry.'`.execute(db);
  await sql`comment on table kontor.credit_grants is 'Missing credits granted by Kontor: at most one per payment (the primary key).'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.credit_grants`.execute(db);
  await sql`drop table kontor.refunds`.execute(db);
  await sql`drop table kontor.user_notes`.execute(db);
  await sql`drop function kontor.support_refuse_change()`.execute(db);
}
