import type { Change } from '@/lib/guard/diff';

function show(value: unknown) {
  if (value === null || value === undefined) return <span className="text-ink-muted">none</span>;
  if (typeof value === 'object') return <code>{JSON.stringify(value)}</code>;
  return String(value);
}

/** Before and after, one row per changed field: the confirm dialog, approvals and the audit log show the same. */
export function DiffView({ changes, caption = 'What changes' }: { changes: Change[]; caption?: string }) {
  if (changes.length === 0) return <p className="text-sm text-ink-muted">No field changes.</p>;
  return (
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
            <th scope="row" className="py-1 pe-3 text-start font-mono font-normal">{c.path}</th>
            <td className="py-1 pe-3 [overflow-wrap:anywhere]">
              <del className="decoration-danger/70">{show(c.before)}</del>
            </td>
            <td className="py-1 [overflow-wrap:anywhere]">
              <ins className="font-medium no-underline">{show(c.after)}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
