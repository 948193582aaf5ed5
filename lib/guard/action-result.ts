/**
 * What a guarded server action returns: `{ ok: true, data } | { ok: false, error, fieldErrors? }`.
 * `guarded` turns the kernel's refusals into that shape; anything unexpected is logged, not shown.
 */
import { KontorDbError } from '@/db/errors';
import { GuardError, type FieldErrors, type GuardErrorKind } from '@/lib/guard/errors';
import type { EditLink } from '@/lib/guard/note';

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; fieldErrors?: FieldErrors; kind?: GuardErrorKind; next?: EditLink };

export async function guarded<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (err instanceof GuardError) {
      return { ok: false, error: err.message, kind: err.kind, ...(err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}), ...(err.next ? { next: err.next } : {}) };
    }
    if (err instanceof KontorDbError) return { ok: false, error: err.message };
    console.error('[kontor] guarded edit failed', err);
    return { ok: false, error: 'The edit failed unexpectedly and nothing was written; the server log has the details.' };
  }
}
