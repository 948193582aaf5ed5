import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createDb } from '@/db/connect';
import { startCluster, type Cluster } from '@/db/embedded';
import { migrateToLatest } from '@/db/migrate';
import type { KontorDatabase } from '@/db/types';
import { startReceiver, type Receiver } from '@/test/webhook-receiver';
import { createWatchdog, WATCHDOG_RULE } from '@/lib/alerts/watchdog';
import { SIGNATURE_HEADER, verifySignature } from '@/lib/alerts/webhook-format';

// A cluster of its own (the shared test cluster must not be stopped), on a port of this brief's range.
const PG_PORT = 4471;
const RX_PORT = 4462;
const SECRET = 'whsec_watchdog_0123456789';
const dataDir = path.resolve(`.kontor/test-watchdog-${process.pid}`);
let cluster: Cluster;
let db: Kysely<KontorDatabase>;
let rx: Receiver;

before(async () => {
  cluster = await startCluster({ dataDir, port: PG_PORT, fast: true });
  db = createDb(cluster.url(), { max: 2, connectionTimeoutMillis: 1000 });
  const { error } = await migrateToLatest(db as unknown as Kysely<unknown>);
  if (error) throw error;
  rx = await startReceiver(RX_PORT);
});
after(async () => {
  await rx?.close();
  await db?.destroy();
  await cluster?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the watchdog alerts once when the database stops, and resolves (recorded) when it is back', async () => {
  await sql`insert into kontor.webhooks (name, url, format, secret, created_by)
            values ('ops', ${rx.url}, 'signed', ${SECRET}, 'test'),
                   ('warnings only', ${rx.url.replace('/hook', '/warn')}, 'slack', null, 'test')`.execute(db);
  await sql`update kontor.webhooks set severities = '{warning}' where name = 'warnings only'`.execute(db);
  const dog = createWatchdog({ db, intervalMs: 100, failures: 3, pingTimeoutMs: 1000, sendTimeoutMs: 2000 });
  try {
    await until('the webhooks to be loaded', () => dog.state().hooks === 1);
    await cluster.stop();
    await until('the unreachable alert', () => rx.received.length >= 1);
    assert.ok(dog.state().failures >= 3);
    // Once per outage: more failed pings send nothing more (counted, not timed: the machine may be slow).
    const failed = dog.state().failures;
    await until('five more failed pings', () => dog.state().failures >= failed + 5);
    assert.equal(rx.received.length, 1);
    const first = rx.received[0];
    assert.ok(verifySignature(SECRET, first.body, String(first.headers[SIGNATURE_HEADER.toLowerCase()])));
    const opened = JSON.parse(first.body);
    assert.equal(opened.type, 'alert.opened');
    assert.equal(opened.rule, WATCHDOG_RULE);
    assert.match(opened.title, /cannot reach the database/);

    cluster = await startCluster({ dataDir, port: PG_PORT, fast: true });
    await until('the resolved alert', () => rx.received.length >= 2);
    const resolved = JSON.parse(rx.received[1].body);
    assert.equal(resolved.type, 'alert.resolved');
    assert.equal(resolved.rule, WATCHDOG_RULE);
    assert.equal(dog.state().outage, false);

    // Recorded: the outage with its direct send as a delivered delivery, and the resolution, delivered once.
    const { rows } = await sql<{ event: string; delivered: number; attempts: number }>`
      select e.event, count(d.delivered_at)::int as delivered, coalesce(sum(d.attempts), 0)::int as attempts
        from kontor.alert_events e left join kontor.alert_deliveries d on d.event_id = e.id
       where e.rule = ${WATCHDOG_RULE} group by e.id, e.event order by e.id`.execute(db);
    assert.deepEqual(rows, [{ event: 'opened', delivered: 1, attempts: 1 }, { event: 'resolved', delivered: 1, attempts: 1 }]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(rx.received.length, 2);
  } finally {
    await dog.stop();
  }
});
