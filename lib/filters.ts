/**
 * Filters from the URL that Postgres would choke on: a "date" that is no date (2026-13-45, year 0), and
 * text with a NUL byte (Postgres text cannot hold one) or other control characters. Each is dropped
 * before it reaches SQL, and the page says which it ignored instead of failing.
 */
import { z } from 'zod';

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Text with control characters removed (NUL included). */
export function withoutControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** YYYY-MM-DD naming a real day between the years 1 and 9999. */
export function isCalendarDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = m.slice(1).map(Number);
  if (y < 1) return false;
  const date = new Date(Date.UTC(2000, mo - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** An optional URL day: dropped (undefined) when malformed. */
export const urlDay = z.string().refine(isCalendarDay).optional().catch(undefined);

/** Optional URL text up to `max` characters: dropped when it holds a control character. */
export const urlText = (max: number) =>
  z.string().trim().max(max).refine((s) => withoutControl(s) === s).optional().catch(undefined).transform((s) => s || undefined);

/**
 * The filters given in the URL but dropped by parsing, as one sentence for a notice (null: none).
 * `labels` names each filter as the page shows it.
 */
export function ignoredFilters(
  raw: Record<string, string | undefined>,
  parsed: Record<string, unknown>,
  labels: Record<string, string>,
): string | null {
  const dropped = Object.keys(labels).filter((k) => raw[k] !== undefined && raw[k] !== '' && parsed[k] === undefined);
  if (!dropped.length) return null;
  const names = dropped.map((k) => `${labels[k]} (“${withoutControl(raw[k]!).slice(0, 40)}”)`).join(', ');
  return `Ignored ${dropped.length === 1 ? 'a filter that is' : 'filters that are'} not valid: ${names}. Dates are YYYY-MM-DD.`;
}
