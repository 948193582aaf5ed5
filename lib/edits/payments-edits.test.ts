/** Support's guarded edits on a private demo copy: what each writes, once, with its audit row; and what each refuses. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { decideApproval } from '@/lib/guard/approvals';
import { EDIT_REGISTRY } from '@/lib/edits/registry';
import { GuardError } from '@/lib/guard/errors';
import { count, guardFixture, type GuardFixture } from '@/test/guard';
import { addUserNote } from '@/lib/edits/user-note';
import { refundPayment } from '@/lib/edits/refund';
import { grantMissingCredits } from '@/lib/edits/grant-credits';
import { disputePayment, DISPUTE_APPROVAL_ABOVE } from '@/lib/edits/payment-dispute';
import manifest from '@/db/demo/manifest.json' with { type: 'json' };

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const key = () => crypto.randomUUID();
const REASON = 'Customer ticket 5150: explained on the phone and agreed';
const idOf = (kind: string) => manifest.find((d) => d.kind === kind)!.ids!;

async function refused(p: Promise<unknown>, kind: GuardError['kind'], field?: string): Promise<GuardError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GuardError, `expected a GuardError, got ${err}`);
    assert.equal(err.kind, kind, err.message);
    if (field) assert.ok(err.fieldErrors?.[field]?.length, `a message for ${field}: ${JSON.stringify(err.fieldErrors)}`);
    return err;
  }
  assert.fail(`expected a ${kind} refusal`);
}

/** Everything these edits could write, as one comparable value. */
async function snapshot() {
  const { rows } = await sql<{ f: string }>`
    select md5(concat_ws('|',
      (select count(*) from public.credits_ledger), (select sum(credits) from public.users),
      (select string_agg(status, ',' order by id) from public.payments),
      (select count(*) from kontor.audit_log), (select count(*) from kontor.approvals),
      (select count(*) from kontor.user_notes), (select count(*) from kontor.refunds), (select count(*) from kontor.credit_grants))) as f`.execute(f.db);
  return rows[0].f;
}

/** A completed, correctly credited payment of an active user, not in the manifest (n-th by id). */
async function cleanPayment(n: number, where = sql`true`) {
  const { rows } = await sql<{ id: string; amount: string; currency: string; credits: string; user_id: string }>`
    select p.id::text, p.amount::text, p.currency, p.credits::text, p.user_id::text from public.payments p
     where p.status = 'completed' and p.user_id is not null and ${where}
       and (select count(*) from public.credits_ledger l where l.payment_id = p.id and l.type = 'purchase') = 1
     order by p.id offset ${n} limit 1`.execute(f.db);
  return rows[0];
}

async function run(edit: Parameters<typeof previewEdit>[0], role: keyof GuardFixture['staff'], input: Record<string, unknown>) {
  const { token, preview } = await previewEdit(edit, f.staff[role], input, f.opts);
  const k = key();
  const result = await commitEdit(edit, f.staff[role], { ...input, reason: REASON }, token, k, f.opts);
  return { preview, result, key: k };
}

test('a note: one kontor.user_notes row and one audit row on the user', async () => {
  const user = (await cleanPayment(0)).user_id;
  const { result, key: k } = await run(addUserNote, 'support', { userId: user, body: 'Called twice about the export.' });
  assert.equal(result.status, 'applied');
  assert.equal(await count(f.db, 'kontor.user_notes', sql`user_id = ${user}`), 1);
  const audit = await sql<{ action: string; target_type: string; target_id: string }>`
    select action, target_type, target_id from kontor.audit_log where idempotency_key = ${k}`.execute(f.db);
  assert.deepEqual(audit.rows, [{ action: 'users.addNote', target_type: 'user', target_id: user }]);
});

