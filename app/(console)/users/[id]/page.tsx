import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { read } from '@/db/index';
import { urlKeySchema } from '@/lib/domain/payments-common';
import { isKeyTypeMismatch } from '@/db/errors';
import { pageContext } from '@/app/(console)/_lib/context';
import { auditHistoryHref, listPendingRequests } from '@/lib/guard';
import { listUserNotes } from '@/lib/domain/notes';
import { resolveIdPrefix, WhichId } from '@/app/(console)/_components/by-id-prefix';
import { listPayments, paymentTotals, PAYMENT_SORTS, type PaymentSort } from '@/lib/domain/payments';
import { getUserProfile, listUserAudit, listUserLedger, listUserTasks } from '@/lib/domain/users';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { PendingRequests } from '@/components/confirm/pending-requests';
import { attempt } from '@/app/(console)/_lib/attempt';
import { Section } from '@/app/(console)/_components/section';
import { PaymentsTable } from '@/components/tables/payments-table';
import { AuditTable, NotesTable, TasksTable } from '@/app/(console)/users/_components/user-tables';
import { LedgerTable } from '@/components/tables/ledger-table';
import { AddNote } from '@/app/(console)/users/_components/add-note';
import { UserFacts } from '@/app/(console)/users/_components/user-facts';

export const metadata: Metadata = { title: 'User' };

const list = (prefix: string): TableSpec<'created'> => ({ sortable: ['created'], defaultSort: { id: 'created', desc: true }, pageSizes: [10, 25, 100], prefix });
const PAYMENTS: TableSpec<PaymentSort> = { sortable: PAYMENT_SORTS, defaultSort: { id: 'created', desc: true }, pageSizes: [10, 25, 100], prefix: 'p_' };

export default async function UserPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('users.read');
  const { staff } = ctx;
  // uuid keys (Supabase), or integer ones (Django's, Seydam's users).
  const id = urlKeySchema.safeParse((await params).id);
  if (!id.success) notFound();
  const userId = id.data;
  const sp = await searchParams;
  const found = await attempt(() => read((trx) => getUserProfile(trx, ctx, userId)).catch((err: unknown) => {
    if (isKeyTypeMismatch(err)) return null; // an integer id on a uuid-keyed product, or the reverse
    throw err;
  }));
  // A timeout or a busy pool is said as such (an error page would only show a digest).
  if (!found.ok) return <Notice tone="warn" title="This user could not be read">{found.message}</Notice>;
  const profile = found.value;
  if (!profile) return <WhichId concept="users" prefix={userId} found={await resolveIdPrefix(ctx, 'users', userId)} />; // the start of an id, or not found

  const pq = parseTableQuery(sp, PAYMENTS);
  const lq = parseTableQuery(sp, list('l_'));
  const tq = parseTableQuery(sp, list('t_'));
  const nq = parseTableQuery(sp, list('n_'));
  const page = (q: { pageSize: number; offset: number }) => ({ limit: q.pageSize, offset: q.offset });
  // Only the sections this product has (the mapping was resolved by the layout's health check).
  const has = ctx.mapping;
  const [payments, ledger, tasks, notes, audit, pending] = await Promise.all([
    staff.can('payments.read') && has.payments
      ? attempt(() => read(async (trx) => ({
          rows: await listPayments(trx, ctx, { user: userId }, { sort: pq.sort.id, desc: pq.sort.desc, ...page(pq) }),
          total: (await paymentTotals(trx, ctx, { user: userId })).count,
        })))
      : null,
    staff.can('credits.read') && has.ledger ? attempt(() => read((trx) => listUserLedger(trx, ctx, userId, page(lq)))) : null,
    staff.can('tasks.read') && has.tasks?.columns.userId ? attempt(() => read((trx) => listUserTasks(trx, ctx, userId, page(tq)))) : null,
    attempt(() => read((trx) => listUserNotes(trx, ctx, userId, page(nq)))),
    staff.can('audit.read') ? attempt(() => read((trx) => listUserAudit(trx, ctx, userId))) : null,
    attempt(() => read((trx) => listPendingRequests(trx, [{ type: 'user', id: profile.id }]))),
  ]);
  const failed = (message: string) => <Notice tone="warn">{message}</Notice>;
  const historyHref = auditHistoryHref({ type: 'user', id: userId });

  return (
    <>
      <div className="space-y-1">
        <p className="text-sm text-ink-muted"><Link href="/users" className="underline underline-offset-4">Users</Link></p>
        <h1 className="text-2xl font-semibold tracking-tight break-all">{profile.email}</h1>
        <p className="text-sm text-ink-muted">
          {profile.name ?? 'No name'} · <span className="font-mono">{profile.id}</span>
        </p>
      </div>
      {pending.ok ? <PendingRequests requests={pending.value} /> : null}
      <UserFacts profile={profile} />

      {payments ? (
        <Section id="payments" title="Payments" description={<>Newest first. <Link className="text-accent underline underline-offset-4" href={`/payments?user=${userId}`}>Filter all payments by this user</Link>.</>}>
          {payments.ok ? (
            <PaymentsTable rows={payments.value.rows} rowCount={payments.value.total} query={pq} sortable={PAYMENT_SORTS} prefix="p_" showUser={false} caption={`Payments of ${profile.email}`} />
          ) : failed(payments.message)}
        </Section>
      ) : null}
      {ledger ? (
        <Section id="ledger" title="Ledger entries" description="Every credit movement of this user: purchases, spends, refunds, grants.">
          {ledger.ok ? <LedgerTable rows={ledger.value.rows} total={ledger.value.total} query={lq} prefix="l_" /> : failed(ledger.message)}
        </Section>
      ) : null}
      {tasks ? (
        <Section id="tasks" title="Tasks" description="With what each costs (or would have cost).">
          {tasks.ok ? <TasksTable rows={tasks.value.rows} total={tasks.value.total} query={tq} prefix="t_" /> : failed(tasks.message)}
        </Section>
      ) : null}
      <Section id="notes" title="Staff notes" description="What staff know about this customer; each note is a guarded edit with its reason in the audit log.">
        {staff.can('users.note') ? <AddNote userId={userId} email={profile.email} /> : null}
        {notes.ok ? <NotesTable rows={notes.value.rows} total={notes.value.total} query={nq} prefix="n_" /> : failed(notes.message)}
      </Section>
      <Section id="audit" title="Audit history" description={<>The latest guarded edits of this user and their payments.{audit ? <> <Link className="text-accent underline underline-offset-4" href={historyHref}>The user&apos;s full history in the audit log</Link>.</> : null}</>}>
        {audit === null ? (
          <p className="text-sm text-ink-muted">Your role cannot read the audit log (it needs audit.read).</p>
        ) : audit.ok ? <AuditTable rows={audit.value} /> : failed(audit.message)}
      </Section>
    </>
  );
}
