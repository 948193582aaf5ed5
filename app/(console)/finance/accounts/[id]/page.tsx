import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { isCalendarDay } from '@/lib/filters';
import { read } from '@/db/index';
import { missingConcepts, pageContext } from '@/app/(console)/_lib/context';
import { listPendingRequests } from '@/lib/guard';
import { PendingRequests } from '@/components/confirm/pending-requests';
import { asOfBalance, getAccountSummary, getEntries } from '@/lib/domain/statement';
import type { SearchParams } from '@/lib/table-query';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { attempt } from '@/app/(console)/_lib/attempt';
import { StatCard } from '@/app/(console)/_components/stat-card';
import { FINANCE_CONCEPTS } from '@/app/(console)/finance/_lib/context';
import { MissingConcepts } from '@/app/(console)/finance/_components/missing';
import { EntriesTable } from '@/app/(console)/finance/_components/entries-table';
import { AdjustCredits, FixDrift } from '@/app/(console)/finance/_components/ledger-edits';
import { compareDecimals, formatCredits } from '@/lib/money';
import { anyRowKey, keyCanHold } from '@/lib/mapping/keys';
import { formatWhen, first, formatCount } from '@/lib/format';

export const metadata: Metadata = { title: 'Credit account' };


export default async function AccountPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('credits.read');
  const { staff, mapping } = ctx;
  const id = anyRowKey.safeParse((await params).id);
  if (!id.success) notFound();
  const sp = await searchParams;
  const missing = missingConcepts(ctx, FINANCE_CONCEPTS);
  if (missing.length) return <MissingConcepts title="Credit account" missing={missing} />;
  if (mapping.users && !keyCanHold(mapping.users, id.data)) notFound();
  const at = z.iso.datetime({ local: true }).refine((t) => isCalendarDay(t.slice(0, 10))).optional().catch(undefined).parse(first(sp.at));
  // No moment asked: the database's now (asOfBalance), so that the entry just made is listed.
  const asked = at ? new Date(`${at.length === 16 ? `${at}:00` : at}Z`) : null;
  const wanted = (first(sp.entries) ?? '').split(',').filter((s) => anyRowKey.safeParse(s).success && (!mapping.ledger || keyCanHold(mapping.ledger, s))).slice(0, 50);
  const data = await attempt(() => read(async (trx) => ({
    account: await getAccountSummary(trx, ctx, id.data),
    replay: await asOfBalance(trx, ctx, id.data, asked),
    involved: await getEntries(trx, ctx, id.data, wanted),
    pending: await listPendingRequests(trx, [{ type: 'user', id: id.data }]),
  })));
  if (!data.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Credit account</h1>
        <p className="font-mono text-xs text-ink-muted">{id.data}</p>
        <ReadProblem title="The account could not be read" problem={data} />
      </>
    );
  }
  const { account, replay, involved, pending } = data.value;
  const asOf = replay.at;
  if (!account.email && account.entries === 0) notFound();
  const canEdit = staff.can('credits.adjust');
  const drifted = account.drift !== null && compareDecimals(account.drift, '0') !== 0;

  return (
    <>
      <div className="space-y-1">
        <p className="text-sm text-ink-muted">
          <Link href="/finance/reconciliation" className="underline-offset-2 hover:underline">Reconciliation</Link>
          {account.email ? <> · <Link href={`/users/${account.userId}`} className="underline-offset-2 hover:underline">User page</Link></> : null}
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">{account.email ?? 'Deleted user'}</h1>
        <p className="font-mono text-xs text-ink-muted">{account.userId}</p>
      </div>
      <PendingRequests requests={pending} />
      <dl className="grid gap-4 sm:grid-cols-3">
        <StatCard label="Cached balance" value={account.cached === null ? 'not kept' : formatCredits(account.cached)} />
        <StatCard label="Ledger sum" value={formatCredits(account.ledgerSum)} hint={`${formatCount(account.entries)} entries`} />
        <StatCard label="Drift" value={<span className={drifted ? 'text-danger' : undefined}>{account.drift === null ? '–' : formatCredits(account.drift)}</span>}
          hint={drifted ? 'The cached balance differs from the ledger.' : 'The cached balance equals the ledger.'} />
      </dl>
      {canEdit && account.email ? (
        <Section id="corrections" title="Corrections" description="Every correction is previewed, needs a reason, and is kept in the audit log.">
          <div className="flex flex-wrap items-end gap-4">
            <AdjustCredits userId={account.userId} email={account.email} pendingRequest={pending.find((r) => r.edit === 'credits.adjust') ?? null} />
            {drifted ? <FixDrift userId={account.userId} drift={account.drift!} /> : null}
          </div>
        </Section>
      ) : null}
      {involved.length ? (
        <Section id="involved" title="Entries involved" description="The ledger entries a reconciliation finding names.">
          <EntriesTable rows={involved} caption="Entries involved" canReverse={canEdit} prefix="inv_" />
        </Section>
      ) : null}
      <Section id="as-of" title={`Balance as of ${formatWhen(asOf)}: ${formatCredits(replay.balance)}`}
        description={`Replayed from the ledger: the ${formatCount(replay.entries)} entries created up to that moment. The latest 50 are below, newest first.`}>
        <form method="get" className="flex flex-wrap items-end gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor="at" className="text-sm font-medium">As of (UTC)</label>
            <input id="at" name="at" type="datetime-local" step="1" defaultValue={asOf.toISOString().slice(0, 19)}
              className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm" />
          </div>
          <button type="submit" className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus">Replay</button>
        </form>
        <EntriesTable rows={replay.recent} caption="Ledger entries up to the moment" canReverse={canEdit} prefix="led_" />
      </Section>
    </>
  );
}
