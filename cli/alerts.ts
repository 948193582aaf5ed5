/**
 * `kontor alerts list [--all] [--json]`: the open alert incidents (most severe first), the rules as staff
 * left them, and with --all the 50 most recently resolved. `kontor alerts check [--json]`: evaluates
 * every rule once (what the schedule does every minute), for a cron where no console runs. Exit 0; 2 on usage.
 */
import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { read } from '@/db/index';
import { activeMapping, validateMapping } from '@/lib/mapping';
import { alertRows, ruleViews } from '@/lib/alerts/read';
import { checkAlerts } from '@/lib/alerts/check';
import { out, type Command } from '@/cli/command';

export async function alertsList(db: Kysely<KontorDatabase>, all: boolean) {
  return read(async (trx) => ({
    open: (await alertRows(trx, { state: 'open', limit: 1000, offset: 0 })).rows,
    resolved: all ? (await alertRows(trx, { state: 'resolved', limit: 50, offset: 0 })).rows : [],
    rules: await ruleViews(trx),
  }), {}, db);
}

const USAGE = 'kontor alerts list [--all] [--json] | kontor alerts check [--json]';

export const alertsCommand: Command = {
  summary: 'alerts list: open incidents and the rules (--all: recently resolved too); alerts check: evaluate every rule once',
  options: { all: { type: 'boolean' } },
  usage: USAGE,
  async run({ db, json, args, values }) {
    const [sub] = args;
    if (sub === 'check') {
      const { mapping } = await read((trx) => validateMapping(trx, activeMapping()), {}, db);
      const r = await checkAlerts(db, mapping);
      out(json, r, () => r.rules.map((x) =>
        `${x.rule.padEnd(24)}${x.evaluated ? 'checked' : 'skipped'}  open ${x.open}, opened ${x.opened}, re-notified ${x.renotified}, resolved ${x.resolved}${x.evaluated ? ` (${x.ms} ms)` : ''}${x.error ? `  (failed: ${x.error})` : ''}`,
      ).join('\n'));
      return 0;
    }
    if (sub !== 'list') {
      console.error(`kontor alerts: the subcommand is list or check (${USAGE})`);
      return 2;
    }
    const r = await alertsList(db, values.all === true);
    out(json, r, () => [
      r.open.length ? `${r.open.length} open:` : 'No alert is open.',
      ...r.open.map((a) => `${a.severity.toUpperCase().padEnd(8)}${a.rule.padEnd(24)}${a.title} (since ${a.openedAt}, told ${a.notified}x)`),
      ...(values.all ? ['', `Resolved (newest ${r.resolved.length}):`, ...r.resolved.map((a) => `${a.resolvedAt}  ${a.rule.padEnd(24)}${a.title} (${a.resolution})`)] : []),
      '',
      'Rules:',
      ...r.rules.map((x) => `${x.enabled ? 'on ' : 'off'} ${x.id.padEnd(24)}${x.thresholdSpec && x.threshold !== null ? `${x.threshold} ${x.thresholdSpec.unit}`.padEnd(16) : '-'.padEnd(16)}re-notify every ${x.renotifyMinutes} min`),
    ].join('\n'));
    return 0;
  },
};
