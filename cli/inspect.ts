/**
 * `kontor inspect tables|indexes|activity|queries [--json]`: the database pages' facts, from the same
 * lib/inspect functions, through the same read-only, time-limited transaction.
 * Options: --limit N, --sort KEY (the page's whitelist), --schema NAME, --all (indexes: every index,
 * not only verdicts), --fail-on-findings (indexes: exit 1 when any verdict fires, for CI and cron).
 */
import { read } from '@/db/index';
import { out, type Command } from '@/cli/command';
import { listTables, TABLE_SORTS, type TableSort } from '@/lib/inspect/tables';
import { getStatsSince, INDEX_SORTS, listIndexes, listUnindexedForeignKeys, type IndexSort } from '@/lib/inspect/indexes';
import { blockingTrees, getWraparound, listBusySessions, listConnectionGroups, listSequencesNearMax, type BlockingNode } from '@/lib/inspect/activity';
import { getStatementsSource, listTopQueries, QUERY_SORTS, type QuerySort } from '@/lib/inspect/queries';
import { getDatabaseVitals } from '@/lib/inspect/overview';
import { formatBytes, formatCount, formatRatio } from '@/lib/format';

const SUBCOMMANDS = ['tables', 'indexes', 'activity', 'queries'] as const;

/** Left-aligned text columns; numbers right-aligned. */
export function textTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatCount(c) : c)))];
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  return cells
    .map((r) => r.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n');
}

