import { sql, type Kysely } from 'kysely';

/**
 * The guarded-edit kernel's tables: the hash-chained, append-only audit log, idempotency keys, and
 * two-person approvals. Frozen once landed: a change is a new migration.
 *
 * The chain is kept by a BEFORE INSERT trigger, so any insert (the kernel's or anyone's) is chained:
 * it takes a transaction-scoped advisory lock, numbers the row (gapless: a rolled-back insert frees
 * its number with the lock), and sets prev_hash and hash = sha256(prev_hash || E'\n' || canonical row).
 * `kontor audit verify` recomputes the same from kontor.audit_canonical().
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.audit_log (
      id bigint primary key,
      at timestamptz not null,
      staff_id uuid not null,
      staff_email text not null,
      staff_role text not null,
      capability text not null,
      action text not null,
      target_type text not null,
      target_id text not null,
      before jsonb,
      after jsonb,
      reason text not null,
      amount numeric,
      idempotency_key text,
      request_id text,
      approval_id bigint,
      prev_hash text,
      hash text not null
    )`.execute(db);
  await sql`create index audit_log_target_idx on kontor.audit_log (target_type, target_id, id desc)`.execute(db);
  await sql`create index audit_log_staff_idx on kontor.audit_log (staff_id, at desc)`.execute(db);
  await sql`create index audit_log_action_idx on kontor.audit_log (action, at desc)`.execute(db);
  await sql`create index audit_log_at_idx on kontor.audit_log (at desc)`.execute(db);
  await sql`comment on table kontor.audit_log is 'Append-only record of every guarded edit; each row carries the hash of its predecessor. Verify with: npm run kontor -- audit verify'`.execute(db);

  // One canonical text per row: fixed key order (jsonb sorts keys), UTC timestamps with microseconds.
  await sql`
    create function kontor.audit_canonical(a kontor.audit_log) returns text
    language sql stable set search_path = pg_catalog as $$
      select jsonb_build_object(
        'id', a.id::text,
        'at', to_char(a.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'staff_id', a.staff_id::text, 'staff_email', a.staff_email, 'staff_role', a.staff_role,
        'capability', a.capability, 'action', a.action,
        'target_type', a.target_type, 'target_id', a.target_id,
        'before', a.before, 'after', a.after, 'reason', a.reason, 'amount', a.amount::text,
        'idempotency_key', a.idempotency_key, 'request_id', a.request_id, 'approval_id', a.approval_id::text,
        'prev_hash', a.prev_hash
      )::text
    $$`.execute(db);

  await sql`
    create function kontor.audit_log_chain() returns trigger
    language plpgsql set search_path = pg_catalog as $$
    declare
      last_id bigint;
      last_hash text;
    begin
      -- Serialises appends: the next row's number and predecessor are read under this lock.
      perform pg_advisory_xact_lock(7253001);
      select l.id, l.hash into last_id, last_hash from kontor.audit_log l order by l.id desc limit 1;
      new.id := coalesce(last_id, 0) + 1;
      new.at := clock_timestamp();
      new.prev_hash := last_hash;
      new.hash := encode(sha256(convert_to(coalesce(last_hash, '') || E'\n' || kontor.audit_canonical(new), 'UTF8')), 'hex');
      return new;
    end $$`.execute(db);
  await sql`create trigger audit_log_chain before insert on kontor.audit_log for each row execute function kontor.audit_log_chain()`.execute(db);

  await sql`
    create function kontor.audit_log_refuse() returns trigger
    language plpgsql set search_path = pg_catalog as $$
    begin
      raise exception 'kontor.audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger audit_log_append_only before update or delete on kontor.audit_log for each row execute function kontor.audit_log_refuse()`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on kontor.audit_log for each statement execute function kontor.audit_log_refuse()`.execute(db);
  // Privileges: nobody is granted changes; the owner gives up its own (a superuser bypasses privileges,
  // which is why the trigger is there too).
  await sql`revoke all on kontor.audit_log from public`.execute(db);
  await sql`revoke update, delete, truncate on kontor.audit_log from current_user`.execute(db);

  await sql`
    create table kontor.idempotency (
      key text primary key,
      edit text not null,
      staff_id uuid not null,
      input_hash text not null,
      result jsonb,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`comment on table kontor.idempotency is 'One row per committed guarded edit: a repeat of the key returns this result.'`.execute(db);

  await sql`
    create table kontor.approvals (
      id bigint generated always as identity primary key,
      edit text not null,
      capability text not null,
      approve_capability text not null,
      requested_by uuid not null,
      requested_email text not null,
      requested_role text not null,
      input jsonb not null,
      input_hash text not null,
      preview jsonb not null,
      preview_hash text not null,
      versions jsonb not null,
      target_type text not null,
      target_id text not null,
      amount numeric,
      reason text not null,
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      decided_by uuid,
      decided_email text,
      decided_at timestamptz,
      decision_reason text,
      constraint approvals_not_self check (decided_by <> requested_by),
      constraint approvals_decided check ((status = 'pending') = (decided_by is null)),
      constraint approvals_decision_complete check (
        status = 'pending' or (decided_at is not null and decision_reason is not null))
    )`.execute(db);
  await sql`create index approvals_pending_idx on kontor.approvals (created_at) where status = 'pending'`.execute(db);
  await sql`create index approvals_requested_idx on kontor.approvals (requested_by, edit, created_at)`.execute(db);
  await sql`comment on constraint approvals_not_self on kontor.approvals is 'Nobody approves their own request.'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.approvals`.execute(db);
  await sql`drop table kontor.idempotency`.execute(db);
  await sql`drop table kontor.audit_log cascade`.execute(db);
  await sql`drop function kontor.audit_log_refuse()`.execute(db);
  await sql`drop function kontor.audit_log_chain()`.execute(db);
}
