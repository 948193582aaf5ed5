import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { STAFF_ROLES } from '@/db/types';
import { DEMO_CUSTOMER } from '@/db/demo/accounts';
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { addStaff, changeStaffRole, removeStaff } from '@/lib/edits/staff';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { GuardError } from '@/lib/guard/errors';
import { EDITS } from '@/lib/edits/registry';
import { editActions } from '@/lib/edits/wrapper';
import type { StaffContext } from '@/lib/auth';
import { signPreview } from '@/lib/guard/token';
import { count, fingerprint, guardFixture, TEST_SECRET, userIdOf, writeMark, writtenSince, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
let ada: string;
before(async () => {
  f = await guardFixture();
  ada = await userIdOf(f.db, DEMO_CUSTOMER.email);
});
after(() => f?.close());

const key = () => crypto.randomUUID();
const REASON = 'Customer ticket 4711: the export failed twice and was charged';

async function refusal(p: Promise<unknown>, kind: GuardError['kind'], label = ''): Promise<GuardError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GuardError, `expected a GuardError, got ${err}`);
    assert.equal(err.kind, kind, `${label} ${err.message}`);
    return err;
  }
  assert.fail(`expected a ${kind} refusal`);
}

test('preview computes before/after in a transaction that is rolled back', async () => {
  const before = await fingerprint(f.db);
  const { preview, token } = await previewEdit(adjustCredits, f.staff.finance, { userId: ada, amount: 25 }, f.opts);
  assert.equal(preview.target.type, 'user');
  assert.equal(preview.needsApproval, false);
  const b = preview.before as { balance: string };
  const a = preview.after as { balance: string };
  assert.equal(Number(a.balance) - Number(b.balance), 25);
  assert.ok(preview.changes.some((c) => c.path === 'balance'));
  assert.ok(token.split('.').length === 3);
  assert.equal(await fingerprint(f.db), before, 'nothing written by a preview');
});

test('20 concurrent commits with one idempotency key: one ledger row, one audit row, one answer', async () => {
  const input = { userId: ada, amount: 12.5, reason: REASON };
  const { token } = await previewEdit(adjustCredits, f.staff.finance, input, f.opts);
  const k = key();
  const ledgerBefore = await count(f.db, 'public.credits_ledger');
  const results = await Promise.all(
    Array.from({ length: 20 }, () => commitEdit(adjustCredits, f.staff.finance, input, token, k, f.opts)),
  );
  assert.equal(await count(f.db, 'public.credits_ledger') - ledgerBefore, 1);
  assert.equal(await count(f.db, 'kontor.audit_log', sql`idempotency_key = ${k}`), 1);
  assert.equal(results.filter((r) => !r.repeated).length, 1);
  const ids = new Set(results.map((r) => r.status === 'applied' && JSON.stringify(r.result)));
  assert.equal(ids.size, 1, 'every caller gets the first result');
  // The same key with other input is an error, and writes nothing.
  const other = { ...input, amount: 13 };
  const { token: t2 } = await previewEdit(adjustCredits, f.staff.finance, other, f.opts);
  const fp = await fingerprint(f.db);
  await refusal(commitEdit(adjustCredits, f.staff.finance, other, t2, k, f.opts), 'idempotency');
  assert.equal(await fingerprint(f.db), fp);
});

test('a commit after another staff member changed the row is refused and changes nothing', async () => {
  const supportId = f.staff.support.userId;
  const mine = await previewEdit(changeStaffRole, f.staff.admin, { userId: supportId, role: 'finance' }, f.opts);
  // Meanwhile a colleague's edit to the same row lands (here: a direct update, as another console would).
  await sql`update kontor.staff set email = email, updated_at = now() + interval '1 second' where user_id = ${supportId}`.execute(f.db);
  const fp = await fingerprint(f.db);
  const err = await refusal(
    commitEdit(changeStaffRole, f.staff.admin, { userId: supportId, role: 'finance', reason: REASON }, mine.token, key(), f.opts),
    'stale',
  );
  assert.match(err.message, /changed since you looked/);
  assert.equal(await fingerprint(f.db), fp);
  const role = await f.db.selectFrom('kontor.staff').select('role').where('user_id', '=', supportId).executeTakeFirstOrThrow();
  assert.equal(role.role, 'support');

  // Money: another adjustment to the same user between preview and commit.
  const p = await previewEdit(adjustCredits, f.staff.finance, { userId: ada, amount: 5 }, f.opts);
  const q = await previewEdit(adjustCredits, f.staff.admin, { userId: ada, amount: 7 }, f.opts);
  await commitEdit(adjustCredits, f.staff.admin, { userId: ada, amount: 7, reason: REASON }, q.token, key(), f.opts);
  const ledger = await count(f.db, 'public.credits_ledger');
  await refusal(commitEdit(adjustCredits, f.staff.finance, { userId: ada, amount: 5, reason: REASON }, p.token, key(), f.opts), 'stale');
  assert.equal(await count(f.db, 'public.credits_ledger'), ledger);
});

