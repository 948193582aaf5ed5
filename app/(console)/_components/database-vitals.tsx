import { read } from '@/db/index';
import { getDatabaseVitals } from '@/lib/inspect/overview';
import { formatBytes, formatCount, formatRatio } from '@/lib/format';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { sharedRead } from '@/lib/shared-read';
import { StatCard } from '@/app/(console)/_components/stat-card';

export async function DatabaseVitals() {
  const result = await attempt(() => sharedRead('overview-vitals', () => read((trx) => getDatabaseVitals(trx))));
  if (!result.ok) return <Notice tone="warn" title="Database figures unavailable">{result.message}</Notice>;
  const v = result.value;
  const { used, max, reserved } = v.connections;
  return (
    <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
      <StatCard label="Database size" value={formatBytes(v.sizeBytes)} />
      <StatCard
        label="Cache hit, tables"
        value={formatRatio(v.cacheHit.heap)}
        hint="heap blocks found in shared buffers"
      />
      <StatCard
        label="Cache hit, indexes"
        value={formatRatio(v.cacheHit.index)}
        hint={`whole database: ${formatRatio(v.cacheHit.database)}`}
      />
      <StatCard
        label="Connections"
        value={
          <>
            {formatCount(used)} <span className="text-base font-normal text-ink-muted">of {formatCount(max)}</span>
          </>
        }
        hint={`${formatCount(reserved)} reserved for superusers`}
      />
    </dl>
  );
}
