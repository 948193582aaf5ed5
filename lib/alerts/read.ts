/**
 * What the Alerts page, `kontor alerts list` and /metrics read: open incidents first, then history, and
 * the rules as staff left them. listAlerts/listRules check alerts.read themselves (the page's entry);
 * the CLI and /metrics, which no staff member asks through, call alertRows/ruleViews.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { ReadContext } from '@/lib/context';
import { ALERT_RULES, ALERT_RULE_IDS, alertHref, isAlertRuleId, type AlertRuleId, type AlertSeverity } from '@/lib/alerts/rule-meta';
import { readRuleSettings, type RuleView } from '@/lib/alerts/settings';

export interface AlertView {
  id: string;
  rule: AlertRuleId;
  ruleLabel: string;
  subject: string;
  severity: AlertSeverity;
  title: string;
  details: Record<string, unknown>;
  openedAt: string;
  lastNotifiedAt: string;
  notified: number;
  resolvedAt: string | null;
  resolution: string | null;
  /** Where to look into it. */
  href: string;
}

function assertCan({ staff }: ReadContext) {
  if (!staff.can('alerts.read')) throw new Error('alerts.read is required to read alerts.');
}

type Row = {
  id: string; rule: string; subject: string; severity: AlertSeverity; title: string; details: Record<string, unknown>; opened_at: Date;
  last_notified_at: Date; notified: number; resolved_at: Date | null; resolution: string | null; total: string;
};

/** Open incidents (every one, most severe and oldest first) or resolved ones (newest first, paged). */
export async function alertRows(db: QueryExecutorProvider, q: { state: 'open' | 'resolved'; limit: number; offset: number }): Promise<{ rows: AlertView[]; total: number }> {
  const open = q.state === 'open';
  const { rows } = await sql<Row>`
    select id::text, rule, subject, severity, title, details, opened_at, last_notified_at, notified, resolved_at, resolution,
           count(*) over ()::text as total
      from kontor.alerts
     where ${open ? sql`resolved_at is null` : sql`resolved_at is not null`}
     order by ${open ? sql`case severity when 'error' then 0 when 'warning' then 1 else 2 end, opened_at, id` : sql`resolved_at desc, id desc`}
     limit ${Math.min(q.limit, 1000)} offset ${q.offset}`.execute(db);
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.filter((r) => isAlertRuleId(r.rule)).map((r) => {
      const rule = r.rule as AlertRuleId;
      return {
        id: r.id, rule, ruleLabel: ALERT_RULES[rule].label, subject: r.subject, severity: r.severity, title: r.title, details: r.details,
        openedAt: r.opened_at.toISOString(), lastNotifiedAt: r.last_notified_at.toISOString(), notified: r.notified,
        resolvedAt: r.resolved_at?.toISOString() ?? null, resolution: r.resolution, href: alertHref(rule, r.subject),
      };
    }),
  };
}

export function listAlerts(db: QueryExecutorProvider, ctx: ReadContext, q: { state: 'open' | 'resolved'; limit: number; offset: number }) {
  assertCan(ctx);
  return alertRows(db, q);
}

export async function ruleViews(db: QueryExecutorProvider): Promise<RuleView[]> {
  const settings = await readRuleSettings(db);
  return ALERT_RULE_IDS.flatMap((id) => {
    const s = settings.get(id);
    if (!s) return [];
    const { version: _v, ...rest } = s;
    return [{ ...ALERT_RULES[id], ...rest, updatedAt: s.updatedAt.toISOString(), evaluatedAt: s.evaluatedAt?.toISOString() ?? null }];
  });
}

export function listRules(db: QueryExecutorProvider, ctx: ReadContext) {
  assertCan(ctx);
  return ruleViews(db);
}

/** Open incidents per rule and subject, for /metrics (bounded: a flood of subjects is cut, not scraped whole). */
export async function openAlertStates(db: QueryExecutorProvider): Promise<{ rule: string; subject: string; severity: string }[] | null> {
  const { rows: exists } = await sql<{ ok: boolean }>`select to_regclass('kontor.alerts') is not null as ok`.execute(db);
  if (!exists[0]?.ok) return null;
  const { rows } = await sql<{ rule: string; subject: string; severity: string }>`
    select rule, subject, severity from kontor.alerts where resolved_at is null order by rule, subject limit 1000`.execute(db);
  return rows;
}
