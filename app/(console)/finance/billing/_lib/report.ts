/**
 * The billing report a page shows (lib/domain/billing-checks.ts): computed in the request on a small
 * product; on a large one the last full run, stored, and a new run started in the background when it
 * is older than BILLING_MAX_AGE_MS (after the response: the page never waits for it).
 */
import { after } from 'next/server';
import { getDb, getLongReadPool, read } from '@/db/index';
import { latestJob } from '@/lib/jobs';
import {
  BILLING_JOB, BILLING_LIVE_BELOW_ROWS, BILLING_MAX_AGE_MS, billingRows, readStoredBilling, runBillingChecks, startBillingChecks,
  type BillingReport, type StoredBillingReport,
} from '@/lib/domain/billing-checks';
import { sharedRead } from '@/lib/shared-read';
import type { Mapping } from '@/lib/mapping';

/** A full run reads every counter and payment: minutes at most, on the long-read pool. */
const REFRESH_TIMEOUT_MS = 600_000;
/** A run that failed is not retried on every view: once a minute at most. */
const RETRY_AFTER_S = 60;

export type BillingView =
  | { live: true; report: BillingReport }
  | { live: false; stored: StoredBillingReport | null; refreshing: boolean; failed: string | null };

export async function billingView(mapping: Mapping): Promise<BillingView> {
  const r = await sharedRead(`billing-view:${BILLING_JOB}`, () => read(async (trx) => {
    if ((await billingRows(trx, mapping)) < BILLING_LIVE_BELOW_ROWS) return { live: true as const, report: await runBillingChecks(trx, mapping) };
    return { live: false as const, stored: await readStoredBilling(trx, mapping), job: await latestJob(trx, BILLING_JOB) };
  }));
  if (r.live) return r;
  const { stored, job } = r;
  if (stored && stored.ageSeconds * 1000 <= BILLING_MAX_AGE_MS) return { live: false, stored, refreshing: false, failed: null };
  if (job?.state === 'running' && !job.lost) return { live: false, stored, refreshing: true, failed: null };
  const failed = job && (job.state === 'failed' || job.state === 'abandoned') ? job.error : null;
  const since = job ? (Date.now() - new Date(job.finishedAt ?? job.startedAt).getTime()) / 1000 : Infinity;
  if (failed && since < RETRY_AFTER_S) return { live: false, stored, refreshing: false, failed };
  const started = await startBillingChecks(
    getDb(), (fn) => read(fn, { statementTimeoutMs: REFRESH_TIMEOUT_MS }, getLongReadPool().db), mapping, 'console',
  );
  after(() => started.done);
  return { live: false, stored, refreshing: true, failed: null };
}
