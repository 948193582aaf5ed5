/**
 * The webhooks page's read models: the webhooks (never their secret or whole URL: `hasSecret` and a
 * masked URL) and the delivery log, newest first. Capability alerts.read, checked here.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { ReadContext } from '@/lib/context';
import { GuardError } from '@/lib/guard/errors';
import { maskUrl, type WebhookFormat } from '@/lib/alerts/webhook-format';
import { MAX_ATTEMPTS } from '@/lib/alerts/deliver';

export interface WebhookRow {
  id: string;
  name: string;
  url: string;
  format: WebhookFormat;
  hasSecret: boolean;
  enabled: boolean;
  severities: string[];
  rules: string[];
  createdAt: string;
  createdBy: string;
  /** Deliveries in the last 24 hours: delivered, waiting (a retry due), given up. */
  recent: { delivered: number; waiting: number; gaveUp: number };
}

export type DeliveryState = 'delivered' | 'retrying' | 'due' | 'given up';

export interface DeliveryRow {
  id: string;
  eventId: string;
  webhookId: string;
  webhook: string;
  event: string;
  rule: string;
  severity: string;
  title: string;
  state: DeliveryState;
  attempts: number;
  maxAttempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

function requireRead(ctx: ReadContext) {
  if (!ctx.staff.can('alerts.read')) throw new GuardError('forbidden', 'alerts.read is required to see webhooks.');
}

export async function listWebhooks(db: QueryExecutorProvider, ctx: ReadContext): Promise<WebhookRow[]> {
  requireRead(ctx);
  const { rows } = await sql<Omit<WebhookRow, 'recent'> & { delivered: number; waiting: number; gave_up: number }>`
    select w.id::text, w.name, w.url, w.format, w.secret is not null as "hasSecret", w.enabled, w.severities, w.rules,
           w.created_at as "createdAt", w.created_by as "createdBy",
           count(d.delivered_at)::int as delivered,
           count(*) filter (where d.id is not null and d.delivered_at is null and d.given_up_at is null)::int as waiting,
           count(d.given_up_at)::int as gave_up
      from kontor.webhooks w
      left join kontor.alert_deliveries d on d.webhook_id = w.id and d.created_at > now() - interval '24 hours'
     where w.removed_at is null
     group by w.id
     order by lower(w.name)`.execute(db);
  return rows.map(({ delivered, waiting, gave_up: gaveUp, ...w }) => ({
    ...w,
    // The whole URL stays on the server (a Slack URL is a credential).
    url: maskUrl(w.url),
    createdAt: new Date(w.createdAt).toISOString(),
    recent: { delivered, waiting, gaveUp },
  }));
}

export async function listDeliveries(db: QueryExecutorProvider, ctx: ReadContext, { limit = 50 } = {}): Promise<DeliveryRow[]> {
  requireRead(ctx);
  const { rows } = await sql<DeliveryRow>`
    select d.id::text, d.event_id::text as "eventId", d.webhook_id::text as "webhookId", w.name as webhook,
           e.event, e.rule, e.severity, e.title,
           case when d.delivered_at is not null then 'delivered'
                when d.given_up_at is not null then 'given up'
                when d.attempts > 0 then 'retrying' else 'due' end as state,
           d.attempts, ${MAX_ATTEMPTS}::int as "maxAttempts", d.last_status as "lastStatus", d.last_error as "lastError",
           to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
           to_char(d.last_attempt_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "lastAttemptAt",
           case when d.delivered_at is null and d.given_up_at is null
                then to_char(d.next_attempt_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') end as "nextAttemptAt",
           to_char(d.delivered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "deliveredAt"
      from kontor.alert_deliveries d
      join kontor.webhooks w on w.id = d.webhook_id
      join kontor.alert_events e on e.id = d.event_id
     order by d.id desc
     limit ${limit}`.execute(db);
  return rows;
}
