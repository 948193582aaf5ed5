/** The delivery log: each alert event for each webhook, newest first. */
import { When } from '@/components/ui/when';
import { Tag } from '@/components/ui/tag';
import type { DeliveryRow, DeliveryState } from '@/lib/alerts/webhooks-read';

const TONE: Record<DeliveryState, 'ok' | 'muted' | 'warn' | 'danger'> = { delivered: 'ok', due: 'muted', retrying: 'warn', 'given up': 'danger' };
const th = 'py-1 pe-3 text-start font-medium';

export function DeliveryLog({ rows }: { rows: DeliveryRow[] }) {
  if (rows.length === 0) return <p className="text-sm text-ink-muted">Nothing delivered yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[44rem] text-sm">
        <caption className="sr-only">Recent deliveries</caption>
        <thead className="text-xs uppercase tracking-wide text-ink-muted">
          <tr>
            <th scope="col" className={th}>Created</th>
            <th scope="col" className={th}>Webhook</th>
            <th scope="col" className={th}>Event</th>
            <th scope="col" className={th}>Status</th>
            <th scope="col" className={`${th} text-end`}>Attempts</th>
            <th scope="col" className={th}>Last answer</th>
            <th scope="col" className={th}>Next try</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {rows.map((d) => (
            <tr key={d.id}>
              <td className="py-1 pe-3 whitespace-nowrap"><When at={d.createdAt} /></td>
              <td className="py-1 pe-3">{d.webhook}</td>
              <td className="py-1 pe-3">
                <span className="font-mono text-xs">{d.event}</span> {d.title}
              </td>
              <td className="py-1 pe-3"><Tag tone={TONE[d.state]}>{d.state}</Tag></td>
              <td className="py-1 pe-3 text-end tabular-nums">{d.attempts} of {d.maxAttempts}</td>
              <td className="py-1 pe-3 break-words">{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—')}</td>
              <td className="py-1 pe-3 whitespace-nowrap"><When at={d.nextAttemptAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
