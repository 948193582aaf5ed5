/**
 * Money and credits, exactly: every amount is a decimal string (as Postgres prints `numeric::text`) or
 * a BigInt of units, never a float. One module for the conversions (minor units to major by the
 * currency's exponent) and for how amounts read on every page, CSV and the CLI.
 *
 * The rules:
 * - A payment amount shows at its currency's decimals (USD 2, JPY 0, KWD 3, as Intl knows them; 2 for
 *   an unknown or missing currency): "$29.00", "¥1,234,567". Digits beyond them are shown when they
 *   are not zero, never rounded away.
 * - Credits show at the credits scale (`ledger.scale`, else the ledger column's numeric scale, else
 *   2: creditScale in lib/domain/money-sql.ts), with the same rule for digits beyond it.
 * - Only a derived figure (a division: revenue per credit) is rounded, half away from zero, on its
 *   decimal digits (roundDecimal), never through a float.
 * No server imports: client cells format with the same functions.
 */

/** An exact decimal: units / 10^scale. */
export interface Decimal {
  units: bigint;
  scale: number;
}

// numeric::text is plain digits; a float column's text may have an exponent ("1.2345e-05"), which is exact too.
const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?\s*$/;

/** "-12.345" -> { units: -12345n, scale: 3 }; "1.5e-3" -> { units: 15n, scale: 4 }. Throws on anything else (NaN, Infinity, empty). */
export function parseDecimal(text: string | number | bigint): Decimal {
  if (typeof text === 'bigint') return { units: text, scale: 0 };
  if (typeof text === 'number') {
    if (!Number.isSafeInteger(text)) throw new Error(`not an exact amount: ${text} (pass a decimal string)`);
    return { units: BigInt(text), scale: 0 };
  }
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && !m[3])) throw new Error(`not a decimal: ${text}`);
  const frac = m[3] ?? '';
  let units = BigInt(`${m[2] || '0'}${frac}`);
  let scale = frac.length - Number(m[4] ?? 0);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: m[1] === '-' ? -units : units, scale };
}

