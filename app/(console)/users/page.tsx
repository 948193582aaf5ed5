import type { Metadata } from 'next';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import Link from 'next/link';
import { search, searchIndexes, searchQuerySchema, SEARCH_LABELS } from '@/lib/domain/search';
import type { SearchParams } from '@/lib/table-query';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { Section } from '@/app/(console)/_components/section';
import { SearchIndexTable, SearchResults } from '@/app/(console)/users/_components/search-tables';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('users.read');
  const sp = await searchParams;
  const raw = sp.q;
  const scan = sp.scan === '1';
  const parsed = searchQuerySchema.safeParse(Array.isArray(raw) ? raw[0] : (raw ?? ''));
  const q = parsed.success ? parsed.data : '';
  const [results, kinds] = await Promise.all([
    q ? attempt(() => read((trx) => search(trx, ctx, q, { scan }))) : Promise.resolve(null),
    attempt(() => read((trx) => searchIndexes(trx, ctx))),
  ]);

  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="text-sm text-ink-muted">
          Find a customer by email (its start, any case), user id, name, a payment&apos;s provider reference or order id,
          a payment id or a task id. Ctrl+K (⌘K) opens this search from anywhere.
        </p>
      </div>
      <form role="search" action="/users" className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <label htmlFor="user-search" className="text-sm font-medium">Search</label>
          <input
            id="user-search"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={200}
            autoComplete="off"
            placeholder="ada@, a uuid, pi_…, ORD-…"
            className="w-[min(32rem,80vw)] rounded-md border border-line bg-surface px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-focus"
          />
        </div>
        <Button type="submit">Search</Button>
      </form>
      {!parsed.success && raw ? <Notice tone="warn">A search is 1 to 200 characters.</Notice> : null}
      {results ? (
        results.ok ? (
          <Section id="results" title="Results" description={`${results.value.hits.length} found in ${results.value.ms} ms, at most 10 per kind.`}>
            {results.value.skipped.length ? (
              <Notice tone="warn" title="Not searched: no index">
                {results.value.skipped.map((k) => SEARCH_LABELS[k]).join(', ')}: this database has no index for it, and the table is large,
                so the search would read all of it.{' '}
                <Link href={`/users?q=${encodeURIComponent(q)}&scan=1`} className="font-medium text-accent underline underline-offset-4">Search anyway</Link>
              </Notice>
            ) : null}
            <SearchResults hits={results.value.hits} q={q} />
          </Section>
        ) : (
          <Notice tone="warn" title="The search failed">{results.message}</Notice>
        )
      ) : null}
      <Section id="indexes" title="Search kinds and their indexes" description="Read from this database's catalog: a kind without an index scans its whole table, which is slow on a large product.">
        {kinds.ok ? <SearchIndexTable kinds={kinds.value} /> : <Notice tone="warn">{kinds.message}</Notice>}
      </Section>
    </>
  );
}
