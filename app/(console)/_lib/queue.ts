/**
 * What every operations page needs before it reads: the validated mapping (the queue may be absent),
 * the queue's clock, and the thresholds from the URL, each bounded.
 */
import { z } from 'zod';
import { read } from '@/db/index';
import { KontorDbError } from '@/db/errors';
import { queueClock } from '@/lib/domain/tasks/model';
import { DEFAULT_STALE_MINUTES, DEFAULT_WINDOW_HOURS } from '@/lib/domain/tasks/health';
import type { Mapping, MappingCheck } from '@/lib/mapping';
import type { SearchParams } from '@/lib/table-query';
import { first } from '@/lib/format';

export type QueueContext =
  | { ok: true; mapping: Mapping; now: Date; snapshot: boolean; hasWorkers: boolean; hasLedger: boolean }
  | { ok: false; message: string };

export async function queueContext(check: MappingCheck): Promise<QueueContext> {
  const tasks = check.concepts.find((c) => c.concept === 'tasks');
  if (!tasks?.available) {
    return { ok: false, message: `This database has no task queue Kontor can read (${tasks?.problems.join('; ') ?? 'not mapped'}).` };
  }
  let clock: { now: Date; snapshot: boolean };
  try {
    clock = await read((trx) => queueClock(trx));
  } catch (err) {
    // A busy pool or a slow catalog: said on the page, never its error boundary.
    if (err instanceof KontorDbError) return { ok: false, message: err.message };
    throw err;
  }
  const { now, snapshot } = clock;
  return {
    ok: true,
    mapping: check.mapping,
    now,
    snapshot,
    hasWorkers: check.available.includes('workers'),
    hasLedger: check.available.includes('ledger'),
  };
}


export const STALE_CHOICES = [2, 5, 10, 30, 60] as const;
export const WINDOW_CHOICES = [1, 6, 24, 72, 168] as const;

/** ?stale=<minutes>&window=<hours>, from fixed choices. */
export function parseThresholds(params: SearchParams) {
  const stale = z.coerce.number().int().catch(DEFAULT_STALE_MINUTES).parse(first(params.stale) ?? DEFAULT_STALE_MINUTES);
  const windowHours = z.coerce.number().int().catch(DEFAULT_WINDOW_HOURS).parse(first(params.window) ?? DEFAULT_WINDOW_HOURS);
  return {
    staleMinutes: (STALE_CHOICES as readonly number[]).includes(stale) ? stale : DEFAULT_STALE_MINUTES,
    windowHours: (WINDOW_CHOICES as readonly number[]).includes(windowHours) ? windowHours : DEFAULT_WINDOW_HOURS,
  };
}
