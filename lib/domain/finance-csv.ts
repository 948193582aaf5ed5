/**
 * Every finance table as CSV, from the same queries and URL parameters as the pages (period, sort,
 * filter), without paging. Table specs live here so that a page and its export parse the URL alike.
 */
import 'server-only';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { KontorDatabase } from '@/db/types';
import type { ReadContext } from '@/lib/context';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { first } from '@/lib/format';
import { DISCREPANCY_KINDS } from '@/lib/domain/reconcile/kinds';
import { findingsQuery, FINDING_SORTS, toFindingView, type FindingSort } from '@/lib/domain/reconcile/read';
import { csvFromCursor, csvFromRows, type CsvConnect } from '@/lib/csv';
import { creditScale } from '@/lib/domain/money-sql';
import {
  getStatement, parsePeriod, STATEMENT_COLUMNS, STATEMENT_USER_SORTS, statementUsersExportQuery, toStatementUserRow, type StatementUserSort,
} from '@/lib/domain/statement';
import {
  assertCanReadUsage, getUsageByDay, getUsageByModel, USAGE_USER_SORTS, usageUsersExportQuery, toUsageUser, type UsageUserSort,
} from '@/lib/domain/usage-costs';

export const FINDINGS_SPEC: TableSpec<FindingSort> = { sortable: FINDING_SORTS, defaultSort: { id: 'n', desc: false }, pageSizes: [25, 50, 100] };
export const STATEMENT_USERS_SPEC: TableSpec<StatementUserSort> = {
  sortable: STATEMENT_USER_SORTS, defaultSort: { id: 'closing', desc: true }, pageSizes: [25, 50, 100], prefix: 'u_',
};
export const USAGE_USERS_SPEC: TableSpec<UsageUserSort> = {
  sortable: USAGE_USER_SORTS, defaultSort: { id: 'margin', desc: false }, pageSizes: [25, 50, 100], prefix: 'u_',
};

export const CSV_TABLES = ['findings', 'statement-days', 'statement-users', 'usage-days', 'usage-users', 'usage-models'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export const kindParam = (params: SearchParams) => z.enum(DISCREPANCY_KINDS).optional().catch(undefined).parse(first(params.kind));
export const negativeParam = (params: SearchParams) => first(params.negative) === '1';

export interface CsvContext {
  db: Kysely<KontorDatabase>;
  /** A connection for a streamed cursor (the console's long-read pool). */
  connect: CsvConnect;
  /** The demo's anchor, or the database's now: what an omitted period defaults to. */
  today: Date;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function financeCsv(
  table: CsvTable, params: SearchParams, ctx: ReadContext, io: CsvContext,
): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  assertCanReadUsage(ctx.staff); // credits.read, for every finance table
  const period = parsePeriod(params, io.today);
  const span = `${day(period.from)}_${day(new Date(period.to.getTime() - 1))}`;
  switch (table) {
    case 'findings': {
      const run = z.coerce.number().int().positive().parse(first(params.run));
      const q = parseTableQuery(params, FINDINGS_SPEC);
      return {
        filename: `reconciliation-${run}.csv`,
        body: csvFromCursor({
          connect: io.connect,
          query: findingsQuery(String(run), { kind: kindParam(params), sort: q.sort.id, desc: q.sort.desc }).compile(io.db),
          header: ['n', 'kind', 'user_id', 'payment_id', 'task_id', 'expected', 'actual', 'detail', 'entry_ids'],
          toCells: (r) => { const f = toFindingView(r); return [f.n, f.kind, f.userId, f.paymentId, f.taskId, f.expected, f.actual, f.detail, f.entryIds]; },
        }),
      };
    }
    case 'statement-days': {
      const { days } = await getStatement(io.db, ctx, period);
      return { filename: `statement-days-${span}.csv`, body: csvFromRows(['day', ...STATEMENT_COLUMNS], days, (d) => [d.day, ...STATEMENT_COLUMNS.map((c) => d[c])]) };
    }
    case 'statement-users': {
      const q = parseTableQuery(params, STATEMENT_USERS_SPEC);
      const scale = await creditScale(io.db, ctx.mapping);
      return {
        filename: `statement-users-${span}.csv`,
        body: csvFromCursor({
          connect: io.connect,
          query: (await statementUsersExportQuery(io.db, ctx, period, { sort: q.sort.id, desc: q.sort.desc, filter: q.q })).compile(io.db),
          header: ['user_id', 'email', ...STATEMENT_COLUMNS],
          toCells: (r) => { const u = toStatementUserRow(r, scale); return [u.userId, u.email, ...STATEMENT_COLUMNS.map((c) => u[c])]; },
        }),
      };
    }
    case 'usage-days': {
      const { days } = await getUsageByDay(io.db, ctx, period);
      return { filename: `usage-days-${span}.csv`, body: csvFromRows(['day', 'cost_usd', 'credits', 'revenue', 'margin'], days, (d) => [d.day, d.cost, d.credits, d.revenue, d.margin]) };
    }
    case 'usage-users': {
      const q = parseTableQuery(params, USAGE_USERS_SPEC);
      const scale = await creditScale(io.db, ctx.mapping);
      return {
        filename: `usage-users-${span}.csv`,
        body: csvFromCursor({
          connect: io.connect,
          query: (await usageUsersExportQuery(io.db, ctx, period, { sort: q.sort.id, desc: q.sort.desc, filter: q.q, negativeOnly: negativeParam(params) })).compile(io.db),
          header: ['user_id', 'email', 'calls', 'cost_usd', 'credits', 'revenue', 'margin'],
          toCells: (r) => { const u = toUsageUser(r, scale); return [u.userId, u.email, u.calls, u.cost, u.credits, u.revenue, u.margin]; },
        }),
      };
    }
    case 'usage-models': {
      const models = await getUsageByModel(io.db, ctx, period);
      return {
        filename: `usage-models-${span}.csv`,
        body: csvFromRows(['provider', 'model', 'calls', 'tokens', 'cost_usd', 'credits', 'revenue', 'margin'], models,
          (m) => [m.provider, m.model, m.calls, m.tokens, m.cost, m.credits, m.revenue, m.margin]),
      };
    }
  }
}
