import { Suspense } from 'react';
import type { Metadata } from 'next';
import { pageContext } from '@/app/(console)/_lib/context';
import type { SearchParams } from '@/lib/table-query';
import { Section, SectionSkeleton } from '@/app/(console)/_components/section';
import { DatabaseVitals } from '@/app/(console)/_components/database-vitals';
import { LargestTables } from '@/app/(console)/_components/largest-tables';
import { ProductFigures } from '@/app/(console)/_components/product-figures';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('overview.read');
  const params = await searchParams;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <Section id="database" title="Database" description="Read live from Postgres' statistics on every visit.">
        <Suspense fallback={<SectionSkeleton label="Reading database figures…" />}>
          <DatabaseVitals />
        </Suspense>
      </Section>
      <Section id="product" title="Product" description="Headline counts, read through the table mapping.">
        <Suspense fallback={<SectionSkeleton label="Counting…" />}>
          <ProductFigures ctx={ctx} />
        </Suspense>
      </Section>
      <Section id="tables" title="Largest tables" description="By total size (table, TOAST and indexes); choose another size with the column headers.">
        <Suspense fallback={<SectionSkeleton label="Reading table sizes…" />}>
          <LargestTables searchParams={params} />
        </Suspense>
      </Section>
    </>
  );
}
