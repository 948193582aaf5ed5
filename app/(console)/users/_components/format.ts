/** Dates as support reads them; the same on the server and in client cells (money and credits: lib/money.ts). */
export function formatWhen(iso: string | null): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