test('bad input writes nothing and says why', async () => {
  const fp = await snapshot();
  const p = await cleanPayment(1);
  await refused(previewEdit(addUserNote, f.staff.support, { userId: 'not-a-uuid', body: 'x' }, f.opts), 'invalid', 'userId');
  await refused(previewEdit(addUserNote, f.staff.support, { userId: crypto.randomUUID(), body: 'hello' }, f.opts), 'invalid', 'userId');
  await refused(previewEdit(addUserNote, f.staff.support, { userId: p.user_id, body: '   ' }, f.opts), 'invalid', 'body');
  const refund = (over: Record<string, unknown>) =>
    previewEdit(refundPayment, f.staff.support, { paymentId: p.id, amount: '1.00', currency: p.currency, ...over }, f.opts);
  await refused(refund({ paymentId: '123' }), 'invalid', 'paymentId');
  await refused(refund({ paymentId: crypto.randomUUID() }), 'invalid', 'paymentId');
  await refused(refund({ amount: '-5' }), 'invalid', 'amount');
  await refused(refund({ amount: '0' }), 'invalid', 'amount');
  await refused(refund({ amount: '1.005' }), 'invalid', 'amount');
  await refused(refund({ amount: '99999999999' }), 'invalid', 'amount');
  await refused(refund({ amount: 'NaN' }), 'invalid', 'amount');
  await refused(refund({ currency: p.currency === 'USD' ? 'EUR' : 'USD' }), 'invalid', 'currency');
  await refused(refund({ amount: (Number(p.amount) + 0.01).toFixed(2) }), 'invalid', 'amount');
  await refused(previewEdit(disputePayment, f.staff.support, { paymentId: p.id, action: 'open', amount: '0.50' }, f.opts), 'invalid', 'amount');
  await refused(previewEdit(disputePayment, f.staff.support, { paymentId: p.id, action: 'resolve', amount: p.amount }, f.opts), 'invalid', 'action');
  await refused(previewEdit(grantMissingCredits, f.staff.finance, { paymentId: p.id }, f.opts), 'invalid', 'paymentId');
  await refused(previewEdit(grantMissingCredits, f.staff.finance, { paymentId: idOf('payment_granted_twice')[0] }, f.opts), 'invalid', 'paymentId');
  assert.equal(await snapshot(), fp);
});

test('roles without the capability are refused server-side, and nothing is written', async () => {
  const fp = await snapshot();
  const p = await cleanPayment(2);
  await refused(previewEdit(grantMissingCredits, f.staff.support, { paymentId: idOf('payment_without_grant')[0] }, f.opts), 'forbidden');
  await refused(previewEdit(addUserNote, f.staff.finance, { userId: p.user_id, body: 'hi there' }, f.opts), 'forbidden');
  await refused(previewEdit(refundPayment, f.staff.viewer, { paymentId: p.id, amount: '1', currency: p.currency }, f.opts), 'forbidden');
  await refused(previewEdit(disputePayment, f.staff.engineer, { paymentId: p.id, action: 'open', amount: p.amount }, f.opts), 'forbidden');
  // A request support made cannot be approved by support (payments.refund) either.
  const { result } = await run(refundPayment, 'support', { paymentId: p.id, amount: '1.00', currency: p.currency });
  assert.equal(result.status, 'pending');
  await refused(decideApproval(EDIT_REGISTRY, f.staff.support, (result as { approvalId: string }).approvalId, 'approve', REASON, f.opts), 'forbidden');
  assert.equal(await count(f.db, 'kontor.refunds'), 0);
  assert.notEqual(await snapshot(), fp, 'only the request and its audit row');
});

test('refunds: a request, then finance approves: one refund row, one negative ledger entry, audit rows; never above the payment', async () => {
  const p = await cleanPayment(3, sql`p.amount >= 10`);
  const ledger = await count(f.db, 'public.credits_ledger');
  const half = (Number(p.amount) / 2).toFixed(2);
  const rest = (Number(p.amount) - Number(half)).toFixed(2);

  const first = await run(refundPayment, 'support', { paymentId: p.id, amount: half, currency: p.currency });
  assert.equal(first.result.status, 'pending');
  assert.equal(await count(f.db, 'kontor.refunds'), 0, 'a request writes no refund');
  const approved = await decideApproval(EDIT_REGISTRY, f.staff.finance, (first.result as { approvalId: string }).approvalId, 'approve', REASON, f.opts);
  assert.equal(approved.status, 'approved');
  assert.equal(await count(f.db, 'kontor.refunds', sql`payment_id = ${p.id}`), 1);
  assert.equal(await count(f.db, 'public.credits_ledger') - ledger, 1);
  const entry = await sql<{ amount: string; type: string }>`
    select amount::text, type from public.credits_ledger where payment_id = ${p.id} and type = 'refund'`.execute(f.db);
  const share = (Math.round((Number(p.credits) * Number(half) / Number(p.amount)) * 100) / 100).toFixed(2);
  assert.deepEqual(entry.rows, [{ amount: `-${share}`, type: 'refund' }]);
  const paid = await sql<{ amount: string; status: string }>`select amount::text, status from public.payments where id = ${p.id}`.execute(f.db);
  assert.deepEqual(paid.rows[0], { amount: p.amount, status: 'completed' }, 'the payment is never edited by a partial refund');
  assert.equal(await count(f.db, 'kontor.audit_log', sql`target_type = 'payment' and target_id = ${p.id} and action like 'payments.refund%'`), 2);

  // The rest, and nearly the rest: both requests fit alone, together they exceed the payment (the rest
  // requested twice is refused at request time: an identical request is pending).
  const a = await run(refundPayment, 'finance', { paymentId: p.id, amount: rest, currency: p.currency });
  await refused(run(refundPayment, 'support', { paymentId: p.id, amount: rest, currency: p.currency }), 'conflict');
  const b = await run(refundPayment, 'support', { paymentId: p.id, amount: (Number(rest) - 0.01).toFixed(2), currency: p.currency });
  await decideApproval(EDIT_REGISTRY, f.staff.admin, (a.result as { approvalId: string }).approvalId, 'approve', REASON, f.opts);
  const fp = await snapshot();
  const late = await refused(decideApproval(EDIT_REGISTRY, f.staff.finance, (b.result as { approvalId: string }).approvalId, 'approve', REASON, f.opts), 'invalid');
  assert.match(late.message, /refunded/);
  assert.equal(await snapshot(), fp, 'the refused approval writes nothing');
  const sum = await sql<{ s: string }>`select sum(amount)::text as s from kontor.refunds where payment_id = ${p.id}`.execute(f.db);
  assert.equal(Number(sum.rows[0].s).toFixed(2), Number(p.amount).toFixed(2));
  const status = await sql<{ status: string; amount: string }>`select status, amount::text from public.payments where id = ${p.id}`.execute(f.db);
  assert.deepEqual(status.rows[0], { status: 'refunded', amount: p.amount }, 'fully refunded: status, never the amount');
  await refused(previewEdit(refundPayment, f.staff.support, { paymentId: p.id, amount: '0.01', currency: p.currency }, f.opts), 'invalid', 'paymentId');
});

