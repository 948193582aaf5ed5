import type { Metadata } from 'next';
import { catalogContext } from '@/app/(console)/_lib/context';
import { CATEGORIES, LEVELS, runAdvisors, type Category } from '@/lib/inspect/advisors';
import { FINDING_SORTS, pageFindings, parseCategory, parseLevel, type FindingSort } from '@/lib/inspect/advisors/page';
import { MAX_SUPPRESSION_DAYS } from '@/lib/edits/catalog';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { FindingsTable } from '@/app/(console)/database/advisors/_components/findings-table';
import { readLanes } from '@/app/(console)/database/_lib/lanes';
import { first } from '@/lib/format';

export const metadata: Metadata = { title: 'Advisors' };

const SPEC: TableSpec<FindingSort> = { sortable: FINDING_SORTS, defaultSort: { id: 'level', desc: false }, pageSizes: [25, 50, 100] };
const select = 'rounded-md border border-line bg-surface px-3 py-1.5 text-sm';
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export default async function AdvisorsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await catalogContext('database.read');
  const { staff } = ctx;
  const params = await searchParams;
  const query = parseTableQuery(params, SPEC);
  const level = parseLevel(first(params.level));
  const category = parseCategory(first(params.category));
  // Security findings name the holes in RLS: they need security.read as well.
  const allowed: Category[] = CATEGORIES.filter((c) => c !== 'security' || staff.can('security.read'));
  // Up to three read-only transactions, three lanes: the index verdicts (the longest query) on one,
  // the other checks shared by the rest as each lane frees (lib/inspect/advisors).
  const result = await attempt(() => readLanes(3, (lanes) => runAdvisors(lanes, { categories: allowed })));
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Advisors</h1>
        <p className="text-sm text-ink-muted">
          Security, performance and data-integrity checks over the catalog, each with why it matters and the SQL to fix it
          (to review and run yourself: Kontor runs no DDL). One finding per check, with every object it applies to. A
          finding you accept can be suppressed with a note and an expiry; it comes back when the suppression expires.
          The same catalogue runs in CI: <code>npm run kontor -- lint --fail-on warning</code>.
        </p>
      </div>
      {allowed.includes('security') ? null : (
        <Notice>Security findings are not shown: they need security.read, which your role ({staff.role}) does not have.</Notice>
      )}
      <form method="get" role="search" aria-label="Filter the findings" className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Level
          <select name="level" defaultValue={level ?? ''} className={select}>
            <option value="">any</option>
            {LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Category
          <select name="category" defaultValue={category ?? ''} className={select}>
            <option value="">any</option>
            {allowed.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        {query.q ? <input type="hidden" name="q" value={query.q} /> : null}
        <button type="submit" className={`${select} font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus`}>
          Show
        </button>
      </form>
      {result.ok ? (
        (() => {
          const { rows, total } = pageFindings(result.value.findings, {
            level, category, q: query.q, sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset,
          });
          const open = result.value.findings.filter((f) => f.objects.length).length;
          return (
            <>
              <p className="text-sm" role="status">
                {open === 0 ? 'No open finding.' : `${open} open finding${open === 1 ? '' : 's'}`}
                {` · ${Object.keys(result.value.timings).length} checks in ${Math.round(Object.values(result.value.timings).reduce((a, b) => a + b, 0))} ms`}
              </p>
              {result.value.skipped.length ? (
                <p className="text-sm text-ink-muted">
                  Skipped: {result.value.skipped.map((k) => `${k.name} (${k.reason})`).join('; ')}.
                </p>
              ) : null}
              <FindingsTable rows={rows} total={total} query={query} sortable={FINDING_SORTS} defaultExpiry={day(30)} maxExpiry={day(MAX_SUPPRESSION_DAYS)} minExpiry={day(1)} />
            </>
          );
        })()
      ) : (
        <Notice tone="warn" title="Advisors unavailable">{result.message}</Notice>
      )}
    </>
  );
}
