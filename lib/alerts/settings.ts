/** The alert rules' settings as staff left them (kontor.alert_rules), with each rule's label and unit. */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { isAlertRuleId, type AlertRuleId, type AlertRuleMeta } from '@/lib/alerts/rule-meta';

export interface RuleSettings {
  rule: AlertRuleId;
  enabled: boolean;
  /** Null: the rule has no threshold. */
  threshold: number | null;
  renotifyMinutes: number;
  evaluatedAt: Date | null;
  updatedAt: Date;
  updatedBy: string | null;
  /** md5 of the row: the edit's optimistic-concurrency version. */
  version: string;
}

export async function readRuleSettings(db: QueryExecutorProvider): Promise<Map<AlertRuleId, RuleSettings>> {
  const { rows } = await sql<{ rule: string; enabled: boolean; threshold: string | null; renotify_minutes: number; evaluated_at: Date | null; updated_at: Date; updated_by: string | null; version: string }>`
    select rule, enabled, threshold::text, renotify_minutes, evaluated_at, updated_at, updated_by,
           md5(row(enabled, threshold, renotify_minutes)::text) as version
      from kontor.alert_rules`.execute(db);
  const out = new Map<AlertRuleId, RuleSettings>();
  for (const r of rows) {
    if (!isAlertRuleId(r.rule)) continue;
    out.set(r.rule, {
      rule: r.rule, enabled: r.enabled, threshold: r.threshold === null ? null : Number(r.threshold), renotifyMinutes: r.renotify_minutes,
      evaluatedAt: r.evaluated_at, updatedAt: r.updated_at, updatedBy: r.updated_by, version: r.version,
    });
  }
  return out;
}

export type RuleView = AlertRuleMeta & Omit<RuleSettings, 'evaluatedAt' | 'updatedAt' | 'version'> & { updatedAt: string; evaluatedAt: string | null };
