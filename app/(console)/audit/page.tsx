import type { Metadata } from 'next';
import Link from 'next/link';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { EDIT_CATALOG } from '@/lib/edits/catalog';
import { AUDIT_FILTER_LABELS, AUDIT_SORTS, auditActions, auditFilterSchema, listAudit } from '@/lib/guard/audit-list';
import { ignoredFilters } from '@/lib/filters';
import { parseTableQuery, type SearchParams } from '@/lib/table-query';
import { AUDIT_SPEC, csvHref } from '@/lib/domain/list-csv';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { AuditTable } from '@/app/(console)/audit/_components/audit-table';
import { ReadProblem } from '@/app/(console)/_components/section';
import { attempt } from '@/app/(console)/_lib/attempt';
import { first } from '@/lib/format';
import { nameTargets } from '@/lib/edits/target-names';
import { actionLabel } from '@/lib/edits/outcome';
import { targetKey, targetKind } from '@/lib/edits/target-key';

export const metadata: Metadata = { title: 'Audit log' };

const SPEC = AUDIT_SPEC;
const input = 'rounded-md border border-line bg-surface px-3 py-1.5 text-sm';

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('audit.read');
  const { staff, mapping } = ctx;
  const params = await searchParams;
  const query = parseTableQuery(params, SPEC);
  const raw = { staff: first(params.staff), action: first(params.action), target: first(params.target), entry: first(params.entry), from: first(params.from), to: first(params.to) };
  const filter = auditFilterSchema.parse(raw);
  const ignored = ignoredFilters(raw, filter, AUDIT_FILTER_LABELS);
  const r = await attempt(() => read(async (trx) => {
    const page = await listAudit(trx, staff, filter, { limit: query.pageSize, offset: query.offset, desc: query.sort.desc });
    const names = await nameTargets(trx, mapping, staff, page.rows.map((e) => e.target));
    return { ...page, rows: page.rows.map((e) => ({ ...e, targetName: names[targetKey(e.target)] })) };
  }));
  const actions = auditActions(Object.keys(EDIT_CATALOG));
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-ink-muted">
          Every guarded edit, with who made it, why, and what it changed. Append-only and hash-chained: check it with{' '}
          <code>npm run kontor -- audit verify</code>.{' '}
          <a href={csvHref('audit', params)} className="text-accent underline underline-offset-4" download>Download CSV</a> (every entry the filters match)
        </p>
      </div>
      {filter.target ? (
        <p className="text-sm">
          History of{' '}
          {r.ok && r.value.rows[0]?.targetName ? (
            <span title={filter.target}>{targetKind(r.value.rows[0].target.type)} {r.value.rows[0].targetName.name}</span>
          ) : (
            <span className="font-mono">{filter.target}</span>
          )}
          .{' '}
          <Link href="/audit" className="text-accent underline underline-offset-4">Show every entry</Link>
        </p>
      ) : null}
      {filter.entry ? (
        <p className="text-sm">
          Entry #{filter.entry}.{' '}
          <Link href="/audit" className="text-accent underline underline-offset-4">Show every entry</Link>
        </p>
      ) : null}
      {ignored ? <Notice tone="warn">{ignored}</Notice> : null}
      <form method="get" action="/audit" role="search" aria-label="Filter the audit log" className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Staff email
          <input name="staff" type="search" defaultValue={filter.staff ?? ''} className={`${input} w-56`} />
        </label>
        <label className="flex min-w-0 max-w-full flex-col gap-1 text-sm font-medium">
          Action
          <select name="action" defaultValue={filter.action ?? ''} className={`${input} w-full max-w-72`}>
            <option value="">any</option>
            {actions.map((a) => (
              <option key={a} value={a}>{actionLabel(a)}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Target (type:id)
          <input name="target" type="search" defaultValue={filter.target ?? ''} placeholder="staff:…" className={`${input} w-56 font-mono`} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          From
          <input name="from" type="date" defaultValue={filter.from ?? ''} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          To
          <input name="to" type="date" defaultValue={filter.to ?? ''} className={input} />
        </label>
        <Button type="submit" variant="secondary">Filter</Button>
        <Link href="/audit" className="py-1.5 text-sm text-accent underline underline-offset-4">Clear</Link>
      </form>
      {r.ok ? (
        <AuditTable rows={r.value.rows} total={r.value.total} query={query} sortable={AUDIT_SORTS} />
      ) : (
        <ReadProblem title="The audit log could not be read" problem={r} />
      )}
    </>
  );
}
