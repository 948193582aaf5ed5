/**
 * The alert rules Kontor knows and their defaults: what each watches, what its threshold means and how
 * often an open incident is told again. Client-safe (no server code): the Alerts page's change dialog,
 * the migration that seeds kontor.alert_rules and the checks (lib/alerts/check.ts) read the same table.
 */
export const ALERT_RULE_IDS = [
  'balance_drift',
  'payment_granted_twice',
  'queue_no_worker',
  'queue_oldest_task',
  'worker_silent',
  'advisor_error',
  'approval_waiting',
  'sequence_near_max',
  'database_unreachable',
] as const;
export type AlertRuleId = (typeof ALERT_RULE_IDS)[number];

export type AlertSeverity = 'info' | 'warning' | 'error';

export interface AlertRuleMeta {
  id: AlertRuleId;
  label: string;
  /** What fires it, in a sentence. */
  watches: string;
  severity: AlertSeverity;
  /** What the threshold counts, or null when the rule has none. */
  thresholdSpec: { unit: string; label: string; min: number; max: number; default: number } | null;
  /** Minutes between re-notifications while an incident stays open. */
  renotifyMinutes: number;
  /** Where staff look into it (an admin may open every one of these). */
  href: string;
  /**
   * Evaluated at most this often (minutes): the advisor catalogue and the sequence scan read the whole
   * catalog, too costly for every minute on a large schema. Between evaluations open incidents stay
   * open and are re-notified; nothing opens or resolves.
   */
  everyMinutes: number;
}

export const ALERT_RULES: Readonly<Record<AlertRuleId, AlertRuleMeta>> = {
  balance_drift: {
    id: 'balance_drift', label: 'Balance drift', severity: 'error', href: '/finance/reconciliation', everyMinutes: 1,
    watches: "The last reconciliation found a user's cached balance differing from their ledger by more than the threshold.",
    thresholdSpec: { unit: 'credits', label: 'Drift above (credits)', min: 0, max: 1_000_000, default: 0 }, renotifyMinutes: 240,
  },
  payment_granted_twice: {
    id: 'payment_granted_twice', label: 'Double grant', severity: 'error', href: '/finance/reconciliation', everyMinutes: 1,
    watches: 'The last reconciliation found a payment credited more than once.',
    thresholdSpec: null, renotifyMinutes: 240,
  },
  queue_no_worker: {
    id: 'queue_no_worker', label: 'Queue without a worker', severity: 'error', href: '/tasks/queue', everyMinutes: 1,
    watches: 'A task type has queued work and no worker sent a heartbeat within the threshold.',
    thresholdSpec: { unit: 'minutes', label: 'No heartbeat for (minutes)', min: 1, max: 1440, default: 5 }, renotifyMinutes: 30,
  },
  queue_oldest_task: {
    id: 'queue_oldest_task', label: 'Queue waiting too long', severity: 'warning', href: '/tasks/queue', everyMinutes: 1,
    watches: "A task type's oldest queued task has waited longer than the threshold.",
    thresholdSpec: { unit: 'minutes', label: 'Oldest task older than (minutes)', min: 1, max: 10_080, default: 60 }, renotifyMinutes: 60,
  },
  worker_silent: {
    id: 'worker_silent', label: 'Silent worker', severity: 'warning', href: '/workers', everyMinutes: 1,
    watches: 'An active worker sent no heartbeat within the threshold.',
    thresholdSpec: { unit: 'minutes', label: 'Silent for (minutes)', min: 1, max: 1440, default: 10 }, renotifyMinutes: 60,
  },
  advisor_error: {
    id: 'advisor_error', label: 'Advisor error', severity: 'error', href: '/database/advisors', everyMinutes: 60,
    watches: 'An advisor finds an error-level problem (one incident per object; suppressed objects do not count; sequences have their own rule).',
    thresholdSpec: null, renotifyMinutes: 1440,
  },
  approval_waiting: {
    id: 'approval_waiting', label: 'Approval waiting', severity: 'warning', href: '/approvals', everyMinutes: 1,
    watches: 'An edit has waited for a second person longer than the threshold (until it expires).',
    thresholdSpec: { unit: 'minutes', label: 'Waiting longer than (minutes)', min: 1, max: 1440, default: 60 }, renotifyMinutes: 120,
  },
  sequence_near_max: {
    id: 'sequence_near_max', label: 'Sequence near its maximum', severity: 'error', href: '/database/advisors', everyMinutes: 10,
    watches: "A product sequence has used more than the threshold of its range: inserts fail when it runs out.",
    thresholdSpec: { unit: 'percent', label: 'Range used above (%)', min: 1, max: 100, default: 75 }, renotifyMinutes: 1440,
  },
  database_unreachable: {
    id: 'database_unreachable', label: 'Database unreachable', severity: 'error', href: '/', everyMinutes: 1,
    watches: "Kontor cannot reach the database for longer than the threshold (told by delivery's own watchdog, which runs without the database; the checks here never see it).",
    thresholdSpec: { unit: 'minutes', label: 'Unreachable for (minutes)', min: 1, max: 60, default: 2 }, renotifyMinutes: 30,
  },
};

export function isAlertRuleId(v: unknown): v is AlertRuleId {
  return typeof v === 'string' && (ALERT_RULE_IDS as readonly string[]).includes(v);
}

/** Where an incident is looked into: the subject's own page where it has one (an admin may open each), else the rule's area. */
export function alertHref(rule: AlertRuleId, subject: string): string {
  if (rule === 'balance_drift' && subject) return `/finance/accounts/${encodeURIComponent(subject)}`;
  if (rule === 'payment_granted_twice' && subject) return `/payments/${encodeURIComponent(subject)}`;
  return ALERT_RULES[rule].href;
}
