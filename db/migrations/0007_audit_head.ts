import { sql, type Kysely } from 'kysely';

/**
 * The audit log's head: the number and hash of its last row, kept in one row beside the log and moved
 * by the same trigger that chains each new row. A chain alone cannot show that its last rows were
 * removed (what is left is a valid, shorter chain); with the head, `audit verify` can, and numbering
 * continues from the head, so a row appended after such a removal leaves a visible gap too.
 * Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.audit_head (
      singleton boolean primary key default true check (singleton),
      last_id bigint not null,
      last_hash text not null
    )`.execute(db);
  await sql`comment on table kontor.audit_head is 'Number and hash of the last audit row, moved only by the audit_log_chain trigger; audit verify compares it with the log'`.execute(db);
  await sql`
    insert into kontor.audit_head (last_id, last_hash)
    select l.id, l.hash from kontor.audit_log l order by l.id desc limit 1`.execute(db);

  await sql`
    create or replace function kontor.audit_log_chain() returns trigger
    language plpgsql set search_path = pg_catalog as $$
    declare
      last_id bigint;
      last_hash text;
    begin
      -- Serialises appends: the next row's number and predecessor are read under this lock.
      perform pg_advisory_xact_lock(7253001);
      select h.last_id, h.last_hash into last_id, last_hash from kontor.audit_head h;
      new.id := coalesce(last_id, 0) + 1;
      new.at := clock_timestamp();
      new.prev_hash := last_hash;
      new.hash := encode(sha256(convert_to(coalesce(last_hash, '') || E'\n' || kontor.audit_canonical(new), 'UTF8')), 'hex');
      insert into kontor.audit_head as h (last_id, last_hash) values (new.id, new.hash)
        on conflict (singleton) do update set last_id = excluded.last_id, last_hash = excluded.last_hash;
      return new;
    end $$`.execute(db);

  // Only the trigger moves the head: nobody else may change it (a superuser still can; verify then
  // finds the head and the log disagreeing, unless both were rewritten consistently).
  await sql`
    create function kontor.audit_head_guard() returns trigger
    language plpgsql set search_path = pg_catalog as $$
    begin
      if pg_trigger_depth() < 2 then
        raise exception 'kontor.audit_head is moved only by appending to kontor.audit_log: % refused', tg_op using errcode = 'insufficient_privilege';
      end if;
      return coalesce(new, old);
    end $$`.execute(db);
  await sql`create trigger audit_head_guard before insert or update or delete on kontor.audit_head for each row execute function kontor.audit_head_guard()`.execute(db);
  await sql`create trigger audit_head_no_truncate before truncate on kontor.audit_head for each statement execute function kontor.audit_log_refuse()`.execute(db);
  await sql`revoke all on kontor.audit_head from public`.execute(db);
  await sql`revoke update, delete, truncate on kontor.audit_head from current_user`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`
    create or replace function kontor.audit_log_chain() returns trigger
    language plpgsql set search_path = pg_catalog as $$
    declare
      last_id bigint;
      last_hash text;
    begin
      perform pg_advisory_xact_lock(7253001);
      select l.id, l.hash into last_id, last_hash from kontor.audit_log l order by l.id desc limit 1;
      new.id := coalesce(last_id, 0) + 1;
      new.at := clock_timestamp();
      new.prev_hash := last_hash;
      new.hash := encode(sha256(convert_to(coalesce(last_hash, '') || E'\n' || kontor.audit_canonical(new), 'UTF8')), 'hex');
      return new;
    end $$`.execute(db);
  await sql`drop table kontor.audit_head`.execute(db);
  await sql`drop function kontor.audit_head_guard()`.execute(db);
}
