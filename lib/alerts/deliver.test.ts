import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { guardFixture, instanceDb, type GuardFixture } from '@/test/guard';
import { startReceiver, type Receiver } from '@/test/webhook-receiver';
import { BACKOFF_BASE_MS, backoffMs, deliverDue, LEASE_MS, MAX_ATTEMPTS } from '@/lib/alerts/deliver';
import { EVENT_HEADER, SIGNATURE_HEADER, verifySignature } from '@/lib/alerts/webhook-format';

const PORT = 4461;
const SECRET = 'whsec_test_0123456789abcdef';
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
beforeEach(async () => {
  rx.received.length = 0;
  rx.respond = () => 200;
  // Each test starts with no webhooks and no pending deliveries.
  await sql`update kontor.webhooks set removed_at = now(), enabled = false where removed_at is null`.execute(f.admin);
});

async function addHook(format: 'slack' | 'signed', extra: { severities?: string[]; rules?: string[]; enabled?: boolean } = {}) {
  const { rows } = await sql<{ id: string }>`
    insert into kontor.webhooks (name, url, format, secret, enabled, severities, rules, created_by, created_at)
    values (${`hook ${Math.random()}`}, ${rx.url}, ${format}, ${format === 'signed' ? SECRET : null}, ${extra.enabled ?? true},
            ${extra.severities ?? ['info', 'warning', 'error']}::text[], ${extra.rules ?? []}::text[], 'test', clock_timestamp())
    returning id::text`.execute(f.admin);
  return rows[0].id;
}

async function addEvent(over: { rule?: string; severity?: string; event?: string } = {}) {
  const { rows } = await sql<{ id: string }>`
    insert into kontor.alert_events (rule, subject, event, severity, title, body, url)
    values (${over.rule ?? 'queue.stuck'}, 'render', ${over.event ?? 'opened'}, ${over.severity ?? 'error'},
            'Queue render is stuck', 'Oldest task 42 min; no live worker.', 'http://localhost/tasks/queue')
    returning id::text`.execute(f.db);
  return rows[0].id;
}

async function delivery(eventId: string) {
  const { rows } = await sql<{ attempts: number; next: Date; delivered: Date | null; given_up: Date | null; last_status: number | null; last_error: string | null }>`
    select attempts, next_attempt_at as next, delivered_at as delivered, given_up_at as given_up, last_status, last_error
      from kontor.alert_deliveries where event_id = ${eventId}`.execute(f.db);
  return rows;
}

test('signed format: the body is signed with HMAC-SHA256 over "t.body", with the event id header', async () => {
  await addHook('signed');
  const id = await addEvent();
  const report = await deliverDue(f.db);
  assert.deepEqual(report, { queued: 1, delivered: 1, retrying: 0, gaveUp: 0 });
  assert.equal(rx.received.length, 1);
  const r = rx.received[0];
  const header = String(r.headers[SIGNATURE_HEADER.toLowerCase()]);
  assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.ok(verifySignature(SECRET, r.body, header));
  assert.ok(!verifySignature('another-secret-0123456789', r.body, header));
  assert.ok(!verifySignature(SECRET, r.body.replace('stuck', 'fine'), header), 'a changed body fails');
  assert.ok(!verifySignature(SECRET, r.body, header, Math.floor(Date.now() / 1000) + 3600), 'an old timestamp is a replay');
  assert.equal(r.headers[EVENT_HEADER.toLowerCase()], id);
  const body = JSON.parse(r.body);
  assert.deepEqual({ id: body.id, type: body.type, rule: body.rule, severity: body.severity, title: body.title },
    { id, type: 'alert.opened', rule: 'queue.stuck', severity: 'error', title: 'Queue render is stuck' });
  const [d] = await delivery(id);
  assert.equal(d.attempts, 1);
  assert.equal(d.last_status, 200);
  assert.ok(d.delivered);
  // Delivered once: later runs send nothing.
  await deliverDue(f.db, { now: new Date(Date.now() + 3600_000) });
  assert.equal(rx.received.length, 1);
});

