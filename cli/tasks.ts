/**
 * `kontor tasks health [--json] [--stale MINUTES]`: the queue at a glance for alerting. Exit 0 when
 * nothing is stuck (on a dead worker, running or queued far longer than its type usually does, retried
 * again and again), no worker is silent and no queued type lacks a live worker; 1 otherwise; 2 on usage.
 */
import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { read } from '@/db/index';
import { activeMapping, validateMapping } from '@/lib/mapping';
import { queueClock } from '@/lib/domain/tasks/model';
import { getQueueHealth } from '@/lib/domain/tasks/health';
import { findSilentWorkers, findStuckTasks, STUCK_KINDS } from '@/lib/domain/tasks/stuck';
import { out, type Command } from '@/cli/command';

const secs = (s: number | null) => (s === null ? '-' : s < 120 ? `${Math.round(s)}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`);

/** --stale's minutes (default 5), or null when it is not a whole number from 1 to 1440. */
export function parseStale(value: string | boolean | undefined): number | null {
  if (value === undefined) return 5;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 1440 ? n : null;
}

export async function tasksHealth(db: Kysely<KontorDatabase>, staleMinutes: number) {
  return read(async (trx) => {
    const check = await validateMapping(trx, activeMapping());
    if (!check.mapping.tasks) throw new Error('This database has no task queue in its table mapping.');
    const { now, snapshot } = await queueClock(trx);
    const health = await getQueueHealth(trx, check.mapping, { now, staleMinutes });
    const stuck = await findStuckTasks(trx, check.mapping, { now, staleMinutes });
    const silent = await findSilentWorkers(trx, check.mapping, { now, staleMinutes });
    return { now: now.toISOString(), snapshot, staleMinutes, health, stuck, silent };
  }, { statementTimeoutMs: 30_000 }, db);
}

export const tasksCommand: Command = {
  summary: 'tasks health: queue depth, oldest wait, stuck and overlong tasks, silent workers; exit 1 when something needs a person',
  options: { stale: { type: 'string' } },
  async run({ db, json, args, values }) {
    const [sub] = args;
    if (sub !== 'health') {
      console.error('kontor tasks: the subcommand is `health` (kontor tasks health [--json] [--stale MINUTES])');
      return 2;
    }
    const stale = parseStale(values.stale);
    if (stale === null) {
      console.error('kontor tasks health: --stale takes whole minutes between 1 and 1440');
      return 2;
    }
    const r = await tasksHealth(db, stale);
    const problems = r.stuck.length + r.silent.length + r.health.alerts.length;
    const text = [
      `Queue as of ${r.now}${r.snapshot ? ' (demo snapshot clock)' : ''}; live workers: ${r.health.liveWorkers ?? 'unknown'}`,
      `${'type'.padEnd(24)}${'queued'.padStart(8)}${'oldest'.padStart(9)}${'running'.padStart(9)}${'wait p95'.padStart(10)}${'run p95'.padStart(9)}${'failed'.padStart(8)}`,
      ...r.health.types.map((t) =>
        `${t.taskType.padEnd(24)}${String(t.queued).padStart(8)}${secs(t.oldestQueuedSeconds).padStart(9)}${String(t.inProgress).padStart(9)}` +
        `${secs(t.wait.p95).padStart(10)}${secs(t.run.p95).padStart(9)}${(t.failureRate === null ? '-' : `${(t.failureRate * 100).toFixed(1)}%`).padStart(8)}`,
      ),
      ...r.health.alerts.map((a) => `ALERT ${a.message}`),
      ...STUCK_KINDS.flatMap((k) => r.stuck.filter((s) => s.kind === k).map((s) => `STUCK ${k} ${s.id} (${s.taskType ?? 'untyped'}): ${s.why}`)),
      ...r.silent.map((w) => `SILENT worker ${w.id}: ${w.status}, no heartbeat for ${secs(w.silentSeconds)}`),
      problems ? `${problems} problem(s).` : 'Nothing stuck, no silent worker.',
    ].join('\n');
    out(json, r, text);
    return problems ? 1 : 0;
  },
};
