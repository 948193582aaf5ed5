'use client';
/**
 * The form that adds a webhook (a guarded edit). The secret is typed here and sent to the server with the
 * edit; no page ever sends it back (the list shows only whether one is set).
 */
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';

const field = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';
const SEVERITIES = ['info', 'warning', 'error'] as const;

export function AddWebhook() {
  const ids = { name: useId(), url: useId(), format: useId(), secret: useId(), rules: useId() };
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<'signed' | 'slack'>('signed');
  const [secret, setSecret] = useState('');
  const [severities, setSeverities] = useState<string[]>(['warning', 'error']);
  const [rules, setRules] = useState('');
  const ruleList = rules.split(',').map((r) => r.trim()).filter(Boolean);
  const reset = () => {
    setName('');
    setUrl('');
    setSecret('');
    setRules('');
  };
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
        <label htmlFor={ids.url} className="text-sm font-medium">URL</label>
        <input id={ids.url} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" className={`${field} min-w-0`} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.secret} className="text-sm font-medium">Secret{format === 'slack' ? ' (optional)' : ''}</label>
        <input id={ids.secret} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="new-password" className={field} />
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
        <ConfirmDialog
          label="Add webhook"
          variant="primary"
          title="Add a webhook"
          description={name ? `${name}: ${format === 'slack' ? 'Slack' : 'signed JSON'}, ${severities.join(', ') || 'no severity'}.` : undefined}
          input={{ name, url, format, secret: secret || null, enabled: true, severities, rules: ruleList }}
          disabled={!name.trim() || !url.trim() || severities.length === 0}
          onDone={reset}
          edit="webhooks.add"
        />
      </div>
    </div>
  );
}
