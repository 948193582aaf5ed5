/**
 * `kontor reconcile [--full] [--json]`: the console's reconciliation for a nightly job. Incremental by
 * default (only ledger entries since the last run); --full reads the whole ledger. Then the billing
 * checks (periods paid twice, paying subscribers on a free tier, usage counters). Prints every
 * discrepancy with its kind and ids, and each check that could not run with why; exits 1 when any
 * discrepancy is found, 0 when the books agree.
 */
import { KIND_LABELS } from '@/lib/domain/reconcile/kinds';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import { describeHint, incrementalScanHints } from '@/lib/domain/reconcile/hints';
import { activeMapping, validateMapping } from '@/lib/mapping';
import { runBillingChecks } from '@/lib/domain/billing-checks';
import { reconcileCoverage } from '@/lib/domain/reconcile/coverage';
import { out, type Command } from '@/cli/command';

export const reconcileCommand: Command = {
  summary: 'reconcile credits: balances, payments, tasks (`--full` reads the whole ledger); exit 1 on discrepancies',
  options: { full: { type: 'boolean' } },
  async run({ db, json, args, values }) {
    if (args.length) {
      console.error(`kontor reconcile: unknown argument "${args[0]}" (--full, --json)`);
      return 2;
    }
    const { mapping } = await validateMapping(db, activeMapping());
    const r = mapping.users && mapping.ledger
      ? await runReconciliation(db, {
        mode: values.full === true ? 'full' : 'incremental',
        startedBy: 'cli',
        lanes: 3, // the CLI's pool holds three connections
      })
      : null;
    const hints = r ? await incrementalScanHints(db, activeMapping()) : [];
    const billing = await runBillingChecks(db, mapping);
    const lines = [
      r
        ? `Reconciliation #${r.runId} (${r.mode}, ${r.entriesRead} ledger entries read, ${r.ms} ms): ${r.findings.length ? `${r.findings.length} discrepancies` : 'the books agree'}.`
        : `Ledger reconciliation did not run: ${mapping.absent.ledger ?? 'the product keeps no credit ledger'}.`,
      ...(r ? reconcileCoverage(mapping).filter((c) => !c.ran).map((c) => `Check "${c.label}" did not run: ${c.why}.`) : []),
      ...(r?.findings ?? []).map((f) => {
        const ids = [f.userId && `user ${f.userId}`, f.paymentId && `payment ${f.paymentId}`, f.taskId && `task ${f.taskId}`]
          .filter(Boolean).join(', ');
        return `  ${f.kind.padEnd(27)} ${ids}  ${f.detail}${f.entryIds.length ? ` [entries ${f.entryIds.join(', ')}]` : ''}`;
      }),
      ...billing.checks.map((c) => (c.ran ? `Billing check ${c.kind}: ${c.found} found.` : `Billing check ${c.kind} did not run: ${c.why}.`)),
      ...billing.findings.map((f) => `  ${f.kind.padEnd(27)} ${f.id}  ${f.detail}`),
      ...hints.map((h) => `Note: ${describeHint(h)}`),
    ];
    out(json, { ...(r ?? { ran: false, why: mapping.absent.ledger ?? 'no credit ledger' }), checks: reconcileCoverage(mapping), labels: KIND_LABELS, hints, billing }, lines.join('\n'));
    return (r?.findings.length ?? 0) + billing.findings.length ? 1 : 0;
  },
};
