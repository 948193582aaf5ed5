import { formatWhen } from '@/lib/format';

/**
 * A moment as every page writes it (formatWhen: "2026-11-20 12:00 UTC"), machine-readable, with the
 * exact instant on hover; `none` where there is no moment ("never", "–").
 */
export function When({ at, none = '—', className }: { at: string | Date | null | undefined; none?: string; className?: string }) {
  if (at === null || at === undefined || at === '') return <>{none}</>;
  const d = typeof at === 'string' ? new Date(at) : at;
  const iso = Number.isNaN(d.getTime()) ? String(at) : d.toISOString();
  return (
    <time dateTime={iso} title={iso} className={className}>
      {formatWhen(at)}
    </time>
  );
}
