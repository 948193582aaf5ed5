import type { EditLink } from '@/lib/guard/note';

/** Why the kernel refused an edit; `message` is written for the person who tried it. */
export type GuardErrorKind =
  | 'forbidden' // the role lacks the capability
  | 'invalid' // the input does not parse (fieldErrors names the fields)
  | 'stale' // a row changed since the preview: nothing written
  | 'token' // the preview token is missing, expired, tampered or someone else's
  | 'idempotency' // the same key was used with other input
  | 'limit' // a per-edit maximum or a daily total would be exceeded
  | 'not-found' // an approval that does not exist
  | 'conflict' // e.g. the last admin, an approval already decided or expired, self-approval
  | 'misconfigured';

export type FieldErrors = Record<string, string[] | undefined>;

export class GuardError extends Error {
  override name = 'GuardError';
  constructor(
    readonly kind: GuardErrorKind,
    message: string,
    readonly fieldErrors?: FieldErrors,
    /** Where to go instead, when another edit is what the person means (a refund rather than a reversal). */
    readonly next?: EditLink,
  ) {
    super(message);
  }
}

export const USED_MESSAGE = 'This preview was committed already: preview the edit again to make another.';
export const STALE_MESSAGE =
  'This changed since you looked: someone else edited it after your preview. Nothing was written; review the new values and try again.';

export function invalid(field: string, message: string, next?: EditLink): GuardError {
  return new GuardError('invalid', message, { [field]: [message] }, next);
}
