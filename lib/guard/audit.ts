/**
 * The audit log: one row per guarded edit (and per approval request and decision), appended in the
 * edit's own transaction. Numbering and hashing happen in the database (trigger audit_log_chain);
 * verifyAuditChain recomputes the hashes here, independently of the trigger.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { StaffContext } from '@/lib/auth';
import type { Capability } from '@/lib/auth/permissions';
import type { Trx } from '@/db/types';
import type { Target } from '@/lib/guard/define';
import { sha256 } from '@/lib/guard/canonical';

export interface AuditEntry {
  staff: Pick<StaffContext, 'userId' | 'email' | 'role'>;
  capability: Capability;
  action: string;
  target: Target;
  before: unknown;
  after: unknown;
  reason: string;
  /** The edit's size, an exact decimal string. */
  amount?: string | null;
  idempotencyKey?: string | null;
  requestId?: string | null;
  approvalId?: string | null;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export async function appendAudit(trx: Trx, e: AuditEntry): Promise<{ id: string; hash: string }> {
  return trx
    .insertInto('kontor.audit_log')
    .values({
      staff_id: e.staff.userId,
      staff_email: e.staff.email,
      staff_role: e.staff.role,
      capability: e.capability,
      action: e.action,
      target_type: e.target.type,
      target_id: e.target.id,
      before: json(e.before),
      after: json(e.after),
      reason: e.reason,
      amount: e.amount ?? null,
      idempotency_key: e.idempotencyKey ?? null,
      request_id: e.requestId ?? null,
      approval_id: e.approvalId ?? null,
    })
    .returning(['id', 'hash'])
    .executeTakeFirstOrThrow();
}

export { auditHistoryHref } from '@/lib/guard/history';

export type ChainProblem = { id: string; kind: 'missing' | 'altered' | 'relinked' | 'head'; message: string };
export type ChainReport =
  | { ok: true; rows: number; head: string | null }
  | { ok: false; rows: number; problem: ChainProblem };

const BATCH = 1000;

/**
 * Walks the whole log in id order, in batches: numbers must run 1, 2, 3 ... without a gap, each
 * prev_hash must be the previous row's hash, and each hash must be sha256(prev_hash \n canonical row).
 * The first row that fails is named. Last, the log's end must be kontor.audit_head (moved by the same
 * trigger that chains each row): a removed tail leaves a valid, shorter chain, which only the head
 * shows. (Someone able to rewrite both consistently defeats any check kept in the same database:
 * record `head` elsewhere too.)
 */
export async function verifyAuditChain(db: QueryExecutorProvider): Promise<ChainReport> {
  let expectedId = 1n;
  let prevHash: string | null = null;
  let rows = 0;
  for (;;) {
    const batch = await sql<{ id: string; prev_hash: string | null; hash: string; canonical: string }>`
      select a.id::text as id, a.prev_hash, a.hash, kontor.audit_canonical(a) as canonical
        from kontor.audit_log a where a.id >= ${String(expectedId)}::bigint order by a.id limit ${BATCH}`.execute(db);
    for (const row of batch.rows) {
      const id = BigInt(row.id);
      if (id !== expectedId) {
        const missing = id - expectedId === 1n ? `row ${expectedId} is` : `rows ${expectedId} to ${id - 1n} are`;
        return { ok: false, rows, problem: { id: String(expectedId), kind: 'missing', message: `Audit ${missing} missing (the log jumps from ${expectedId - 1n} to ${id}).` } };
      }
      if (row.prev_hash !== prevHash) {
        return { ok: false, rows, problem: { id: row.id, kind: 'relinked', message: `Audit row ${row.id} does not follow row ${id - 1n}: its prev_hash is not that row's hash.` } };
      }
      if (sha256(`${prevHash ?? ''}\n${row.canonical}`) !== row.hash) {
        return { ok: false, rows, problem: { id: row.id, kind: 'altered', message: `Audit row ${row.id} was altered after it was written: its hash does not match its content.` } };
      }
      prevHash = row.hash;
      expectedId = id + 1n;
      rows += 1;
    }
    if (batch.rows.length < BATCH) {
      const problem = await checkHead(db, expectedId - 1n, prevHash);
      return problem ? { ok: false, rows, problem } : { ok: true, rows, head: prevHash };
    }
  }
}

async function checkHead(db: QueryExecutorProvider, lastId: bigint, lastHash: string | null): Promise<ChainProblem | null> {
  const { rows } = await sql<{ last_id: string; last_hash: string }>`
    select h.last_id::text as last_id, h.last_hash from kontor.audit_head h`.execute(db);
  const head = rows[0];
  if (!head) {
    return lastId === 0n ? null : { id: String(lastId), kind: 'head', message: `The audit head is missing while the log has ${lastId} rows: it was removed by hand.` };
  }
  const headId = BigInt(head.last_id);
  if (headId > lastId) {
    const missing = headId - lastId === 1n ? `row ${headId} is` : `rows ${lastId + 1n} to ${headId} are`;
    return { id: String(lastId + 1n), kind: 'missing', message: `Audit ${missing} missing at the end (the head says the log ends at ${headId}, its last row is ${lastId}).` };
  }
  if (headId < lastId || head.last_hash !== lastHash) {
    return { id: String(lastId), kind: 'head', message: `The audit head (row ${headId}) does not match the log's last row ${lastId}: one of them was changed by hand.` };
  }
  return null;
}
