/**
 * The billing checks on a small product of their own (text, integer and uuid keys; a subscription kept
 * on the users table; counters per month and lifetime totals): each check finds its planted defect, not
 * its look-alike, and says when and why it could not run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import {
  BILLING_JOB, BILLING_LIVE_BELOW_ROWS, billingRows, readStoredBilling, refreshBillingChecks, runBillingChecks, startBillingChecks,
} from '@/lib/domain/billing-checks';
import { latestJob } from '@/lib/jobs';
import { up as jobsMigration } from '@/db/migrations/0014_jobs';
import { parseMapping, type MappingInput } from '@/lib/mapping/schema';
import { validateMapping } from '@/lib/mapping/validate';
import { createDb } from '@/db/connect';

let t: TestDatabase;
let db: Kysely<unknown>;

before(async () => {
  t = await emptyDatabase();
  db = createDb(t.url, { max: 2 });
  await sql`
    create table plans (id int primary key, name text not null);
    insert into plans values (1, 'free'), (2, 'pro');
    create table accounts (id text primary key, email text not null, plan_id int references plans,
                           sub_status text, stripe_sub text, lifetime_runs int not null default 0);
    insert into accounts values
      ('acc-1', 'a@x.test', 1, 'active', 'sub_1', 2),     -- paying, still on free: the finding
      ('acc-2', 'b@x.test', 2, 'active', 'sub_2', 1),     -- paying, on pro
      ('acc-3', 'c@x.test', 1, 'canceled', 'sub_3', 0),   -- cancelled and back on free: a look-alike
      ('acc-4', 'd@x.test', 1, null, null, 5);            -- never paid; counter says 5, events 3: the drift
    create table charges (id uuid primary key, account_id text not null, amount_cents int not null, status text not null,
                          meta jsonb not null, created_at timestamptz not null);
    insert into charges values
      ('00000000-0000-0000-0000-000000000001', 'acc-2', 1500, 'paid', '{"invoice": "in_1"}', '2026-11-01T00:00:00Z'),
      ('00000000-0000-0000-0000-000000000002', 'acc-2', 1500, 'paid', '{"invoice": "in_1"}', '2026-11-01T00:00:40Z'),
      ('00000000-0000-0000-0000-000000000003', 'acc-2', 1500, 'failed', '{"invoice": "in_2"}', '2026-10-01T00:00:00Z'),
      ('00000000-0000-0000-0000-000000000004', 'acc-2', 1500, 'paid', '{"invoice": "in_2"}', '2026-10-01T00:05:00Z');
    create table runs (id bigint primary key, account_id text not null, status text not null, created_at timestamptz not null);
    insert into runs select g, case when g <= 2 then 'acc-1' when g = 3 then 'acc-2' else 'acc-4' end,
                            case when g = 7 then 'failed' else 'done' end, '2026-11-02T00:00:00Z'
      from generate_series(1, 7) g;   -- acc-4: runs 4, 5, 6 done, 7 failed (not counted)
    create table monthly_usage (id serial primary key, account_id text not null, month text not null, n int not null);
    insert into monthly_usage (account_id, month, n) values ('acc-1', '2026-11', 2), ('acc-2', '2026-11', 1), ('acc-4', '2026-11', 4);
  `.execute(db);
});
after(async () => {
  await db?.destroy();
  await t?.drop();
});

const base = {
  name: 'billing-test',
  users: { table: { name: 'accounts' }, key: 'id', columns: { email: 'email', tierId: 'plan_id' } },
  tiers: { table: { name: 'plans' }, key: 'id', columns: { name: 'name' }, free: ['free'] },
  payments: {
    table: { name: 'charges' }, key: 'id',
    columns: { userId: 'account_id', amount: 'amount_cents', status: 'status', createdAt: 'created_at', periodKey: 'meta->>invoice' },
    statuses: { completed: 'paid', failed: 'failed' }, amountUnit: 'minor',
  },
  subscriptions: {
    table: { name: 'accounts' }, key: 'id', columns: { userId: 'id', status: 'sub_status', providerRef: 'stripe_sub' },
    statuses: { active: 'active', trialing: 'trialing', cancelled: 'canceled' },
  },
  usageCounters: {
    table: { name: 'accounts' }, key: 'id', columns: { value: 'lifetime_runs', userId: 'id' },
    events: { table: { name: 'runs' }, where: { status: 'done' } },
    match: { counter: 'id', events: 'account_id' },
  },
} satisfies MappingInput;

async function check(input: MappingInput) {
  const { mapping, concepts } = await validateMapping(db, parseMapping(input));
  assert.deepEqual(concepts.filter((c) => c.table && !c.available).map((c) => c.problems), []);
  return runBillingChecks(db, mapping);
}

test('each check finds its planted defect and not its look-alike', async () => {
  const r = await check(base);
  assert.deepEqual(r.checks.map((c) => [c.kind, c.ran, c.found]), [
    ['payment_duplicate_period', true, 1], ['paid_subscription_free_tier', true, 1], ['usage_counter_drift', true, 1],
  ]);
  assert.deepEqual(r.findings.map((f) => `${f.kind}:${f.id}`), [
    // The later of two paid charges for in_1; in_2's failed try and its paid retry are not a duplicate.
    'payment_duplicate_period:00000000-0000-0000-0000-000000000002',
    // acc-1 pays and is on free; acc-3 cancelled and went back to free, as it should.
    'paid_subscription_free_tier:acc-1',
    // acc-4: 5 counted, 3 done runs (the failed one does not count).
    'usage_counter_drift:acc-4',
  ]);
  const drift = r.findings.find((f) => f.kind === 'usage_counter_drift')!;
  assert.deepEqual([drift.actual, drift.expected], ['5', '3']);
});

test('a monthly counter compares with its events of the same month', async () => {
  const r = await check({
    ...base,
    usageCounters: {
      table: { name: 'monthly_usage' }, key: 'id', columns: { value: 'n', userId: 'account_id', period: 'month' },
      events: { table: { name: 'runs' }, where: { status: 'done' }, createdAt: 'created_at' },
      match: { counter: 'account_id', events: 'account_id' }, periodFormat: 'YYYY-MM',
    },
  });
  // acc-4's November row says 4, and three runs were done in November.
  assert.deepEqual(r.findings.filter((f) => f.kind === 'usage_counter_drift').map((f) => [f.userId, f.actual, f.expected]), [['acc-4', '4', '3']]);
});

test('a check that cannot run says why, and finds nothing rather than failing', async () => {
  const r = await check({ name: 'bare', users: base.users, absent: { subscriptions: 'this product sells one-off packs' } });
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.checks.map((c) => [c.kind, c.ran, c.why]), [
    ['payment_duplicate_period', false, 'the product keeps no payments'],
    ['paid_subscription_free_tier', false, 'this product sells one-off packs'],
    ['usage_counter_drift', false, 'the product keeps no usage counters beside their events'],
  ]);
  const noPeriod = await check({ ...base, payments: { ...base.payments, columns: { ...base.payments.columns, periodKey: undefined } } });
  assert.match(noPeriod.checks[0].why!, /names no invoice or period/);
});

test('a counter whose events table is missing is refused by validation, naming it', async () => {
  const { concepts } = await validateMapping(db, parseMapping({
    ...base, usageCounters: { ...base.usageCounters, events: { table: { name: 'no_such_events' } } },
  }));
  assert.deepEqual(concepts.find((c) => c.concept === 'usageCounters')?.problems, ['the events table public.no_such_events does not exist']);
});

test('on a large product the page reads the last full run: stored with its mapping, started as a background job', async () => {
  await sql`create schema if not exists kontor`.execute(db);
  await jobsMigration(db);
  const { mapping } = await validateMapping(db, parseMapping(base));
  // These tables are tiny: the page runs the checks live here.
  assert.ok((await billingRows(db, mapping)) < BILLING_LIVE_BELOW_ROWS);
  assert.equal(await readStoredBilling(db, mapping), null);
  const started = await startBillingChecks(db, (fn) => fn(db), mapping, 'test');
  assert.equal(started.started, true);
  await started.done;
  assert.equal((await latestJob(db, BILLING_JOB))?.state, 'succeeded');
  const stored = await readStoredBilling(db, mapping);
  assert.deepEqual(stored?.report, await runBillingChecks(db, mapping));
  assert.ok(stored!.ageSeconds < 60);
  // A report of another mapping is not shown as this one's.
  const other = (await validateMapping(db, parseMapping({ ...base, usageCounters: undefined }))).mapping;
  assert.equal(await readStoredBilling(db, other), null);
  await refreshBillingChecks(db, (fn) => fn(db), other);
  assert.equal(await readStoredBilling(db, mapping), null);
  assert.deepEqual((await readStoredBilling(db, other))?.report.checks.map((c) => c.ran), [true, true, false]);
});
