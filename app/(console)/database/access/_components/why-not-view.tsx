import type { WhyNotResult } from '@/lib/inspect/policies/test-as-user';
import { Tag } from '@/components/ui/tag';

/** "Why not?" for one row: per command, the grant check, each policy part's result, and the verdict. */
export function WhyNotView({ result }: { result: WhyNotResult }) {
  return (
    <div className="space-y-3">
      <p className="text-sm">
        Row <span className="font-mono">{result.key}</span> of <span className="font-mono">{result.table}</span> for{' '}
        {result.user.email ?? 'anon'} as {result.role}:
      </p>
      <ul className="grid gap-3 lg:grid-cols-2">
        {result.commands.map((c) => (
          <li key={c.command} aria-label={`${c.command}: ${c.allowed ? 'allowed' : 'denied'}`} className="space-y-2 rounded-lg border border-line bg-surface p-3">
            <p className="flex items-center gap-2">
              <span className="font-mono font-semibold">{c.command}</span>
              <Tag tone={c.allowed ? 'ok' : 'danger'}>{c.allowed ? 'allowed' : 'denied'}</Tag>
            </p>
            <p className="text-sm">{c.reason}</p>
            <p className="text-xs text-ink-muted">
              Grant: {c.grant.ok ? 'yes' : 'no'} ({c.grant.detail}). RLS: {c.rls === 'on' ? 'applies' : c.rls === 'off' ? 'off' : 'bypassed'}.
            </p>
            {c.checks.length ? (
              <table className="w-full text-xs">
                <caption className="sr-only">Policies evaluated for {c.command}</caption>
                <thead className="text-ink-muted">
                  <tr>
                    <th scope="col" className="py-1 text-start">Policy</th>
                    <th scope="col" className="py-1 text-start">Part</th>
                    <th scope="col" className="py-1 text-start">Result</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {c.checks.map((p, i) => (
                    <tr key={`${p.name}-${p.part}-${i}`}>
                      <td className="py-1 pe-2 align-top">
                        <span className="font-medium">{p.name}</span>{' '}
                        <span className="text-ink-muted">({p.permissive ? 'permissive' : 'restrictive'}, {p.command})</span>
                        <pre className="mt-1 whitespace-pre-wrap break-words font-mono">{p.expression}</pre>
                      </td>
                      <td className="py-1 pe-2 align-top font-mono">{p.part === 'using' ? 'USING' : 'WITH CHECK'}</td>
                      <td className="py-1 align-top">
                        {p.result === null ? <span title={p.error}>error: {p.error}</span> : <Tag tone={p.result ? 'ok' : 'muted'}>{String(p.result)}</Tag>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
