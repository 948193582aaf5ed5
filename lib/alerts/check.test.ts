/**
 * The alert rules on the demo's planted defects, on real Postgres as the least-privilege role through
 * pgbouncer: each fires once, re-notifies after its interval (time driven by `now`), resolves when the
 * condition is fixed through a guarded edit; two concurrent checks open one incident.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import manifest from '@/db/demo/manifest.json' with { type: 'json' };
import { checkAlerts, type CheckResult } from '@/lib/alerts/check';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { decideApproval } from '@/lib/guard';
import { GuardError } from '@/lib/guard/errors';
import { EDIT_REGISTRY } from '@/lib/edits/registry';
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { fixBalanceDrift, reverseLedgerEntry } from '@/lib/edits/ledger-edits';
import { cancelTask, markWorkerOffline } from '@/lib/edits/tasks';
import { suppressFinding } from '@/lib/edits/suppressions';
import { updateAlertRule } from '@/lib/edits/alert-rules';
import type { AnyEdit } from '@/lib/guard/define';
import type { StaffContext } from '@/lib/auth';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { TEST_ANCHOR } from '@/test/db';
import { collectMetrics, formatMetrics } from '@/lib/domain/tasks/metrics';
import { alertsList } from '@/cli/alerts';

let f: GuardFixture;
let base: Date;
before(async () => {
  f = await guardFixture();
  // The demo's clock, as a built demo has it (a template copy loses the database's comment).
  await sql`comment on database ${sql.id(f.tdb.name)} is ${sql.lit(`kontor demo 1 built ${TEST_ANCHOR.toISOString()}`)}`.execute(f.admin);
  // Two hours ahead: an approval requested now has waited past its 60-minute threshold.
  base = new Date(Date.now() + 2 * 3_600_000);
});
after(() => f?.close());

const ids = (kind: string) => manifest.find((m) => m.kind === kind)!.ids!;
const at = (minutes: number) => new Date(base.getTime() + minutes * 60_000);
const check = (minutes: number) => checkAlerts(f.db, f.ctx.admin.mapping, { now: at(minutes) });
const sum = (r: CheckResult, k: 'opened' | 'renotified' | 'resolved') => r.rules.reduce((n, x) => n + x[k], 0);
const of = (r: CheckResult, rule: string) => r.rules.find((x) => x.rule === rule)!;

async function edit(e: AnyEdit, staff: StaffContext, input: Record<string, unknown>, reason = 'Fixing what the alert reported') {
  const { token } = await previewEdit(e, staff, input, f.opts);
  return commitEdit(e, staff, { ...input, reason }, token, crypto.randomUUID(), f.opts);
}

async function reconcile() {
  await runReconciliation(f.db, { mode: 'full', strategy: 'plain', startedBy: 'alerts test', mapping: f.ctx.admin.mapping });
}

async function openSubjects(rule: string): Promise<string[]> {
  const { rows } = await sql<{ subject: string }>`select subject from kontor.alerts where rule = ${rule} and resolved_at is null order by subject`.execute(f.db);
  return rows.map((r) => r.subject);
}

async function events(rule: string, subject: string, after = '0') {
  const { rows } = await sql<{ event: string }>`
    select event from kontor.alert_events where rule = ${rule} and subject = ${subject} and id > ${after}::bigint order by id`.execute(f.db);
  return rows.map((r) => r.event);
}

let approvalId = '';
const [drifted] = ids('balance_drift');
const [twice] = ids('payment_granted_twice');
const SEQ = 'public.payments_order_number_seq';
const ADVISOR = 'rls_disabled_public_table:public.promo_codes';

test('the rules are seeded with their defaults', async () => {
  const { rows } = await sql<{ rule: string; enabled: boolean; threshold: string | null; renotify_minutes: number }>`
    select rule, enabled, threshold::text, renotify_minutes from kontor.alert_rules order by rule`.execute(f.db);
  assert.equal(rows.length, 9);
  assert.ok(rows.every((r) => r.enabled));
  assert.deepEqual(rows.find((r) => r.rule === 'queue_oldest_task'), { rule: 'queue_oldest_task', enabled: true, threshold: '60', renotify_minutes: 60 });
});

test('each rule fires on its planted condition, once', async (t) => {
  await reconcile();
  const r = await edit(adjustCredits, f.staff.finance, { userId: drifted, amount: 900 }, 'A goodwill credit above the limit');
  assert.equal(r.status, 'pending');
  approvalId = r.status === 'pending' ? r.approvalId : '';

  const first = await check(0);
  t.diagnostic(`read ms per rule: ${first.rules.map((x) => `${x.rule} ${x.ms}`).join(', ')}`);
  assert.ok(first.rules.every((x) => !x.error), JSON.stringify(first.rules.filter((x) => x.error)));
  assert.ok((await openSubjects('balance_drift')).includes(drifted));
  assert.deepEqual(await openSubjects('payment_granted_twice'), [twice]);
  assert.deepEqual(await openSubjects('worker_silent'), ['gpu-eu-west-23']);
  assert.ok((await openSubjects('queue_oldest_task')).length >= 1);
  assert.ok((await openSubjects('advisor_error')).includes(ADVISOR));
  assert.deepEqual(await openSubjects('sequence_near_max'), [SEQ]);
  assert.deepEqual(await openSubjects('approval_waiting'), [approvalId]);
  assert.deepEqual(await openSubjects('queue_no_worker'), [], 'live workers take the queue');
  assert.equal(of(first, 'database_unreachable').evaluated, false);
  assert.deepEqual(await events('worker_silent', 'gpu-eu-west-23'), ['opened']);
  const { rows: [e] } = await sql<{ severity: string; url: string; title: string; alert_id: string }>`
    select severity, url, title, alert_id::text from kontor.alert_events where rule = 'payment_granted_twice'`.execute(f.db);
  assert.deepEqual({ severity: e.severity, url: e.url }, { severity: 'error', url: `/payments/${twice}` });
  assert.match(e.title, new RegExp(`Payment ${twice} was credited more than once`));

  const { rows: [n] } = await sql<{ n: number }>`select count(*)::int as n from kontor.alert_events`.execute(f.db);
  const second = await check(1);
  assert.equal(sum(second, 'opened'), 0);
  assert.equal(sum(second, 'renotified'), 0);
  assert.equal(sum(second, 'resolved'), 0);
  const { rows: [m] } = await sql<{ n: number }>`select count(*)::int as n from kontor.alert_events`.execute(f.db);
  assert.equal(m.n, n.n, 'a second check writes no event');
});

test('/metrics and `kontor alerts list` show the open incidents', async () => {
  const text = formatMetrics(await collectMetrics(f.db, f.ctx.admin.mapping, { now: TEST_ANCHOR }));
  assert.match(text, /^kontor_alerts_open\{rule="payment_granted_twice"\} 1$/m);
  assert.match(text, /^kontor_alerts_open\{rule="queue_no_worker"\} 0$/m);
  assert.match(text, /^kontor_alert_open\{rule="worker_silent",subject="gpu-eu-west-23",severity="warning"\} 1$/m);
  const list = await alertsList(f.db, false);
  assert.ok(list.open.some((a) => a.rule === 'sequence_near_max' && a.subject === SEQ && a.href === '/database/advisors'));
  assert.equal(list.open[0].severity, 'error', 'most severe first');
  assert.equal(list.rules.length, 9);
  assert.deepEqual(list.resolved, []);
});

test('an open incident is told again after its interval, not before', async () => {
  const early = await check(29);
  assert.equal(sum(early, 'renotified'), 0);
  // 60 minutes: the silent worker and the old queue (every 60), not the double grant (240) nor the sequence (1440).
  const hour = await check(61);
  assert.equal(of(hour, 'worker_silent').renotified, 1);
  assert.ok(of(hour, 'queue_oldest_task').renotified >= 1);
  assert.equal(of(hour, 'payment_granted_twice').renotified, 0);
  assert.equal(of(hour, 'sequence_near_max').renotified, 0);
  assert.equal(sum(hour, 'opened'), 0);
  assert.deepEqual(await events('worker_silent', 'gpu-eu-west-23'), ['opened', 'renotified']);
  const again = await check(62);
  assert.equal(sum(again, 'renotified'), 0);
  const later = await check(245);
  assert.equal(of(later, 'payment_granted_twice').renotified, 1);
  assert.equal(of(later, 'approval_waiting').renotified, 1);
  const { rows: [a] } = await sql<{ notified: number; last: Date }>`
    select notified, last_notified_at as last from kontor.alerts where rule = 'payment_granted_twice' and resolved_at is null`.execute(f.db);
  assert.deepEqual(a, { notified: 2, last: at(245) });
});

test('each incident resolves by itself when its condition is fixed through a guarded edit', async () => {
  // The double grant: reverse the retry's grant, reconcile.
  const { rows: [g] } = await sql<{ id: string; amount: string }>`
    select id::text, amount::text from public.credits_ledger where payment_id = ${twice} and type = 'purchase' order by created_at desc limit 1`.execute(f.admin);
  await edit(reverseLedgerEntry, f.staff.finance, { entryId: g.id, amount: g.amount });
  // The drift of user 11.
  await edit(fixBalanceDrift, f.staff.finance, { userId: drifted, drift: '50.00' });
  await reconcile();
  // The silent worker: marked offline.
  await edit(markWorkerOffline, f.staff.engineer, { workerId: 'gpu-eu-west-23' });
  // The queue: the tasks queued for hours cancelled.
  for (const taskId of ids('task_queued_for_hours')) await edit(cancelTask, f.staff.engineer, { taskId });
  // The advisor: promo codes are public on purpose, suppressed with a note.
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await edit(suppressFinding, f.staff.engineer, { advisorId: 'rls_disabled_public_table', object: 'public.promo_codes', note: 'Public codes by design', expiresOn: expires });
  // The approval: decided (rejected) by another approver.
  await decideApproval(EDIT_REGISTRY, f.staff.admin, approvalId, 'reject', 'Not without the ticket', f.opts);
  // The sequence: widened as the advisor's SQL says (Kontor runs no DDL: the owner does).
  await sql`alter sequence public.payments_order_number_seq as bigint`.execute(f.admin);

  const r = await check(310);
  assert.ok(r.rules.every((x) => !x.error));
  assert.deepEqual(await openSubjects('payment_granted_twice'), []);
  assert.ok(!(await openSubjects('balance_drift')).includes(drifted));
  assert.ok((await openSubjects('balance_drift')).length >= 1, 'the other drifted users stay open');
  assert.deepEqual(await openSubjects('worker_silent'), []);
  assert.deepEqual(await openSubjects('queue_oldest_task'), []);
  assert.ok(!(await openSubjects('advisor_error')).includes(ADVISOR));
  assert.deepEqual(await openSubjects('approval_waiting'), []);
  assert.deepEqual(await openSubjects('sequence_near_max'), []);
  assert.deepEqual(await events('payment_granted_twice', twice), ['opened', 'renotified', 'resolved']);
  assert.deepEqual(await events('worker_silent', 'gpu-eu-west-23'), ['opened', 'renotified', 'renotified', 'resolved']);
  const { rows: [x] } = await sql<{ resolved_at: Date; resolution: string }>`
    select resolved_at, resolution from kontor.alerts where rule = 'sequence_near_max'`.execute(f.db);
  assert.deepEqual(x, { resolved_at: at(310), resolution: 'condition cleared' });
  // Resolved is final: the next check opens nothing again.
  assert.equal(sum(await check(311), 'opened'), 0);
});

test('a queue with work and no live worker fires per task type, and resolves when a worker beats again', async () => {
  const { rows: [anchor] } = await sql<{ beat: Date }>`select max(last_heartbeat) as beat from public.workers`.execute(f.admin);
  await sql`update public.workers set last_heartbeat = last_heartbeat - interval '1 hour' where status = 'active'`.execute(f.admin);
  const { rows: queued } = await sql<{ task_type: string }>`
    select distinct task_type from public.tasks where status = 'Queued' order by 1`.execute(f.admin);
  assert.ok(queued.length >= 1, 'the demo has queued work');
  await check(320);
  assert.deepEqual(await openSubjects('queue_no_worker'), queued.map((q) => q.task_type));
  await sql`update public.workers set last_heartbeat = ${anchor.beat} where status = 'active'`.execute(f.admin);
  await check(321);
  assert.deepEqual(await openSubjects('queue_no_worker'), []);
});

test('changing a rule is a guarded edit for admins: a higher threshold or switching it off resolves its incidents', async () => {
  await assert.rejects(
    previewEdit(updateAlertRule, f.staff.engineer, { rule: 'balance_drift', enabled: true, threshold: 10, renotifyMinutes: 60 }, f.opts),
    (err: unknown) => err instanceof GuardError && err.kind === 'forbidden',
  );
  await assert.rejects(
    previewEdit(updateAlertRule, f.staff.admin, { rule: 'payment_granted_twice', enabled: true, threshold: 3, renotifyMinutes: 60 }, f.opts),
    (err: unknown) => err instanceof GuardError && err.kind === 'invalid' && !!err.fieldErrors?.threshold,
  );
  const before = await openSubjects('balance_drift');
  assert.ok(before.length >= 1);
  // The remaining drifts are 7.25 and 120.00: above 100 only user 37's stays.
  await edit(updateAlertRule, f.staff.admin, { rule: 'balance_drift', enabled: true, threshold: 100, renotifyMinutes: 60 }, 'Small drifts go to the weekly review');
  await check(330);
  assert.deepEqual(await openSubjects('balance_drift'), [ids('balance_drift')[2]]);
  await edit(updateAlertRule, f.staff.admin, { rule: 'balance_drift', enabled: false, threshold: 100, renotifyMinutes: 60 }, 'Finance watches this by hand this week');
  await check(331);
  assert.deepEqual(await openSubjects('balance_drift'), []);
  const { rows: [a] } = await sql<{ action: string; target_id: string }>`
    select action, target_id from kontor.audit_log where action = 'alerts.updateRule' order by id desc limit 1`.execute(f.db);
  assert.deepEqual(a, { action: 'alerts.updateRule', target_id: 'balance_drift' });
});

test('four checks at once open one incident, re-notify it once and write one event each time', async () => {
  const { rows: [mark] } = await sql<{ id: string }>`select coalesce(max(id), 0)::text as id from kontor.alert_events`.execute(f.db);
  await sql`update public.workers set last_heartbeat = last_heartbeat - interval '3 hours' where id = 'gpu-eu-west-05'`.execute(f.admin);
  const four = await Promise.all([check(340), check(340), check(340), check(340)]);
  assert.equal(four.reduce((n, r) => n + of(r, 'worker_silent').opened, 0), 1);
  assert.deepEqual(await openSubjects('worker_silent'), ['gpu-eu-west-05']);
  assert.deepEqual(await events('worker_silent', 'gpu-eu-west-05', mark.id), ['opened']);
  const again = await Promise.all([check(401), check(401), check(401), check(401)]);
  assert.equal(again.reduce((n, r) => n + of(r, 'worker_silent').renotified, 0), 1);
  assert.deepEqual(await events('worker_silent', 'gpu-eu-west-05', mark.id), ['opened', 'renotified']);
});
