/**
 * What a webhook receives: the body for each format and the headers that go with it.
 *
 * - `slack`: Slack's incoming-webhook shape, `{ "text": ..., "blocks": [...] }` (text is the fallback
 *   notifications show; blocks a header line, the body and a context line).
 * - `signed`: a generic JSON body, signed like Stripe's webhooks: `X-Kontor-Signature: t=<unix>,v1=<hex>`
 *   where hex = HMAC-SHA256(secret, `${t}.${rawBody}`). A receiver recomputes it over the raw bytes,
 *   compares in constant time and refuses a `t` older than a few minutes (a replay).
 *
 * Every request carries `X-Kontor-Event` (the alert event's id) and `X-Kontor-Delivery` (the delivery's id):
 * delivery is at least once, so a receiver dedupes on the event id.
 */
import crypto from 'node:crypto';

export type WebhookFormat = 'slack' | 'signed';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['slack', 'signed'];
export const SEVERITIES = ['info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SIGNATURE_HEADER = 'X-Kontor-Signature';
export const EVENT_HEADER = 'X-Kontor-Event';
export const DELIVERY_HEADER = 'X-Kontor-Delivery';

export interface AlertEvent {
  id: string;
  rule: string;
  subject: string;
  event: 'opened' | 'renotified' | 'resolved' | 'test';
  severity: Severity;
  title: string;
  body: string;
  url: string | null;
  alertId: string | null;
  createdAt: string;
}

const EMOJI: Record<AlertEvent['event'], string> = { opened: ':rotating_light:', renotified: ':bell:', resolved: ':white_check_mark:', test: ':wave:' };
const WORD: Record<AlertEvent['event'], string> = { opened: 'Opened', renotified: 'Still open', resolved: 'Resolved', test: 'Test' };

/** Slack's mrkdwn: &, < and > are control characters there. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackBody(e: AlertEvent) {
  const head = `${EMOJI[e.event]} ${WORD[e.event]} (${e.severity}): ${escapeSlack(e.title)}`;
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${head}*` } }];
  if (e.body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(e.body).slice(0, 2900) } });
  const context = [`rule \`${escapeSlack(e.rule)}\``, e.subject ? escapeSlack(e.subject) : null, e.createdAt].filter(Boolean).join(' · ');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: e.url ? `${context} · <${e.url}|Open in Kontor>` : context }] });
  return { text: head, blocks };
}

export function signedBody(e: AlertEvent) {
  return {
    id: e.id,
    type: `alert.${e.event}`,
    rule: e.rule,
    subject: e.subject,
    severity: e.severity,
    title: e.title,
    body: e.body,
    url: e.url,
    alert_id: e.alertId,
    created_at: e.createdAt,
  };
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function signature(secret: string, rawBody: string, unixSeconds: number): string {
  const mac = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does (and the tests): true when `header` signs `rawBody` with `secret`, no older than `toleranceS`. */
export function verifySignature(secret: string, rawBody: string, header: string, nowS = Math.floor(Date.now() / 1000), toleranceS = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowS - t) > toleranceS) return false;
  const expected = Buffer.from(signature(secret, rawBody, t).split('v1=')[1], 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
}

/** The request for one event to one webhook. */
export function webhookRequest(
  hook: { format: WebhookFormat; secret: string | null },
  e: AlertEvent,
  deliveryId: string,
  now: Date,
): WebhookRequest {
  const body = JSON.stringify(hook.format === 'slack' ? slackBody(e) : signedBody(e));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Kontor-Webhooks/1',
    [EVENT_HEADER]: e.id,
    [DELIVERY_HEADER]: deliveryId,
  };
  if (hook.secret) headers[SIGNATURE_HEADER] = signature(hook.secret, body, Math.floor(now.getTime() / 1000));
  return { body, headers };
}

/** A short, non-reversible name for a secret or URL, for the audit log and the preview (never the value). */
export function fingerprintOf(value: string): string {
  return `sha256:${crypto.createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}

/** A URL as the page shows it: scheme, host and the first path segment; the rest (a Slack token) hidden. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    const first = u.pathname.split('/').filter(Boolean)[0];
    const more = u.pathname.split('/').filter(Boolean).length > 1 || u.search;
    return `${u.protocol}//${u.host}${first ? `/${first}` : ''}${more ? '/…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}
