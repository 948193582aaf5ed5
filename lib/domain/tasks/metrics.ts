/**
 * /metrics in Prometheus' text exposition format (version 0.0.4): queue depth and oldest age per
 * type, live and stale workers, stuck tasks by kind, and the last reconciliation's discrepancies by
 * kind (from kontor.reconcile_runs, which `kontor reconcile` and the finance page write), and the alert
 * rules' open incidents (kontor.alerts: a count per rule, and 1 per open rule and subject).
 */
import 'server-only';
import crypto from 'node:crypto';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { Mapping } from '@/lib/mapping';
import { getQueueHealth } from '@/lib/domain/tasks/health';
import { findSilentWorkers, findStuckTasks, STUCK_KINDS } from '@/lib/domain/tasks/stuck';
import { openAlertStates } from '@/lib/alerts/read';
import { ALERT_RULE_IDS } from '@/lib/alerts/rule-meta';

type Labels = Record<string, string>;
interface Metric {
  name: string;
  help: string;
  samples: { labels?: Labels; value: number }[];
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export function formatMetrics(metrics: Metric[]): string {
  const lines: string[] = [];
  for (const m of metrics) {
    lines.push(`# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${m.name} gauge`);
    for (const s of m.samples) {
      const labels = s.labels && Object.keys(s.labels).length
        ? `{${Object.entries(s.labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`
        : '';
      lines.push(`${m.name}${labels} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function reconciliation(db: QueryExecutorProvider): Promise<Metric[]> {
  const { rows: exists } = await sql<{ ok: boolean }>`select to_regclass('kontor.reconcile_runs') is not null as ok`.execute(db);
  if (!exists[0]?.ok) return [];
  const { rows } = await sql<{ totals: Record<string, number> | null; finished: number }>`
    select totals, extract(epoch from finished_at)::float8 as finished from kontor.reconcile_runs
     where finished_at is not null order by id desc limit 1`.execute(db);
  if (!rows[0]) return [];
  return [
    {
      name: 'kontor_reconciliation_discrepancies',
      help: 'Discrepancies the last reconciliation run found, by kind.',
      samples: Object.entries(rows[0].totals ?? {}).map(([kind, n]) => ({ labels: { kind }, value: Number(n) })),
    },
    { name: 'kontor_reconciliation_last_run_timestamp_seconds', help: 'When the last reconciliation run finished (Unix time).', samples: [{ value: Math.round(rows[0].finished) }] },
  ];
}

export async function collectMetrics(db: QueryExecutorProvider, mapping: Mapping, opts: { now: Date; staleMinutes?: number }): Promise<Metric[]> {
  const metrics: Metric[] = [];
  if (mapping.tasks) {
    const health = await getQueueHealth(db, mapping, { now: opts.now, windowHours: 1, staleMinutes: opts.staleMinutes });
    metrics.push(
      {
        name: 'kontor_queue_depth',
        help: 'Tasks waiting (queued) or running (in_progress) now, by task type.',
        samples: health.types.flatMap((t) => [
          { labels: { task_type: t.taskType, state: 'queued' }, value: t.queued },
          { labels: { task_type: t.taskType, state: 'in_progress' }, value: t.inProgress },
        ]),
      },
      {
        name: 'kontor_queue_oldest_age_seconds',
        help: 'Age of the oldest queued task, by task type (0 when none waits).',
        samples: health.types.map((t) => ({ labels: { task_type: t.taskType }, value: t.oldestQueuedSeconds ?? 0 })),
      },
    );
    if (health.liveWorkers !== null) {
      const silent = await findSilentWorkers(db, mapping, opts);
      metrics.push(
        { name: 'kontor_workers_live', help: 'Active workers with a recent heartbeat.', samples: [{ value: health.liveWorkers }] },
        { name: 'kontor_workers_stale', help: 'Active workers whose heartbeat is older than the threshold.', samples: [{ value: silent.length }] },
      );
    }
    const stuck = await findStuckTasks(db, mapping, { ...opts, limit: 10_000 });
    metrics.push({
      name: 'kontor_tasks_stuck',
      help: 'Stuck or orphaned tasks, by kind.',
      samples: STUCK_KINDS.map((kind) => ({ labels: { kind }, value: stuck.filter((s) => s.kind === kind).length })),
    });
  }
  metrics.push(...(await reconciliation(db)), ...(await alerts(db)));
  return metrics;
}

async function alerts(db: QueryExecutorProvider): Promise<Metric[]> {
  const open = await openAlertStates(db);
  if (!open) return [];
  return [
    {
      name: 'kontor_alerts_open',
      help: 'Open alert incidents, by rule (0 when none is open).',
      samples: ALERT_RULE_IDS.map((rule) => ({ labels: { rule }, value: open.filter((a) => a.rule === rule).length })),
    },
    {
      name: 'kontor_alert_open',
      help: 'One sample per open alert incident, by rule, subject and severity (at most 1000).',
      samples: open.map((a) => ({ labels: { rule: a.rule, subject: a.subject, severity: a.severity }, value: 1 })),
    },
  ];
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** Constant-time: both sides hashed to the same length first, so neither length nor content leaks. */
export function bearerMatches(header: string | null, token: string | undefined): boolean {
  if (!token) return false;
  const given = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? '';
  return crypto.timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}
