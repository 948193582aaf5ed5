/**
 * `kontor snapshot [--keep-days N]`: records table sizes, rows, index scans and query statistics in
 * kontor.snapshots (cheap: a few INSERT ... SELECT on the server). Run it from cron every few
 * minutes; the database pages turn consecutive snapshots into growth charts and deltas.
 */
import { write } from '@/db/index';
import { schemaStatus } from '@/db/migrate';
import { out, type Command } from '@/cli/command';
import { takeSnapshot } from '@/lib/inspect/snapshots';

export const snapshotCommand: Command = {
  summary: 'record table sizes, rows, index scans and query stats in kontor.snapshots (for history)',
  options: { 'keep-days': { type: 'string' } },
  async run({ db, json, values }) {
    const keepDays = values['keep-days'] === undefined ? 90 : Number(values['keep-days']);
    if (!Number.isInteger(keepDays) || keepDays < 1) {
      console.error('kontor snapshot: --keep-days must be a whole number of days (1 or more)');
      return 2;
    }
    const status = await schemaStatus(db);
    if (status.state === 'missing' || (status.state === 'behind' && status.pending.includes('0003_snapshots'))) {
      console.error('kontor snapshot: the kontor schema has no snapshot tables yet: run `npm run kontor -- migrate`');
      return 1;
    }
    const started = Date.now();
    const result = await write((trx) => takeSnapshot(trx, { keepDays }), { statementTimeoutMs: 60_000 }, db);
    const ms = Date.now() - started;
    out(json, { ...result, ms }, `Snapshot ${result.id}: ${result.tables} tables, ${result.indexes} indexes, ${result.queries} statements in ${ms} ms` +
      (result.pruned ? `; ${result.pruned} older than ${keepDays} days removed` : ''));
    return 0;
  },
};