export function isDecimal(text: string): boolean {
  const m = DECIMAL.exec(text);
  return Boolean(m && !(m[2] === '' && !m[3]));
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** The same value at a larger scale (exact). */
function widen(d: Decimal, scale: number): Decimal {
  return scale <= d.scale ? d : { units: d.units * pow10(scale - d.scale), scale };
}

/** "-12.30" from { units: -1230n, scale: 2 }. */
export function decimalText(d: Decimal): string {
  const neg = d.units < 0n;
  const digits = (neg ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const int = digits.slice(0, digits.length - d.scale);
  const frac = digits.slice(digits.length - d.scale);
  return `${neg ? '-' : ''}${int}${d.scale ? `.${frac}` : ''}`;
}

/**
 * The value with exactly `scale` decimals when that loses nothing; digits beyond `scale` that are not
 * zero stay ("1.2345" at 2 is "1.2345", "1.2300" at 2 is "1.23", "5" at 3 is "5.000").
 */
export function rescale(value: string | Decimal, scale: number): string {
  if (typeof value === 'string' && !isDecimal(value)) return value; // NaN, Infinity: as Postgres wrote them
  let d = typeof value === 'string' ? parseDecimal(value) : value;
  d = widen(d, scale);
  while (d.scale > scale && d.units % 10n === 0n) d = { units: d.units / 10n, scale: d.scale - 1 };
  return decimalText(d);
}

/** Rounded half away from zero to `scale` decimals, on the digits (for derived figures only). */
export function roundDecimal(value: string | Decimal, scale: number): string {
  if (typeof value === 'string' && !isDecimal(value)) return value;
  const d = typeof value === 'string' ? parseDecimal(value) : value;
  if (d.scale <= scale) return decimalText(widen(d, scale));
  const div = pow10(d.scale - scale);
  const abs = d.units < 0n ? -d.units : d.units;
  const q = (abs + div / 2n) / div;
  return decimalText({ units: d.units < 0n ? -q : q, scale });
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [widen(a, scale).units, widen(b, scale).units, scale];
}

/** a + b + ..., at the largest scale of the terms. */
export function addDecimals(...terms: string[]): string {
  return decimalText(terms.map((t) => parseDecimal(t)).reduce((s, d) => {
    const [x, y, scale] = align(s, d);
    return { units: x + y, scale };
  }, { units: 0n, scale: 0 }));
}

export function subtractDecimals(a: string, b: string): string {
  const [x, y, scale] = align(parseDecimal(a), parseDecimal(b));
  return decimalText({ units: x - y, scale });
}

export function negateDecimal(a: string): string {
  const d = parseDecimal(a);
  return decimalText({ units: -d.units, scale: d.scale });
}

export function absDecimal(a: string): string {
  const d = parseDecimal(a);
  return decimalText({ units: d.units < 0n ? -d.units : d.units, scale: d.scale });
}

export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(parseDecimal(a), parseDecimal(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The amount in units of 10^-scale, exactly; throws when it has non-zero digits beyond `scale`. */
export function toUnits(value: string, scale: number): bigint {
  const d = parseDecimal(value);
  if (d.scale <= scale) return widen(d, scale).units;
  const div = pow10(d.scale - scale);
  if (d.units % div !== 0n) throw new Error(`${value} has more than ${scale} decimals`);
  return d.units / div;
}

export function fromUnits(units: bigint, scale: number): string {
  return decimalText({ units, scale });
}

// ---------------------------------------------------------------------------------------------------
// Currencies

const CURRENCY = /^[A-Za-z]{3}$/;
const digitsCache = new Map<string, number>();

/** The currency's code as Intl takes it, or null ("usd" -> "USD"; "dollars" -> null). */
export function currencyCode(currency: string | null | undefined): string | null {
  if (!currency || !CURRENCY.test(currency.trim())) return null;
  const code = currency.trim().toUpperCase();
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return code;
  } catch {
    return null;
  }
}

/** The currency's minor-unit exponent: USD 2, JPY 0, KWD 3; 2 when the currency is missing or unknown. */
export function currencyDigits(currency: string | null | undefined): number {
  const code = currencyCode(currency);
  if (!code) return 2;
  let digits = digitsCache.get(code);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(code, digits);
  }
  return digits;
}

/** The currencies whose exponent is not 2, for a SQL CASE over a currency column (lib/domain/money-sql.ts). */
export function currenciesWithDigits(): { code: string; digits: number }[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : ['JPY', 'KRW', 'KWD', 'BHD'];
  return all.map((code) => ({ code, digits: currencyDigits(code) })).filter((c) => c.digits !== 2);
}

/** A stored amount in minor units -> major units at the currency's decimals: ("2900", "USD") -> "29.00". */
export function minorToMajor(stored: string, currency: string | null | undefined): string {
  const digits = currencyDigits(currency);
  const d = parseDecimal(stored);
  return rescale({ units: d.units, scale: d.scale + digits }, digits);
}

/** Major units -> minor units: ("29.00", "USD") -> "2900"; ("1234567", "JPY") -> "1234567". */
export function majorToMinor(major: string, currency: string | null | undefined): string {
  const digits = currencyDigits(currency);
  const d = parseDecimal(major);
  const scale = d.scale - digits;
  return rescale(scale >= 0 ? { units: d.units, scale } : { units: d.units * pow10(-scale), scale: 0 }, 0);
}

/** An amount as the mapping stores it ('major' or 'minor' units) -> major units at the currency's decimals. */
export function storedToMajor(stored: string, unit: 'major' | 'minor', currency: string | null | undefined): string {
  return unit === 'minor' ? minorToMajor(stored, currency) : rescale(stored, currencyDigits(currency));
}

// ---------------------------------------------------------------------------------------------------
// Formatting (fixed locale 'en', so that server pages and client cells render alike)

/** "-1234567.50" -> "-1,234,567.50". */
export function groupDigits(value: string): string {
  const neg = value.startsWith('-');
  const [int, frac] = (neg ? value.slice(1) : value).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

const templates = new Map<string, Intl.NumberFormatPart[][]>();

/** The currency's pattern (symbol, spacing, sign), from Intl, with the digits left to us. */
function pattern(code: string, negative: boolean): Intl.NumberFormatPart[] {
  let t = templates.get(code);
  if (!t) {
    const nf = new Intl.NumberFormat('en', { style: 'currency', currency: code, minimumFractionDigits: 0, maximumFractionDigits: 0 });
    t = [nf.formatToParts(1), nf.formatToParts(-1)];
    templates.set(code, t);
  }
  return t[negative ? 1 : 0];
}

/**
 * A major-units amount with its currency: ("29.00", "USD") -> "$29.00", ("-1234567", "JPY") ->
 * "-¥1,234,567", ("30000", "NGN") -> "NGN 30,000.00" (a no-break space, as Intl writes it). No currency: the grouped amount; a currency
 * Intl does not know: "12.50 XBT".
 */
export function formatMoney(amount: string | null | undefined, currency: string | null | undefined, scale?: number): string {
  if (amount === null || amount === undefined) return '—';
  if (!isDecimal(amount)) return currency ? `${amount} ${currency}` : amount;
  const code = currencyCode(currency);
  const text = rescale(amount, Math.max(currencyDigits(code), scale ?? 0));
  if (!code) return currency ? `${groupDigits(text)} ${currency}` : groupDigits(text);
  const negative = text.startsWith('-') && /[1-9]/.test(text);
  const digits = groupDigits(text.replace(/^-/, ''));
  return pattern(code, negative).map((p) => (p.type === 'integer' ? digits : p.value)).join('');
}

/** A stored payment amount (its column's unit) formatted with its currency. */
export function formatStoredMoney(stored: string | null, unit: 'major' | 'minor', currency: string | null): string {
  return stored === null ? '—' : formatMoney(storedToMajor(stored, unit, currency), currency);
}

/** Credits at the credits scale: ("1234.5", 3) -> "1,234.500"; without a scale, the value's own decimals. */
export function formatCredits(value: string | null | undefined, scale?: number | null): string {
  if (value === null || value === undefined) return '–';
  if (!isDecimal(value)) return value;
  return groupDigits(rescale(value, scale ?? parseDecimal(value).scale));
}

/**
 * A provider's cost in US dollars, as exact as it is stored ("0.0123" -> "$0.0123"); `scale` pads it to
 * its column's decimals (columnScale), so that "$8.1857" and "$256.2280" line up.
 */
export function formatUsd(value: string | null | undefined, scale?: number): string {
  return value === null || value === undefined ? '–' : formatMoney(value, 'USD', scale);
}

/** How many decimals a decimal string carries once its trailing zeros go ("1.2300" -> 2, "5" -> 0). */
export function significantScale(value: string): number {
  if (!isDecimal(value)) return 0;
  let d = parseDecimal(value);
  while (d.scale > 0 && d.units % 10n === 0n) d = { units: d.units / 10n, scale: d.scale - 1 };
  return d.scale;
}

/**
 * One precision for a column: the most decimals any of its values needs (at least `min`), so that every
 * row shows the same number of digits and none is rounded away.
 */
export function columnScale(values: readonly (string | null | undefined)[], min = 0): number {
  let scale = min;
  for (const v of values) if (v !== null && v !== undefined) scale = Math.max(scale, significantScale(v));
  return scale;
}

// Signs a keyboard, a word processor or a phone types for "minus": U+2212 MINUS SIGN, the dashes
// (hyphen U+2010, figure U+2012, en U+2013, em U+2014), small and fullwidth hyphen-minus.
const MINUS_LOOKALIKES = /^[\u2010\u2012\u2013\u2014\u2212\uFE63\uFF0D]/;

/**
 * An amount as a person typed it, made plain for the input schemas: spaces around it (any Unicode
 * space: String.trim), a minus typed as "−" or "–", and a space between the sign and the digits
 * ("- 5") become "-5". Nothing else changes: "1,5" or "5-" stay as typed, for the schema to refuse.
 */
export function typedAmountText(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return value.trim().replace(MINUS_LOOKALIKES, '-').replace(/^([+-])\s+(?=\d|\.)/, '$1');
}