function treeLines(nodes: BlockingNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${'  '.repeat(depth)}${depth ? '└ waits: ' : ''}pid ${n.session.pid} ${n.session.role ?? ''} (${n.session.application}) ${n.session.state}: ${n.session.query.replace(/\s+/g, ' ').slice(0, 80)}`,
    ...treeLines(n.waiting, depth + 1),
  ]);
}

export const inspectCommand: Command = {
  summary: 'inspect tables|indexes|activity|queries: the database pages, as text or --json',
  options: {
    limit: { type: 'string' }, sort: { type: 'string' }, schema: { type: 'string' }, all: { type: 'boolean' }, 'fail-on-findings': { type: 'boolean' },
  },
  async run({ db, json, args, values }) {
    const [sub] = args;
    if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number])) {
      console.error(`kontor inspect: say which: ${SUBCOMMANDS.join(', ')}`);
      return 2;
    }
    const limit = Number(values.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      console.error('kontor inspect: --limit must be a whole number from 1 to 1000');
      return 2;
    }
    const sort = values.sort as string | undefined;
    const schema = values.schema as string | undefined;
    const r = <T>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, db);

    if (sub === 'tables') {
      if (sort && !(TABLE_SORTS as readonly string[]).includes(sort)) {
        console.error(`kontor inspect tables: --sort must be one of ${TABLE_SORTS.join(', ')}`);
        return 2;
      }
      const result = await r((trx) => listTables(trx, { sort: sort as TableSort | undefined, schema, limit }));
      out(json, result, () => `${textTable(
        ['table', 'total', 'table data', 'indexes', 'toast', 'rows (est.)', 'dead', 'seq scans', 'idx scans', 'rls'],
        result.rows.map((t) => [`${t.schema}.${t.name}`, formatBytes(t.totalBytes), formatBytes(t.tableBytes), formatBytes(t.indexBytes),
          formatBytes(t.toastBytes), t.estimatedRows ?? '-', t.deadTuples, t.seqScans, t.idxScans, t.rls ? 'on' : 'OFF']),
      )}\n${result.rows.length} of ${formatCount(result.total)} tables`);
      return 0;
    }

    if (sub === 'indexes') {
      if (sort && !(INDEX_SORTS as readonly string[]).includes(sort)) {
        console.error(`kontor inspect indexes: --sort must be one of ${INDEX_SORTS.join(', ')}`);
        return 2;
      }
      const all = values.all === true;
      const [indexes, foreignKeys, statsSince] = await r((trx) => Promise.all([
        listIndexes(trx, { sort: sort as IndexSort | undefined, schema, limit, verdict: all ? undefined : 'any' }),
        listUnindexedForeignKeys(trx, { limit }),
        getStatsSince(trx),
      ]));
      const findings = indexes.rows.filter((i) => i.verdict).length + foreignKeys.length;
      const text = () => [
        `Scan counts since ${statsSince.toISOString()}.`,
        textTable(['index', 'table', 'size', 'scans', 'verdict'],
          indexes.rows.map((i) => [`${i.schema}.${i.name}`, i.table, formatBytes(i.sizeBytes), i.scans, i.verdict?.kind ?? ''])),
        ...indexes.rows.filter((i) => i.verdict).map((i) => `\n${i.verdict!.kind}: ${i.schema}.${i.name}: ${i.verdict!.reason}\n  ${i.verdict!.fix.replace(/\n/g, '\n  ')}`),
        ...foreignKeys.map((f) => `\nunindexed foreign key: ${f.schema}.${f.table}.${f.constraint} (${f.columns.join(', ')}) -> ${f.references}\n  ${f.fix}`),
      ].join('\n');
      out(json, { statsSince, indexes: indexes.rows, total: indexes.total, unindexedForeignKeys: foreignKeys }, text);
      return values['fail-on-findings'] === true && findings > 0 ? 1 : 0;
    }

    if (sub === 'activity') {
      const [groups, sessions, sequences, wraparound, vitals] = await r((trx) => Promise.all([
        listConnectionGroups(trx, limit), listBusySessions(trx, limit), listSequencesNearMax(trx, { limit: 10 }),
        getWraparound(trx), getDatabaseVitals(trx),
      ]));
      const trees = blockingTrees(sessions);
      const text = () => [
        `Connections: ${vitals.connections.used} of ${vitals.connections.max}`,
        textTable(['state', 'role', 'application', 'client', 'count'], groups.map((g) => [g.state, g.role ?? '', g.application, g.client ?? '', g.count])),
        '', 'Busy sessions (longest first):',
        sessions.length ? textTable(['pid', 'state', 'query s', 'xact s', 'query'], sessions.map((s) => [s.pid, s.state,
          s.querySeconds?.toFixed(1) ?? '', s.transactionSeconds?.toFixed(1) ?? '', s.query.replace(/\s+/g, ' ').slice(0, 60)])) : 'none',
        '', 'Lock waits:', ...(trees.length ? treeLines(trees) : ['none']),
        '', 'Sequences nearest their maximum:',
        textTable(['sequence', 'type', 'used'], sequences.map((s) => [`${s.schema}.${s.name}`, s.type, formatRatio(s.used)])),
        '', `Transaction IDs: age ${formatCount(wraparound.xidAge)} (${formatRatio(wraparound.xidUsed)} of the wraparound limit; autovacuum forces a freeze at ${formatCount(wraparound.freezeMaxAge)})`,
        `Cache hit: tables ${formatRatio(vitals.cacheHit.heap)}, indexes ${formatRatio(vitals.cacheHit.index)}`,
      ].join('\n');
      out(json, { connections: vitals.connections, groups, sessions, lockTrees: trees, sequences, wraparound, cacheHit: vitals.cacheHit }, text);
      return 0;
    }

    if (sort && !(QUERY_SORTS as readonly string[]).includes(sort)) {
      console.error(`kontor inspect queries: --sort must be one of ${QUERY_SORTS.join(', ')}`);
      return 2;
    }
    const result = await r(async (trx) => {
      const source = await getStatementsSource(trx);
      return { source, list: source.available ? await listTopQueries(trx, source, { sort: sort as QuerySort | undefined, limit }) : null };
    });
    if (!result.source.available || !result.list) {
      out(json, { available: false, reason: result.source.available ? '' : result.source.reason }, result.source.available ? '' : result.source.reason);
      return 0;
    }
    const list = result.list;
    out(json, { available: true, version: result.source.version, ...list },
      () => textTable(['calls', 'total ms', 'mean ms', 'rows', 'query'], list.rows.map((q) => [q.calls, q.totalMs.toFixed(1), q.meanMs.toFixed(2), q.rows,
        q.query.replace(/\s+/g, ' ').slice(0, 80)])));
    return 0;
  },
};
