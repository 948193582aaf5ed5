import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { catalogContext } from '@/app/(console)/_lib/context';
import { activeMapping } from '@/lib/mapping';
import { dbSettings } from '@/db/settings';
import { first } from '@/lib/format';
import type { SearchParams } from '@/lib/table-query';
import type { BrowseQuery } from '@/lib/inspect/table-rows';
import { Notice } from '@/components/ui/notice';
import { Button } from '@/components/ui/button';
import { attempt } from '@/app/(console)/_lib/attempt';
import { loadTableRowsPage } from '@/app/(console)/database/_lib/loaders';
import { tableHrefOf } from '@/app/(console)/database/_components/table-href';
import { RowsTable } from '@/app/(console)/database/tables/_components/rows-table';

// Postgres names are at most 63 bytes; anything else cannot name a table.
const name = z.string().min(1).max(63);
type Params = Promise<{ schema: string; table: string }>;
const input = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const p = await params;
  return { title: `Rows of ${decodeURIComponent(p.schema)}.${decodeURIComponent(p.table)}` };
}

/** Columns the mapping masks; a mapping that cannot load masks nothing more (the names still do). */
function mappingMasked(): string[] {
  try {
    return activeMapping().masked ?? [];
  } catch {
    return [];
  }
}

function browseQuery(sp: SearchParams): BrowseQuery {
  const column = first(sp.col);
  const value = first(sp.val);
  return {
    sort: first(sp.sort),
    desc: first(sp.dir) === 'desc',
    after: first(sp.after),
    before: first(sp.before),
    filter: column && value !== undefined && value !== '' ? { column, op: first(sp.op) === 'contains' ? 'contains' : 'eq', value } : undefined,
  };
}

export default async function TableRowsPage({ params, searchParams }: { params: Params; searchParams: Promise<SearchParams> }) {
  await catalogContext('database.read');
  const p = await params;
  const schema = name.safeParse(decodeURIComponent(p.schema));
  const table = name.safeParse(decodeURIComponent(p.table));
  if (!schema.success || !table.success) notFound();
  const q = browseQuery(await searchParams);
  const title = `${schema.data}.${table.data}`;
  const result = await attempt(() => loadTableRowsPage(schema.data, table.data, q, mappingMasked()));
  const heading = (
    <div className="space-y-1">
      <p className="text-sm">
        <Link href="/database/tables" className="text-accent hover:underline">Tables</Link> /{' '}
        <Link href={tableHrefOf(schema.data, table.data)} className="text-accent hover:underline">{title}</Link> /
      </p>
      <h1 className="font-mono text-2xl font-semibold tracking-tight">Rows of {title}</h1>
    </div>
  );
  if (!result.ok) {
    return <>{heading}<Notice tone="warn" title="The rows could not be read">{result.message}</Notice></>;
  }
  if (!result.value) notFound();
  const { spec, page } = result.value;
  const seconds = dbSettings.KONTOR_STATEMENT_TIMEOUT_MS / 1000;
  const filterable = spec.columns.filter((c) => !c.secret);
  const sortable = spec.columns.filter((c) => c.sortable).map((c) => c.name);
  return (
    <>
      {heading}
      <p className="text-sm text-ink-muted">
        Read-only, {page.rows.length} rows a page
        {spec.keyKind === 'none' ? '' : `, in order of ${page.sort.column} ${page.sort.desc ? 'descending' : 'ascending'}`}
        {spec.keyKind === 'ctid' || spec.keyKind === 'none' ? '' : `, then the ${spec.keyKind} (${spec.key.join(', ')})`}. Sortable by an indexed column that is never null:{' '}
        {sortable.length ? sortable.join(', ') : 'none'}. Columns marked masked are never read from the database.
      </p>
      {spec.keyKind === 'none' ? (
        <Notice tone="info" title="Only the first page">
          A view (or foreign table) has no key and no row position to continue from: Kontor shows the first rows it returns. Filter to
          find others.
        </Notice>
      ) : null}
      {spec.keyKind === 'ctid' ? (
        <Notice tone="info" title="This table has no primary key">
          Nor a unique index over columns that are never null: pages follow where rows lie on disk (ctid). A row updated or
          moved between two pages can be skipped or shown twice.
        </Notice>
      ) : null}
      {page.problem ? <Notice tone="warn" title="Part of the request was not used">{page.problem}</Notice> : null}
      {page.timedOut ? (
        <Notice tone="warn" title={`The read stopped after ${seconds} s`}>
          No index serves this filter, and fewer than a page of matching rows were found before the read&apos;s time limit. Filter
          by an indexed column with = to search the whole table.
        </Notice>
      ) : page.filter && !page.filter.indexed ? (
        <Notice tone="info" title="No index serves this filter">
          Postgres reads the table until it has a page of matches, for at most {seconds} s (the read&apos;s time limit).
        </Notice>
      ) : null}
      <form className="flex flex-wrap items-end gap-3" aria-label="Filter rows">
        <div className="flex flex-col gap-1">
          <label htmlFor="r-col" className="text-sm font-medium">Column</label>
          <select id="r-col" name="col" defaultValue={page.filter?.column ?? ''} className={input}>
            {filterable.map((c) => <option key={c.name} value={c.name}>{c.name}{c.indexed ? ' (indexed)' : ''}</option>)}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="r-op" className="text-sm font-medium">Match</label>
          <select id="r-op" name="op" defaultValue={page.filter?.op ?? 'eq'} className={input}>
            <option value="eq">equals</option>
            <option value="contains">contains (text)</option>
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="r-val" className="text-sm font-medium">Value</label>
          <input id="r-val" name="val" defaultValue={page.filter?.value ?? ''} className={`${input} w-64 font-mono`} />
        </div>
        <input type="hidden" name="sort" value={page.sort.column} />
        <input type="hidden" name="dir" value={page.sort.desc ? 'desc' : 'asc'} />
        <Button type="submit">Filter</Button>
        <Link href={`${tableHrefOf(schema.data, table.data)}/rows`} className="px-2 py-1.5 text-sm text-accent underline underline-offset-4">Clear</Link>
      </form>
      <RowsTable
        columns={page.columns}
        rows={page.rows}
        query={{ page: 1, pageSize: page.rows.length, sort: { id: page.sort.column, desc: page.sort.desc }, q: '', offset: 0 }}
        sortable={sortable}
        caption={`Rows of ${title}`}
        next={page.next}
        prev={page.prev}
        empty={page.filter ? 'No row matches the filter.' : 'No rows.'}
      />
    </>
  );
}
