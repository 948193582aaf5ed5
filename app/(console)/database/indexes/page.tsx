import type { Metadata } from 'next';
import Link from 'next/link';
import { catalogContext } from '@/app/(console)/_lib/context';
import { INDEX_SORTS, INDEX_VERDICTS } from '@/lib/inspect/indexes';
import type { SearchParams } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { Section } from '@/app/(console)/_components/section';
import { loadIndexesPage } from '@/app/(console)/database/_lib/loaders';
import { IndexesTable } from '@/app/(console)/database/indexes/_components/indexes-table';
import { CopySql } from '@/components/ui/copy-sql';
import { tableHrefOf } from '@/app/(console)/database/_components/table-href';
import { When } from '@/components/ui/when';

export const metadata: Metadata = { title: 'Indexes' };

const VERDICT_FILTERS = [{ value: '', label: 'All indexes' }, { value: 'any', label: 'With a verdict' }, ...INDEX_VERDICTS.map((v) => ({ value: v, label: v }))];

export default async function IndexesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await catalogContext('database.read');
  const result = await attempt(async () => loadIndexesPage(await searchParams));
  if (!result.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Indexes</h1>
        <Notice tone="warn" title="Indexes unavailable">{result.message}</Notice>
      </>
    );
  }
  const v = result.value;
  const findings = v.problems.length + v.foreignKeys.length;
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Indexes</h1>
        <p className="text-sm text-ink-muted">
          Scan counts since <When at={v.statsSince} none="never" /> (the last statistics reset or server start). Verdicts judge your
          schemas only: Kontor&apos;s and Supabase&apos;s own schemas are listed but left to their owners.
        </p>
      </div>

      <Section
        id="findings"
        title={findings ? `Findings (${findings})` : 'Findings'}
        description="Each with the SQL to fix it, to review and run yourself: Kontor never runs DDL."
      >
        {findings === 0 ? (
          <Notice>No index problem found.</Notice>
        ) : (
          <ul className="space-y-3">
            {v.problems.map((p) => (
              <li key={`${p.schema}.${p.name}`} className="space-y-2 rounded-lg border border-line bg-surface p-4">
                <p className="text-sm">
                  <span className="font-semibold capitalize">{p.verdict!.kind}</span>{' '}
                  <span className="font-mono">{p.schema}.{p.name}</span> on{' '}
                  <Link className="font-mono text-accent hover:underline" href={tableHrefOf(p.schema, p.table)}>{p.table}</Link>: {p.verdict!.reason}
                </p>
                <CopySql sql={p.verdict!.fix} label={`${p.verdict!.kind} ${p.name}`} />
              </li>
            ))}
            {v.foreignKeys.map((f) => (
              <li key={`${f.schema}.${f.table}.${f.constraint}`} className="space-y-2 rounded-lg border border-line bg-surface p-4">
                <p className="text-sm">
                  <span className="font-semibold">Unindexed foreign key</span>{' '}
                  <span className="font-mono">{f.constraint}</span> on{' '}
                  <Link className="font-mono text-accent hover:underline" href={tableHrefOf(f.schema, f.table)}>{f.schema}.{f.table}</Link>{' '}
                  ({f.columns.join(', ')}) → <span className="font-mono">{f.references}</span>: deleting or updating a referenced row
                  scans the whole table, and joins on it cannot use an index.
                </p>
                <CopySql sql={f.fix} label={`index for ${f.constraint}`} />
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="all-indexes" title="All indexes">
        <form method="get" className="flex flex-wrap items-end gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor="verdict" className="text-sm font-medium">Verdict</label>
            <select id="verdict" name="verdict" defaultValue={v.verdict} className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-focus">
              {VERDICT_FILTERS.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="schema" className="text-sm font-medium">Schema</label>
            <select id="schema" name="schema" defaultValue={v.schema} className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-focus">
              <option value="">All schemas</option>
              {v.schemas.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </div>
          {v.query.q ? <input type="hidden" name="q" value={v.query.q} /> : null}
          <button type="submit" className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus">
            Show
          </button>
        </form>
        <IndexesTable
          rows={v.rows.map((r) => ({ ...r, idleDays: v.idleDays[`${r.schema}.${r.name}`] ?? null }))}
          total={v.total}
          query={v.query}
          sortable={INDEX_SORTS}
        />
      </Section>
    </>
  );
}
