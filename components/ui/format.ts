/**
 * Counts, sizes, ratios and times shared by server pages and client cells: fixed locale and UTC, so both
 * render alike. Money and credits: lib/money.ts.
 */
const integer = new Intl.NumberFormat('en');
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(n: number): string {
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

/** An ISO time to the minute, in UTC: "2026-11-20 12:00 UTC"; null -> "—". */
export function formatWhen(iso: string | null): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The first 8 characters of an id, for narrow columns (the full id is in the link). */
export function shortId(id: string | null): string {
  return id ? id.slice(0, 8) : '';
}
