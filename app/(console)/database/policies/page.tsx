import type { Metadata } from 'next';
import Link from 'next/link';
import { read } from '@/db/index';
import { catalogContext } from '@/app/(console)/_lib/context';
import { listPolicyTables, POLICY_SORTS, type PolicySort } from '@/lib/inspect/policies/catalog';
import { toPolicyTableView } from '@/lib/inspect/policies/views';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { PoliciesTable } from '@/app/(console)/database/policies/_components/policies-table';

export const metadata: Metadata = { title: 'Policies' };

const SPEC: TableSpec<PolicySort> = { sortable: POLICY_SORTS, defaultSort: { id: 'table', desc: false }, pageSizes: [25, 50, 100] };

export default async function PoliciesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await catalogContext('database.read');
  const { staff } = ctx;
  const query = parseTableQuery(await searchParams, SPEC);
  const result = await attempt(() =>
    read((trx) => listPolicyTables(trx, { q: query.q || undefined, sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset })),
  );
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Policies</h1>
        <p className="text-sm text-ink-muted">
          Row-level security of your tables: whether it is on (and forced on the owner), and each policy with the command,
          the roles and the expressions Postgres evaluates. What each API role may then do is on the{' '}
          <Link href="/database/access" className="text-accent underline underline-offset-4">access matrix</Link>
          {staff.can('security.impersonate') ? (
            <>
              ; to check one user, <Link href="/database/access/test" className="text-accent underline underline-offset-4">test as a user</Link>
            </>
          ) : null}
          .
        </p>
      </div>
      {result.ok ? (
        <PoliciesTable rows={result.value.rows.map(toPolicyTableView)} total={result.value.total} query={query} sortable={POLICY_SORTS} />
      ) : (
        <Notice tone="warn" title="Policies unavailable">{result.message}</Notice>
      )}
    </>
  );
}
