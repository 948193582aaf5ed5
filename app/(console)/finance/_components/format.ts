/** Ids and times as the finance pages show them (money and credits: lib/money.ts). */
export function shortId(id: string | null): string {
  return id ? id.slice(0, 8) : '';
}

export function formatWhen(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16) + ' UTC';
}
