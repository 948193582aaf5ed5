/**
 * What each alert rule sees now: the subjects its condition holds for (a user, a payment, a task type,
 * a worker, an advisor's object, an approval, a sequence), each with a title and the facts behind it.
 * Each reads what the console's own pages read (the reconciliation's stored findings, queue health,
 * silent workers, the advisors, pending approvals, the sequences check), so that an alert and the page
 * it links to agree. Null: the rule cannot be judged on this database (no task queue in the mapping,
 * no reconciliation run yet); its open incidents are then left as they are.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { Mapping } from '@/lib/mapping';
import type { AlertRuleId } from '@/lib/alerts/rule-meta';
import { getQueueHealth } from '@/lib/domain/tasks/health';
import { findSilentWorkers } from '@/lib/domain/tasks/stuck';
import { openFindings, runAdvisors } from '@/lib/inspect/advisors';
import { sequencesUsed } from '@/lib/inspect/advisors/integrity';

export interface Condition {
  subject: string;
  title: string;
  details: Record<string, string | number | null>;
}

export interface EvaluateOptions {
  threshold: number | null;
  /** The incidents' clock: Kontor's own tables (approvals) are judged against it. */
  now: Date;
  /** The product's clock (the demo's anchor on the demo's data, else the database's now()). */
  productNow: Date;
}

type Evaluator = (db: QueryExecutorProvider, mapping: Mapping, o: EvaluateOptions) => Promise<Condition[] | null>;

const mins = (s: number) => (s >= 5400 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);

/** The last finished reconciliation's findings of one kind; null when none has finished. */
async function lastRunFindings(db: QueryExecutorProvider, kind: string) {
  const { rows: [run] } = await sql<{ id: string; finished_at: Date }>`
    select id::text, finished_at from kontor.reconcile_runs where finished_at is not null order by id desc limit 1`.execute(db);
  if (!run) return null;
  const { rows } = await sql<{ user_id: string | null; payment_id: string | null; expected: string | null; actual: string | null; detail: string }>`
    select user_id, payment_id, expected::text, actual::text, detail from kontor.reconcile_findings
     where run_id = ${run.id}::bigint and kind = ${kind} order by n limit 1000`.execute(db);
  return { runId: run.id, finishedAt: run.finished_at.toISOString(), rows };
}

const EVALUATORS: Record<Exclude<AlertRuleId, 'database_unreachable'>, Evaluator> = {
  async balance_drift(db, _mapping, o) {
    const found = await lastRunFindings(db, 'balance_drift');
    if (!found) return null;
    const limit = o.threshold ?? 0;
    return found.rows
      .filter((r) => r.user_id !== null && Math.abs(Number(r.actual ?? 0) - Number(r.expected ?? 0)) > limit)
      .map((r) => ({
        subject: r.user_id!,
        title: `Balance drift of user ${r.user_id}: cached ${r.actual}, ledger ${r.expected}`,
        details: { run: found.runId, finishedAt: found.finishedAt, expected: r.expected, actual: r.actual, detail: r.detail },
      }));
  },

  async payment_granted_twice(db) {
    const found = await lastRunFindings(db, 'payment_granted_twice');
    if (!found) return null;
    return found.rows.filter((r) => r.payment_id !== null).map((r) => ({
      subject: r.payment_id!,
      title: `Payment ${r.payment_id} was credited more than once`,
      details: { run: found.runId, finishedAt: found.finishedAt, detail: r.detail },
    }));
  },

  async queue_no_worker(db, mapping, o) {
    if (!mapping.tasks) return null;
    const minutes = o.threshold ?? 5;
    const health = await getQueueHealth(db, mapping, { now: o.productNow, staleMinutes: minutes, window: [] });
    if (health.liveWorkers === null) return null;
    return health.alerts.map((a) => ({
      subject: a.taskType,
      title: `${a.queued} ${a.taskType} task${a.queued === 1 ? '' : 's'} queued and no live worker`,
      details: { queued: a.queued, staleMinutes: minutes, message: a.message },
    }));
  },

  async queue_oldest_task(db, mapping, o) {
    if (!mapping.tasks) return null;
    const limit = (o.threshold ?? 60) * 60;
    const health = await getQueueHealth(db, mapping, { now: o.productNow, window: [] });
    return health.types.filter((t) => t.oldestQueuedSeconds !== null && t.oldestQueuedSeconds > limit).map((t) => ({
      subject: t.taskType,
      title: `The oldest queued ${t.taskType} task has waited ${mins(t.oldestQueuedSeconds!)}`,
      details: { queued: t.queued, oldestSeconds: t.oldestQueuedSeconds, thresholdMinutes: limit / 60 },
    }));
  },

  async worker_silent(db, mapping, o) {
    if (!mapping.tasks || !mapping.workers) return null;
    const silent = await findSilentWorkers(db, mapping, { now: o.productNow, staleMinutes: o.threshold ?? 10 });
    return silent.map((w) => ({
      subject: w.id,
      title: `Worker ${w.id} is silent${w.silentSeconds === null ? ' (never sent a heartbeat)' : ` for ${mins(w.silentSeconds)}`}`,
      details: { status: w.status, lastHeartbeat: w.lastHeartbeat, silentSeconds: w.silentSeconds, inFlight: w.inFlight },
    }));
  },

  async advisor_error(db) {
    const { findings } = await runAdvisors(db);
    return openFindings(findings)
      .filter((f) => f.level === 'error' && f.id !== 'sequence_near_max')
      .flatMap((f) => f.objects.map((obj) => ({
        subject: `${f.id}:${obj.object}`,
        title: `${f.name}: ${obj.object}`,
        details: { advisor: f.id, category: f.category, object: obj.object, detail: obj.detail, fix: f.fix },
      })));
  },

  async approval_waiting(db, _mapping, o) {
    const minutes = o.threshold ?? 60;
    const { rows } = await sql<{ id: string; edit: string; requested_email: string; target: string; created_at: Date; waited: number }>`
      select id::text, edit, requested_email, target_type || ' ' || target_id as target, created_at,
             extract(epoch from (${o.now.toISOString()}::timestamptz - created_at))::float8 as waited
        from kontor.approvals
       where status = 'pending' and expires_at > ${o.now.toISOString()}::timestamptz
         and created_at < ${o.now.toISOString()}::timestamptz - make_interval(mins => ${minutes})
       order by id limit 500`.execute(db);
    return rows.map((r) => ({
      subject: r.id,
      title: `Approval ${r.id} (${r.edit} on ${r.target}, by ${r.requested_email}) has waited ${mins(r.waited)}`,
      details: { edit: r.edit, target: r.target, requestedBy: r.requested_email, requestedAt: r.created_at.toISOString() },
    }));
  },

  async sequence_near_max(db, _mapping, o) {
    const rows = await sequencesUsed(db, (o.threshold ?? 75) / 100);
    return rows.map((r) => ({ subject: r.object, title: `Sequence ${r.object} near its maximum: ${r.detail}`, details: { detail: r.detail } }));
  },
};

export function evaluateRule(rule: AlertRuleId, db: QueryExecutorProvider, mapping: Mapping, o: EvaluateOptions): Promise<Condition[] | null> {
  if (rule === 'database_unreachable') return Promise.resolve(null);
  return EVALUATORS[rule](db, mapping, o);
}
