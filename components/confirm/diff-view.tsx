import type { Change } from '@/lib/guard/diff';

/**
 * "payment.status" -> "Payment status", "purchaseEntries" -> "Purchase entries": the field as staff say
 * it (the dotted path stays on hover).
 */
export function fieldLabel(path: string): string {
  const words = path
    .split('.')
    .map((part) => part.replace(/Id$/, '').replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * One value, never broken inside (an amount, an id, an email read as one token: "886.2" must not become
 * "886." and "2"); a list wraps between its items only. A token wider than the column scrolls with
 * the table instead.
 */
function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-ink-muted">none</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="text-ink-muted">none</span>;
    return (
      <span className="inline-flex flex-wrap gap-x-2">
        {value.map((v, i) => (
          <span key={i} data-token className="whitespace-nowrap">
            <Value value={v} />
            {i < value.length - 1 ? ',' : ''}
          </span>
        ))}
      </span>
    );
  }
  if (typeof value === 'object') {
    return (
      <span className="inline-flex flex-wrap gap-x-2">
        {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
          <span key={k} data-token className="whitespace-nowrap">
            {fieldLabel(k)}: <Value value={v} />
          </span>
        ))}
      </span>
    );
  }
  return <span data-token className="whitespace-nowrap">{String(value)}</span>;
}

/** Before and after, one row per changed field: the confirm dialog, approvals and the audit log show the same. */
export function DiffView({ changes, caption = 'What changes' }: { changes: Change[]; caption?: string }) {
  if (changes.length === 0) return <p className="text-sm text-ink-muted">No field changes.</p>;
  return (
    <div className="max-w-full overflow-x-auto">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-xs uppercase tracking-wide text-ink-muted">
          <tr>
            <th scope="col" className="py-1 pe-3 text-start font-semibold">Field</th>
            <th scope="col" className="py-1 pe-3 text-start font-semibold">Before</th>
            <th scope="col" className="py-1 text-start font-semibold">After</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {changes.map((c) => (
            <tr key={c.path}>
              <th scope="row" className="py-1 pe-3 text-start align-top font-normal" title={c.path}>{fieldLabel(c.path)}</th>
              <td className="py-1 pe-3 align-top tabular-nums">
                <del className="decoration-danger/70">
                  <Value value={c.before} />
                </del>
              </td>
              <td className="py-1 align-top tabular-nums">
                <ins className="font-medium no-underline">
                  <Value value={c.after} />
                </ins>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
