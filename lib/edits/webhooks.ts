/**
 * Webhooks as guarded edits (capability alerts.manage, admins): add, update, remove, and "send a test".
 *
 * The secret (and the URL, which for Slack is itself a credential) is write-only: it comes in with the
 * input and goes to kontor.webhooks, and every view of a webhook (this edit's preview and audit row, the
 * page) shows a fingerprint and a masked URL instead. Leaving either out of an update keeps it.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Trx } from '@/db/types';
import { catalogEdit } from '@/lib/edits/define';
import { GuardError, invalid } from '@/lib/guard/errors';
import { safeText } from '@/lib/guard/text';
import { fingerprintOf, maskUrl, SEVERITIES, WEBHOOK_FORMATS } from '@/lib/alerts/webhook-format';

export const SECRET_MIN = 16;

const url = z
  .string({ error: 'Give the URL.' })
  .trim()
  .max(2000, { error: 'The URL is too long.' })
  .pipe(z.url({ protocol: /^https?$/, error: 'Give an http(s) URL.' }));
const secret = z
  .string({ error: 'The secret must be text.' })
  .min(SECRET_MIN, { error: `The secret needs at least ${SECRET_MIN} characters.` })
  .max(256, { error: 'The secret is too long (at most 256 characters).' })
  .refine((s) => /^[\x21-\x7e]+$/.test(s), { error: 'The secret is printable ASCII without spaces.' });
const fields = {
  name: safeText({ max: 80, label: 'The name' }),
  format: z.enum(WEBHOOK_FORMATS as [string, ...string[]], { error: 'Pick a format: slack or signed.' }),
  enabled: z.boolean({ error: 'Enabled is yes or no.' }),
  severities: z.array(z.enum(SEVERITIES), { error: 'Pick severities.' }).min(1, { error: 'Pick at least one severity.' }).max(3),
  rules: z.array(safeText({ max: 80, label: 'A rule' })).max(50),
};

interface HookRow {
  id: string;
  name: string;
  url: string;
  format: 'slack' | 'signed';
  secret: string | null;
  enabled: boolean;
  severities: string[];
  rules: string[];
  version: string;
}

/** What a preview, the audit log and the page may know of a webhook. */
function view(h: Pick<HookRow, 'name' | 'url' | 'format' | 'secret' | 'enabled' | 'severities' | 'rules'>) {
  return {
    name: h.name,
    url: maskUrl(h.url),
    urlFingerprint: fingerprintOf(h.url),
    format: h.format,
    secret: h.secret ? `set (${fingerprintOf(h.secret)})` : 'none',
    enabled: h.enabled,
    severities: [...h.severities].sort(),
    rules: [...h.rules].sort(),
  };
}

async function hook(trx: Trx, id: string): Promise<HookRow> {
  const { rows } = await sql<HookRow>`
    select w.id::text, w.name, w.url, w.format, w.secret, w.enabled, w.severities, w.rules, md5(w::text) as version
      from kontor.webhooks w where w.id = ${id} and w.removed_at is null`.execute(trx);
  if (!rows[0]) throw new GuardError('not-found', 'No such webhook (it may have been removed).');
  return rows[0];
}

async function refuseTakenName(trx: Trx, name: string, except: string | null) {
  const { rows } = await sql`select 1 from kontor.webhooks where lower(name) = lower(${name}) and removed_at is null
                               and id is distinct from ${except}::uuid`.execute(trx);
  if (rows.length) throw invalid('name', 'Another webhook has this name.');
}

function requireSecretFor(format: string, value: string | null) {
  if (format === 'signed' && !value) throw invalid('secret', 'A signed webhook needs a secret (the receiver checks the signature with it).');
}

export const addWebhook = catalogEdit('webhooks.add', {
  input: z.strictObject({ ...fields, url, secret: secret.nullable() }),
  async load(trx, input) {
    requireSecretFor(input.format, input.secret);
    await refuseTakenName(trx, input.name, null);
    return {
      target: { type: 'webhook', id: input.name },
      rows: [{ key: `kontor.webhooks:${input.name.toLowerCase()}`, version: 'absent' }],
      before: { exists: false },
    };
  },
  async apply(trx, input, _loaded, staff) {
    const { rows } = await sql<{ id: string }>`
      insert into kontor.webhooks (name, url, format, secret, enabled, severities, rules, created_by)
      values (${input.name}, ${input.url}, ${input.format}, ${input.secret}, ${input.enabled},
              ${input.severities}::text[], ${input.rules}::text[], ${staff.email})
      returning id::text`.execute(trx);
    return { after: view({ ...input, format: input.format as HookRow['format'] }), result: { id: rows[0].id } };
  },
});

