import { read } from '@/db/index';
import { listLargestTables, LARGEST_TABLE_SORTS, type LargestTableSort } from '@/lib/inspect/overview';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { sharedRead } from '@/lib/shared-read';
import { LargestTablesTable } from '@/app/(console)/_components/largest-tables-table';

export const LARGEST_TABLES_SPEC: TableSpec<LargestTableSort> = {
  sortable: LARGEST_TABLE_SORTS,
  defaultSort: { id: 'total', desc: true },
  pageSizes: [5],
  prefix: 'tables_',
};

export async function LargestTables({ searchParams }: { searchParams: SearchParams }) {
  const query = parseTableQuery(searchParams, LARGEST_TABLES_SPEC);
  // "Largest" is always descending; the sort key picks which size decides.
  const result = await attempt(() => sharedRead(`overview-largest:${query.sort.id}`, () => read((trx) => listLargestTables(trx, { sort: query.sort.id, limit: 5 }))));
  if (!result.ok) return <Notice tone="warn" title="Table sizes unavailable">{result.message}</Notice>;
  return <LargestTablesTable rows={result.value} query={{ ...query, sort: { ...query.sort, desc: true } }} sortable={LARGEST_TABLE_SORTS} />;
}
