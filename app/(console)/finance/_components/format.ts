/** Credits and money as the finance pages show them: fixed locale, grouped, exact decimals from the string. */
const two = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const four = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 4 });

export function formatCredits(v: string | null | undefined): string {
  return v === null || v === undefined ? '–' : two.format(Number(v));
}

export function formatUsd(v: string | null | undefined): string {
  return v === null || v === undefined ? '–' : `$${four.format(Number(v))}`.replace('$-', '−$');
}

export function shortId(id: string | null): string {
  return id ? id.slice(0, 8) : '';
}

export function formatWhen(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16) + ' UTC';
}