export const updateWebhook = catalogEdit('webhooks.update', {
  // url and secret: absent or null keeps the stored one; the form never has them to send back.
  input: z.strictObject({
    id: z.uuid({ error: 'Not a webhook id.' }),
    ...fields,
    url: url.nullish(),
    secret: secret.nullish(),
    clearSecret: z.boolean().optional(),
  }),
  async load(trx, input) {
    const h = await hook(trx, input.id);
    await refuseTakenName(trx, input.name, h.id);
    requireSecretFor(input.format, input.clearSecret ? null : (input.secret ?? h.secret));
    return { target: { type: 'webhook', id: h.id }, rows: [{ key: `kontor.webhooks:${h.id}`, version: h.version }], before: view(h) };
  },
  async apply(trx, input) {
    const h = await hook(trx, input.id);
    const next = {
      ...input,
      format: input.format as HookRow['format'],
      url: input.url ?? h.url,
      secret: input.clearSecret ? null : (input.secret ?? h.secret),
    };
    await sql`
      update kontor.webhooks set name = ${next.name}, url = ${next.url}, format = ${next.format}, secret = ${next.secret},
             enabled = ${next.enabled}, severities = ${next.severities}::text[], rules = ${next.rules}::text[], updated_at = now()
       where id = ${h.id}`.execute(trx);
    return { after: view(next), result: { id: h.id } };
  },
});

export const removeWebhook = catalogEdit('webhooks.remove', {
  input: z.strictObject({ id: z.uuid({ error: 'Not a webhook id.' }) }),
  async load(trx, input) {
    const h = await hook(trx, input.id);
    return { target: { type: 'webhook', id: h.id }, rows: [{ key: `kontor.webhooks:${h.id}`, version: h.version }], before: view(h) };
  },
  async apply(trx, input) {
    // Kept (removed_at) so that the delivery log still names it; its pending deliveries are given up.
    await sql`update kontor.webhooks set removed_at = now(), enabled = false, updated_at = now() where id = ${input.id}`.execute(trx);
    await sql`update kontor.alert_deliveries set given_up_at = now(), last_error = 'The webhook was removed.'
               where webhook_id = ${input.id} and delivered_at is null and given_up_at is null`.execute(trx);
    return { after: { removed: true }, result: { id: input.id } };
  },
});

export const testWebhook = catalogEdit('webhooks.test', {
  input: z.strictObject({ id: z.uuid({ error: 'Not a webhook id.' }) }),
  async load(trx, input) {
    const h = await hook(trx, input.id);
    if (!h.enabled) throw invalid('id', 'This webhook is disabled: enable it to send a test.');
    return {
      target: { type: 'webhook', id: h.id },
      rows: [{ key: `kontor.webhooks:${h.id}`, version: h.version }],
      before: { name: h.name, url: maskUrl(h.url), format: h.format },
    };
  },
  async apply(trx, input, loaded, staff) {
    const { name } = loaded.before as { name: string };
    const { rows } = await sql<{ event: string; delivery: string }>`
      with e as (
        insert into kontor.alert_events (rule, subject, event, severity, title, body)
        values ('test', ${`webhook:${input.id}`}, 'test', 'info', ${`Test from Kontor to ${name}`},
                ${`Sent by ${staff.email} with "Send a test". If you can read this, Kontor's alerts reach this webhook.`})
        returning id
      )
      insert into kontor.alert_deliveries (event_id, webhook_id, next_attempt_at)
      select e.id, ${input.id}::uuid, now() from e
      returning event_id::text as event, id::text as delivery`.execute(trx);
    return { after: { test: 'queued' }, result: { eventId: rows[0].event, deliveryId: rows[0].delivery } };
  },
});