/** Inputs the allowed roles preview with; edits from later issues without one are checked for refusal only. */
function sampleInput(name: string, ids: { ada: string; support: string; newcomer: string }): Record<string, unknown> | undefined {
  switch (name) {
    case 'staff.add': return { email: ids.newcomer, role: 'viewer' };
    case 'staff.changeRole': return { userId: ids.support, role: 'engineer' };
    case 'staff.remove': return { userId: ids.support };
    case 'credits.adjust': return { userId: ids.ada, amount: 10 };
    case 'alerts.updateRule': return { rule: 'worker_silent', enabled: true, threshold: 15, renotifyMinutes: 60 };
    default: return undefined;
  }
}

/**
 * The edit actions (lib/edits/actions.ts) as a request from `staff` runs them: the session check is
 * authorizeAction's (the role's capability), or, with `bypass`, none at all (a bug there), to show the
 * kernel refusing on its own.
 */
function actionsAs(staff: StaffContext, { bypass = false } = {}) {
  const revalidated: string[] = [];
  const actions = editActions({
    authorize: async (capability) =>
      bypass || staff.can(capability) ? { ok: true, staff } : { ok: false, error: `Your role (${staff.role}) may not do this: it needs ${capability}.` },
    requestId: async () => 'kernel-test',
    revalidate: (paths) => revalidated.push(...paths),
    guard: f.opts,
  });
  return { ...actions, revalidated };
}

test('every declared edit x every role, through the edit actions: refused without the capability, database unchanged', async () => {
  const newcomer = (await sql<{ email: string }>`
    select email from auth.users where email not in (select email from kontor.staff) and email <> ${DEMO_CUSTOMER.email}
    order by email limit 1`.execute(f.db)).rows[0].email;
  const ids = { ada, support: f.staff.support.userId, newcomer };
  const mark = await writeMark(f.db);
  let refused = 0;
  let previewed = 0;
  for (const edit of EDITS) {
    const sample = sampleInput(edit.name, ids);
    for (const role of STAFF_ROLES) {
      const staff = f.staff[role];
      const actions = actionsAs(staff);
      if (staff.can(edit.capability)) {
        if (!sample) continue;
        // Allowed roles get a preview (rolled back): the capability check is not over-strict.
        const r = await actions.preview(edit.name, sample);
        assert.ok(r.ok, `${role} x ${edit.name}: ${!r.ok && r.error}`);
        assert.ok(r.data.preview.target.id);
        previewed += 1;
        continue;
      }
      // Authorization comes before validation: even an empty input is refused, not reported invalid.
      const input = sample ?? {};
      const p = await actions.preview(edit.name, input);
      assert.ok(!p.ok && /may not/.test(p.error) && !p.fieldErrors, `${role} x ${edit.name} preview: ${JSON.stringify(p)}`);
      // A validly signed token for this very staff member (as if forged with the secret) does not help.
      const forged = await signPreview({ edit: edit.name, staffId: staff.userId, inputHash: 'x', previewHash: 'x', versions: [] }, TEST_SECRET);
      const submission = { input, reason: REASON, token: forged, idempotencyKey: key() };
      const c = await actions.commit(edit.name, submission);
      assert.ok(!c.ok && /may not/.test(c.error), `${role} x ${edit.name} commit: ${JSON.stringify(c)}`);
      assert.deepEqual(actions.revalidated, [], 'a refusal revalidates nothing');
      // Past a broken session check, the kernel refuses by itself.
      const open = actionsAs(staff, { bypass: true });
      const kp = await open.preview(edit.name, input);
      assert.equal(!kp.ok && kp.kind, 'forbidden', `${role} x ${edit.name}: kernel preview`);
      const kc = await open.commit(edit.name, submission);
      assert.equal(!kc.ok && kc.kind, 'forbidden', `${role} x ${edit.name}: kernel commit`);
      refused += 1;
    }
  }
  assert.deepEqual(await writtenSince(f.db, mark), [], 'no table in public, kontor or auth was written');
  assert.ok(refused >= 10 && previewed >= 4, `refusals ${refused}, previews ${previewed}`);
  // The check itself is not blind: a no-op UPDATE (a new row version) is noticed.
  await sql`update kontor.staff set role = role where user_id = ${f.staff.viewer.userId}`.execute(f.db);
  assert.deepEqual(await writtenSince(f.db, mark), ['kontor.staff']);
});

