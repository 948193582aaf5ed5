/**
 * Two-person approval. A request (kontor.approvals, written by commitEdit above an edit's threshold)
 * is decided by someone else with the edit's approveCapability: approval re-reads the rows, compares
 * their versions and the preview with the request's, and applies through the kernel's own path.
 * The database refuses self-approval too (CHECK approvals_not_self). The caller passes the edits it
 * knows (lib/edits/registry.ts): the kernel declares none itself.
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import { getDb, write } from '@/db/index';
import type { ApprovalStatus, KontorDatabase, Trx } from '@/db/types';
import type { StaffContext } from '@/lib/auth';
import { isCapability } from '@/lib/auth/permissions';
import type { AnyEdit } from '@/lib/guard/define';
import { appendAudit } from '@/lib/guard/audit';
import { hashOf } from '@/lib/guard/canonical';
import { GuardError } from '@/lib/guard/errors';
import { sameVersions, simulate, type GuardOptions, type Preview } from '@/lib/guard/kernel';
import { reasonSchema } from '@/lib/guard/text';
import type { RowVersion } from '@/lib/guard/token';

export type Decision = 'approve' | 'reject';

/** The edits an approval may name, by name. */
export type EditsByName = ReadonlyMap<string, AnyEdit>;

export interface ApprovalView {
  id: string;
  edit: string;
  label: string;
  status: ApprovalStatus | 'expired';
  requestedBy: { userId: string; email: string; role: string };
  reason: string;
  preview: Preview;
  target: { type: string; id: string };
  createdAt: string;
  expiresAt: string;
  decidedEmail: string | null;
  decisionReason: string | null;
  /** True when this staff member may decide it: has the capability and did not request it. */
  canDecide: boolean;
}

const STALE_REQUEST =
  'What this request would change has changed since it was made: nothing was written. Reject it, and ask for a new request if it is still needed.';

export async function decideApproval(
  edits: EditsByName,
  staff: StaffContext,
  id: unknown,
  decision: unknown,
  rawReason: unknown,
  opts: GuardOptions = {},
): Promise<{ status: 'approved' | 'rejected'; auditId: string; result?: unknown }> {
  if (typeof id !== 'string' || !/^\d{1,18}$/.test(id)) throw new GuardError('not-found', 'No such approval request.');
  if (decision !== 'approve' && decision !== 'reject') throw new GuardError('invalid', 'Choose approve or reject.');
  const reason = reasonSchema.safeParse(rawReason ?? '');
  if (!reason.success) {
    const messages = reason.error.issues.map((i) => i.message);
    throw new GuardError('invalid', `reason: ${messages[0]}`, { reason: messages });
  }

  return write(async (trx) => {
    const row = await trx.selectFrom('kontor.approvals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw new GuardError('not-found', 'No such approval request.');
    const edit = edits.get(row.edit);
    if (!edit || !isCapability(row.approve_capability)) throw new GuardError('misconfigured', `This Kontor does not know the edit ${row.edit}.`);
    if (!staff.can(row.approve_capability)) {
      throw new GuardError('forbidden', `Your role (${staff.role}) may not decide this request: it needs ${row.approve_capability}.`);
    }
    if (row.status !== 'pending') throw new GuardError('conflict', `This request was already ${row.status}.`);
    if (row.expires_at.getTime() <= Date.now()) throw new GuardError('conflict', 'This request has expired; ask for a new one.');
    if (row.requested_by === staff.userId) {
      throw new GuardError('conflict', 'You made this request: someone else has to decide it.');
    }
    const target = { type: row.target_type, id: row.target_id };
    const decided = async (status: 'approved' | 'rejected') =>
      trx
        .updateTable('kontor.approvals')
        .set({ status, decided_by: staff.userId, decided_email: staff.email, decided_at: sql<string>`now()`, decision_reason: reason.data })
        .where('id', '=', id)
        .execute();

    if (decision === 'reject') {
      await decided('rejected');
      const audit = await appendAudit(trx, {
        staff, capability: row.approve_capability, action: `${row.edit}.reject`, target,
        before: null, after: null, reason: reason.data, approvalId: id, requestId: opts.requestId,
      });
      return { status: 'rejected' as const, auditId: audit.id };
    }

    const input = edit.input.parse(row.input);
    const applied = await applyApproved(trx, staff, edit, input, row.versions as RowVersion[], row.preview_hash);
    await decided('approved');
    const audit = await appendAudit(trx, {
      staff, capability: row.approve_capability, action: row.edit, target: applied.loaded.target,
      before: applied.loaded.before, after: applied.applied.after, reason: reason.data,
      amount: row.amount, approvalId: id, requestId: opts.requestId,
    });
    return { status: 'approved' as const, auditId: audit.id, result: applied.applied.result ?? null };
  }, {}, opts.db ?? getDb());
}

async function applyApproved(trx: Trx, staff: StaffContext, edit: AnyEdit, input: unknown, versions: RowVersion[], previewHash: string) {
  const current = await edit.load(trx, input, staff);
  if (!sameVersions(current.rows, versions)) throw new GuardError('stale', STALE_REQUEST);
  const sim = await simulate(trx, edit, input, staff);
  // The approver approved what the request showed; the preview must still be exactly that.
  if (hashOf({ ...sim.preview, needsApproval: true }) !== previewHash) throw new GuardError('stale', STALE_REQUEST);
  return sim;
}

/** Pending and recent requests, newest first; bounded. */
export async function listApprovals(
  db: Kysely<KontorDatabase> | Trx,
  edits: EditsByName,
  staff: StaffContext,
  q: { status: 'pending' | 'decided'; limit: number; offset: number },
): Promise<{ rows: ApprovalView[]; total: number }> {
  if (!staff.can('approvals.read')) throw new GuardError('forbidden', 'approvals.read is required to see approval requests.');
  const { rows } = await sql<{
    id: string; edit: string; status: ApprovalStatus; requested_by: string; requested_email: string; requested_role: string;
    reason: string; preview: Preview; target_type: string; target_id: string; created_at: Date; expires_at: Date;
    decided_email: string | null; decision_reason: string | null; approve_capability: string; total: string;
  }>`
    select id::text, edit, status, requested_by::text, requested_email, requested_role, reason, preview, target_type, target_id,
           created_at, expires_at, decided_email, decision_reason, approve_capability, count(*) over ()::text as total
      from kontor.approvals
     where ${q.status === 'pending' ? sql`status = 'pending'` : sql`status <> 'pending'`}
     order by ${q.status === 'pending' ? sql`created_at` : sql`decided_at desc`}, approvals.id
     limit ${q.limit} offset ${q.offset}`.execute(db);
  const now = Date.now();
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map((r) => {
      const expired = r.status === 'pending' && r.expires_at.getTime() <= now;
      return {
        id: r.id,
        edit: r.edit,
        label: edits.get(r.edit)?.label ?? r.edit,
        status: expired ? 'expired' : r.status,
        requestedBy: { userId: r.requested_by, email: r.requested_email, role: r.requested_role },
        reason: r.reason,
        preview: r.preview,
        target: { type: r.target_type, id: r.target_id },
        createdAt: r.created_at.toISOString(),
        expiresAt: r.expires_at.toISOString(),
        decidedEmail: r.decided_email,
        decisionReason: r.decision_reason,
        canDecide: !expired && r.status === 'pending' && r.requested_by !== staff.userId &&
          isCapability(r.approve_capability) && staff.can(r.approve_capability),
      };
    }),
  };
}
