import { addDecimals, compareDecimals } from '@/lib/money';
import { BarChart } from '@/components/charts/bar-chart';
import { formatCredits } from '@/lib/format';

/** Exact decimal strings (the statement's); only the bars' heights are floats. */
export interface ChartDay { day: string; issued: string; consumed: string }

/** Credits issued (grants and purchases) and consumed (spends) per day, side by side. */
export function IssuedConsumedChart({ title, days }: { title: string; days: ChartDay[] }) {
  const peak = days.flatMap((d) => [d.issued, d.consumed]).reduce((m, v) => (compareDecimals(v, m) > 0 ? v : m), '0');
  const issued = addDecimals(...days.map((d) => d.issued));
  const consumed = addDecimals(...days.map((d) => d.consumed));
  return (
    <BarChart
      title={title}
      layout="paired"
      series={[{ name: 'issued', tone: 'accent' }, { name: 'consumed', tone: 'warn' }]}
      bars={days.map((d) => ({ key: d.day, label: d.day, values: [Number(d.issued), Number(d.consumed)], texts: [formatCredits(d.issued), formatCredits(d.consumed)] }))}
      peak={`peak ${formatCredits(peak)} / day`}
      summary={`${days.length} days: ${formatCredits(issued)} credits issued, ${formatCredits(consumed)} consumed.`}
      bucket="Day"
      showSummary
    />
  );
}
