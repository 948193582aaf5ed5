/**
 * What makes an incremental reconciliation read more than the ledger's tail: it finds the payments
 * and tasks changed since the last run by their updated_at column, and without an index led by that
 * column each run reads those tables whole. Kontor runs no DDL: it names the index to create.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { displayIdent, displayTable, type Mapping, type TableRef } from '@/lib/mapping';
import { parseColumn } from '@/lib/mapping/sql';
import { financeConcepts } from '@/lib/domain/reconcile/checks';

export interface ScanHint {
  /** schema.table, as typed in psql. */
  table: string;
  column: string;
  /** The planner's row estimate: what each incremental run reads. */
  rows: number;
  sql: string;
}

/** Below this many rows a whole read costs milliseconds: not worth an index, nor a note. */
export const HINT_MIN_ROWS = 200_000;

export async function incrementalScanHints(db: QueryExecutorProvider, mapping: Mapping, minRows = HINT_MIN_ROWS): Promise<ScanHint[]> {
  const c = financeConcepts(mapping);
  const watched = [c.payments, c.tasks].flatMap((t) => (t?.columns.updatedAt ? [{ table: t.table, column: t.columns.updatedAt }] : []));
  return indexHints(db, watched, minRows);
}

/**
 * For each (table, column): the index to create when no valid, non-partial index is led by the column
 * and the table holds at least `minRows` rows (the planner's estimate). A column that is a JSON field
 * or a constant is left out: its index is an expression the product would choose itself.
 */
export async function indexHints(db: QueryExecutorProvider, watched: { table: TableRef; column: string }[], minRows = HINT_MIN_ROWS): Promise<ScanHint[]> {
  const hints: ScanHint[] = [];
  for (const w of watched.filter((x) => parseColumn(x.column).kind === 'column')) {
    const { rows } = await sql<{ indexed: boolean; rows: number }>`
      select exists (
               select from pg_catalog.pg_index i
                join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
               where i.indrelid = c.oid and a.attname = ${w.column} and i.indisvalid and i.indpred is null
             ) as indexed,
             greatest(c.reltuples, 0)::float8 as rows
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where n.nspname = ${w.table.schema} and c.relname = ${w.table.name}`.execute(db);
    if (!rows[0] || rows[0].indexed || rows[0].rows < minRows) continue;
    const table = displayTable(w.table);
    hints.push({
      table,
      column: w.column,
      rows: Math.round(rows[0].rows),
      sql: `create index concurrently on ${table} (${displayIdent(w.column)});`,
    });
  }
  return hints;
}

export function describeHint(h: ScanHint): string {
  return `${h.table} has no index on ${h.column}: each incremental run reads all of it (~${h.rows.toLocaleString('en')} rows) to find what changed. ${h.sql}`;
}
