/** Dates and money as support reads them; the same on the server and in client cells. */
export function formatWhen(iso: string | null): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function formatMoney(amount: string | null, currency: string | null): string {
  if (amount === null) return '—';
  return currency ? `${amount} ${currency}` : amount;
}

/** "77214.00" -> "77,214.00": digits grouped, the decimals kept exactly as stored. */
export function groupDigits(amount: string): string {
  const [int, frac] = amount.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}
