'use server';
/** "Send a test" delivers at once: after the guarded edit queued the test, this sends what is due. */
import { refresh } from 'next/cache';
import { authorizeAction } from '@/lib/auth';
import { getDb } from '@/db/index';
import { deliverDue } from '@/lib/alerts/deliver';
import { guarded, type ActionResult } from '@/lib/guard/action-result';

export async function deliverNowAction(): Promise<ActionResult<{ delivered: number; retrying: number; gaveUp: number }>> {
  const auth = await authorizeAction('alerts.manage');
  if (!auth.ok) return auth;
  const result = await guarded(async () => {
    const { delivered, retrying, gaveUp } = await deliverDue(getDb());
    return { delivered, retrying, gaveUp };
  });
  refresh();
  return result;
}
