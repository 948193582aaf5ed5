import type { Metadata } from 'next';
import { catalogContext } from '@/app/(console)/_lib/context';
import { QUERY_SORTS } from '@/lib/inspect/queries';
import type { SearchParams } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { loadQueriesPage } from '@/app/(console)/database/_lib/loaders';
import { QueriesTable } from '@/app/(console)/database/queries/_components/queries-table';
import { When } from '@/components/ui/when';

export const metadata: Metadata = { title: 'Queries' };

export default async function QueriesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await catalogContext('database.read');
  const result = await attempt(async () => loadQueriesPage(await searchParams));
  const heading = <h1 className="text-2xl font-semibold tracking-tight">Queries</h1>;
  if (!result.ok) return <>{heading}<Notice tone="warn" title="Query statistics unavailable">{result.message}</Notice></>;
  const { source, list, query } = result.value;
  if (!source.available || !list) {
    return <>{heading}<Notice title="No query statistics here">{source.available ? '' : source.reason}</Notice></>;
  }
  return (
    <>
      <div className="space-y-1">
        {heading}
        <p className="text-sm text-ink-muted">
          From pg_stat_statements {source.version}, counting since <When at={list.statsSince} none="never" />. Statements are
          normalized (literals become $1, $2 …). Kontor never resets these statistics;{' '}
          {list.snapshotAt ? <>“Since snapshot” counts from Kontor&apos;s snapshot of <When at={list.snapshotAt} />.</> : 'no snapshot yet: Kontor\'s schedule takes one every few minutes (the snapshot job), or run npm run kontor -- snapshot.'}
        </p>
      </div>
      <QueriesTable rows={list.rows} total={list.total} query={query} sortable={QUERY_SORTS} />
    </>
  );
}