test('disputes: small ones apply, large ones wait for finance; resolve returns the payment to completed', async () => {
  const small = await cleanPayment(0, sql`p.amount <= ${DISPUTE_APPROVAL_ABOVE}`);
  const opened = await run(disputePayment, 'support', { paymentId: small.id, action: 'open', amount: small.amount });
  assert.equal(opened.result.status, 'applied');
  assert.equal((await sql<{ s: string }>`select status as s from public.payments where id = ${small.id}`.execute(f.db)).rows[0].s, 'disputed');
  const resolved = await run(disputePayment, 'support', { paymentId: small.id, action: 'resolve', amount: small.amount });
  assert.equal(resolved.result.status, 'applied');
  assert.equal((await sql<{ s: string }>`select status as s from public.payments where id = ${small.id}`.execute(f.db)).rows[0].s, 'completed');

  const large = await cleanPayment(0, sql`p.amount > ${DISPUTE_APPROVAL_ABOVE}`);
  const req = await run(disputePayment, 'support', { paymentId: large.id, action: 'open', amount: large.amount });
  assert.equal(req.result.status, 'pending');
  assert.equal((await sql<{ s: string }>`select status as s from public.payments where id = ${large.id}`.execute(f.db)).rows[0].s, 'completed');
  await decideApproval(EDIT_REGISTRY, f.staff.finance, (req.result as { approvalId: string }).approvalId, 'approve', REASON, f.opts);
  assert.equal((await sql<{ s: string }>`select status as s from public.payments where id = ${large.id}`.execute(f.db)).rows[0].s, 'disputed');
});

test('grant missing credits: exactly one grant, even from two tabs at once', async () => {
  const paymentId = idOf('payment_without_grant')[0];
  const credits = (await sql<{ c: string; u: string }>`select credits::text as c, user_id::text as u from public.payments where id = ${paymentId}`.execute(f.db)).rows[0];
  const balance = async () => (await sql<{ b: string }>`select credits::text as b from public.users where id = ${credits.u}`.execute(f.db)).rows[0].b;
  const before = Number(await balance());
  const tabA = await previewEdit(grantMissingCredits, f.staff.finance, { paymentId }, f.opts);
  const tabB = await previewEdit(grantMissingCredits, f.staff.admin, { paymentId }, f.opts);
  const results = await Promise.allSettled([
    commitEdit(grantMissingCredits, f.staff.finance, { paymentId, reason: REASON }, tabA.token, key(), f.opts),
    commitEdit(grantMissingCredits, f.staff.admin, { paymentId, reason: REASON }, tabB.token, key(), f.opts),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)));
  const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.ok(rejected.reason instanceof GuardError && /already/.test(rejected.reason.message), String(rejected.reason));
  assert.equal(await count(f.db, 'public.credits_ledger', sql`payment_id = ${paymentId} and type = 'purchase'`), 1);
  assert.equal(await count(f.db, 'kontor.credit_grants', sql`payment_id = ${paymentId}`), 1);
  assert.equal(await count(f.db, 'kontor.audit_log', sql`action = 'payments.grantCredits' and target_id = ${paymentId}`), 1);
  assert.equal(Number(await balance()) - before, Number(credits.c));
  // The key holds even past the lock: a second kontor grant row is impossible.
  await assert.rejects(
    sql`insert into kontor.credit_grants (payment_id, user_id, credits, created_by, created_by_email)
        values (${paymentId}, ${credits.u}, 1, ${f.staff.admin.userId}, 'x')`.execute(f.db),
    /duplicate key/,
  );
});
