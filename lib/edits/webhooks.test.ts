import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { GuardError } from '@/lib/guard/errors';
import type { AnyEdit } from '@/lib/guard/define';
import type { StaffContext } from '@/lib/auth';
import { editNamed } from '@/lib/edits/registry';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { startReceiver, type Receiver } from '@/test/webhook-receiver';
import { addWebhook, removeWebhook, testWebhook, updateWebhook } from '@/lib/edits/webhooks';
import { deliverDue } from '@/lib/alerts/deliver';
import { SIGNATURE_HEADER, verifySignature } from '@/lib/alerts/webhook-format';
import { listWebhooks, listDeliveries } from '@/lib/alerts/webhooks-read';

const PORT = 4463;
const SECRET = 'whsec_edit_test_abcdef0123456789';
const SLACK_TOKEN = 'T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';
const REASON = 'Operations wants alerts in the on-call channel';
let f: GuardFixture;
let rx: Receiver;

before(async () => {
  f = await guardFixture();
  rx = await startReceiver(PORT);
});
after(async () => {
  await rx?.close();
  await f?.close();
});

async function run(edit: AnyEdit, input: Record<string, unknown>, staff: StaffContext = f.staff.admin) {
  const { preview, token } = await previewEdit(edit, staff, input, f.opts);
  const r = await commitEdit(edit, staff, { ...input, reason: REASON }, token, crypto.randomUUID(), f.opts);
  return { preview, r };
}

async function refused(p: Promise<unknown>, kind: GuardError['kind'], field?: string) {
  await assert.rejects(p, (err: unknown) => err instanceof GuardError && err.kind === kind && (!field || Boolean(err.fieldErrors?.[field])));
}

const SIGNED = { name: 'On-call', url: `http://127.0.0.1:${PORT}/hook`, format: 'signed', secret: SECRET, enabled: true, severities: ['warning', 'error'], rules: [] };

/** Everything Kontor keeps about its edits, as text: the secret must appear nowhere in it. */
async function keptText() {
  const { rows } = await sql<{ t: string }>`
    select concat_ws('|', (select string_agg(a::text, ',') from kontor.audit_log a),
                          (select string_agg(i::text, ',') from kontor.idempotency i),
                          (select string_agg(p::text, ',') from kontor.approvals p)) as t`.execute(f.admin);
  return rows[0].t;
}

test('the four edits are registered', () => {
  assert.equal(editNamed('webhooks.add'), addWebhook);
  assert.equal(editNamed('webhooks.update'), updateWebhook);
  assert.equal(editNamed('webhooks.remove'), removeWebhook);
  assert.equal(editNamed('webhooks.test'), testWebhook);
});

test('add: the secret is stored, and the preview, the audit row and the read models show only a fingerprint', async () => {
  const { preview, r } = await run(addWebhook, SIGNED);
  assert.equal(r.status, 'applied');
  const after = preview.after as Record<string, unknown>;
  assert.match(String(after.secret), /^set \(sha256:[0-9a-f]{12}\)$/);
  assert.equal(after.url, `http://127.0.0.1:${PORT}/hook`);
  assert.ok(!JSON.stringify(preview).includes(SECRET));
  const kept = await keptText();
  assert.ok(kept.includes('webhooks.add'));
  assert.ok(!kept.includes(SECRET), 'the secret is in the audit log or the idempotency record');
  const stored = (await sql<{ secret: string }>`select secret from kontor.webhooks where name = 'On-call'`.execute(f.db)).rows[0];
  assert.equal(stored.secret, SECRET);
  const hooks = await listWebhooks(f.db, f.ctx.admin);
  assert.ok(!JSON.stringify(hooks).includes(SECRET));
  assert.deepEqual(hooks.map((h) => [h.name, h.hasSecret, h.format]), [['On-call', true, 'signed']]);
});

