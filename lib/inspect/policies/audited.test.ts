import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_CUSTOMER } from '@/db/demo/accounts';
import { guardFixture, userIdOf, type GuardFixture } from '@/test/guard';
import { testAsUserAudited, whyNotAudited, TEST_AS_USER_ACTION, WHY_NOT_ACTION } from '@/lib/inspect/policies/audited';
import { TestAsUserError } from '@/lib/inspect/policies/test-as-user';
import { listPolicyTables } from '@/lib/inspect/policies/catalog';
import { toMatrixRow, toPolicyTableView } from '@/lib/inspect/policies/views';

let f: GuardFixture;
let ada: string;
before(async () => {
  f = await guardFixture();
  ada = await userIdOf(f.db, DEMO_CUSTOMER.email);
});
after(() => f?.close());

const REASON = 'Ticket 812: Ada says she cannot see her own tasks';

async function lastAudit() {
  const { rows } = await sql<{ id: string; action: string; capability: string; target_type: string; target_id: string; reason: string; after: unknown; staff_email: string }>`
    select id::text, action, capability, target_type, target_id, reason, after, staff_email from kontor.audit_log order by id desc limit 1`.execute(f.db);
  return rows[0];
}

test('test as a user is recorded (who, which user, table and why) with counts only, never the rows read', async () => {
  const result = await testAsUserAudited(f.staff.engineer, { role: 'authenticated', user: DEMO_CUSTOMER.email, table: 'public.tasks', reason: REASON }, { db: f.db });
  const select = result.commands.find((c) => c.command === 'SELECT')!;
  const own = (await sql<{ n: number }>`select count(*)::int as n from public.tasks where user_id = ${ada}::uuid`.execute(f.db)).rows[0].n;
  assert.ok(own > 0);
  assert.equal(select.rows, own, 'she sees her own tasks, and only those');
  assert.ok(result.sample.length > 0);

  const audit = await lastAudit();
  assert.equal(audit.id, result.auditId);
  assert.equal(audit.action, TEST_AS_USER_ACTION);
  assert.equal(audit.capability, 'security.impersonate');
  assert.deepEqual([audit.target_type, audit.target_id, audit.reason, audit.staff_email], ['user', ada, REASON, 'engineer@kontor.dev']);
  const after = audit.after as { table: string; role: string; commands: Record<string, string> };
  assert.equal(after.table, 'public.tasks');
  assert.equal(after.role, 'authenticated');
  assert.equal(after.commands.SELECT, `${own} rows`);
  const sampleId = Object.values(result.sample[0])[0];
  assert.ok(!JSON.stringify(audit.after).includes(sampleId), 'no sample value in the audit row');
});

test('"why not?" is recorded too, with the row key and the verdicts', async () => {
  const other = (await sql<{ id: string }>`select id::text from public.tasks where user_id <> ${ada}::uuid order by id limit 1`.execute(f.db)).rows[0].id;
  const result = await whyNotAudited(f.staff.admin, { role: 'authenticated', user: ada, table: 'public.tasks', key: other, reason: REASON }, { db: f.db });
  assert.equal(result.commands.find((c) => c.command === 'SELECT')!.allowed, false);
  const audit = await lastAudit();
  assert.equal(audit.action, WHY_NOT_ACTION);
  assert.equal(audit.staff_email, 'admin@kontor.dev');
  assert.deepEqual((audit.after as { row: string; commands: Record<string, string> }).row, other);
  assert.equal((audit.after as { commands: Record<string, string> }).commands.SELECT, 'denied');
});

test('nothing is recorded when nothing was read: no reason, unknown table, or a role without security.impersonate', async () => {
  const before = await lastAudit();
  await assert.rejects(testAsUserAudited(f.staff.engineer, { role: 'authenticated', user: ada, table: 'public.tasks', reason: 'why' }, { db: f.db }));
  await assert.rejects(
    testAsUserAudited(f.staff.engineer, { role: 'authenticated', user: ada, table: 'public.nope', reason: REASON }, { db: f.db }),
    TestAsUserError,
  );
  for (const role of ['viewer', 'support', 'finance'] as const) {
    await assert.rejects(
      testAsUserAudited(f.staff[role], { role: 'authenticated', user: ada, table: 'public.tasks', reason: REASON }, { db: f.db }),
      /security\.impersonate/,
    );
  }
  assert.equal((await lastAudit()).id, before.id);
});

test('the Policies view flags the RLS-off table the API reaches; the matrix says why', async () => {
  const { rows } = await listPolicyTables(f.db, { limit: 100, offset: 0 });
  const views = rows.map(toPolicyTableView);
  const exposed = views.filter((v) => v.exposedTo.length).map((v) => v.table);
  assert.deepEqual(exposed, ['public.promo_codes']);
  assert.deepEqual(views.find((v) => v.table === 'public.promo_codes')!.exposedTo, ['anon', 'authenticated']);
  const promo = toMatrixRow(rows.find((r) => r.table === 'public.promo_codes')!);
  assert.deepEqual(promo.cells.UPDATE.map((c) => [c.role, c.kind]), [['anon', 'all'], ['authenticated', 'all']]);
  const feedback = toMatrixRow(rows.find((r) => r.table === 'public.user_feedback')!);
  assert.ok(feedback.cells.SELECT.every((c) => c.kind === 'denied' && /no policy/.test(c.reason)), JSON.stringify(feedback.cells.SELECT));
});
