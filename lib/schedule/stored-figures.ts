/**
 * The figures pages keep stored on a large product (billing checks, payment totals by day): the pages
 * recompute one when it is older than its maximum age, in the request's wake. This job recomputes each
 * before that age, so that with the schedule on a page finds them fresh and starts nothing; the pages'
 * own refresh stays as the fallback (schedule off, or a job that failed). A small product's pages read
 * live: nothing is stored for them, and this job skips them.
 */
import 'server-only';
import { read } from '@/db/index';
import { readSnapshot } from '@/lib/domain/tasks/snapshot';
import { BILLING_LIVE_BELOW_ROWS, BILLING_MAX_AGE_MS, BILLING_SNAPSHOT, billingRows, refreshBillingChecks } from '@/lib/domain/billing-checks';
import { computePaymentDays, PAYMENT_DAYS, PAYMENT_DAYS_MAX_AGE_MS, paymentsAreLarge, storePaymentDays } from '@/lib/domain/payments-totals';
import type { RunContext } from '@/lib/schedule/types';

/** Refreshed when it would pass its maximum age before the next run (every 5 minutes) and a margin. */
const AHEAD_MS = 6 * 60_000;

export async function refreshStoredFigures({ db, longReads, mapping, progress }: RunContext) {
  const readLong = <T>(fn: Parameters<typeof read<T>>[0]) => read(fn, { statementTimeoutMs: 600_000 }, longReads);
  const due = async (name: string, maxAgeMs: number) => {
    const s = await readSnapshot(db, name);
    return !s || s.ageSeconds * 1000 + AHEAD_MS > maxAgeMs;
  };
  const done: Record<string, number | string> = {};
  await progress('Payment totals', 0, 2);
  if (!mapping.payments || !(await read((trx) => paymentsAreLarge(trx, mapping), {}, db))) done.payments = 'live';
  else if (await due(PAYMENT_DAYS, PAYMENT_DAYS_MAX_AGE_MS)) {
    const t0 = performance.now();
    const value = await readLong((trx) => computePaymentDays(trx, mapping));
    await storePaymentDays(db, value, performance.now() - t0);
    done.payments = Math.round(performance.now() - t0);
  } else done.payments = 'fresh';
  await progress('Billing checks', 1, 2);
  if ((await read((trx) => billingRows(trx, mapping), {}, db)) < BILLING_LIVE_BELOW_ROWS) done.billing = 'live';
  else if (await due(BILLING_SNAPSHOT, BILLING_MAX_AGE_MS)) done.billing = (await refreshBillingChecks(db, (fn) => readLong(fn), mapping)).ms;
  else done.billing = 'fresh';
  return done;
}
