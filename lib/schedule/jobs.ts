/**
 * Kontor's scheduled jobs: one entry each. `every` is a cron expression (minute resolution, UTC), the
 * default an admin overrides with KONTOR_SCHEDULE_JOBS; `kind` is the kontor.jobs kind its runs are
 * recorded under (the one-running-per-kind slot: a scheduled reconciliation and one started from the
 * finance page never overlap). A new job needs its queue in a migration (0022 made these and reserved
 * `check-alerts` and `deliver-webhooks`), e.g. for the alert rules and webhook delivery:
 *   { name: 'check-alerts', title: 'Alert rules', kind: 'check-alerts', every: '* * * * *', expireSeconds: 300, run: (ctx) => checkAlerts(ctx.db) },
 *   { name: 'deliver-webhooks', title: 'Webhook delivery', kind: 'deliver-webhooks', every: '* * * * *', expireSeconds: 300, run: (ctx) => deliverDue(ctx.db) },
 * and "soon after an event": requestRun(db, job) (lib/schedule/engine.ts), in the event's transaction.
 */
import 'server-only';
import { read, write } from '@/db/index';
import { takeSnapshot } from '@/lib/inspect/snapshots';
import { runAdvisors } from '@/lib/inspect/advisors';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import { RECONCILE_JOB } from '@/lib/domain/reconcile/job';
import { OPS_SNAPSHOT_JOB, refreshOpsSnapshots } from '@/lib/domain/tasks/snapshot';
import { queueClock } from '@/lib/domain/tasks/model';
import { summarizeAdvisors } from '@/lib/schedule/advisors';
import { refreshStoredFigures } from '@/lib/schedule/stored-figures';
import type { RunContext, ScheduledJob } from '@/lib/schedule/types';
import { requestRun } from '@/lib/schedule/engine';
import { checkAlerts } from '@/lib/alerts/check';
import { deliverDue } from '@/lib/alerts/deliver';

/** Webhook delivery: every minute, and soon after the alert check has written events. */
const DELIVER_WEBHOOKS: ScheduledJob = {
  name: 'deliver-webhooks', title: 'Webhook delivery', kind: 'deliver-webhooks', every: '* * * * *', expireSeconds: 300,
  // Retries are due by their own backoff (kontor.alert_deliveries.next_attempt_at): a minute's tick finds them.
  run: ({ db }) => deliverDue(db),
};

export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: 'snapshot', title: 'Database snapshot', kind: 'snapshot', every: '*/5 * * * *', expireSeconds: 600, catchUp: true,
    // What `kontor snapshot` does: the database pages' growth charts and "unused for N days".
    run: ({ db }) => write((trx) => takeSnapshot(trx, { keepDays: 90 }), { statementTimeoutMs: 60_000 }, db),
  },
  {
    name: 'ops-snapshot', title: 'Queue and worker health', kind: OPS_SNAPSHOT_JOB, every: '* * * * *', expireSeconds: 600,
    // As of the queue's clock, as the pages read them (the demo's pinned clock, else now).
    run: async ({ db, longReads, mapping, progress }) => refreshOpsSnapshots(
      db, (fn) => read(fn, { statementTimeoutMs: 120_000 }, longReads), mapping, (await read((trx) => queueClock(trx), {}, db)).now, progress),
  },
  {
    name: 'stored-figures', title: 'Stored finance figures', kind: 'stored-figures', every: '*/5 * * * *', expireSeconds: 1800,
    // Billing checks and payment totals a large product's pages read stored: kept fresh here, not on a view.
    run: refreshStoredFigures,
  },
  {
    name: 'reconcile-incremental', title: 'Reconciliation (incremental)', kind: RECONCILE_JOB, every: '17 * * * *', expireSeconds: 1800,
    run: ({ longReads, mapping, progress }) => reconcile(longReads, mapping, 'incremental', progress),
  },
  {
    name: 'reconcile-full', title: 'Reconciliation (full)', kind: RECONCILE_JOB, every: '30 2 * * *', expireSeconds: 7200,
    run: ({ longReads, mapping, progress }) => reconcile(longReads, mapping, 'full', progress),
  },
  {
    name: 'advisors', title: 'Advisors', kind: 'advisors', every: '0 4 * * *', expireSeconds: 1800,
    // The latest findings stay in this job's outcome (kontor.jobs): latestAdvisorSummary reads them.
    run: async ({ longReads }) => summarizeAdvisors(await read((trx) => runAdvisors(trx), { statementTimeoutMs: 120_000 }, longReads)),
  },
  {
    name: 'check-alerts', title: 'Alert rules', kind: 'check-alerts', every: '* * * * *', expireSeconds: 300,
    // Each rule says how often it is due (lib/alerts/rule-meta.ts): the slow advisor rule hourly.
    run: async ({ db, mapping }) => {
      const result = await checkAlerts(db, mapping);
      const told = result.rules.reduce((n, r) => n + r.opened + r.renotified + r.resolved, 0);
      if (told > 0) await requestRun(db, DELIVER_WEBHOOKS);
      return { ...summarizeCheck(result), told };
    },
  },
  DELIVER_WEBHOOKS,
];

/** What a check's run records: the rules read, their incidents and their slowest read. */
function summarizeCheck(r: Awaited<ReturnType<typeof checkAlerts>>) {
  const read = r.rules.filter((x) => x.evaluated);
  return {
    read: read.length, open: r.rules.reduce((n, x) => n + x.open, 0),
    errors: r.rules.filter((x) => x.error).map((x) => `${x.rule}: ${x.error}`),
  };
}

async function reconcile(runs: RunContext['longReads'], mapping: RunContext['mapping'], mode: 'full' | 'incremental', progress: RunContext['progress']) {
  let last = Promise.resolve();
  const r = await runReconciliation(runs, {
    mode, startedBy: 'schedule', mapping, lanes: 1,
    onProgress: (step, done, total) => { last = last.then(() => progress(step, done, total)); },
  });
  await last;
  return { runId: r.runId, mode: r.mode, found: r.findings.length, entriesRead: r.entriesRead, ms: r.ms };
}
