import { KontorDbError } from '@/db/errors';

export type Attempt<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Runs one read for one part of a page, so a timeout in one figure leaves the others standing.
 * Messages are the ones KontorDbError wrote for people; anything else is logged, not shown.
 */
export async function attempt<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof KontorDbError) return { ok: false, message: err.message };
    console.error('[kontor] read failed', err);
    return { ok: false, message: 'The read failed unexpectedly; the server log has the details.' };
  }
}
