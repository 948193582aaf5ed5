/**
 * `kontor reconcile [--full] [--json]`: the console's reconciliation for a nightly job. Incremental by
 * default (only ledger entries since the last run); --full reads the whole ledger. Prints every
 * discrepancy with its kind and ids; exits 1 when any is found, 0 when the books agree.
 */
import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { KIND_LABELS } from '@/lib/domain/reconcile/kinds';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import { describeHint, incrementalScanHints } from '@/lib/domain/reconcile/hints';
import { activeMapping } from '@/lib/mapping';
import { out, type Command } from '@/cli/command';

export const reconcileCommand: Command = {
  summary: 'reconcile credits: balances, payments, tasks (`--full` reads the whole ledger); exit 1 on discrepancies',
  async run({ db, json, args }) {
    const unknown = args.filter((a) => a !== '--full');
    if (unknown.length) {
      console.error(`kontor reconcile: unknown argument "${unknown[0]}" (--full, --json)`);
      return 2;
    }
    const r = await runReconciliation(db as unknown as Kysely<KontorDatabase>, {
      mode: args.includes('--full') ? 'full' : 'incremental',
      startedBy: 'cli',
      lanes: 3, // the CLI's pool holds three connections
    });
    const hints = await incrementalScanHints(db, activeMapping());
    const lines = [
      `Reconciliation #${r.runId} (${r.mode}, ${r.entriesRead} ledger entries read, ${r.ms} ms): ${r.findings.length ? `${r.findings.length} discrepancies` : 'the books agree'}.`,
      ...r.findings.map((f) => {
        const ids = [f.userId && `user ${f.userId}`, f.paymentId && `payment ${f.paymentId}`, f.taskId && `task ${f.taskId}`]
          .filter(Boolean).join(', ');
        return `  ${f.kind.padEnd(27)} ${ids}  ${f.detail}${f.entryIds.length ? ` [entries ${f.entryIds.join(', ')}]` : ''}`;
      }),
      ...hints.map((h) => `Note: ${describeHint(h)}`),
    ];
    out(json, { ...r, labels: KIND_LABELS, hints }, lines.join('\n'));
    return r.findings.length ? 1 : 0;
  },
};
