/** Durations and rates as the operations pages show them (server and client). */
export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400 * 2) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${(s / 86400).toFixed(1)} d`;
}

export function formatRate(r: number | null): string {
  return r === null ? '–' : `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`;
}
