/**
 * A console instance's schedule in a process of its own, for lib/schedule/engine.test.ts to kill
 * mid-run: `tsx test/schedule-runner.ts <url>` starts the schedule with one job, `snapshot`, whose run
 * takes a minute, queues a run of it, and prints "running" once the run's row is there.
 */
import { createDb } from '@/db/connect';
import { PRESETS } from '@/lib/mapping/presets';
import { parseMapping } from '@/lib/mapping/schema';
import { sendRun, startSchedule } from '@/lib/schedule/engine';
import type { ScheduledJob } from '@/lib/schedule/types';

export const SLOW_JOB: ScheduledJob = {
  name: 'snapshot', title: 'Slow', kind: 'test-slow', every: '0 0 1 1 *', expireSeconds: 3, retryDelaySeconds: 0,
  run: async ({ progress }) => {
    await progress('sleeping', 0, 1);
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLOW_JOB_MS ?? 60_000)));
    return { slept: true, pid: process.pid };
  },
};

export const testMapping = () => parseMapping(PRESETS.demo);

if (process.argv[1]?.endsWith('schedule-runner.ts')) {
  const url = process.argv[2];
  const db = createDb(url, { max: 3 });
  const schedule = await startSchedule({ url, jobs: [SLOW_JOB], context: { db, longReads: db, mapping: testMapping() }, pollSeconds: 0.5 });
  await sendRun(schedule.boss, SLOW_JOB, { by: 'schedule' });
  console.log('started');
}
