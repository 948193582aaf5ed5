'use client';
/** The webhooks, each with "Send a test", enable or disable, and remove (guarded edits). */
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
import { Tag } from '@/components/ui/tag';
import type { WebhookRow } from '@/lib/alerts/webhooks-read';
import { deliverNowAction } from '@/app/(console)/alerts/webhooks/actions';
import { WebhookForm } from '@/app/(console)/alerts/webhooks/_components/add-webhook';

export function WebhookList({ hooks, canManage }: { hooks: WebhookRow[]; canManage: boolean }) {
  if (hooks.length === 0) return <p className="text-sm text-ink-muted">No webhook yet: alerts are recorded but sent nowhere.</p>;
  return (
    <ul className="space-y-3">
      {hooks.map((h) => (
        <li key={h.id} className="space-y-2 rounded-lg border border-line p-3">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="font-medium">{h.name}</h3>
            <Tag tone="muted">{h.format === 'slack' ? 'Slack' : 'signed JSON'}</Tag>
            <Tag tone={h.enabled ? 'ok' : 'warn'}>{h.enabled ? 'enabled' : 'disabled'}</Tag>
          </div>
          <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
            <dt className="text-ink-muted">URL</dt>
            <dd className="break-all font-mono text-xs">{h.url}</dd>
            <dt className="text-ink-muted">Secret</dt>
            <dd>{h.hasSecret ? 'set (not shown)' : 'none'}</dd>
            <dt className="text-ink-muted">Sends</dt>
            <dd>{h.severities.join(', ')} · {h.rules.length ? h.rules.join(', ') : 'every rule'}</dd>
            <dt className="text-ink-muted">Last 24 h</dt>
            <dd>{h.recent.delivered} delivered · {h.recent.waiting} waiting · {h.recent.gaveUp} given up</dd>
          </dl>
          {canManage ? (
            <div className="flex flex-wrap gap-2">
              <ConfirmDialog
                label="Send a test"
                triggerLabel={`Send a test to ${h.name}`}
                title={`Send a test to ${h.name}`}
                description="A test alert event, delivered to this webhook alone, now."
                input={{ id: h.id }}
                disabled={!h.enabled}
                onDone={() => void deliverNowAction()}
                edit="webhooks.test"
              />
              <ConfirmDialog
                label={h.enabled ? 'Disable' : 'Enable'}
                triggerLabel={`${h.enabled ? 'Disable' : 'Enable'} ${h.name}`}
                variant="ghost"
                title={`${h.enabled ? 'Disable' : 'Enable'} ${h.name}`}
                description={h.enabled ? 'Nothing is sent to it until it is enabled again.' : 'Alerts from now on are sent to it.'}
                input={{ id: h.id, name: h.name, format: h.format, enabled: !h.enabled, severities: h.severities, rules: h.rules }}
                edit="webhooks.update"
              />
              <ConfirmDialog
                label="Remove"
                triggerLabel={`Remove ${h.name}`}
                variant="ghost"
                title={`Remove ${h.name}`}
                description="Its pending deliveries are given up; the log keeps its past ones."
                input={{ id: h.id }}
                edit="webhooks.remove"
              />
            </div>
          ) : null}
          {canManage ? (
            <details className="text-sm">
              <summary className="cursor-pointer text-accent underline-offset-4 hover:underline">Change {h.name}…</summary>
              <div className="mt-2 rounded-md border border-line p-3">
                <WebhookForm existing={h} />
              </div>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
