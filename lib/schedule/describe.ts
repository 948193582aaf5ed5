/** A cron expression in words, for the Jobs page and `kontor jobs list` (the cron itself beside it). */
export function describeCron(cron: string | null): string {
  if (!cron) return 'off (run now only)';
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5 || f.slice(2).some((x) => x !== '*')) return `cron ${cron} (UTC)`;
  const [min, hour] = f;
  const two = (n: string) => n.padStart(2, '0');
  if (min === '*' && hour === '*') return 'every minute';
  const step = /^\*\/(\d+)$/.exec(min);
  if (step && hour === '*') return `every ${step[1]} minutes`;
  if (/^\d+$/.test(min) && hour === '*') return `hourly at :${two(min)}`;
  if (/^\d+$/.test(min) && /^\d+$/.test(hour)) return `daily at ${two(hour)}:${two(min)} UTC`;
  return `cron ${cron} (UTC)`;
}

/** A run's outcome in one line: its plain fields (counts, ids), never a whole document. */
export function summarizeOutcome(outcome: unknown): string | null {
  if (outcome === null || outcome === undefined) return null;
  if (typeof outcome !== 'object') return String(outcome);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(outcome as Record<string, unknown>)) {
    if (typeof v === 'number') parts.push(`${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`);
    else if (typeof v === 'string' && v.length <= 40) parts.push(`${k} ${v}`);
    else if (v && typeof v === 'object' && !Array.isArray(v) && k === 'counts') {
      parts.push(Object.entries(v).map(([ck, cv]) => `${cv} ${ck}`).join(', '));
    }
  }
  return parts.slice(0, 6).join(' · ') || null;
}