test('slack format: the incoming-webhook shape, text and blocks; no signature without a secret', async () => {
  await addHook('slack');
  await addEvent({ event: 'resolved', severity: 'warning' });
  await deliverDue(f.db);
  assert.equal(rx.received.length, 1);
  const r = rx.received[0];
  assert.equal(r.headers[SIGNATURE_HEADER.toLowerCase()], undefined);
  assert.equal(r.headers['content-type'], 'application/json');
  const body = JSON.parse(r.body) as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: unknown[] }[] };
  assert.equal(typeof body.text, 'string');
  assert.match(body.text, /Resolved \(warning\): Queue render is stuck/);
  assert.ok(Array.isArray(body.blocks) && body.blocks.length >= 2);
  for (const b of body.blocks) assert.ok(['section', 'context'].includes(b.type));
  assert.equal(body.blocks[0].text?.type, 'mrkdwn');
  assert.match(JSON.stringify(body.blocks.at(-1)), /<http:\/\/localhost\/tasks\/queue\|Open in Kontor>/);
});

test('retries follow 500s with exponential backoff and jitter, and stop after the 2xx', async () => {
  await addHook('signed');
  const id = await addEvent();
  const statuses = [500, 503, 200];
  rx.respond = () => statuses.shift() ?? 200;
  let now = new Date(Date.now() + 1000);
  const waits: number[] = [];
  for (let i = 0; i < 3; i++) {
    await deliverDue(f.db, { now });
    assert.equal(rx.received.length, i + 1);
    const [d] = await delivery(id);
    assert.equal(d.attempts, i + 1);
    if (i < 2) {
      const wait = d.next.getTime() - now.getTime();
      const full = BACKOFF_BASE_MS * 2 ** i;
      assert.ok(wait >= full / 2 && wait <= full, `try ${i + 1}: waited ${wait} ms, expected ${full / 2}..${full}`);
      waits.push(wait);
      assert.match(d.last_error ?? '', /^HTTP 50[03]/);
      // Not due before its time.
      await deliverDue(f.db, { now: new Date(d.next.getTime() - 1000) });
      assert.equal(rx.received.length, i + 1);
      now = d.next;
    } else {
      assert.ok(d.delivered);
      assert.equal(d.last_status, 200);
    }
  }
  await deliverDue(f.db, { now: new Date(now.getTime() + 24 * 3600_000 - 60_000) });
  assert.equal(rx.received.length, 3, 'nothing after the 2xx');
  // The same event id on every try: the receiver can dedupe.
  assert.deepEqual(new Set(rx.received.map((r) => r.headers[EVENT_HEADER.toLowerCase()])), new Set([id]));
});

test('backoff doubles up to its cap, jittered between half and all of it', () => {
  assert.equal(backoffMs(1, () => 0), BACKOFF_BASE_MS / 2);
  assert.equal(backoffMs(1, () => 1), BACKOFF_BASE_MS);
  assert.equal(backoffMs(3, () => 1), BACKOFF_BASE_MS * 4);
  assert.equal(backoffMs(30, () => 1), 60 * 60_000);
});

test(`gives up after ${MAX_ATTEMPTS} attempts of 500; a 404 is given up at once`, async () => {
  await addHook('signed');
  const id = await addEvent();
  rx.respond = () => 500;
  let now = new Date(Date.now() + 1000);
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    await deliverDue(f.db, { now });
    now = (await delivery(id))[0].next;
  }
  const [d] = await delivery(id);
  assert.equal(rx.received.length, MAX_ATTEMPTS);
  assert.equal(d.attempts, MAX_ATTEMPTS);
  assert.ok(d.given_up);
  assert.equal(d.last_status, 500);
  await deliverDue(f.db, { now: new Date(now.getTime() + 3600_000) });
  assert.equal(rx.received.length, MAX_ATTEMPTS);

  rx.received.length = 0;
  rx.respond = () => 404;
  const other = await addEvent();
  await deliverDue(f.db, { now });
  const [g] = await delivery(other);
  assert.equal(rx.received.length, 1);
  assert.ok(g.given_up);
  assert.match(g.last_error ?? '', /^HTTP 404/);
});

