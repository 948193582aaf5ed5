/**
 * A product whose app updates the cached balance itself (ledger.balanceUpdate = 'app'): Kontor's
 * credit edits insert the ledger row and move users.credits in the same transaction, so the books stay
 * reconciled. Reigh's fixture without its ledger trigger stands in for such a product, read through a
 * mapping file (KONTOR_MAPPING), set before the modules that read the environment load.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import type { MappingInput } from '@/lib/mapping/schema';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import type { KontorDatabase } from '@/db/types';
import { createDb } from '@/db/connect';

/** The mapping of the document-based Reigh fixture (db/fixtures/reigh-document), which this test reads. */
const documentReigh = {
  name: 'reigh',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'id',
    columns: { email: 'email', name: 'name', createdAt: 'created_at', credits: 'credits', givenCredits: 'given_credits' },
  },
  ledger: {
    table: { schema: 'public', name: 'credits_ledger' },
    key: 'id',
    columns: { userId: 'user_id', amount: 'amount', type: 'type', taskId: 'task_id', createdAt: 'created_at' },
    types: { purchase: 'stripe', spend: 'spend', refund: 'refund', manual: 'manual' },
    balanceUpdate: 'trigger',
  },
  taskCostConfigs: {
    table: { schema: 'public', name: 'task_cost_configs' },
    key: 'id',
    columns: { taskType: 'task_type', baseCostPerSecond: 'base_cost_per_second', costFactors: 'cost_factors' },
  },
  tasks: {
    table: { schema: 'public', name: 'tasks' },
    key: 'id',
    columns: {
      projectId: 'project_id', taskType: 'task_type', status: 'status', params: 'params', workerId: 'worker_id',
      attempts: 'attempts', errorMessage: 'error_message', createdAt: 'created_at', updatedAt: 'updated_at',
      startedAt: 'generation_started_at', processedAt: 'generation_processed_at', parentId: 'orchestrator_task_id',
    },
    statuses: { queued: 'Queued', inProgress: 'In Progress', complete: 'Complete', failed: 'Failed', cancelled: 'Cancelled' },
    billing: 'parent-only',
  },
  workers: {
    table: { schema: 'public', name: 'workers' },
    key: 'id',
    columns: { status: 'status', lastHeartbeat: 'last_heartbeat', metadata: 'metadata', createdAt: 'created_at' },
    statuses: { active: 'active', inactive: 'inactive', terminated: 'terminated' },
  },
  absent: {
    payments: "Reigh keeps no payments table: Stripe purchases arrive in credits_ledger as 'stripe' entries",
    apiCosts: 'Reigh logs no per-call API costs: a task costs its seconds at task_cost_configs rates',
    tiers: 'Reigh has no subscription tiers',
  },
} satisfies MappingInput;

const file = path.join(os.tmpdir(), `kontor-app-balance-${process.pid}.json`);
fs.writeFileSync(file, JSON.stringify({ ...documentReigh, name: 'reigh-app', ledger: { ...documentReigh.ledger, balanceUpdate: 'app' } }));
process.env.KONTOR_MAPPING = file;

const { buildFixture } = await import('@/db/fixtures/build');
const { adjustCredits } = await import('@/lib/edits/credits-adjust');
const { reverseLedgerEntry } = await import('@/lib/edits/ledger-edits');
const { commitEdit, previewEdit } = await import('@/lib/guard/kernel');
const { loadStaff } = await import('@/lib/auth/staff');
const { activeMapping } = await import('@/lib/mapping');

const SECRET = 'balance-test-secret-0123456789-abcdefghij';
const USER = '%reigh:user:5';
let t: TestDatabase;
let db: Kysely<KontorDatabase>;

before(async () => {
  t = await emptyDatabase();
  await buildFixture(t.url, 'reigh-document', { anchor: new Date('2026-11-20T12:00:00Z') });
  db = createDb(t.url, { max: 4 });
  await sql`drop trigger credits_ledger_apply on public.credits_ledger`.execute(db);
});
after(async () => {
  await db?.destroy();
  await t?.drop();
  fs.rmSync(file, { force: true });
});

async function balance(userId: string) {
  const { rows } = await sql<{ credits: string; sum: string }>`
    select u.credits::numeric(20, 2)::text as credits,
           (select sum(amount) from public.credits_ledger l where l.user_id = u.id)::numeric(20, 2)::text as sum
      from public.users u where u.id = ${userId}`.execute(db);
  return rows[0];
}

test('the mapping file is the active mapping', () => {
  assert.equal(activeMapping().name, 'reigh-app');
  assert.equal(activeMapping().ledger?.balanceUpdate, 'app');
});

test('an adjustment and its reversal move the cached balance with the ledger', async () => {
  const { rows: [u] } = await sql<{ id: string }>`
    select id::text from public.users where id = overlay(overlay(md5(${USER.slice(1)}) placing '4' from 13) placing '8' from 17)::uuid`.execute(db);
  const finance = await db.selectFrom('kontor.staff').select(['user_id', 'email']).where('role', '=', 'finance').executeTakeFirstOrThrow();
  const staff = (await loadStaff(db, { userId: finance.user_id, email: finance.email }))!;
  const opts = { db, secret: SECRET };
  const before = await balance(u.id);
  assert.equal(before.credits, before.sum);

  const input = { userId: u.id, amount: '12.50' };
  const { token } = await previewEdit(adjustCredits, staff, input, opts);
  const r = await commitEdit(adjustCredits, staff, { ...input, reason: 'Goodwill credit for a failed render' }, token, crypto.randomUUID(), opts);
  assert.equal(r.status, 'applied');
  const adjusted = await balance(u.id);
  assert.equal(Number(adjusted.credits), Number(before.credits) + 12.5);
  assert.equal(adjusted.credits, adjusted.sum);

  const entryId = (r as { result: { ledgerId: string } }).result.ledgerId;
  const rev = { entryId, amount: '12.50' };
  const p2 = await previewEdit(reverseLedgerEntry, staff, rev, opts);
  const r2 = await commitEdit(reverseLedgerEntry, staff, { ...rev, reason: 'Entered against the wrong account' }, p2.token, crypto.randomUUID(), opts);
  assert.equal(r2.status, 'applied');
  const reversed = await balance(u.id);
  assert.equal(reversed.credits, before.credits);
  assert.equal(reversed.credits, reversed.sum);
});
