'use client';
import { useSyncExternalStore } from 'react';
import { formatWhen, formatWhenIn } from '@/lib/format';

// The viewer's zone never changes while the page is open: nothing to subscribe to.
const subscribe = () => () => {};
const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const serverZone = () => 'UTC';

/**
 * A moment as the viewer reads it: in their own time zone ("2026-11-20 21:00 GMT+9"), with UTC on hover
 * and machine-readable. The server and the hydrating render write UTC (they cannot know the zone, and
 * must agree); the browser then renders its own zone (useSyncExternalStore's server snapshot: no
 * hydration mismatch). `none` where there is no moment ("never", "–").
 */
export function When({ at, none = '—', className }: { at: string | Date | null | undefined; none?: string; className?: string }) {
  const zone = useSyncExternalStore(subscribe, viewerZone, serverZone);
  if (at === null || at === undefined || at === '') return <>{none}</>;
  const d = typeof at === 'string' ? new Date(at) : at;
  const valid = !Number.isNaN(d.getTime());
  const iso = valid ? d.toISOString() : String(at);
  return (
    <time dateTime={iso} title={valid ? `${formatWhen(d)} (${iso})` : iso} className={className}>
      {formatWhenIn(at, zone)}
    </time>
  );
}
