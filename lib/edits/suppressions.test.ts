import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { GuardError } from '@/lib/guard/errors';
import { editNamed } from '@/lib/edits/registry';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { runAdvisors } from '@/lib/inspect/advisors';
import { suppressFinding, unsuppressFinding } from '@/lib/edits/suppressions';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const REASON = 'Promo codes are public on purpose, reviewed with security';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const TARGET = { advisorId: 'rls_disabled_public_table', object: 'public.promo_codes', note: 'Public catalogue of codes by design' };

async function refused(p: Promise<unknown>, kind: GuardError['kind']) {
  await assert.rejects(p, (err: unknown) => err instanceof GuardError && err.kind === kind);
}

async function openObjects(id: string) {
  const { findings } = await runAdvisors(f.db);
  const finding = findings.find((x) => x.id === id);
  return { open: finding?.objects.map((o) => o.object) ?? [], suppressed: finding?.suppressed ?? [] };
}

async function suppress(input: Record<string, unknown>) {
  const { preview, token } = await previewEdit(suppressFinding, f.staff.engineer, input, f.opts);
  const r = await commitEdit(suppressFinding, f.staff.engineer, { ...input, reason: REASON }, token, crypto.randomUUID(), f.opts);
  return { preview, r };
}

test('both edits are registered with the kernel', () => {
  assert.equal(editNamed('advisors.suppress'), suppressFinding);
  assert.equal(editNamed('advisors.unsuppress'), unsuppressFinding);
});

test('suppress hides the object with its note and expiry, audited; un-suppress brings it back', async () => {
  assert.ok((await openObjects(TARGET.advisorId)).open.includes(TARGET.object));
  const { preview, r } = await suppress({ ...TARGET, expiresOn: day(30) });
  assert.deepEqual(preview.before, { suppressed: false });
  assert.equal(r.status, 'applied');

  const hidden = await openObjects(TARGET.advisorId);
  assert.ok(!hidden.open.includes(TARGET.object));
  const s = hidden.suppressed.find((o) => o.object === TARGET.object)!;
  assert.equal(s.reason, TARGET.note);
  assert.equal(s.expiresAt.toISOString().slice(0, 10), day(30));

  const audit = (await sql<{ action: string; reason: string; target_id: string; staff_email: string }>`
    select action, reason, target_id, staff_email from kontor.audit_log order by id desc limit 1`.execute(f.db)).rows[0];
  assert.deepEqual(audit, { action: 'advisors.suppress', reason: REASON, target_id: `${TARGET.advisorId}:${TARGET.object}`, staff_email: 'engineer@kontor.dev' });

  const input = { id: s.suppressionId };
  const { token } = await previewEdit(unsuppressFinding, f.staff.admin, input, f.opts);
  await commitEdit(unsuppressFinding, f.staff.admin, { ...input, reason: 'The table gets RLS in this sprint, show it again' }, token, crypto.randomUUID(), f.opts);
  assert.ok((await openObjects(TARGET.advisorId)).open.includes(TARGET.object));
  // Ending it twice is refused: it is no longer active.
  await refused(previewEdit(unsuppressFinding, f.staff.admin, input, f.opts), 'invalid');
});

test('a suppression reappears by itself when it expires', async () => {
  await suppress({ ...TARGET, object: null, advisorId: 'unused_index', expiresOn: day(1) });
  assert.deepEqual((await openObjects('unused_index')).open, []);
  // Time passes: move the suppression into the past, as the clock would.
  await sql`update kontor.suppressions set created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
             where advisor_id = 'unused_index'`.execute(f.db);
  assert.ok((await openObjects('unused_index')).open.length > 0);
});

test('a second suppression replaces the active one (one active per advisor and object)', async () => {
  await suppress({ ...TARGET, expiresOn: day(10) });
  const { preview } = await suppress({ ...TARGET, note: 'Extended after the review', expiresOn: day(20) });
  assert.deepEqual(preview.before, { suppressed: true, note: TARGET.note, expiresOn: day(10) });
  const active = await sql<{ n: number }>`
    select count(*)::int as n from kontor.suppressions where advisor_id = ${TARGET.advisorId} and object = ${TARGET.object} and expires_at > now()`.execute(f.db);
  assert.equal(active.rows[0].n, 1);
});

test('refused: expiry today or past a year, unknown advisor, roles without database.read', async () => {
  await refused(previewEdit(suppressFinding, f.staff.engineer, { ...TARGET, expiresOn: day(0) }, f.opts), 'invalid');
  await refused(previewEdit(suppressFinding, f.staff.engineer, { ...TARGET, expiresOn: day(400) }, f.opts), 'invalid');
  await refused(previewEdit(suppressFinding, f.staff.engineer, { ...TARGET, advisorId: 'no_such_check', expiresOn: day(5) }, f.opts), 'invalid');
  for (const role of ['viewer', 'support', 'finance'] as const) {
    await refused(previewEdit(suppressFinding, f.staff[role], { ...TARGET, expiresOn: day(5) }, f.opts), 'forbidden');
  }
});

test('a security finding needs security.read on top of database.read', async () => {
  // No demo role has one without the other; a context that lacks it stands in for a future role.
  const engineer = f.staff.engineer;
  const limited = Object.assign(Object.create(Object.getPrototypeOf(engineer)), engineer, {
    can: (c: string) => c !== 'security.read' && engineer.can(c as never),
  });
  await refused(previewEdit(suppressFinding, limited, { ...TARGET, expiresOn: day(5) }, f.opts), 'forbidden');
  const { preview } = await previewEdit(suppressFinding, limited, { ...TARGET, advisorId: 'no_primary_key', expiresOn: day(5) }, f.opts);
  assert.equal(preview.target.id, `no_primary_key:${TARGET.object}`);
});
