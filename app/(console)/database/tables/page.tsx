import { Suspense } from 'react';
import type { Metadata } from 'next';
import { catalogContext } from '@/app/(console)/_lib/context';
import { read } from '@/db/index';
import { TABLE_SORTS } from '@/lib/inspect/tables';
import { getDatabaseHistory } from '@/lib/inspect/snapshots';
import type { SearchParams } from '@/lib/table-query';
import { loadTablesPage } from '@/app/(console)/database/_lib/loaders';
import { formatBytes } from '@/lib/format';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { Section, SectionSkeleton } from '@/app/(console)/_components/section';
import { TablesTable } from '@/app/(console)/database/tables/_components/tables-table';
import { SchemaFilter } from '@/app/(console)/database/_components/schema-filter';
import { HistoryChart } from '@/app/(console)/database/_components/history-chart';

export const metadata: Metadata = { title: 'Tables' };

async function DatabaseGrowth() {
  const result = await attempt(() => read((trx) => getDatabaseHistory(trx)));
  if (!result.ok) return <Notice tone="warn" title="History unavailable">{result.message}</Notice>;
  return <HistoryChart title="Database size, last 30 days" points={result.value.size} format={formatBytes} />;
}

export default async function TablesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await catalogContext('database.read');
  const params = await searchParams;
  const result = await attempt(() => loadTablesPage(params));
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Tables</h1>
        <p className="text-sm text-ink-muted">
          Every table outside Postgres&apos; own schemas, read live. Row counts are the planner&apos;s estimates (open a
          table for an exact count); bloat is estimated from the rows&apos; average width.
        </p>
      </div>
      {result.ok ? (
        <div className="space-y-3">
          <SchemaFilter schemas={result.value.schemas} value={result.value.schema} q={result.value.query.q} />
          <TablesTable rows={result.value.rows} total={result.value.total} query={result.value.query} sortable={TABLE_SORTS} />
        </div>
      ) : (
        <Notice tone="warn" title="Tables unavailable">{result.message}</Notice>
      )}
      <Section id="growth" title="Growth" description="From the snapshots Kontor's schedule takes every few minutes (the snapshot job).">
        <Suspense fallback={<SectionSkeleton label="Reading history…" />}>
          <DatabaseGrowth />
        </Suspense>
      </Section>
    </>
  );
}
