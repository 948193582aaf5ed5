import type { Metadata } from 'next';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { listStaff, STAFF_SORTS, type StaffSort } from '@/lib/domain/staff';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { attempt } from '@/app/(console)/_lib/attempt';
import { StaffTable } from '@/app/(console)/staff/_components/staff-table';
import { AddStaffControls } from '@/app/(console)/staff/_components/staff-edit';

export const metadata: Metadata = { title: 'Staff' };

const SPEC: TableSpec<StaffSort> = { sortable: STAFF_SORTS, defaultSort: { id: 'email', desc: false }, pageSizes: [25, 50, 100] };

export default async function StaffPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('staff.manage');
  const { staff } = ctx;
  const query = parseTableQuery(await searchParams, SPEC);
  const r = await attempt(() => read((trx) =>
    listStaff(trx, ctx, { sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset, filter: query.q }),
  ));
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Staff</h1>
        <p className="text-sm text-ink-muted">
          Who may use Kontor, and with which role. Every change here is a guarded edit: previewed, given a reason, and
          kept in the audit log. Kontor always keeps at least one admin.
        </p>
      </div>
      <Section id="add" title="Add a staff member" description="They need an account in the product's auth first (sign-up or invite).">
        <AddStaffControls />
      </Section>
      <Section id="members" title="Members">
        {r.ok ? (
          <StaffTable rows={r.value.rows} total={r.value.total} query={query} sortable={STAFF_SORTS} selfId={staff.userId} />
        ) : (
          <ReadProblem title="Staff unavailable" problem={r} />
        )}
      </Section>
    </>
  );
}