test('a Slack URL is a credential too: shown masked, never whole', async () => {
  await run(addWebhook, { ...SIGNED, name: 'Slack', format: 'slack', secret: null, url: `https://hooks.slack.com/services/${SLACK_TOKEN}` });
  const hooks = await listWebhooks(f.db, f.ctx.admin);
  const slack = hooks.find((h) => h.name === 'Slack')!;
  assert.equal(slack.url, 'https://hooks.slack.com/services/…');
  assert.equal(slack.hasSecret, false);
  assert.ok(!JSON.stringify(hooks).includes('XXXXXXXX'));
  assert.ok(!(await keptText()).includes('XXXXXXXX'));
});

test('refused: a signed webhook without a secret, a taken name, a bad URL, a short secret; other roles', async () => {
  await refused(previewEdit(addWebhook, f.staff.admin, { ...SIGNED, name: 'No secret', secret: null }, f.opts), 'invalid', 'secret');
  await refused(previewEdit(addWebhook, f.staff.admin, { ...SIGNED, name: 'on-CALL' }, f.opts), 'invalid', 'name');
  await refused(previewEdit(addWebhook, f.staff.admin, { ...SIGNED, name: 'Ftp', url: 'ftp://example.com/x' }, f.opts), 'invalid', 'url');
  await refused(previewEdit(addWebhook, f.staff.admin, { ...SIGNED, name: 'Short', secret: 'short' }, f.opts), 'invalid', 'secret');
  for (const role of ['viewer', 'support', 'finance', 'engineer'] as const) {
    await refused(previewEdit(addWebhook, f.staff[role], { ...SIGNED, name: `By ${role}` }, f.opts), 'forbidden');
  }
});

test('update keeps the URL and secret it is not given; send a test delivers a signed test event to that webhook only', async () => {
  const id = (await listWebhooks(f.db, f.ctx.admin)).find((h) => h.name === 'On-call')!.id;
  const { preview } = await run(updateWebhook, { id, name: 'On-call', format: 'signed', enabled: true, severities: ['error'], rules: ['queue.stuck'] });
  assert.deepEqual((preview.before as { severities: string[] }).severities, ['error', 'warning']);
  assert.deepEqual((preview.after as { severities: string[] }).severities, ['error']);
  assert.equal((preview.after as { secret: string }).secret, (preview.before as { secret: string }).secret);

  const { r } = await run(testWebhook, { id });
  assert.equal(r.status, 'applied');
  const { eventId, deliveryId } = (r as { result: { eventId: string; deliveryId: string } }).result;
  await deliverDue(f.db, { only: [deliveryId] });
  assert.equal(rx.received.length, 1);
  const got = rx.received[0];
  assert.ok(verifySignature(SECRET, got.body, String(got.headers[SIGNATURE_HEADER.toLowerCase()])));
  assert.deepEqual({ ...JSON.parse(got.body), created_at: null }, {
    id: eventId, type: 'alert.test', rule: 'test', subject: `webhook:${id}`, severity: 'info', title: 'Test from Kontor to On-call',
    body: 'Sent by admin@kontor.dev with "Send a test". If you can read this, Kontor\'s alerts reach this webhook.', url: null, alert_id: null, created_at: null,
  });
  // The test went to this webhook alone (not fanned out to the Slack one).
  await deliverDue(f.db);
  const log = await listDeliveries(f.db, f.ctx.admin);
  assert.deepEqual(log.filter((d) => d.eventId === eventId).map((d) => [d.webhook, d.state, d.attempts, d.lastStatus]), [['On-call', 'delivered', 1, 200]]);
});

test('remove: the webhook leaves the list, its pending deliveries are given up, the log keeps its name', async () => {
  const id = (await listWebhooks(f.db, f.ctx.admin)).find((h) => h.name === 'On-call')!.id;
  rx.respond = () => 500;
  const { r } = await run(testWebhook, { id });
  const { deliveryId } = (r as { result: { deliveryId: string } }).result;
  await deliverDue(f.db, { only: [deliveryId] });
  await run(removeWebhook, { id });
  assert.ok(!(await listWebhooks(f.db, f.ctx.admin)).some((h) => h.id === id));
  const row = (await listDeliveries(f.db, f.ctx.admin)).find((d) => d.id === deliveryId)!;
  assert.equal(row.state, 'given up');
  assert.equal(row.webhook, 'On-call');
  await refused(previewEdit(testWebhook, f.staff.admin, { id }, f.opts), 'not-found');
});
