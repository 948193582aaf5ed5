/**
 * Credits issued (grants and purchases) and consumed (spends) per day, as paired bars. Server-rendered
 * SVG like the database and tasks charts: no chart library, no client JavaScript, theme colours. Screen
 * readers get a summary; the same numbers are in the table below it.
 */
import { addDecimals, compareDecimals, formatCredits } from '@/lib/money';

/** Exact decimal strings (the statement's); only the bars' heights are floats. */
export interface ChartDay { day: string; issued: string; consumed: string }

export function IssuedConsumedChart({ title, days }: { title: string; days: ChartDay[] }) {
  const peak = days.flatMap((d) => [d.issued, d.consumed]).reduce((m, v) => (compareDecimals(v, m) > 0 ? v : m), '0');
  const max = Math.max(1, Number(peak));
  const w = 100 / Math.max(1, days.length);
  const issued = addDecimals(...days.map((d) => d.issued));
  const consumed = addDecimals(...days.map((d) => d.consumed));
  const summary = `${days.length} days: ${formatCredits(issued)} credits issued, ${formatCredits(consumed)} consumed.`;
  return (
    <figure className="rounded-lg border border-line bg-surface p-4">
      <figcaption className="mb-2 flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{title}</span>
        <span className="text-ink-muted">
          <span className="me-1 inline-block size-2.5 rounded-sm bg-accent align-middle" aria-hidden="true" />issued
          <span className="ms-3 me-1 inline-block size-2.5 rounded-sm bg-warn align-middle" aria-hidden="true" />consumed
          <span className="ms-3">peak {formatCredits(peak)} / day</span>
        </span>
      </figcaption>
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" className="h-40 w-full" role="img" aria-label={`${title}. ${summary}`}>
        {days.map((d, i) => {
          const hi = (Number(d.issued) / max) * 38;
          const hc = (Number(d.consumed) / max) * 38;
          return (
            <g key={d.day}>
              <rect x={i * w + w * 0.08} width={w * 0.4} y={40 - hi} height={hi} className="fill-accent" />
              <rect x={i * w + w * 0.52} width={w * 0.4} y={40 - hc} height={hc} className="fill-warn" />
            </g>
          );
        })}
      </svg>
      <div className="mt-1 flex justify-between text-xs text-ink-muted" aria-hidden="true">
        <span>{days[0]?.day}</span>
        <span>{days.at(-1)?.day}</span>
      </div>
      <p className="mt-1 text-xs text-ink-muted">{summary}</p>
    </figure>
  );
}
