import { sql, type Kysely } from 'kysely';

/**
 * Pending approval requests by what they would change (issue 19): the kernel looks for an identical
 * pending request (same edit, target and input) before filing another, and the payment and user pages
 * say which requests wait for their row. A unique index cannot refuse the duplicate itself: a pending
 * request past its expiry keeps status 'pending' (expiry is read, not written), and must not block a
 * new request; the kernel serialises the check with an advisory lock instead (lib/guard/pending.ts).
 * Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create index approvals_pending_target_idx on kontor.approvals (target_type, target_id, edit, created_at)
     where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop index kontor.approvals_pending_target_idx`.execute(db);
}
