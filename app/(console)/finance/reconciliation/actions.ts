'use server';
/** Starting a reconciliation: a background job (lib/domain/reconcile/job.ts); the page polls its progress. */
import { after } from 'next/server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb, getLongReadPool } from '@/db/index';
import { authorizeAction } from '@/lib/auth';
import { env } from '@/lib/env';
import { startReconcileJob } from '@/lib/domain/reconcile/job';
import { guarded, type ActionResult } from '@/lib/guard/action-result';

/** Starts a run in the background unless one is running; either way, the job the page should follow. */
export async function startReconciliationAction(mode: unknown): Promise<ActionResult<{ jobId: string; started: boolean }>> {
  const auth = await authorizeAction('credits.reconcile');
  if (!auth.ok) return auth;
  const m = z.enum(['full', 'incremental']).safeParse(mode);
  if (!m.success) return { ok: false, error: 'Choose a full or an incremental run.' };
  const result = await guarded(async () => {
    // The run's lanes on the long-read pool, never the pages' connections; the job's row on the pages' pool.
    const { started, job, done } = await startReconcileJob(getDb(), getLongReadPool().db, {
      mode: m.data, startedBy: auth.staff.email, staffId: auth.staff.userId, lanes: Math.min(env.KONTOR_LONG_READS, 3) as 1 | 2 | 3,
    });
    // The request ends now; the run goes on in this process (the page polls the job's row).
    after(() => done);
    return { jobId: job.id, started };
  });
  if (result.ok) revalidatePath('/finance/reconciliation');
  return result;
}
