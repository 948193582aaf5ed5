import { sql, type Kysely } from 'kysely';

/**
 * Least privilege (issue 16): the role that runs the migrations owns the `kontor` schema; the console
 * and the CLI connect as a member of the NOLOGIN role `kontor_runtime`, which gets exactly what they
 * need here and nothing that could rewrite history. Frozen once landed: a change is a new migration.
 *
 * - The chain's head is moved by audit_log_chain() running as its owner (SECURITY DEFINER): a runtime
 *   role inserts into kontor.audit_log and has no privilege at all to change kontor.audit_head.
 *   0007 revoked UPDATE on the head from the migrating role, so without a superuser nobody could move
 *   it: the owner gets INSERT and UPDATE back (its audit_head_guard still refuses anything but the
 *   trigger, and an owner could grant itself the privilege anyway).
 * - The runtime role owns nothing, so it cannot disable a trigger (ALTER TABLE needs the owner) nor
 *   grant itself a privilege; session_replication_role is for superusers.
 * - kontor_runtime is created here when it is missing and the migrating role may create roles (the
 *   embedded demo, the tests); on a hosted database the README's SQL creates it first.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    do $$
    begin
      if not exists (select from pg_roles where rolname = 'kontor_runtime') then
        begin
          create role kontor_runtime nologin;
        exception
          when duplicate_object or unique_violation then null; -- created by another migration at once
          when insufficient_privilege then
            raise exception 'the role kontor_runtime is missing and % may not create it', current_user
              using hint = 'Create the roles first: README, "Least-privilege roles".';
        end;
      end if;
    end $$`.execute(db);

  await sql`grant usage on schema kontor to kontor_runtime`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema kontor to kontor_runtime`.execute(db);
  await sql`grant usage, select on all sequences in schema kontor to kontor_runtime`.execute(db);
  // Tables a later migration creates get the same (an append-only one revokes what it must).
  await sql`alter default privileges in schema kontor grant select, insert, update, delete on tables to kontor_runtime`.execute(db);
  await sql`alter default privileges in schema kontor grant usage, select on sequences to kontor_runtime`.execute(db);
  // Append-only: read and append, nothing else. (ledger_reversals keeps UPDATE: a reversal locks its row.)
  await sql`revoke update, delete on kontor.audit_log, kontor.user_notes, kontor.refunds, kontor.credit_grants from kontor_runtime`.execute(db);
  await sql`revoke insert, update, delete on kontor.audit_head from kontor_runtime`.execute(db);
  await sql`revoke delete on kontor.ledger_reversals from kontor_runtime`.execute(db);
  // Only the migrating role changes which migrations ran.
  await sql`revoke insert, update, delete on kontor.kysely_migration, kontor.kysely_migration_lock from kontor_runtime`.execute(db);

  await sql`grant insert, update on kontor.audit_head to current_user`.execute(db);
  await sql`alter function kontor.audit_log_chain() security definer`.execute(db);
  await sql`revoke all on function kontor.audit_log_chain() from public`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`alter function kontor.audit_log_chain() security invoker`.execute(db);
  await sql`revoke insert, update on kontor.audit_head from current_user`.execute(db);
  await sql`alter default privileges in schema kontor revoke all on tables from kontor_runtime`.execute(db);
  await sql`alter default privileges in schema kontor revoke all on sequences from kontor_runtime`.execute(db);
  await sql`revoke all on all tables in schema kontor from kontor_runtime`.execute(db);
  await sql`revoke all on all sequences in schema kontor from kontor_runtime`.execute(db);
  await sql`revoke usage on schema kontor from kontor_runtime`.execute(db);
}
