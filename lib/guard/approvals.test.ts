import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_CUSTOMER } from '@/db/demo/accounts';
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { ADJUST_APPROVAL_ABOVE } from '@/lib/edits/catalog';
import { EDIT_REGISTRY } from '@/lib/edits/registry';
import { decideApproval, listApprovals } from '@/lib/guard/approvals';
import { GuardError } from '@/lib/guard/errors';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { count, fingerprint, guardFixture, userIdOf, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
let ada: string;
before(async () => {
  f = await guardFixture();
  ada = await userIdOf(f.db, DEMO_CUSTOMER.email);
});
after(() => f?.close());

const REASON = 'Goodwill for the outage on Friday, ticket 812';
const APPROVE = 'Checked the ticket and the outage report, fine';

async function request(amount: number, by = f.staff.finance, userId = ada) {
  const { preview, token } = await previewEdit(adjustCredits, by, { userId, amount }, f.opts);
  assert.equal(preview.needsApproval, Math.abs(amount) > ADJUST_APPROVAL_ABOVE);
  return commitEdit(adjustCredits, by, { userId, amount, reason: REASON }, token, crypto.randomUUID(), f.opts);
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof GuardError ? err.kind : `db:${(err as { code?: string }).code}`;
  }
}

test('above the threshold the edit stays pending: no ledger row, an audit row for the request', async () => {
  const ledger = await count(f.db, 'public.credits_ledger');
  const r = await request(ADJUST_APPROVAL_ABOVE + 100);
  assert.equal(r.status, 'pending');
  assert.equal(await count(f.db, 'public.credits_ledger'), ledger);
  const audit = await f.db.selectFrom('kontor.audit_log').selectAll().where('id', '=', r.auditId).executeTakeFirstOrThrow();
  assert.equal(audit.action, 'credits.adjust.request');
  assert.equal(audit.reason, REASON);
  const { rows } = await listApprovals(f.db, EDIT_REGISTRY, f.staff.admin, { status: 'pending', limit: 10, offset: 0 });
  const mine = rows.find((x) => r.status === 'pending' && x.id === r.approvalId);
  assert.ok(mine?.canDecide, 'another approver may decide it');
  assert.ok(mine.preview.changes.some((c) => c.path === 'balance'));
  const own = (await listApprovals(f.db, EDIT_REGISTRY, f.staff.finance, { status: 'pending', limit: 10, offset: 0 })).rows.find((x) => x.id === mine.id);
  assert.equal(own?.canDecide, false, 'not the requester');
});

test('self-approval is refused by the code and by the database', async () => {
  const r = await request(800);
  assert.equal(r.status, 'pending');
  const id = r.status === 'pending' ? r.approvalId : '';
  const fp = await fingerprint(f.db);
  assert.equal(await kindOf(decideApproval(EDIT_REGISTRY, f.staff.finance, id, 'approve', APPROVE, f.opts)), 'conflict');
  assert.equal(await fingerprint(f.db), fp);
  // Past the code, straight to the table: the CHECK constraint holds.
  await assert.rejects(
    sql`update kontor.approvals set status = 'approved', decided_by = requested_by, decided_at = now(), decision_reason = 'me' where id = ${id}`.execute(f.db),
    (err: { code?: string; constraint?: string }) => err.code === '23514' && err.constraint === 'approvals_not_self',
  );
  // A role without credits.approve may not decide either.
  assert.equal(await kindOf(decideApproval(EDIT_REGISTRY, f.staff.support, id, 'approve', APPROVE, f.opts)), 'forbidden');
  assert.equal(await fingerprint(f.db), fp);
});

test('another approver applies it through the kernel: one ledger row, audited with the approval', async () => {
  const r = await request(750);
  const id = r.status === 'pending' ? r.approvalId : '';
  const ledger = await count(f.db, 'public.credits_ledger');
  const d = await decideApproval(EDIT_REGISTRY, f.staff.admin, id, 'approve', APPROVE, f.opts);
  assert.equal(d.status, 'approved');
  assert.equal(await count(f.db, 'public.credits_ledger'), ledger + 1);
  const audit = await f.db.selectFrom('kontor.audit_log').selectAll().where('id', '=', d.auditId).executeTakeFirstOrThrow();
  assert.equal(audit.action, 'credits.adjust');
  assert.equal(audit.approval_id, id);
  assert.equal(audit.staff_id, f.staff.admin.userId);
  // Deciding twice does nothing more.
  assert.equal(await kindOf(decideApproval(EDIT_REGISTRY, f.staff.admin, id, 'approve', APPROVE, f.opts)), 'conflict');
  assert.equal(await count(f.db, 'public.credits_ledger'), ledger + 1);
});

test('an approval after the target changed is refused, and nothing is written', async () => {
  const r = await request(900);
  const id = r.status === 'pending' ? r.approvalId : '';
  // A small adjustment lands meanwhile (under the threshold, applied at once): the balance moved.
  const small = await previewEdit(adjustCredits, f.staff.admin, { userId: ada, amount: 2 }, f.opts);
  await commitEdit(adjustCredits, f.staff.admin, { userId: ada, amount: 2, reason: REASON }, small.token, crypto.randomUUID(), f.opts);
  const fp = await fingerprint(f.db);
  assert.equal(await kindOf(decideApproval(EDIT_REGISTRY, f.staff.admin, id, 'approve', APPROVE, f.opts)), 'stale');
  assert.equal(await fingerprint(f.db), fp);
  // It can still be rejected, with a reason, and that is audited.
  const d = await decideApproval(EDIT_REGISTRY, f.staff.admin, id, 'reject', 'Balance changed meanwhile, ask again please', f.opts);
  assert.equal(d.status, 'rejected');
  const row = await f.db.selectFrom('kontor.approvals').select(['status', 'decided_by']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'rejected', decided_by: f.staff.admin.userId });
});

test('an expired request cannot be approved; a decision needs a reason', async () => {
  const r = await request(610); // 600 is pending already (the first test): an identical request is refused
  const id = r.status === 'pending' ? r.approvalId : '';
  assert.equal(await kindOf(decideApproval(EDIT_REGISTRY, f.staff.admin, id, 'approve', 'ok', f.opts)), 'invalid');
  await sql`update kontor.approvals set expires_at = now() - interval '1 minute' where id = ${id}`.execute(f.db);
  assert.equal(await kindOf(decideApproval(EDIT_REGISTRY, f.staff.admin, id, 'approve', APPROVE, f.opts)), 'conflict');
  assert.equal(await kindOf(decideApproval(EDIT_REGISTRY, f.staff.admin, '999999', 'approve', APPROVE, f.opts)), 'not-found');
  assert.equal(await kindOf(decideApproval(EDIT_REGISTRY, f.staff.admin, "1 or 1=1", 'approve', APPROVE, f.opts)), 'not-found');
});
