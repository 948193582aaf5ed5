import { Suspense } from 'react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { clsx } from 'clsx';
import { z } from 'zod';
import { read } from '@/db/index';
import { missingConcepts, pageContext } from '@/app/(console)/_lib/context';
import { DISCREPANCY_KINDS, KIND_LABELS } from '@/lib/domain/reconcile/kinds';
import { FINDINGS_SPEC, kindParam } from '@/lib/domain/finance-csv';
import { getRun, listFindings, listRuns } from '@/lib/domain/reconcile/read';
import { latestReconcileJob } from '@/lib/domain/reconcile/job';
import { incrementalScanHints } from '@/lib/domain/reconcile/hints';
import { reconcileCoverage } from '@/lib/domain/reconcile/coverage';
import { parseTableQuery, type SearchParams } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { ReadProblem, Section, SectionSkeleton } from '@/app/(console)/_components/section';
import { queueContext } from '@/app/(console)/_lib/queue';
import { MONEY_DESCRIPTION, MoneyOnQueue } from '@/app/(console)/tasks/_components/money-on-queue';
import { attempt } from '@/app/(console)/_lib/attempt';
import { FINANCE_CONCEPTS } from '@/app/(console)/finance/_lib/context';
import { FindingsTable } from '@/app/(console)/finance/_components/findings-table';
import { RunsTable } from '@/app/(console)/finance/_components/runs-table';
import { RunButtons } from '@/app/(console)/finance/_components/run-button';
import { CsvLink } from '@/app/(console)/finance/_components/csv-link';
import { MissingConcepts } from '@/app/(console)/finance/_components/missing';
import { formatWhen, formatCount } from '@/lib/format';

export const metadata: Metadata = { title: 'Reconciliation' };

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('credits.read');
  const { staff, mapping } = ctx;
  const params = await searchParams;
  const missing = missingConcepts(ctx, FINANCE_CONCEPTS);
  if (missing.length) return <MissingConcepts title="Reconciliation" missing={missing} />;
  const runParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined)
    .parse(Array.isArray(params.run) ? params.run[0] : params.run);
  const kind = kindParam(params);
  const query = parseTableQuery(params, FINDINGS_SPEC);
  const data = await attempt(() => read(async (trx) => {
    const runs = await listRuns(trx, ctx, 20);
    const run = runParam ? await getRun(trx, ctx, String(runParam)) : runs.find((r) => r.finishedAt) ?? null;
    const findings = run
      ? await listFindings(trx, ctx, run.id, { kind, sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset })
      : null;
    return { runs, run, findings, hints: await incrementalScanHints(trx, mapping), job: await latestReconcileJob(trx) };
  }));
  if (!data.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Reconciliation</h1>
        <RunButtons job={null} canRun={staff.can('credits.reconcile')} />
        <ReadProblem title="The runs could not be read" problem={data} />
      </>
    );
  }
  const { runs, run, findings, hints, job } = data.value;
  const coverage = reconcileCoverage(mapping);
  // The queue's money findings are finance's to correct: shown here too, where finance can see them.
  const queue = await queueContext(ctx.check);

  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Reconciliation</h1>
        <p className="text-sm text-ink-muted">
          Every account, payment and task checked against the credit ledger: cached balances, grants, charges. A run reads
          only the entries since the last one (per-account checkpoints); a full run reads the whole ledger. Runs go on in the
          background, one at a time: their progress shows here.
        </p>
      </div>
      <RunButtons job={job} canRun={staff.can('credits.reconcile')} />
      {coverage.some((c) => !c.ran) ? (
        <Notice title="Not every check can run on this product">
          <ul className="list-disc pl-5">
            {coverage.filter((c) => !c.ran).map((c) => <li key={c.check}>{c.label}: did not run, {c.why}.</li>)}
          </ul>
        </Notice>
      ) : null}
      {!run ? (
        <Notice title="No reconciliation yet">Run one now, or nightly with <code className="font-mono">npm run kontor -- reconcile</code>.</Notice>
      ) : (
        <>
          <Section
            id="totals"
            title={`Run #${run.id}: ${run.found ? `${run.found} discrepancies` : 'the books agree'}`}
            description={`${run.mode === 'full' ? 'Full' : 'Incremental'} run by ${run.startedBy}, ${formatWhen(run.startedAt)}; ${run.entriesRead === null ? '?' : formatCount(run.entriesRead)} ledger entries read.`}
          >
            <ul className="grid gap-2 sm:grid-cols-2 xl:grid-cols-3" aria-label="Discrepancies by kind">
              {DISCREPANCY_KINDS.map((k) => {
                const n = run.totals[k] ?? 0;
                const active = kind === k;
                return (
                  <li key={k}>
                    <Link
                      href={active ? `/finance/reconciliation?run=${run.id}` : `/finance/reconciliation?run=${run.id}&kind=${k}`}
                      aria-current={active ? 'true' : undefined}
                      className={clsx(
                        'flex items-baseline justify-between gap-3 rounded-lg border px-3 py-2 text-sm hover:bg-surface-muted',
                        active ? 'border-accent bg-surface-muted' : 'border-line bg-surface',
                      )}
                    >
                      <span>{KIND_LABELS[k]}</span>
                      <span className={clsx('text-lg font-semibold tabular-nums', n ? 'text-danger' : 'text-ink-muted')}>{n}</span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          </Section>
          <Section
            id="findings"
            title={kind ? KIND_LABELS[kind] : 'Discrepancies'}
            description="Each row leads to the account (ledger, as-of balance, corrections), the payment, the task and the entries involved."
          >
            <div className="flex flex-wrap gap-2">
              <CsvLink table="findings" params={{ ...params, run: run.id }} label="Download CSV" />
              {kind ? <Link href={`/finance/reconciliation?run=${run.id}`} className="self-center text-sm text-accent underline-offset-2 hover:underline">Show every kind</Link> : null}
            </div>
            <FindingsTable rows={findings!.rows} total={findings!.total} query={query} sortable={FINDINGS_SPEC.sortable}
              caption={kind ? KIND_LABELS[kind] : 'Discrepancies found by the run'} canOpenTasks={staff.can('tasks.read')} />
          </Section>
        </>
      )}
      {queue.ok && queue.hasLedger ? (
        <Section id="money" title="Money on the queue" description={MONEY_DESCRIPTION}>
          <Suspense fallback={<SectionSkeleton label="Checking charges…" />}>
            <MoneyOnQueue staff={staff} mapping={queue.mapping} now={queue.now} params={params} />
          </Suspense>
        </Section>
      ) : null}
      {hints.length > 0 && (
        <Notice title="Incremental runs read whole tables">
          To find the rows changed since the last run, each incremental run reads{' '}
          {hints.map((h, i) => (
            <span key={h.table}>
              {i > 0 && ' and '}all of {h.table} (~{formatCount(h.rows)} rows: no index on <code className="font-mono">{h.column}</code>)
            </span>
          ))}
          . An index makes that a range read (Kontor runs no DDL):
          {hints.map((h) => <code key={h.table} className="mt-1 block font-mono">{h.sql}</code>)}
        </Notice>
      )}
      <Section id="history" title="History" description="The last 20 runs, from the console and from kontor reconcile.">
        <RunsTable rows={runs} />
      </Section>
    </>
  );
}
