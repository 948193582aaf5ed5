/**
 * Free text that staff type into edits (reasons, notes, emails). Invisible and direction-changing
 * characters are refused, not stripped: a reason that reads differently from what it stores
 * ("Trojan Source") has no place in an audit log.
 */
import { z } from 'zod';
import { REASON_MAX_CHARS } from '@/lib/guard/text-limits';

// Zero-width and BOM; bidi embeddings, overrides and isolates; Arabic letter mark; other C0/C1 controls.
const INVISIBLE = /[\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\u061C\u180E]/u;
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const CONTROL_LINE = /[\u0000-\u001F\u007F-\u009F]/u;

export interface TextOptions {
  max: number;
  min?: number;
  multiline?: boolean;
  label?: string;
}

/** Trimmed, NFC-normalised text with no invisible or control characters. */
export function safeText({ max, min = 1, multiline = false, label = 'This field' }: TextOptions) {
  return z
    .string({ error: `${label} must be text.` })
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(min, { error: min <= 1 ? `${label} is required.` : `${label} needs at least ${min} characters.` })
        .max(max, { error: `${label} is too long (at most ${max} characters).` })
        .refine((s) => !INVISIBLE.test(s), {
          error: `${label} contains invisible or direction-changing characters (zero-width, RTL override); type it plainly.`,
        })
        .refine((s) => !(multiline ? CONTROL_MULTILINE : CONTROL_LINE).test(s), {
          error: `${label} contains control characters.`,
        }),
    );
}

export const REASON_MIN_CHARS = 10;
export const REASON_MIN_WORDS = 3;
export { REASON_MAX_CHARS };

/** Every edit's reason: a sentence someone can understand a month later. */
export const reasonSchema = safeText({ max: REASON_MAX_CHARS, multiline: true, label: 'The reason' }).refine(
  (s) => s.length >= REASON_MIN_CHARS && s.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length >= REASON_MIN_WORDS,
  { error: `Give a reason of at least ${REASON_MIN_WORDS} words (${REASON_MIN_CHARS}+ characters): what happened and why this edit fixes it.` },
);

export const idempotencyKeySchema = z
  .string({ error: 'The idempotency key is missing.' })
  .regex(/^[A-Za-z0-9_-]{16,100}$/, { error: 'The idempotency key is malformed.' });
