/** Formatting for the database pages, shared by server pages and client cells (fixed locale and zone). */
const dateTime = new Intl.DateTimeFormat('en', {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC',
});

export function formatWhen(d: Date | string | null): string {
  if (!d) return 'never';
  return `${dateTime.format(new Date(d))} UTC`;
}

/** 3725 -> "1 h 2 min"; 42.5 -> "42.5 s". */
export function formatSeconds(s: number | null): string {
  if (s === null) return '–';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.round((s % 86_400) / 3600)} h`;
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return formatSeconds(ms / 1000);
}

export function tableHrefOf(schema: string, name: string): string {
  return `/database/tables/${encodeURIComponent(schema)}/${encodeURIComponent(name)}`;
}
