/**
 * A line chart of one series over time, drawn as SVG on the server: no chart library, no client
 * JavaScript, readable in both colour schemes (it uses currentColor and the theme's CSS variables).
 * Screen readers get the figure's caption and a summary (first, last, change), not the path.
 */
import type { Point } from '@/lib/inspect/snapshots';

const W = 640;
const H = 160;
const PAD = { top: 12, right: 12, bottom: 24, left: 64 };
const dateFmt = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function HistoryChart({ title, points, format }: { title: string; points: Point[]; format: (n: number) => string }) {
  if (points.length < 2) {
    return (
      <figure className="rounded-lg border border-line bg-surface p-4 text-sm">
        <figcaption className="font-medium">{title}</figcaption>
        <p className="mt-2 text-ink-muted">
          {points.length === 0 ? 'Nothing recorded yet.' : 'One point so far: the line starts with the second.'} Kontor&apos;s
          schedule takes a snapshot every few minutes (the <code className="font-mono">snapshot</code> job, every 5 minutes by
          default); <code className="font-mono">npm run kontor -- snapshot</code> takes one now.
        </p>
      </figure>
    );
  }
  const xs = points.map((p) => p.at.getTime());
  const ys = points.map((p) => p.value);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 * 0.9, y1 * 1.1 || 1];
  const x = (t: number) => PAD.left + ((t - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.at.getTime()).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const first = points[0];
  const last = points.at(-1)!;
  const summary = `From ${format(first.value)} on ${dateFmt.format(first.at)} to ${format(last.value)} on ${dateFmt.format(last.at)}, ${points.length} snapshots.`;
  return (
    <figure className="rounded-lg border border-line bg-surface p-4">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="mt-2 h-40 w-full text-accent" role="img" aria-label={`${title}. ${summary}`}>
        <g className="text-ink-muted" fill="currentColor" fontSize="11">
          <text x={PAD.left - 6} y={y(y1) + 4} textAnchor="end">{format(y1)}</text>
          <text x={PAD.left - 6} y={y(y0) + 4} textAnchor="end">{format(y0)}</text>
          <text x={PAD.left} y={H - 6}>{dateFmt.format(first.at)}</text>
          <text x={W - PAD.right} y={H - 6} textAnchor="end">{dateFmt.format(last.at)}</text>
        </g>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(y0)} y2={y(y0)} stroke="var(--line)" />
        <line x1={PAD.left} x2={W - PAD.right} y1={y(y1)} y2={y(y1)} stroke="var(--line)" strokeDasharray="3 3" />
        <path d={path} fill="none" stroke="currentColor" strokeWidth="2" vectorEffect="non-scaling-stroke" />
      </svg>
      <p className="mt-1 text-xs text-ink-muted">{summary}</p>
    </figure>
  );
}
