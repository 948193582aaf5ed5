import type { CsvTable } from '@/lib/domain/finance-csv';
import { queryString } from '@/app/(console)/finance/_lib/context';

/** Downloads the table as CSV with the page's own parameters (period, sort, filter), all rows. */
export function CsvLink({ table, params, label }: { table: CsvTable; params: Record<string, string | string[] | undefined>; label: string }) {
  return (
    <a
      href={`/finance/export/${table}${queryString(params)}`}
      download
      className="inline-flex items-center rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus"
    >
      {label}
    </a>
  );
}
