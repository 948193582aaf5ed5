import type { ThroughputPoint } from '@/lib/domain/tasks/health';

/**
 * Finished tasks per bucket as stacked bars (completed, failed on top). Server-rendered SVG; the same
 * numbers are in a table for screen readers.
 */
export function ThroughputChart({ title, points, bucket }: { title: string; points: ThroughputPoint[]; bucket: 'hour' | 'day' }) {
  const max = Math.max(1, ...points.map((p) => p.completed + p.failed));
  const w = 100 / Math.max(1, points.length);
  const label = (iso: string) =>
    bucket === 'hour' ? `${iso.slice(11, 13)}:00` : new Date(iso).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const total = points.reduce((n, p) => n + p.completed + p.failed, 0);
  return (
    <figure className="rounded-lg border border-line bg-surface p-4">
      <figcaption className="mb-2 flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{title}</span>
        <span className="text-ink-muted">
          <span className="me-1 inline-block size-2.5 rounded-sm bg-accent align-middle" aria-hidden="true" />completed
          <span className="ms-3 me-1 inline-block size-2.5 rounded-sm bg-danger align-middle" aria-hidden="true" />failed
          <span className="ms-3">peak {max.toLocaleString('en')} / {bucket}</span>
        </span>
      </figcaption>
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" className="h-32 w-full" aria-hidden="true">
        {points.map((p, i) => {
          const hc = (p.completed / max) * 38;
          const hf = (p.failed / max) * 38;
          return (
            <g key={p.at}>
              <rect x={i * w + w * 0.1} width={w * 0.8} y={40 - hc} height={hc} className="fill-accent" />
              <rect x={i * w + w * 0.1} width={w * 0.8} y={40 - hc - hf} height={hf} className="fill-danger" />
            </g>
          );
        })}
      </svg>
      <div className="mt-1 flex justify-between text-xs text-ink-muted" aria-hidden="true">
        <span>{points[0] ? label(points[0].at) : ''}</span>
        <span>{points.at(-1) ? label(points.at(-1)!.at) : ''}</span>
      </div>
      <table className="sr-only">
        <caption>{title}: {total} finished</caption>
        <thead><tr><th scope="col">{bucket === 'hour' ? 'Hour (UTC)' : 'Day'}</th><th scope="col">Completed</th><th scope="col">Failed</th></tr></thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.at}><th scope="row">{label(p.at)}</th><td>{p.completed}</td><td>{p.failed}</td></tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