test('a timeout or a closed port is retried', async () => {
  await addHook('signed');
  const id = await addEvent();
  rx.respond = () => new Promise((resolve) => setTimeout(() => resolve(200), 1500));
  await deliverDue(f.db, { timeoutMs: 200 });
  const [d] = await delivery(id);
  assert.equal(d.attempts, 1);
  assert.equal(d.delivered, null);
  assert.match(d.last_error ?? '', /No answer within 0.2 s/);
  await sql`update kontor.webhooks set url = 'http://127.0.0.1:4479/closed' where removed_at is null`.execute(f.admin);
  await deliverDue(f.db, { now: d.next });
  const [e] = await delivery(id);
  assert.equal(e.attempts, 2);
  assert.match(e.last_error ?? '', /Network error: ECONNREFUSED/);
});

test('severity and rule filters, disabled webhooks and events older than the webhook', async () => {
  await sql`insert into kontor.alert_events (rule, event, severity, title, created_at)
            values ('queue.stuck', 'opened', 'error', 'before the webhook', now() - interval '2 minutes')`.execute(f.admin);
  const errorsOnly = await addHook('signed', { severities: ['error'] });
  const queueOnly = await addHook('slack', { rules: ['queue.stuck'] });
  await addHook('slack', { enabled: false });
  await addEvent({ severity: 'warning', rule: 'worker.silent' }); // neither
  await addEvent({ severity: 'warning', rule: 'queue.stuck' }); // queueOnly
  await addEvent({ severity: 'error', rule: 'drift.found' }); // errorsOnly
  await deliverDue(f.db);
  const { rows } = await sql<{ webhook_id: string; title: string; rule: string }>`
    select d.webhook_id::text, e.title, e.rule from kontor.alert_deliveries d join kontor.alert_events e on e.id = d.event_id
     where d.webhook_id in (select id from kontor.webhooks where removed_at is null) order by e.id`.execute(f.db);
  assert.deepEqual(rows.map((r) => [r.webhook_id, r.rule]), [[queueOnly, 'queue.stuck'], [errorsOnly, 'drift.found']]);
  assert.equal(rx.received.length, 2);
});

test('a claim whose sender died is sent again after its lease, with the same event id', async () => {
  await addHook('signed');
  const id = await addEvent();
  const now = new Date(Date.now() + 1000);
  await deliverDue(f.db); // creates the delivery (and sends it)
  rx.received.length = 0;
  // Made to look as a claim leaves its row: one attempt counted, leased until now + LEASE_MS; then the sender died.
  await sql`update kontor.alert_deliveries set delivered_at = null, attempts = 1, last_status = null,
              next_attempt_at = ${now}::timestamptz + make_interval(secs => ${LEASE_MS / 1000}) where event_id = ${id}`.execute(f.admin);
  await deliverDue(f.db, { now });
  assert.equal(rx.received.length, 0, 'leased to the dead sender');
  await deliverDue(f.db, { now: new Date(now.getTime() + LEASE_MS + 1000) });
  assert.equal(rx.received.length, 1);
  assert.equal(rx.received[0].headers[EVENT_HEADER.toLowerCase()], id);
  const [d] = await delivery(id);
  assert.equal(d.attempts, 2);
  assert.ok(d.delivered);
});

test('two instances delivering at once send each delivery exactly once', async () => {
  await addHook('signed');
  await addHook('slack');
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) ids.push(await addEvent());
  // Answers wait until more requests are in flight than one instance's batch (25) can hold: both send at once.
  let overlapped = false;
  rx.respond = async () => {
    const end = Date.now() + 10_000;
    while (!overlapped && rx.received.length <= 25 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    overlapped = true;
    return 200;
  };
  const other: Kysely<KontorDatabase> = await instanceDb(f, { max: 4 });
  try {
    const now = new Date(Date.now() + 1000);
    const [a, b] = await Promise.all([deliverDue(f.db, { now }), deliverDue(other, { now })]);
    assert.equal(a.delivered + b.delivered, 80);
    assert.ok(a.delivered > 0 && b.delivered > 0, `both took part: ${a.delivered} + ${b.delivered}`);
  } finally {
    await other.destroy();
  }
  const seen = rx.received.map((r) => `${r.headers[EVENT_HEADER.toLowerCase()]}:${r.headers['x-kontor-delivery']}`);
  assert.equal(seen.length, 80);
  assert.equal(new Set(seen).size, 80, 'no delivery sent twice');
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from kontor.alert_deliveries
                                            where event_id = any (${ids}::bigint[]) and delivered_at is not null and attempts = 1`.execute(f.db);
  assert.equal(rows[0].n, 80);
});
