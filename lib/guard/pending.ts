/**
 * Requests waiting for a second person, by what they would change. The kernel files one request per
 * edit, target and input (refuseDuplicateRequest, in the commit's transaction), and the pages that show
 * a row say which requests wait for it (listPendingRequests).
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase, Trx } from '@/db/types';
import type { Target } from '@/lib/guard/define';
import { GuardError } from '@/lib/guard/errors';
import { formatWhen } from '@/lib/format';

/** A pending request as a page mentions it: who filed what, when, and until when it can be decided. */
export interface PendingRequest {
  id: string;
  edit: string;
  target: Target;
  requestedEmail: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * Refuses a request identical to one still pending (not expired): same edit, same target, same input.
 * Two commits racing (two instances, two staff members) queue on a transaction-scoped advisory lock
 * of the edit and target, so the second sees the first's row once the first commits.
 */
export async function refuseDuplicateRequest(trx: Trx, edit: string, target: Target, inputHash: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${`kontor.request:${edit}`}), hashtext(${`${target.type}:${target.id}`}))`.execute(trx);
  const { rows } = await sql<{ id: string; requested_email: string; created_at: Date }>`
    select id::text, requested_email, created_at from kontor.approvals
     where status = 'pending' and expires_at > now()
       and target_type = ${target.type} and target_id = ${target.id} and edit = ${edit} and input_hash = ${inputHash}
     order by created_at limit 1`.execute(trx);
  const prior = rows[0];
  if (prior) {
    throw new GuardError(
      'conflict',
      `The same request is already waiting for approval: request #${prior.id}, filed by ${prior.requested_email} on ${formatWhen(prior.created_at)}. Nothing new was filed; it can be decided on the Approvals page.`,
    );
  }
}

/** Pending, unexpired requests for these targets, oldest first (bounded: a page names a handful). */
export async function listPendingRequests(trx: Kysely<KontorDatabase> | Trx, targets: readonly Target[]): Promise<PendingRequest[]> {
  if (targets.length === 0) return [];
  const { rows } = await sql<{ id: string; edit: string; target_type: string; target_id: string; requested_email: string; created_at: Date; expires_at: Date }>`
    select a.id::text, a.edit, a.target_type, a.target_id, a.requested_email, a.created_at, a.expires_at
      from kontor.approvals a
      join unnest(${targets.map((t) => t.type)}::text[], ${targets.map((t) => t.id)}::text[]) as t(type, id)
        on a.target_type = t.type and a.target_id = t.id
     where a.status = 'pending' and a.expires_at > now()
     order by a.created_at, a.id limit 50`.execute(trx);
  return rows.map((r) => ({
    id: r.id,
    edit: r.edit,
    target: { type: r.target_type, id: r.target_id },
    requestedEmail: r.requested_email,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
  }));
}
