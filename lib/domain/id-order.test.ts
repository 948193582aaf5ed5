/**
 * Lists keyed by a bigint id, newest first, past id 9: the rows carry the id as text, and an ORDER BY
 * on that output name would sort "9" above "10" (it did, for the runs and the audit log).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { listRuns } from '@/lib/domain/reconcile/read';
import { listAudit } from '@/lib/guard/audit-list';
import { guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const descending = (ids: string[]) => ids.every((id, i) => i === 0 || BigInt(ids[i - 1]) > BigInt(id));

test('reconciliation runs: newest first by number', async () => {
  await sql`
    insert into kontor.reconcile_runs (mode, started_by, finished_at, totals)
    select 'full', 'test', clock_timestamp(), '{}' from generate_series(1, 12)`.execute(f.db);
  const ids = (await listRuns(f.db, f.ctx.finance, 20)).map((r) => r.id);
  assert.ok(ids.length >= 12);
  assert.ok(descending(ids), ids.join(' '));
});

test('the audit log: newest first by number, and oldest first when asked', async () => {
  const admin = f.staff.admin;
  await sql`
    insert into kontor.audit_log (staff_id, staff_email, staff_role, capability, action, target_type, target_id, reason)
    select ${admin.userId}::uuid, ${admin.email}, 'admin', 'staff.manage', 'test.order', 'test', g::text, 'ordering test row'
      from generate_series(1, 12) g`.execute(f.db);
  const newest = (await f.db.transaction().execute((trx) => listAudit(trx, admin, { staff: undefined, action: undefined }, { limit: 50, offset: 0, desc: true }))).rows.map((r) => r.id);
  assert.ok(newest.length >= 12);
  assert.ok(descending(newest), newest.join(' '));
  const oldest = (await f.db.transaction().execute((trx) => listAudit(trx, admin, { staff: undefined, action: undefined }, { limit: 50, offset: 0, desc: false }))).rows.map((r) => r.id);
  assert.ok(descending([...oldest].reverse()), oldest.join(' '));
});
