/**
 * The index advisors read lib/inspect/indexes.ts, the same verdicts and unindexed foreign keys the
 * Indexes page shows: one query per fact, whichever face shows it.
 */
import 'server-only';
import type { QueryExecutorProvider } from 'kysely';
import { listIndexVerdicts, listUnindexedForeignKeys, type IndexVerdictKind } from '@/lib/inspect/indexes';
import type { RunContext } from '@/lib/inspect/advisors/advisor';
import type { ObjectRow } from '@/lib/inspect/advisors/types';

/** A per-run cache, shared by a run's lanes: the verdicts are read once however many advisors ask. */
export interface RunCache {
  verdicts?: ReturnType<RunContext['indexVerdicts']>;
}

/** One lane's context: the first advisor to ask reads the verdicts on its own lane's connection. */
export function runContext(db: QueryExecutorProvider, cache: RunCache = {}): RunContext {
  return { indexVerdicts: () => (cache.verdicts ??= listIndexVerdicts(db)) };
}

export async function indexesWithVerdict(ctx: RunContext, kind: IndexVerdictKind): Promise<ObjectRow[]> {
  return (await ctx.indexVerdicts())
    .filter((v) => v.verdict.kind === kind)
    .map((v) => ({ object: v.qname, table: v.qtable, related: v.other ? [v.other] : null, detail: v.verdict.reason, sql: v.verdict.fix }));
}

/** As quote_ident prints a name (reserved words aside): bare when lower-case and plain, else quoted. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

const FK_PAGE = 1000;

export async function unindexedForeignKeys(db: QueryExecutorProvider): Promise<ObjectRow[]> {
  const out: ObjectRow[] = [];
  for (let offset = 0; ; offset += FK_PAGE) {
    const page = await listUnindexedForeignKeys(db, { limit: FK_PAGE, offset });
    for (const k of page) {
      const table = `${quoteIdent(k.schema)}.${quoteIdent(k.table)}`;
      out.push({
        object: `${table}/${quoteIdent(k.constraint)}`,
        table,
        related: [k.references],
        detail: `${quoteIdent(k.constraint)} (${k.columns.map(quoteIdent).join(', ')}) has no index`,
        sql: k.fix,
      });
    }
    if (page.length < FK_PAGE) return out;
  }
}
