/** The rules as staff left them, each with its change dialog. */
import { When } from '@/components/ui/when';
import { Tag } from '@/components/ui/tag';
import type { RuleView } from '@/lib/alerts/settings';
import { RuleEdit } from '@/app/(console)/alerts/_components/rule-edit';

const every = (m: number) => (m % 1440 === 0 ? `${m / 1440} d` : m % 60 === 0 ? `${m / 60} h` : `${m} min`);

export function RulesTable({ rules }: { rules: RuleView[] }) {
  return (
    // Focusable so a keyboard can scroll it at phone width; relative, so that the labels' sr-only parts stay inside its box.
    <div role="group" aria-label="Alert rules" tabIndex={0} className="relative overflow-x-auto rounded-lg border border-line bg-surface focus-visible:outline-2 focus-visible:outline-focus">
      <table className="w-full text-sm">
        <caption className="sr-only">Alert rules</caption>
        <thead className="bg-surface-muted text-left">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Rule</th>
            <th scope="col" className="px-3 py-2 font-medium">State</th>
            <th scope="col" className="px-3 py-2 font-medium">Threshold</th>
            <th scope="col" className="px-3 py-2 font-medium">Re-notify</th>
            <th scope="col" className="px-3 py-2 font-medium">Change</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id} className="border-t border-line align-top">
              <th scope="row" className="px-3 py-2 text-left font-normal">
                <span className="block font-medium">{r.label}</span>
                <span className="block max-w-md text-xs text-ink-muted">{r.watches}</span>
              </th>
              <td className="px-3 py-2">
                <Tag tone={r.enabled ? 'ok' : 'muted'}>{r.enabled ? 'On' : 'Off'}</Tag>
                {r.updatedBy ? <span className="block text-xs text-ink-muted">by {r.updatedBy}, <When at={r.updatedAt} /></span> : null}
              </td>
              <td className="px-3 py-2 whitespace-nowrap tabular-nums">
                {r.thresholdSpec && r.threshold !== null ? `${r.threshold} ${r.thresholdSpec.unit}` : '—'}
              </td>
              <td className="px-3 py-2 whitespace-nowrap tabular-nums">every {every(r.renotifyMinutes)}</td>
              <td className="px-3 py-2">
                <RuleEdit rule={r.id} label={r.label} enabled={r.enabled} threshold={r.threshold} renotifyMinutes={r.renotifyMinutes} thresholdSpec={r.thresholdSpec} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
