/**
 * Bars over time, two series per bar, stacked (one on the other) or paired (side by side). Drawn as SVG
 * on the server: no chart library, no client JavaScript, theme colours. Screen readers get the title
 * and summary as the image's name, and a table of the same figures.
 */
const FILL = { accent: 'fill-accent', danger: 'fill-danger', warn: 'fill-warn' } as const;
const SWATCH = { accent: 'bg-accent', danger: 'bg-danger', warn: 'bg-warn' } as const;
type Tone = keyof typeof FILL;

export interface Bar {
  key: string;
  /** The bucket's name on the axis and in the table ("14:00", "Nov 20", "2026-11-20"). */
  label: string;
  /** One height per series, in any unit; only their ratios to the peak are drawn. */
  values: [number, number];
  /** The same figures as the table shows them (exact, formatted). */
  texts: [string, string];
}

export interface BarChartProps {
  title: string;
  series: [{ name: string; tone: Tone }, { name: string; tone: Tone }];
  bars: Bar[];
  layout: 'stacked' | 'paired';
  /** What the tallest bar stands for ("peak 1,234 / hour"). */
  peak: string;
  /** One sentence of the chart's totals. */
  summary: string;
  /** The table's first column ("Hour (UTC)", "Day"). */
  bucket: string;
  /** Shows the summary under the chart too. */
  showSummary?: boolean;
}

export function BarChart({ title, series, bars, layout, peak, summary, bucket, showSummary = false }: BarChartProps) {
  const max = Math.max(1, ...bars.map((b) => (layout === 'stacked' ? b.values[0] + b.values[1] : Math.max(...b.values))));
  const w = 100 / Math.max(1, bars.length);
  const h = (v: number) => (v / max) * 38;
  return (
    <figure className="rounded-lg border border-line bg-surface p-4">
      <figcaption className="mb-2 flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{title}</span>
        <span className="text-ink-muted">
          {series.map((s, i) => (
            <span key={s.name} className={i ? 'ms-3' : undefined}>
              <span className={`me-1 inline-block size-2.5 rounded-sm ${SWATCH[s.tone]} align-middle`} aria-hidden="true" />
              {s.name}
            </span>
          ))}
          <span className="ms-3">{peak}</span>
        </span>
      </figcaption>
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" className="h-36 w-full" role="img" aria-label={`${title}. ${summary}`}>
        {bars.map((b, i) => {
          const [h0, h1] = [h(b.values[0]), h(b.values[1])];
          return layout === 'stacked' ? (
            <g key={b.key}>
              <rect x={i * w + w * 0.1} width={w * 0.8} y={40 - h0} height={h0} className={FILL[series[0].tone]} />
              <rect x={i * w + w * 0.1} width={w * 0.8} y={40 - h0 - h1} height={h1} className={FILL[series[1].tone]} />
            </g>
          ) : (
            <g key={b.key}>
              <rect x={i * w + w * 0.08} width={w * 0.4} y={40 - h0} height={h0} className={FILL[series[0].tone]} />
              <rect x={i * w + w * 0.52} width={w * 0.4} y={40 - h1} height={h1} className={FILL[series[1].tone]} />
            </g>
          );
        })}
      </svg>
      <div className="mt-1 flex justify-between text-xs text-ink-muted" aria-hidden="true">
        <span>{bars[0]?.label}</span>
        <span>{bars.at(-1)?.label}</span>
      </div>
      {showSummary ? <p className="mt-1 text-xs text-ink-muted" aria-hidden="true">{summary}</p> : null}
      {/* A table ignores sr-only's 1px width and widened the page: the div clips it. */}
      <div className="sr-only">
        <table>
          <caption>{title}: {summary}</caption>
          <thead>
            <tr><th scope="col">{bucket}</th><th scope="col">{series[0].name}</th><th scope="col">{series[1].name}</th></tr>
          </thead>
          <tbody>
            {bars.map((b) => (
              <tr key={b.key}><th scope="row">{b.label}</th><td>{b.texts[0]}</td><td>{b.texts[1]}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
