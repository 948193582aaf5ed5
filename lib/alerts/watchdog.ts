/**
 * The database-unreachable watchdog: the one alert that cannot go through the database. Every console
 * process pings the database every `intervalMs`; while it answers, the process keeps the enabled
 * webhooks that take this rule's alerts in memory (secrets included: they stay in this server process).
 * After `failures` pings in a row fail, it POSTs a "database unreachable" alert to those webhooks
 * directly (each until a 2xx or a refusal, at most SEND_TRIES times), once per outage. When a ping
 * succeeds again it records the outage in kontor.alert_events (the opened event, with how each direct
 * send went as its deliveries) and a resolved event, which the usual path (deliverDue) sends at once.
 *
 * Each process watches for itself (its subject names the process): an outage seen by three instances
 * is reported three times, and one instance cut off from a healthy database is reported too.
 */
import 'server-only';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { deliverDue } from '@/lib/alerts/deliver';
import { postWebhook } from '@/lib/alerts/send';
import { webhookRequest, type AlertEvent, type WebhookFormat } from '@/lib/alerts/webhook-format';

export const WATCHDOG_RULE = 'database_unreachable';
const SEND_TRIES = 5;
const RELOAD_MS = 60_000;

type Db = Kysely<KontorDatabase>;

interface Hook {
  id: string;
  url: string;
  format: WebhookFormat;
  secret: string | null;
}

interface Outage {
  since: Date;
  event: AlertEvent;
  sends: Map<string, { tries: number; status: number | null; error: string | null; delivered: Date | null; done: boolean }>;
}

export interface WatchdogOptions {
  /** Default: the console's pool. */
  db?: Db;
  intervalMs?: number;
  /** Failed pings in a row that make an outage. */
  failures?: number;
  pingTimeoutMs?: number;
  sendTimeoutMs?: number;
}

export interface Watchdog {
  stop(): Promise<void>;
  /** For tests and /metrics: consecutive failures and whether an outage is open. */
  state(): { failures: number; outage: boolean; hooks: number };
}

const instance = `${os.hostname()}:${process.pid}`;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

async function loadHooks(db: Db): Promise<Hook[]> {
  const { rows } = await sql<Hook>`
    select id::text, url, format, secret from kontor.webhooks
     where enabled and removed_at is null and 'error' = any (severities)
       and (cardinality(rules) = 0 or ${WATCHDOG_RULE} = any (rules))`.execute(db);
  return rows;
}

function unreachableEvent(since: Date, failures: number, error: string): AlertEvent {
  return {
    id: `${WATCHDOG_RULE}:${instance}:${since.getTime()}`,
    rule: WATCHDOG_RULE,
    subject: instance,
    event: 'opened',
    severity: 'error',
    title: 'Kontor cannot reach the database',
    body: `${failures} pings in a row failed since ${since.toISOString()} (last: ${error}). Sent by console process ${instance}.`,
    url: null,
    alertId: null,
    createdAt: since.toISOString(),
  };
}

/** Records the outage (its direct sends as deliveries) and a resolved event, in one transaction. */
async function recordOutage(db: Db, o: Outage, now: Date) {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string }>`
      insert into kontor.alert_events (rule, subject, event, severity, title, body, created_at)
      values (${WATCHDOG_RULE}, ${instance}, 'opened', 'error', ${o.event.title}, ${o.event.body}, ${o.since}::timestamptz)
      returning id::text`.execute(trx);
    for (const [hookId, s] of o.sends) {
      await sql`
        insert into kontor.alert_deliveries (event_id, webhook_id, attempts, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at, given_up_at)
        select ${rows[0].id}::bigint, w.id, ${s.tries}, ${now}::timestamptz, ${now}::timestamptz, ${s.status}, ${s.error},
               ${s.delivered}::timestamptz, ${s.delivered ? null : now}::timestamptz
          from kontor.webhooks w where w.id = ${hookId}::uuid
        on conflict do nothing`.execute(trx);
    }
    const minutes = Math.max(1, Math.round((now.getTime() - o.since.getTime()) / 60_000));
    await sql`
      insert into kontor.alert_events (rule, subject, event, severity, title, body)
      values (${WATCHDOG_RULE}, ${instance}, 'resolved', 'error', 'Kontor reaches the database again',
              ${`The database answers again after about ${minutes} min (since ${o.since.toISOString()}).`})`.execute(trx);
  });
}

export function createWatchdog(opts: WatchdogOptions & { db: Db }): Watchdog {
  const { db, intervalMs = 15_000, failures: threshold = 3, pingTimeoutMs = 5_000, sendTimeoutMs } = opts;
  let hooks: Hook[] = [];
  let loadedAt = 0;
  let failures = 0;
  let firstFailure: Date | null = null;
  let outage: Outage | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function sendPending(o: Outage) {
    await Promise.all(hooks.map(async (h) => {
      const s = o.sends.get(h.id) ?? { tries: 0, status: null, error: null, delivered: null, done: false };
      o.sends.set(h.id, s);
      if (s.done) return;
      s.tries += 1;
      const out = await postWebhook(h.url, webhookRequest(h, o.event, 'watchdog', new Date()), sendTimeoutMs);
      s.status = out.status;
      s.error = out.kind === 'delivered' ? null : out.error;
      if (out.kind === 'delivered') s.delivered = new Date();
      s.done = out.kind !== 'retry' || s.tries >= SEND_TRIES;
    }));
  }

  async function tick() {
    let error: string | null = null;
    try {
      await withTimeout(sql`select 1`.execute(db), pingTimeoutMs);
    } catch (err) {
      error = (err as Error).message || String(err);
    }
    if (error === null) {
      failures = 0;
      firstFailure = null;
      if (outage) {
        const o = outage;
        await recordOutage(db, o, new Date());
        outage = null;
        await deliverDue(db, { timeoutMs: sendTimeoutMs });
      }
      if (Date.now() - loadedAt > RELOAD_MS) {
        hooks = await loadHooks(db);
        loadedAt = Date.now();
      }
      return;
    }
    failures += 1;
    firstFailure ??= new Date();
    if (failures >= threshold) {
      outage ??= { since: firstFailure, event: unreachableEvent(firstFailure, failures, error), sends: new Map() };
      await sendPending(outage);
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().catch(() => undefined).finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    state: () => ({ failures, outage: outage !== null, hooks: hooks.length }),
  };
}

const globalForWatchdog = globalThis as unknown as { kontorWatchdog?: Watchdog };

/**
 * Starts this process's watchdog once (instrumentation.ts register(); a second call is a no-op), on the
 * console's pool, every KONTOR_WATCHDOG_SECONDS (0: off), alerting after KONTOR_WATCHDOG_FAILURES.
 */
export async function startWatchdog(opts: WatchdogOptions = {}): Promise<Watchdog | null> {
  if (globalForWatchdog.kontorWatchdog) return globalForWatchdog.kontorWatchdog;
  const { env } = await import('@/lib/env');
  if (env.KONTOR_WATCHDOG_SECONDS === 0) return null;
  const db = opts.db ?? (await import('@/db/index')).getDb();
  globalForWatchdog.kontorWatchdog = createWatchdog({
    intervalMs: env.KONTOR_WATCHDOG_SECONDS * 1000, failures: env.KONTOR_WATCHDOG_FAILURES, ...opts, db,
  });
  return globalForWatchdog.kontorWatchdog;
}
