import type { Metadata } from 'next';
import Link from 'next/link';
import { read } from '@/db/index';
import { catalogContext } from '@/app/(console)/_lib/context';
import { listPolicyTables, POLICY_SORTS, type PolicySort } from '@/lib/inspect/policies/catalog';
import { toMatrixRow } from '@/lib/inspect/policies/views';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { MatrixTable } from '@/app/(console)/database/access/_components/matrix-table';

export const metadata: Metadata = { title: 'Access matrix' };

const SPEC: TableSpec<PolicySort> = { sortable: POLICY_SORTS, defaultSort: { id: 'table', desc: false }, pageSizes: [25, 50, 100] };

export default async function AccessPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await catalogContext('database.read');
  const { staff } = ctx;
  const query = parseTableQuery(await searchParams, SPEC);
  const result = await attempt(() =>
    read((trx) => listPolicyTables(trx, { q: query.q || undefined, sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset })),
  );
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Access matrix</h1>
        <p className="text-sm text-ink-muted">
          What each API role (anon, authenticated, and every role inheriting them) may do to each table: every row,
          only the rows some policies let through, or nothing, and why. Decided as Postgres decides: schema USAGE and
          GRANTs first, then BYPASSRLS, ownership and RLS, then the policies for the command (FOR ALL included),
          permissive ones OR-ed and restrictive ones AND-ed.{' '}
          {staff.can('security.impersonate') ? (
            <Link href="/database/access/test" className="text-accent underline underline-offset-4">Test as a user</Link>
          ) : null}
        </p>
      </div>
      {result.ok ? (
        <MatrixTable rows={result.value.rows.map(toMatrixRow)} total={result.value.total} query={query} sortable={POLICY_SORTS} />
      ) : (
        <Notice tone="warn" title="Access matrix unavailable">{result.message}</Notice>
      )}
    </>
  );
}
