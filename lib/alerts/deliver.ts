/**
 * Delivering alert events to webhooks: `deliverDue(db, { now })`, run every minute by the schedule and
 * right after "Send a test". Several console instances may run it at once, through a transaction-mode
 * pooler, so it keeps no session state and holds no transaction open across an HTTP request:
 *
 * 1. Fan out: a delivery row per (new event, matching enabled webhook); the unique key makes a second
 *    instance's insert a no-op. Events older than the webhook, or than FAN_OUT_WINDOW, are not sent.
 * 2. Claim: in one short transaction, due rows are locked FOR UPDATE SKIP LOCKED and leased: attempts + 1
 *    and next_attempt_at pushed LEASE_MS ahead, so that no other instance takes them while this one sends.
 * 3. Send, outside any transaction (postWebhook: a timeout), then record: delivered (a 2xx), given up
 *    (MAX_ATTEMPTS reached, or a status retrying cannot fix), or the next try after a backoff with jitter.
 *
 * The guarantee is at least once: a crash between the 2xx and its record (step 3) leaves the lease to
 * expire and the event is sent again, with the same X-Kontor-Event id for the receiver to dedupe on.
 * Once a 2xx is recorded the row is never claimed again, and a late record never overwrites one.
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { postWebhook, SEND_TIMEOUT_MS, type SendOutcome } from '@/lib/alerts/send';
import { webhookRequest, type AlertEvent, type WebhookFormat } from '@/lib/alerts/webhook-format';

export const MAX_ATTEMPTS = 8;
/** The first retry waits about this long; each next one twice as long, up to BACKOFF_CAP_MS. */
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_CAP_MS = 60 * 60_000;
/** Longer than a send's timeout: a claimed row is someone's until then. */
export const LEASE_MS = 2 * SEND_TIMEOUT_MS + 10_000;
export const FAN_OUT_WINDOW_MS = 24 * 60 * 60_000;
const BATCH = 25;

/** The wait before attempt `attempts + 1`: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const full = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

export interface DeliverOptions {
  /** The clock (tests drive it): what is due, and when the next try is. Default: now. */
  now?: Date;
  timeoutMs?: number;
  random?: () => number;
  /** Only these deliveries (send a test delivers its own at once). */
  only?: readonly string[];
}

export interface DeliverReport {
  queued: number;
  delivered: number;
  retrying: number;
  gaveUp: number;
}

type Db = Kysely<KontorDatabase>;

/** New events for matching webhooks become deliveries (tests are targeted by the edit that writes them). */
export async function fanOut(db: Db, now: Date): Promise<number> {
  const r = await sql`
    insert into kontor.alert_deliveries (event_id, webhook_id, next_attempt_at)
    select e.id, w.id, ${now}::timestamptz
      from kontor.webhooks w
      join kontor.alert_events e
        on e.created_at >= w.created_at
       and e.created_at > ${now}::timestamptz - make_interval(secs => ${FAN_OUT_WINDOW_MS / 1000})
       and e.event <> 'test'
       and e.severity = any (w.severities)
       and (cardinality(w.rules) = 0 or e.rule = any (w.rules))
     where w.enabled and w.removed_at is null
       and not exists (select 1 from kontor.alert_deliveries d where d.event_id = e.id and d.webhook_id = w.id)
    on conflict (event_id, webhook_id) do nothing`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

interface Claimed {
  id: string;
  attempts: number;
  url: string;
  format: WebhookFormat;
  secret: string | null;
  event: AlertEvent;
}

async function claim(db: Db, now: Date, only?: readonly string[]): Promise<Claimed[]> {
  const { rows } = await sql<Omit<Claimed, 'event'> & { e: Record<string, string | null> }>`
    with due as (
      select d.id from kontor.alert_deliveries d
        join kontor.webhooks w on w.id = d.webhook_id
       where d.delivered_at is null and d.given_up_at is null and d.next_attempt_at <= ${now}::timestamptz
         and w.enabled and w.removed_at is null
         ${only ? sql`and d.id = any (${only.map(String)}::bigint[])` : sql``}
       order by d.next_attempt_at, d.id
       limit ${BATCH}
       for update of d skip locked
    )
    update kontor.alert_deliveries d
       set attempts = d.attempts + 1, last_attempt_at = ${now}::timestamptz,
           next_attempt_at = ${now}::timestamptz + make_interval(secs => ${LEASE_MS / 1000})
      from due, kontor.webhooks w, kontor.alert_events e
     where d.id = due.id and w.id = d.webhook_id and e.id = d.event_id
    returning d.id::text, d.attempts, w.url, w.format, w.secret,
              json_build_object('id', e.id::text, 'rule', e.rule, 'subject', e.subject, 'event', e.event, 'severity', e.severity,
                                'title', e.title, 'body', e.body, 'url', e.url, 'alertId', e.alert_id::text,
                                'createdAt', to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) as e`.execute(db);
  return rows.map(({ e, ...r }) => ({ ...r, event: e as unknown as AlertEvent }));
}

async function record(db: Db, c: Claimed, outcome: SendOutcome, now: Date, random: () => number) {
  // Only the claim that is still current may write (a lease that ran out was taken over), and never over a 2xx.
  const mine = sql`id = ${c.id} and attempts = ${c.attempts} and delivered_at is null and given_up_at is null`;
  if (outcome.kind === 'delivered') {
    await sql`update kontor.alert_deliveries set delivered_at = ${now}::timestamptz, last_status = ${outcome.status}, last_error = null
               where ${mine}`.execute(db);
    return 'delivered' as const;
  }
  if (outcome.kind === 'refused' || c.attempts >= MAX_ATTEMPTS) {
    await sql`update kontor.alert_deliveries set given_up_at = ${now}::timestamptz, last_status = ${outcome.status}, last_error = ${outcome.error}
               where ${mine}`.execute(db);
    return 'gaveUp' as const;
  }
  const next = new Date(now.getTime() + backoffMs(c.attempts, random));
  await sql`update kontor.alert_deliveries set next_attempt_at = ${next}::timestamptz, last_status = ${outcome.status}, last_error = ${outcome.error}
             where ${mine}`.execute(db);
  return 'retrying' as const;
}

/** Sends every delivery that is due (in batches), and says what happened. */
export async function deliverDue(db: Db, opts: DeliverOptions = {}): Promise<DeliverReport> {
  const now = opts.now ?? new Date();
  const random = opts.random ?? Math.random;
  const report: DeliverReport = { queued: await fanOut(db, now), delivered: 0, retrying: 0, gaveUp: 0 };
  for (;;) {
    const batch = await claim(db, now, opts.only); // one statement: its own transaction
    await Promise.all(batch.map(async (c) => {
      // The signature's timestamp is the real time of sending (receivers compare it with their clock).
      const req = webhookRequest(c, c.event, c.id, new Date());
      const outcome = await postWebhook(c.url, req, opts.timeoutMs);
      report[await record(db, c, outcome, now, random)] += 1;
    }));
    if (batch.length < BATCH) return report;
  }
}
