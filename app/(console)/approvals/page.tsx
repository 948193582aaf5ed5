import type { Metadata } from 'next';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { listApprovals } from '@/lib/guard';
import { EDIT_REGISTRY } from '@/lib/edits/registry';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { attempt } from '@/app/(console)/_lib/attempt';
import { nameTargets } from '@/lib/edits/target-names';
import { targetKey } from '@/lib/edits/target-key';
import { ApprovalsTable } from '@/app/(console)/approvals/_components/approvals-table';

export const metadata: Metadata = { title: 'Approvals' };

const PENDING: TableSpec<'created'> = { sortable: ['created'], defaultSort: { id: 'created', desc: false }, pageSizes: [25], prefix: 'p_' };
const DECIDED: TableSpec<'decided'> = { sortable: ['decided'], defaultSort: { id: 'decided', desc: true }, pageSizes: [25], prefix: 'd_' };

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('approvals.read');
  const { staff, mapping } = ctx;
  const params = await searchParams;
  const pq = parseTableQuery(params, PENDING);
  const dq = parseTableQuery(params, DECIDED);
  const r = await attempt(() => read(async (trx) => {
    const pending = await listApprovals(trx, EDIT_REGISTRY, staff, { status: 'pending', limit: pq.pageSize, offset: pq.offset });
    const decided = await listApprovals(trx, EDIT_REGISTRY, staff, { status: 'decided', limit: dq.pageSize, offset: dq.offset });
    const names = await nameTargets(trx, mapping, staff, [...pending.rows, ...decided.rows].map((a) => a.target));
    const named = (rows: typeof pending.rows) => rows.map((a) => ({ ...a, targetName: names[targetKey(a.target)] }));
    return [{ ...pending, rows: named(pending.rows) }, { ...decided, rows: named(decided.rows) }] as const;
  }));
  if (!r.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Approvals</h1>
        <ReadProblem title="Approvals unavailable" problem={r} />
      </>
    );
  }
  const [pending, decided] = r.value;
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Approvals</h1>
        <p className="text-sm text-ink-muted">
          Edits above their limit wait here for a second person. Approving re-checks that nothing changed since the
          request and applies exactly the preview shown; nobody decides their own request. Requests expire after 24 hours.
        </p>
      </div>
      <Section id="pending" title="Waiting for a decision">
        <ApprovalsTable rows={pending.rows} total={pending.total} query={pq} prefix="p_" mode="pending" />
      </Section>
      <Section id="decided" title="Decided">
        <ApprovalsTable rows={decided.rows} total={decided.total} query={dq} prefix="d_" mode="decided" />
      </Section>
    </>
  );
}
