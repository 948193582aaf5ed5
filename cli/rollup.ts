/**
 * `kontor rollup [--rebuild] [--json]`: moves the finance rollups forward (migrations 0013, 0017): the
 * statement's per-day figures and per-month account lines take in the ledger entries created since
 * the last refresh, and usage costs' sums those of the accounts whose calls, spends or payments changed. The first run (or --rebuild, or a run after the mapping changed) builds them from
 * the whole ledger: at ten million entries that is minutes, so run it once after `migrate`, then from
 * cron; the statement page also refreshes it in the background when it finds it stale.
 */
import { activeMapping, validateMapping } from '@/lib/mapping';
import { refreshStatementRollup } from '@/lib/domain/statement-rollup-refresh';
import { refreshUsageRollup } from '@/lib/domain/usage-rollup-refresh';
import { out, type Command } from '@/cli/command';
import { formatCount } from '@/lib/format';

export const rollupCommand: Command = {
  summary: 'refresh the finance rollups the statement and usage costs read (`--rebuild` builds them again from the product\'s tables)',
  options: { rebuild: { type: 'boolean' } },
  async run({ db, json, args, values }) {
    if (args.length) {
      console.error(`kontor rollup: unknown argument "${args[0]}" (--rebuild, --json)`);
      return 2;
    }
    const { mapping } = await validateMapping(db, activeMapping());
    if (!mapping.ledger) {
      console.error(`kontor rollup: the statement's rollup needs the ledger: ${mapping.absent.ledger ?? 'the product keeps no credit ledger'}`);
      return 1;
    }
    const rebuild = values.rebuild === true;
    const r = await refreshStatementRollup(db, mapping, { rebuild });
    const statementText = r
      ? `Statement rollup ${r.full ? 'built' : 'refreshed'} up to ${r.horizon.toISOString()}: ` +
        `${formatCount(r.entries)} entries in ${r.ms} ms${r.months.length ? ` (months ${r.months[0]} to ${r.months.at(-1)})` : ''}.`
      : 'Another refresh of the statement rollup is running: it takes in what this one would have.';
    // Usage costs' rollup (0017) needs the API cost log too.
    const u = mapping.apiCosts ? await refreshUsageRollup(db, mapping, { rebuild }) : undefined;
    const usageText = u === undefined ? 'No usage rollup: the mapping has no API cost log.'
      : u ? `Usage rollup ${u.full ? 'built' : 'refreshed'} up to ${u.horizon.toISOString()}: ${formatCount(u.accounts)} accounts in ${u.ms} ms.`
        : 'Another refresh of the usage rollup is running: it takes in what this one would have.';
    out(json, { ok: true, ...(r ?? { skipped: true }), usage: u === undefined ? null : u ?? { skipped: true } }, `${statementText}\n${usageText}`);
    return 0;
  },
};
