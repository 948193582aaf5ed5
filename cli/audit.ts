/**
 * `kontor audit verify [--json]`: recomputes the audit log's hash chain and exits 1 naming the first
 * row that is missing or altered. Prints the head hash: keep it somewhere else to notice a removed tail.
 */
import { verifyAuditChain } from '@/lib/guard/audit';
import { out, type Command } from '@/cli/command';

export const auditCommand: Command = {
  summary: 'verify the audit log: `audit verify` recomputes its hash chain and names the first broken row',
  async run({ db, json, args }) {
    const [sub] = args;
    if (sub !== 'verify') {
      console.error(`kontor audit: unknown subcommand "${sub ?? ''}" (verify)`);
      return 2;
    }
    const report = await verifyAuditChain(db);
    if (!report.ok) {
      if (json) out(true, report, '');
      console.error(`kontor audit verify: ${report.problem.message} (${report.rows} rows before it verified)`);
      return 1;
    }
    out(json, report, `The audit log verifies: ${report.rows} rows, head ${report.head ?? '(empty)'}.`);
    return 0;
  },
};
