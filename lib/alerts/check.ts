/**
 * checkAlerts: every rule evaluated once, its incidents opened, re-notified and resolved. The schedule
 * calls it every minute, on every console instance; tests call it with `now` to drive time.
 *
 * - Reading: each due rule's condition is read in its own read-only transaction (one rule that times
 *   out leaves the others standing), before any lock is taken.
 * - Writing: per rule, one transaction that first locks the rule's row (FOR UPDATE: a row lock ends with
 *   the transaction, so it holds behind a transaction-mode pooler), so that two instances checking at
 *   once take turns: the second sees the incidents the first opened and opens nothing, and its
 *   re-notification is not due yet. Each write is also conditional on its own (the partial unique index
 *   on open incidents for an opening, the last notification read for a re-notification, still open for
 *   a resolution), so that no interleaving writes an event twice even without the lock.
 *   Each opening, re-notification and resolution writes its kontor.alert_events row in the same
 *   transaction: an event exists exactly when its incident change does.
 * - A rule that could not be judged (no task queue here, no reconciliation yet, its read failed) opens
 *   and resolves nothing; its open incidents are still re-notified. A disabled rule's open incidents
 *   resolve ("rule disabled").
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase, Trx } from '@/db/types';
import { read, write } from '@/db/index';
import type { Mapping } from '@/lib/mapping';
import { queueNow } from '@/lib/domain/tasks/model';
import { ALERT_RULES, ALERT_RULE_IDS, alertHref, type AlertRuleId } from '@/lib/alerts/rule-meta';
import { evaluateRule, type Condition } from '@/lib/alerts/conditions';
import { readRuleSettings, type RuleSettings } from '@/lib/alerts/settings';

export interface RuleOutcome {
  rule: AlertRuleId;
  /** Whether the condition was read this time (false: not due, disabled, or it cannot be judged here). */
  evaluated: boolean;
  /** Why it could not be judged, when its read failed. */
  error?: string;
  opened: number;
  renotified: number;
  resolved: number;
  open: number;
  /** Milliseconds the condition's read took (0 when not read). */
  ms: number;
}

export interface CheckResult {
  now: string;
  rules: RuleOutcome[];
}

/** A minute-ly schedule drifts by seconds: a rule due every N minutes is due a little early. */
const SLACK_MS = 5_000;

function due(s: RuleSettings, now: Date): boolean {
  return !s.evaluatedAt || now.getTime() - s.evaluatedAt.getTime() >= ALERT_RULES[s.rule].everyMinutes * 60_000 - SLACK_MS;
}

