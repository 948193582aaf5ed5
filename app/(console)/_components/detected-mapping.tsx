import type { DetectionView } from '@/lib/domain/overview';
import { Notice } from '@/components/ui/notice';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Says when no mapping is configured and the pages read through what detection found, and why. */
export function DetectedMapping({ view }: { view: DetectionView | null }) {
  if (!view) return null;
  const detect = <code>npm run kontor -- detect</code>;
  if (view.kind === 'preset') {
    return (
      <Notice title={`Detected: the ${view.preset} preset`}>
        No mapping is configured, so Kontor read this database&apos;s catalog and found every table and column of the{' '}
        <code>{view.preset}</code> preset. Set <code>KONTOR_PRESET={view.preset}</code> to keep it; {detect} shows the evidence.
      </Notice>
    );
  }
  if (view.kind === 'nothing') {
    return (
      <Notice title="No product tables detected">
        No mapping is configured and no preset fits: none of this database&apos;s tables is shaped like users, payments, a credit
        ledger, tasks or workers. The Database pages work on any Postgres; for the product pages, {detect} prints a mapping file
        to start from, passed with <code>KONTOR_MAPPING</code>.
      </Notice>
    );
  }
  return (
    <Notice title="Detected by structure: check the mapping">
      <p>
        No mapping is configured and no preset fits, so Kontor read the structure of every table (columns, types, keys and the
        values they hold) and took, for each part of the product, the table shaped most like it:
      </p>
      <ul className="mt-2 space-y-1.5">
        {view.found.map((f) => (
          <li key={f.concept}>
            <span className="font-medium">{f.label}</span> in <code>{f.table}</code>{' '}
            <span className="text-ink-muted">({pct(f.score)})</span>: {f.reasons.join('; ')}.
            {f.nearMisses.length ? (
              <span className="block text-ink-muted">
                Not {f.nearMisses.map((n) => `${n.table} (${pct(n.score)}${n.why ? `, ${n.why}` : ''})`).join('; ')}.
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <p className="mt-2 text-ink-muted">
        {detect} prints this as a mapping file to adjust (statuses, the column that names what a payment pays for) and pass with{' '}
        <code>KONTOR_MAPPING</code>.
      </p>
    </Notice>
  );
}
