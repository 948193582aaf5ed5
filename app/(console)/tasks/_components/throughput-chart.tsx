import type { ThroughputPoint } from '@/lib/domain/tasks/health';
import { BarChart } from '@/components/charts/bar-chart';
import { formatCount, formatDay } from '@/lib/format';

/** Finished tasks per bucket: completed, failed stacked on top. */
export function ThroughputChart({ title, points, bucket }: { title: string; points: ThroughputPoint[]; bucket: 'hour' | 'day' }) {
  const label = (iso: string) => (bucket === 'hour' ? `${iso.slice(11, 13)}:00` : formatDay(iso));
  const max = Math.max(1, ...points.map((p) => p.completed + p.failed));
  const total = points.reduce((n, p) => n + p.completed + p.failed, 0);
  return (
    <BarChart
      title={title}
      layout="stacked"
      series={[{ name: 'completed', tone: 'accent' }, { name: 'failed', tone: 'danger' }]}
      bars={points.map((p) => ({ key: p.at, label: label(p.at), values: [p.completed, p.failed], texts: [formatCount(p.completed), formatCount(p.failed)] }))}
      peak={`peak ${formatCount(max)} / ${bucket}`}
      summary={`${formatCount(total)} finished`}
      bucket={bucket === 'hour' ? 'Hour (UTC)' : 'Day'}
    />
  );
}
