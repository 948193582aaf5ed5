/**
 * The schedule inside a console process (instrumentation.ts `register()`, on the Node.js runtime): once
 * per process, never blocking the server's start (a database that is down leaves the console to say so
 * on its pages). KONTOR_SCHEDULE=off: this process works no job; KONTOR_SCHEDULE_JOBS: per-job crons.
 */
import 'server-only';
import { getDb, getLongReadPool } from '@/db/index';
import { databaseUrl } from '@/db/settings';
import { schemaStatus } from '@/db/migrate';
import { env } from '@/lib/env';
import { activeMapping } from '@/lib/mapping';
import { parseOverrides, startSchedule, type Schedule } from '@/lib/schedule/engine';
import { SCHEDULED_JOBS } from '@/lib/schedule/jobs';

const g = globalThis as unknown as { kontorSchedule?: Promise<Schedule | null> };

/** The overrides KONTOR_SCHEDULE_JOBS sets (validated: a bad one stops the schedule with its name). */
export function scheduleOverrides(): Record<string, string> {
  return parseOverrides(env.KONTOR_SCHEDULE_JOBS, SCHEDULED_JOBS);
}

export function startConsoleSchedule(): Promise<Schedule | null> {
  if (env.KONTOR_SCHEDULE === 'off') return Promise.resolve(null);
  g.kontorSchedule ??= (async () => {
    const status = await schemaStatus(getDb());
    if (status.state === 'missing' || (status.state === 'behind' && status.pending.includes('0022_schedule'))) {
      console.error('[kontor] schedule: not started, the kontor schema lacks migration 0022: run `npm run kontor -- migrate`');
      return null;
    }
    const schedule = await startSchedule({
      url: databaseUrl(), jobs: SCHEDULED_JOBS, overrides: scheduleOverrides(),
      context: { db: getDb(), longReads: getLongReadPool().db, mapping: activeMapping() },
    });
    console.log(`[kontor] schedule: started (${SCHEDULED_JOBS.length} jobs)`);
    return schedule;
  })().catch((err: unknown) => {
    console.error('[kontor] schedule: not started:', err instanceof Error ? err.message : err);
    return null;
  });
  return g.kontorSchedule;
}