test('the edit actions: an unknown name or a malformed submission is refused; a commit revalidates the edit\'s pages', async () => {
  const actions = actionsAs(f.staff.finance);
  for (const name of ['credits.nope', 'toString', 42, undefined]) {
    const r = await actions.preview(name, { userId: ada, amount: 1 });
    assert.ok(!r.ok && /Unknown edit/.test(r.error), String(name));
  }
  const fp = await fingerprint(f.db);
  for (const bad of [null, 'x', { input: 'x' }, { reason: REASON }]) {
    const r = await actions.commit('credits.adjust', bad);
    assert.ok(!r.ok && /malformed/.test(r.error), JSON.stringify(bad));
  }
  assert.equal(await fingerprint(f.db), fp);
  const p = await actions.preview('credits.adjust', { userId: ada, amount: '2.50' });
  assert.ok(p.ok, !p.ok ? p.error : '');
  assert.deepEqual(p.data.preview.targetName, { name: DEMO_CUSTOMER.email, href: `/users/${ada}` }, 'the preview names the user, linked');
  const c = await actions.commit('credits.adjust', { input: { userId: ada, amount: '2.50' }, reason: REASON, token: p.data.token, idempotencyKey: key() });
  assert.ok(c.ok);
  const auditId = (await f.db.selectFrom('kontor.audit_log').select('id').where('action', '=', 'credits.adjust').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  assert.deepEqual(c.data, { status: 'applied', repeated: false, outcome: { message: 'Added 2.50 credits', link: { href: `/audit?entry=${auditId}`, label: `audit #${auditId}` } } });
  assert.deepEqual(actions.revalidated, ['/finance', '/users', '/audit', '/approvals']);
  // Every edit's name is its registry key and its catalog entry's (the dialog and the kernel agree).
  const { EDIT_CATALOG } = await import('@/lib/edits/catalog');
  assert.deepEqual(EDITS.map((e) => e.name).sort(), Object.keys(EDIT_CATALOG).sort());
  for (const e of EDITS) {
    const meta = EDIT_CATALOG[e.name as keyof typeof EDIT_CATALOG];
    assert.equal(e.capability, meta.capability, e.name);
    assert.equal(e.label, meta.label, e.name);
  }
});

test('forcing the audit insert to fail rolls the business write back', async () => {
  const { token } = await previewEdit(adjustCredits, f.staff.finance, { userId: ada, amount: 3 }, f.opts);
  await sql`create function pg_temp_fail() returns trigger language plpgsql as $$ begin raise exception 'audit down'; end $$`.execute(f.admin);
  await sql`create trigger zz_fail before insert on kontor.audit_log for each row execute function pg_temp_fail()`.execute(f.admin);
  const fp = await fingerprint(f.db);
  try {
    await assert.rejects(commitEdit(adjustCredits, f.staff.finance, { userId: ada, amount: 3, reason: REASON }, token, key(), f.opts), /audit down/);
    assert.equal(await fingerprint(f.db), fp, 'no ledger row, no idempotency row, no audit row');
  } finally {
    await sql`drop trigger zz_fail on kontor.audit_log`.execute(f.admin);
    await sql`drop function pg_temp_fail()`.execute(f.admin);
  }
});

const BAD_INPUTS: { name: string; edit: typeof adjustCredits | typeof changeStaffRole | typeof addStaff; input: Record<string, unknown>; field: string }[] = [
  { name: 'no reason', edit: adjustCredits, input: { amount: 5, reason: undefined }, field: 'reason' },
  { name: 'a two-word reason', edit: adjustCredits, input: { amount: 5, reason: 'because yes' }, field: 'reason' },
  { name: 'a reason of spaces', edit: adjustCredits, input: { amount: 5, reason: '             ' }, field: 'reason' },
  { name: 'an oversized reason', edit: adjustCredits, input: { amount: 5, reason: 'word '.repeat(400) }, field: 'reason' },
  { name: 'a zero-width space in the reason', edit: adjustCredits, input: { amount: 5, reason: 'Refund for the\u200B failed export job' }, field: 'reason' },
  { name: 'an RTL override in the reason', edit: adjustCredits, input: { amount: 5, reason: 'Refund for the \u202Etroppus\u202C ticket today' }, field: 'reason' },
  { name: 'a NUL in the reason', edit: adjustCredits, input: { amount: 5, reason: 'Refund for the\u0000 failed export' }, field: 'reason' },
  { name: 'amount as words', edit: adjustCredits, input: { amount: 'ten' }, field: 'amount' },
  { name: 'amount as a boolean', edit: adjustCredits, input: { amount: true }, field: 'amount' },
  { name: 'amount as an object', edit: adjustCredits, input: { amount: { $gt: 0 } }, field: 'amount' },
  { name: 'amount zero', edit: adjustCredits, input: { amount: 0 }, field: 'amount' },
  { name: 'amount NaN', edit: adjustCredits, input: { amount: Number.NaN }, field: 'amount' },
  { name: 'amount Infinity', edit: adjustCredits, input: { amount: Number.POSITIVE_INFINITY }, field: 'amount' },
  { name: 'an absurd amount', edit: adjustCredits, input: { amount: 1e12 }, field: 'amount' },
  { name: 'three decimals', edit: adjustCredits, input: { amount: 1.005 }, field: 'amount' },
  { name: 'a user id that is not a uuid', edit: adjustCredits, input: { userId: "1' or '1'='1", amount: 5 }, field: 'userId' },
  { name: 'an unknown role', edit: changeStaffRole, input: { role: 'superadmin' }, field: 'role' },
  { name: 'a malformed email', edit: addStaff, input: { email: 'not-an-email', role: 'viewer' }, field: 'email' },
  { name: 'an email with a zero-width joiner', edit: addStaff, input: { email: 'ada\u200D@example.com', role: 'viewer' }, field: 'email' },
];

test('invalid input gets a clear message naming the field, and nothing is written', async () => {
  const fp = await fingerprint(f.db);
  for (const { name, edit, input, field } of BAD_INPUTS) {
    const full = { userId: edit === changeStaffRole ? f.staff.support.userId : ada, reason: REASON, ...input };
    const err = await refusal(commitEdit(edit, f.staff.admin, full, 'x.y.z', key(), f.opts), 'invalid', name);
    assert.ok(err.fieldErrors?.[field]?.length, `${name}: names ${field} (got ${JSON.stringify(err.fieldErrors)})`);
    assert.match(err.message, new RegExp(field), name);
  }
  // Unknown ids pass the schema and are refused by the edit's load, naming the field.
  const unknownUser = await refusal(previewEdit(adjustCredits, f.staff.admin, { userId: crypto.randomUUID(), amount: 5 }, f.opts), 'invalid');
  assert.ok(unknownUser.fieldErrors?.userId);
  const unknownStaff = await refusal(previewEdit(removeStaff, f.staff.admin, { userId: crypto.randomUUID() }, f.opts), 'invalid');
  assert.ok(unknownStaff.fieldErrors?.userId);
  const unknownEmail = await refusal(previewEdit(addStaff, f.staff.admin, { email: 'nobody@nowhere.example', role: 'viewer' }, f.opts), 'invalid');
  assert.ok(unknownEmail.fieldErrors?.email);
  const extra = await refusal(previewEdit(removeStaff, f.staff.admin, { userId: f.staff.support.userId, role: 'admin' }, f.opts), 'invalid');
  assert.match(extra.message, /role/);
  // A debit below zero is refused on the amount.
  const overdraw = await refusal(previewEdit(adjustCredits, f.staff.admin, { userId: ada, amount: -9000 }, f.opts), 'invalid');
  assert.ok(overdraw.fieldErrors?.amount);
  // Typed text (as the form sends it) is told what is wrong with it, not only that it is wrong.
  const typed = await refusal(previewEdit(adjustCredits, f.staff.admin, { userId: ada, amount: '12.345' }, f.opts), 'invalid');
  assert.match(typed.fieldErrors?.amount?.[0] ?? '', /at most 2 decimals/);
  assert.equal(await fingerprint(f.db), fp);
});

test('tokens: another staff member\'s, a changed input, a tampered one and a missing one are refused', async () => {
  const input = { userId: ada, amount: 4 };
  const { token } = await previewEdit(adjustCredits, f.staff.finance, input, f.opts);
  const fp = await fingerprint(f.db);
  await refusal(commitEdit(adjustCredits, f.staff.admin, { ...input, reason: REASON }, token, key(), f.opts), 'token');
  await refusal(commitEdit(adjustCredits, f.staff.finance, { ...input, amount: 40, reason: REASON }, token, key(), f.opts), 'token');
  await refusal(commitEdit(adjustCredits, f.staff.finance, { ...input, reason: REASON }, `${token.slice(0, -4)}AAAA`, key(), f.opts), 'token');
  await refusal(commitEdit(adjustCredits, f.staff.finance, { ...input, reason: REASON }, undefined, key(), f.opts), 'token');
  await refusal(commitEdit(adjustCredits, f.staff.finance, { ...input, reason: REASON }, token, 'short', f.opts), 'invalid');
  assert.equal(await fingerprint(f.db), fp);
});

test('limits: more than the per-edit maximum, or past the daily total, is refused on the amount', async () => {
  const over = await refusal(previewEdit(adjustCredits, f.staff.admin, { userId: ada, amount: 10_000.01 }, f.opts), 'limit');
  assert.ok(over.fieldErrors?.amount);
  // Two requests of 9,000 (pending approval; not identical, which is refused) count toward the day; a third 5,000 would pass 20,000.
  for (const amount of [9000, 9000.5]) {
    const { token } = await previewEdit(adjustCredits, f.staff.finance, { userId: ada, amount }, f.opts);
    const r = await commitEdit(adjustCredits, f.staff.finance, { userId: ada, amount, reason: REASON }, token, key(), f.opts);
    assert.equal(r.status, 'pending');
  }
  const daily = await refusal(previewEdit(adjustCredits, f.staff.finance, { userId: ada, amount: 5000 }, f.opts), 'limit');
  assert.match(daily.message, /daily limit/);
  // Someone else's day is their own.
  await previewEdit(adjustCredits, f.staff.admin, { userId: ada, amount: 5000 }, f.opts);
});

test('the last admin can be neither demoted nor removed; with two, concurrent demotions leave one', async () => {
  const admin = f.staff.admin;
  const fp = await fingerprint(f.db);
  await refusal(previewEdit(changeStaffRole, admin, { userId: admin.userId, role: 'viewer' }, f.opts), 'conflict');
  await refusal(previewEdit(removeStaff, admin, { userId: admin.userId }, f.opts), 'conflict');
  assert.equal(await fingerprint(f.db), fp);

  const engineer = f.staff.engineer.userId;
  const up = await previewEdit(changeStaffRole, admin, { userId: engineer, role: 'admin' }, f.opts);
  await commitEdit(changeStaffRole, admin, { userId: engineer, role: 'admin', reason: REASON }, up.token, key(), f.opts);
  const [a, b] = await Promise.all([
    previewEdit(changeStaffRole, admin, { userId: engineer, role: 'engineer' }, f.opts),
    previewEdit(changeStaffRole, admin, { userId: admin.userId, role: 'finance' }, f.opts),
  ]);
  const outcomes = await Promise.allSettled([
    commitEdit(changeStaffRole, admin, { userId: engineer, role: 'engineer', reason: REASON }, a.token, key(), f.opts),
    commitEdit(changeStaffRole, admin, { userId: admin.userId, role: 'finance', reason: REASON }, b.token, key(), f.opts),
  ]);
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
  assert.equal(await count(f.db, 'kontor.staff', sql`role = 'admin'`), 1);
});

test('a preview commits once: the same token under another idempotency key is refused (a note, whose rows do not move)', async () => {
  const { addUserNote } = await import('@/lib/edits/user-note');
  const input = { userId: ada, body: 'Called back about the failed export' };
  const { token } = await previewEdit(addUserNote, f.staff.support, input, f.opts);
  const first = await commitEdit(addUserNote, f.staff.support, { ...input, reason: REASON }, token, key(), f.opts);
  assert.equal(first.status, 'applied');
  const notes = await count(f.db, 'kontor.user_notes');
  const err = await refusal(commitEdit(addUserNote, f.staff.support, { ...input, reason: REASON }, token, key(), f.opts), 'token');
  assert.match(err.message, /committed already/);
  assert.equal(await count(f.db, 'kontor.user_notes'), notes, 'no second note');
  // Ten at once with ten keys: one note.
  const { token: t2 } = await previewEdit(addUserNote, f.staff.support, input, f.opts);
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => commitEdit(addUserNote, f.staff.support, { ...input, reason: REASON }, t2, key(), f.opts)));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.equal(await count(f.db, 'kontor.user_notes'), notes + 1);
});
