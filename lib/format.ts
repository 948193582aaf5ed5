/**
 * How Kontor writes numbers, sizes, ratios, times and durations, on server pages, in client cells and
 * in the CLI alike: a fixed locale and UTC, so the server's HTML and the browser's render agree. Money
 * and credits keep their exact decimal arithmetic in lib/money.ts; their formatters are re-exported here
 * so that a page takes every formatter from one module.
 */
import { groupDigits } from '@/lib/money';
export { columnScale, formatCredits, formatMoney, formatStoredMoney, formatUsd } from '@/lib/money';

const integer = new Intl.NumberFormat('en');
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/**
 * A count with its digits grouped. A bigint column's value arrives as text or a BigInt and is written
 * exactly (9,223,372,036,854,775,807), never through a float (which reads 9,223,372,036,854,776,000).
 */
export function formatCount(n: number | bigint | string): string {
  if (typeof n === 'string') return /^-?\d+$/.test(n.trim()) ? groupDigits(n.trim()) : n;
  return integer.format(n);
}

/** 1,234,567 -> "1.2M"; for estimates, where the digits after the first few mean nothing. */
export function formatCompact(n: number): string {
  return n < 10_000 ? integer.format(n) : compact.format(n);
}

const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Like pg_size_pretty (1024-based), with one decimal above the byte range. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${integer.format(bytes)} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

/** 0.98765 -> "98.8 %"; null -> "no reads yet". */
export function formatRatio(ratio: number | null): string {
  if (ratio === null) return 'no reads yet';
  return `${(ratio * 100).toFixed(ratio >= 0.999 && ratio < 1 ? 2 : 1)} %`;
}

/** A share of a whole: 0.042 -> "4.2 %", 0.5 -> "50 %"; null -> "–". */
export function formatRate(r: number | null): string {
  return r === null ? '–' : `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`;
}

/**
 * A moment to the minute, in UTC: "2026-11-20 12:00 UTC". Takes an ISO string, Postgres's text form or
 * a Date; `none` is what a missing moment reads as ("never" where that is what it means).
 */
export function formatWhen(at: Date | string | null | undefined, none = '—'): string {
  if (at === null || at === undefined || at === '') return none;
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return String(at);
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const zoned = new Map<string, Intl.DateTimeFormat>();

/**
 * A moment to the minute in a time zone, with the zone's name: ("2026-11-20T12:00Z", "Asia/Tokyo") ->
 * "2026-11-20 21:00 GMT+9". The browser's zone for the viewer (components/ui/when.tsx); UTC reads as
 * formatWhen does. An unknown zone falls back to UTC.
 */
export function formatWhenIn(at: Date | string | null | undefined, timeZone: string, none = '—'): string {
  if (at === null || at === undefined || at === '') return none;
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return String(at);
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return formatWhen(d);
  let f = zoned.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', {
        timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
      });
    } catch {
      return formatWhen(d);
    }
    zoned.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** The calendar day of a moment, in UTC: "Nov 20" (chart axes). */
export function formatDay(at: Date | string): string {
  return dayFormat.format(typeof at === 'string' ? new Date(at) : at);
}
const dayFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** 42.5 -> "42.5 s"; 725 -> "12 min 5 s"; 3725 -> "1 h 2 min"; 183600 -> "2 d 3 h"; null -> "–". */
export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.round((s % 86_400) / 3600)} h`;
}

/** 0.0123 -> "0.012 ms"; 12.3 -> "12.3 ms"; from a second on as formatSeconds. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return formatSeconds(ms / 1000);
}

/**
 * The start of an id, for narrow columns (the full id is on hover and in the link): 8 characters, after
 * a type prefix such as Stripe's `cs_live_` or `pi_`, which every id of its kind shares (8 characters of
 * `cs_live_a1b2…` would name every checkout session alike). Still a prefix of the id, so search and
 * detail URLs take it as one.
 */
export function shortId(id: string | null): string {
  if (!id) return '';
  const typePrefix = /^(?:[A-Za-z]{1,10}_){1,3}/.exec(id)?.[0] ?? '';
  return id.slice(0, typePrefix.length + 8);
}

/** A search parameter's one value: Next gives a repeated one as an array, of which the first counts. */
export function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
