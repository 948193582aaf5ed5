/**
 * The task list's default view, newest first, without sorting the whole table. A queue table is
 * indexed on (status, created_at) far more often than on created_at alone (the demo, Reigh): then each
 * status's newest rows come from its own index range, and a Merge Append interleaves them, so a page
 * reads (offset + page) rows per status instead of every task. The statuses present are found by a
 * loose index scan (one probe per distinct value). With an index led by created_at the planner needs
 * no help, but for one detail: DESC NULLS LAST (the list's order) matches no btree scan, so on a NOT
 * NULL column the plain direction is used (the same rows, in the same order), and on a nullable one the
 * dated rows are read in the index's null order and the undated ones after them (list.ts).
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { displayIdent, displayTable, parseColumn } from '@/lib/mapping/sql';
import { HINT_MIN_ROWS } from '@/lib/domain/reconcile/hints';
import type { QueueModel } from '@/lib/domain/tasks/model';

export interface CreatedOrderPlan {
  /** created_at is NOT NULL: NULLS FIRST/LAST changes nothing, and the plain direction can use an index. */
  notNull: boolean;
  /** An index led by created_at exists. */
  createdIndex: boolean;
  /** An index on (status, created_at) exists (its two first columns). */
  statusCreatedIndex: boolean;
  /** The planner's row estimate of the table. */
  rows: number;
}

const NONE: CreatedOrderPlan = { notNull: false, createdIndex: false, statusCreatedIndex: false, rows: 0 };

/** The newest-first view reads an index range (else it sorts the whole table). */
export const createdOrderFast = (p: CreatedOrderPlan) => p.createdIndex || (p.notNull && p.statusCreatedIndex);

/** The index that would spare a whole-table sort, when the view needs one and the table is large. */
export function createdOrderHint(m: QueueModel, p: CreatedOrderPlan): string | null {
  const created = m.tasks.columns.createdAt;
  if (createdOrderFast(p) || !created || parseColumn(created).kind !== 'column' || p.rows < HINT_MIN_ROWS) return null;
  return `create index concurrently on ${displayTable(m.tasks.table)} (${displayIdent(created)});`;
}

export async function createdOrderPlan(db: QueryExecutorProvider, m: QueueModel): Promise<CreatedOrderPlan> {
  const created = m.tasks.columns.createdAt;
  const status = m.tasks.columns.status;
  if (!created || parseColumn(created).kind !== 'column' || parseColumn(status).kind !== 'column') return NONE;
  const { rows } = await sql<CreatedOrderPlan>`
    select coalesce(bool_or(a.attnotnull) filter (where a.attname = ${created}), false) as "notNull",
           exists (select from pg_catalog.pg_index i join pg_catalog.pg_attribute x on x.attrelid = i.indrelid and x.attnum = i.indkey[0]
                    where i.indrelid = c.oid and x.attname = ${created} and i.indisvalid and i.indpred is null) as "createdIndex",
           exists (select from pg_catalog.pg_index i
                    join pg_catalog.pg_attribute x on x.attrelid = i.indrelid and x.attnum = i.indkey[0]
                    join pg_catalog.pg_attribute y on y.attrelid = i.indrelid and y.attnum = i.indkey[1]
                    where i.indrelid = c.oid and i.indnatts >= 2 and x.attname = ${status} and y.attname = ${created}
                      and i.indisvalid and i.indpred is null) as "statusCreatedIndex",
           greatest(c.reltuples, 0)::float8 as rows
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = ${m.tasks.table.schema} and c.relname = ${m.tasks.table.name}
     group by c.oid, c.reltuples`.execute(db);
  return rows[0] ?? NONE;
}

/** The distinct status values present (and whether some task has none), one index probe each. */
export async function presentStatuses(db: QueryExecutorProvider, m: QueueModel): Promise<{ values: string[]; hasNull: boolean }> {
  const table = sql.table(`${m.tasks.table.schema}.${m.tasks.table.name}`);
  const col = sql.ref(m.tasks.columns.status);
  const { rows } = await sql<{ v: string | null; has_null: boolean }>`
    with recursive s(v) as (
      (select ${col} from ${table} where ${col} is not null order by ${col} limit 1)
      union all
      select (select ${col} from ${table} where ${col} > s.v order by ${col} limit 1) from s where s.v is not null
    )
    select v::text as v, exists (select from ${table} where ${col} is null) as has_null from s`.execute(db);
  return { values: rows.flatMap((r) => (r.v === null ? [] : [r.v])), hasNull: rows[0]?.has_null ?? false };
}
