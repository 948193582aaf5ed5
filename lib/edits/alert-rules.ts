/**
 * Changing an alert rule: whether it is on, its threshold and how often an open incident is told
 * again. A guarded edit (alerts.manage, admins): previewed, given a reason, audited. The next check
 * applies it (the rule is due at once, however seldom it is evaluated): an incident whose condition no longer holds at the new threshold resolves by itself, and
 * switching a rule off resolves its open incidents.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { catalogEdit } from '@/lib/edits/define';
import { invalid } from '@/lib/guard/errors';
import { ALERT_RULE_IDS, ALERT_RULES } from '@/lib/alerts/rule-meta';
import { readRuleSettings } from '@/lib/alerts/settings';

export const RENOTIFY_MAX_MINUTES = 43_200;

export const updateAlertRule = catalogEdit('alerts.updateRule', {
  input: z.strictObject({
    rule: z.enum(ALERT_RULE_IDS, { error: 'Unknown alert rule.' }),
    enabled: z.boolean({ error: 'Say whether the rule is on.' }),
    threshold: z.coerce.number({ error: 'The threshold is a number.' }).finite().nullable(),
    renotifyMinutes: z.coerce.number({ error: 'Give the interval in whole minutes.' }).int({ error: 'Give the interval in whole minutes.' })
      .min(1, { error: 'At least 1 minute.' }).max(RENOTIFY_MAX_MINUTES, { error: `At most ${RENOTIFY_MAX_MINUTES} minutes (30 days).` }),
  }),
  async load(trx, input) {
    const meta = ALERT_RULES[input.rule];
    const t = meta.thresholdSpec;
    if (t && input.threshold === null) throw invalid('threshold', `${meta.label} needs a threshold (${t.unit}).`);
    if (!t && input.threshold !== null) throw invalid('threshold', `${meta.label} has no threshold.`);
    if (t && input.threshold !== null && (input.threshold < t.min || input.threshold > t.max)) {
      throw invalid('threshold', `Between ${t.min} and ${t.max} ${t.unit}.`);
    }
    const { rows: [locked] } = await sql<{ rule: string }>`select rule from kontor.alert_rules where rule = ${input.rule} for update`.execute(trx);
    if (!locked) throw invalid('rule', 'This rule is missing from kontor.alert_rules: run `kontor migrate`.');
    const s = (await readRuleSettings(trx)).get(input.rule)!;
    return {
      target: { type: 'alert-rule', id: input.rule },
      rows: [{ key: `kontor.alert_rules:${input.rule}`, version: s.version }],
      before: { enabled: s.enabled, threshold: s.threshold, renotifyMinutes: s.renotifyMinutes },
    };
  },
  async apply(trx, input, _loaded, staff) {
    await sql`
      update kontor.alert_rules set enabled = ${input.enabled}, threshold = ${input.threshold}, renotify_minutes = ${input.renotifyMinutes},
             updated_at = now(), updated_by = ${staff.email}, evaluated_at = null
       where rule = ${input.rule}`.execute(trx);
    return { after: { enabled: input.enabled, threshold: input.threshold, renotifyMinutes: input.renotifyMinutes }, result: { rule: input.rule } };
  },
});