export async function checkAlerts(db: Kysely<KontorDatabase>, mapping: Mapping, opts: { now?: Date } = {}): Promise<CheckResult> {
  const { settings, now, productNow } = await read(async (trx) => {
    const { rows: [clock] } = await sql<{ now: Date }>`select now()`.execute(trx);
    return { settings: await readRuleSettings(trx), now: opts.now ?? clock.now, productNow: await queueNow(trx) };
  }, {}, db);

  const rules: RuleOutcome[] = [];
  for (const id of ALERT_RULE_IDS) {
    const s = settings.get(id);
    if (!s) continue;
    let conditions: Condition[] | null = null;
    let error: string | undefined;
    const started = performance.now();
    if (s.enabled && due(s, now)) {
      try {
        conditions = await read((trx) => evaluateRule(id, trx, mapping, { threshold: s.threshold, now, productNow }), { statementTimeoutMs: 30_000 }, db);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    const ms = conditions === null && !error ? 0 : Math.round(performance.now() - started);
    rules.push({ ...(await record(db, s, conditions, now, error)), ms });
  }
  return { now: now.toISOString(), rules };
}

interface OpenRow { id: string; subject: string; title: string; last_notified_at: Date }

async function record(db: Kysely<KontorDatabase>, s: RuleSettings, conditions: Condition[] | null, now: Date, error?: string): Promise<Omit<RuleOutcome, 'ms'>> {
  const meta = ALERT_RULES[s.rule];
  return write(async (trx) => {
    const { rows: [rule] } = await sql<{ enabled: boolean; renotify_minutes: number }>`
      select enabled, renotify_minutes from kontor.alert_rules where rule = ${s.rule} for update`.execute(trx);
    const at = now.toISOString();
    const outcome: Omit<RuleOutcome, 'ms'> = { rule: s.rule, evaluated: conditions !== null, ...(error ? { error } : {}), opened: 0, renotified: 0, resolved: 0, open: 0 };
    if (conditions !== null) await sql`update kontor.alert_rules set evaluated_at = ${at}::timestamptz where rule = ${s.rule}`.execute(trx);
    const { rows: open } = await sql<OpenRow>`
      select id::text, subject, title, last_notified_at from kontor.alerts where rule = ${s.rule} and resolved_at is null`.execute(trx);
    const openBySubject = new Map(open.map((o) => [o.subject, o]));
    const holds = conditions && rule.enabled ? new Map(conditions.map((c) => [c.subject, c])) : null;

    // Resolve what no longer holds (or every incident of a disabled rule).
    if (!rule.enabled || holds) {
      for (const o of open) {
        if (holds?.has(o.subject)) continue;
        const why = rule.enabled ? 'condition cleared' : 'rule disabled';
        const { rows: done } = await sql`
          update kontor.alerts set resolved_at = ${at}::timestamptz, resolution = ${why} where id = ${o.id}::bigint and resolved_at is null returning id`.execute(trx);
        if (!done.length) continue;
        await event(trx, s.rule, o.subject, 'resolved', `Resolved (${why}): ${o.title}`, o.id);
        outcome.resolved += 1;
        openBySubject.delete(o.subject);
      }
    }
    // Open what is new; the unique index answers a race this lock did not prevent (nothing is written then).
    for (const c of holds?.values() ?? []) {
      const existing = openBySubject.get(c.subject);
      if (existing) {
        await sql`update kontor.alerts set title = ${c.title}, details = ${JSON.stringify(c.details)}::jsonb where id = ${existing.id}::bigint`.execute(trx);
        existing.title = c.title;
        continue;
      }
      const { rows: [made] } = await sql<{ id: string }>`
        insert into kontor.alerts (rule, subject, severity, title, details, opened_at, last_notified_at)
        values (${s.rule}, ${c.subject}, ${meta.severity}, ${c.title}, ${JSON.stringify(c.details)}::jsonb, ${at}::timestamptz, ${at}::timestamptz)
        on conflict (rule, subject) where resolved_at is null do nothing
        returning id::text`.execute(trx);
      if (!made) continue;
      await event(trx, s.rule, c.subject, 'opened', c.title, made.id, detailText(c));
      outcome.opened += 1;
    }
    // Tell again what stays open past its interval.
    if (rule.enabled) {
      for (const o of openBySubject.values()) {
        if (now.getTime() - o.last_notified_at.getTime() < rule.renotify_minutes * 60_000) continue;
        // Conditional on what was read: a concurrent check that told it first leaves nothing to update.
        const { rows: done } = await sql`
          update kontor.alerts set last_notified_at = ${at}::timestamptz, notified = notified + 1
           where id = ${o.id}::bigint and resolved_at is null and last_notified_at = ${o.last_notified_at.toISOString()}::timestamptz returning id`.execute(trx);
        if (!done.length) continue;
        await event(trx, s.rule, o.subject, 'renotified', `Still open: ${o.title}`, o.id);
        outcome.renotified += 1;
      }
    }
    const { rows: [n] } = await sql<{ n: number }>`select count(*)::int as n from kontor.alerts where rule = ${s.rule} and resolved_at is null`.execute(trx);
    outcome.open = n.n;
    return outcome;
  }, { lockTimeoutMs: 15_000 }, db);
}

function detailText(c: Condition): string {
  return Object.entries(c.details).filter(([, v]) => v !== null && v !== '').map(([k, v]) => `${k}: ${v}`).join('\n');
}

async function event(trx: Trx, rule: AlertRuleId, subject: string, kind: 'opened' | 'renotified' | 'resolved', title: string, alertId: string, body = '') {
  const meta = ALERT_RULES[rule];
  await sql`
    insert into kontor.alert_events (rule, subject, event, severity, title, body, url, alert_id)
    values (${rule}, ${subject}, ${kind}, ${kind === 'resolved' ? 'info' : meta.severity}, ${title}, ${body}, ${alertHref(rule, subject)}, ${alertId}::bigint)`.execute(trx);
}
