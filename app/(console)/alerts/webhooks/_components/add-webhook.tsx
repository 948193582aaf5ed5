'use client';
/**
 * The webhook form: adds one, or changes one (a guarded edit either way). The secret and the URL are typed
 * here and sent to the server with the edit; no page ever sends them back, so when changing a webhook an
 * empty URL or secret keeps the stored one.
 */
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
import type { WebhookRow } from '@/lib/alerts/webhooks-read';

const field = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';
const SEVERITIES = ['info', 'warning', 'error'] as const;

export function AddWebhook() {
  return <WebhookForm />;
}

export function WebhookForm({ existing }: { existing?: WebhookRow }) {
  const ids = { name: useId(), url: useId(), format: useId(), secret: useId(), rules: useId() };
  const [name, setName] = useState(existing?.name ?? '');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<'signed' | 'slack'>(existing?.format ?? 'signed');
  const [secret, setSecret] = useState('');
  const [clearSecret, setClearSecret] = useState(false);
  const [severities, setSeverities] = useState<string[]>(existing?.severities ?? ['warning', 'error']);
  const [rules, setRules] = useState(existing?.rules.join(', ') ?? '');
  const ruleList = rules.split(',').map((r) => r.trim()).filter(Boolean);
  const keep = existing ? ' (empty: keep)' : '';
  const common = { name, format, severities, rules: ruleList };
  const input = existing
    ? { ...common, id: existing.id, enabled: existing.enabled, url: url.trim() || null, secret: clearSecret ? null : secret || null, clearSecret }
    : { ...common, url, secret: secret || null, enabled: true };
  return (
    <div className="grid max-w-3xl gap-3 sm:grid-cols-2">
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.name} className="text-sm font-medium">Name</label>
        <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" className={field} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.format} className="text-sm font-medium">Format</label>
        <select id={ids.format} value={format} onChange={(e) => setFormat(e.target.value as 'signed' | 'slack')} className={field}>
          <option value="signed">Signed JSON (HMAC-SHA256)</option>
          <option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      <div className="flex flex-col gap-1 sm:col-span-2">
        <label htmlFor={ids.url} className="text-sm font-medium">URL{keep}</label>
        <input id={ids.url} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" className={`${field} min-w-0`} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.secret} className="text-sm font-medium">Secret{existing ? keep : format === 'slack' ? ' (optional)' : ''}</label>
        <input
          id={ids.secret}
          type="password"
          value={secret}
          disabled={clearSecret}
          onChange={(e) => setSecret(e.target.value)}
          autoComplete="new-password"
          className={field}
        />
        {existing?.hasSecret ? (
          <label className="flex items-center gap-1 text-sm">
            <input type="checkbox" checked={clearSecret} onChange={(e) => setClearSecret(e.target.checked)} />
            Remove the secret
          </label>
        ) : null}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.rules} className="text-sm font-medium">Rules (comma-separated; empty: every rule)</label>
        <input id={ids.rules} value={rules} onChange={(e) => setRules(e.target.value)} autoComplete="off" className={field} />
      </div>
      <fieldset className="flex flex-wrap gap-3 sm:col-span-2">
        <legend className="mb-1 text-sm font-medium">Severities</legend>
        {SEVERITIES.map((s) => (
          <label key={s} className="flex items-center gap-1 text-sm">
            <input
              type="checkbox"
              checked={severities.includes(s)}
              onChange={(e) => setSeverities((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <div className="sm:col-span-2">
        {existing ? (
          <ConfirmDialog
            label="Save changes"
            triggerLabel={`Save changes to ${existing.name}`}
            title={`Change ${existing.name}`}
            input={input}
            disabled={!name.trim() || severities.length === 0}
            onDone={() => setSecret('')}
            edit="webhooks.update"
          />
        ) : (
          <ConfirmDialog
            label="Add webhook"
            variant="primary"
            title="Add a webhook"
            description={name ? `${name}: ${format === 'slack' ? 'Slack' : 'signed JSON'}, ${severities.join(', ') || 'no severity'}.` : undefined}
            input={input}
            disabled={!name.trim() || !url.trim() || severities.length === 0}
            onDone={() => {
              setName('');
              setUrl('');
              setSecret('');
              setRules('');
            }}
            edit="webhooks.add"
          />
        )}
      </div>
    </div>
  );
}
