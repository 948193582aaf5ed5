/**
 * `kontor jobs list`: the schedule (each job's interval, next and last run, what waits or runs).
 * `kontor jobs run <name>`: runs one job here and now, recorded in kontor.jobs like a scheduled run
 * (started by "cli"), unless a run of its kind is going on (exit 1, nothing started). Exit 1 when it fails.
 */
import { read } from '@/db/index';
import { activeMapping, validateMapping } from '@/lib/mapping';
import { formatMs } from '@/lib/format';
import { runHere } from '@/lib/schedule/engine';
import { SCHEDULED_JOBS } from '@/lib/schedule/jobs';
import { listScheduledJobs } from '@/lib/schedule/read';
import { scheduleOverrides } from '@/lib/schedule/start';
import { summarizeOutcome } from '@/lib/schedule/describe';
import { out, type Command } from '@/cli/command';

const USAGE = 'kontor jobs list [--json] | kontor jobs run <name> [--json]';

export const jobsCommand: Command = {
  summary: "the schedule: list its jobs (interval, next and last run); run one now in this process",
  usage: USAGE,
  async run({ db, json, args }) {
    const [sub, name] = args;
    if (sub === 'list' && !name) {
      const jobs = await read((trx) => listScheduledJobs(trx, SCHEDULED_JOBS, scheduleOverrides(), { runs: 1 }), {}, db);
      out(json, jobs, () => [
        `${'job'.padEnd(24)}${'every'.padEnd(26)}${'next (UTC)'.padEnd(19)}last run`,
        ...jobs.map((j) => {
          const last = j.running ? `running since ${j.running.startedAt.slice(0, 16)}`
            : j.lastRun ? `${j.lastRun.state} ${j.lastRun.startedAt.slice(0, 16)}${j.lastRun.durationMs === null ? '' : ` (${formatMs(j.lastRun.durationMs)})`}${j.lastRun.error ? `: ${j.lastRun.error}` : ''}`
              : 'never';
          return `${j.name.padEnd(24)}${j.every.padEnd(26)}${(j.nextAt?.slice(0, 16).replace('T', ' ') ?? '-').padEnd(19)}${last}${j.waiting ? ' · a run waits' : ''}`;
        }),
      ].join('\n'));
      return 0;
    }
    const job = SCHEDULED_JOBS.find((j) => j.name === name);
    if (sub !== 'run' || !job || args.length !== 2) {
      console.error(`kontor jobs: ${sub === 'run' && name ? `no job named "${name}" (${SCHEDULED_JOBS.map((j) => j.name).join(', ')})` : `usage: ${USAGE}`}`);
      return 2;
    }
    const { mapping } = await read((trx) => validateMapping(trx, activeMapping()), {}, db);
    const r = await runHere(db, job, 'cli', { db, longReads: db, mapping });
    if (!r.ran) {
      console.error(`kontor jobs run: ${job.title} is running now (run #${r.job.id}, started by ${r.job.startedBy}): not started again`);
      return 1;
    }
    const ms = r.job.finishedAt ? new Date(r.job.finishedAt).getTime() - new Date(r.job.startedAt).getTime() : 0;
    out(json, r.job, `${job.title}: run #${r.job.id} ${r.job.state} in ${formatMs(ms)}${r.job.error ? `: ${r.job.error}` : ''}` +
      (r.job.outcome ? ` (${summarizeOutcome(r.job.outcome)})` : ''));
    return r.job.state === 'succeeded' ? 0 : 1;
  },
};
