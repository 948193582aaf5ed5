/** One pending request per edit, target and input (issue 19): refused at request time, also when two race. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_CUSTOMER } from '@/db/demo/accounts';
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { EDIT_REGISTRY } from '@/lib/edits/registry';
import { decideApproval } from '@/lib/guard/approvals';
import { GuardError } from '@/lib/guard/errors';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { listPendingRequests } from '@/lib/guard/pending';
import type { StaffContext } from '@/lib/auth';
import { count, fingerprint, guardFixture, userIdOf, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
let ada: string;
before(async () => {
  f = await guardFixture();
  ada = await userIdOf(f.db, DEMO_CUSTOMER.email);
});
after(() => f?.close());

const REASON = 'Goodwill for the outage on Friday, ticket 812';

async function previewed(amount: number, by: StaffContext) {
  const { preview, token } = await previewEdit(adjustCredits, by, { userId: ada, amount }, f.opts);
  assert.equal(preview.needsApproval, true);
  return () => commitEdit(adjustCredits, by, { userId: ada, amount, reason: REASON }, token, crypto.randomUUID(), f.opts);
}

async function refused(p: Promise<unknown>): Promise<GuardError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GuardError, `expected a GuardError, got ${err}`);
    return err;
  }
  assert.fail('expected a refusal');
}

const pendingFor = async (amount: string) =>
  count(f.db, 'kontor.approvals', sql`status = 'pending' and edit = 'credits.adjust' and target_id = ${ada} and amount = ${amount}`);

test('a second identical request is refused at request time, saying which request waits; nothing is written', async () => {
  const first = await (await previewed(700, f.staff.finance))();
  assert.equal(first.status, 'pending');
  const again = await previewed(700, f.staff.admin); // another approver, the same edit, target and input
  const fp = await fingerprint(f.db);
  const err = await refused(again());
  assert.equal(err.kind, 'conflict');
  assert.match(err.message, new RegExp(`already waiting for approval: request #${first.status === 'pending' ? first.approvalId : '?'}, filed by finance@kontor\\.dev`));
  assert.equal(await fingerprint(f.db), fp, 'no request, no audit row, no idempotency row');
  assert.equal(await pendingFor('700'), 1);

  // Another amount is another request; the page lists both for the user.
  const other = await (await previewed(701, f.staff.finance))();
  assert.equal(other.status, 'pending');
  const listed = await listPendingRequests(f.db, [{ type: 'user', id: ada }]);
  assert.deepEqual(listed.filter((r) => r.edit === 'credits.adjust').map((r) => r.requestedEmail), ['finance@kontor.dev', 'finance@kontor.dev']);
  assert.deepEqual(await listPendingRequests(f.db, [{ type: 'payment', id: ada }]), []);
});

test('once the pending request is rejected or has expired, the same request can be filed again', async () => {
  const first = await (await previewed(720, f.staff.finance))();
  const id = first.status === 'pending' ? first.approvalId : '';
  await decideApproval(EDIT_REGISTRY, f.staff.admin, id, 'reject', 'Not this week, ask again on Monday', f.opts);
  const second = await (await previewed(720, f.staff.finance))();
  assert.equal(second.status, 'pending');
  await sql`update kontor.approvals set expires_at = now() - interval '1 minute' where id = ${second.status === 'pending' ? second.approvalId : ''}`.execute(f.admin);
  assert.deepEqual((await listPendingRequests(f.db, [{ type: 'user', id: ada }])).filter((r) => r.id === (second.status === 'pending' ? second.approvalId : '')), []);
  const third = await (await previewed(720, f.staff.finance))();
  assert.equal(third.status, 'pending');
});

test('identical requests committed at once (two staff members, several tabs): exactly one is filed', async () => {
  const commits = [
    ...(await Promise.all([1, 2, 3].map(() => previewed(740, f.staff.finance)))),
    ...(await Promise.all([1, 2, 3].map(() => previewed(740, f.staff.admin)))),
  ];
  const before = await count(f.db, 'kontor.audit_log');
  const outcomes = await Promise.allSettled(commits.map((c) => c()));
  const filed = outcomes.filter((o) => o.status === 'fulfilled');
  const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  assert.equal(filed.length, 1, refusals.map((r) => String(r.reason)).join('\n'));
  assert.ok(refusals.every((r) => r.reason instanceof GuardError && r.reason.kind === 'conflict'), refusals.map((r) => String(r.reason)).join('\n'));
  assert.equal(await pendingFor('740'), 1);
  assert.equal(await count(f.db, 'kontor.audit_log'), before + 1, 'one request audited');
});
