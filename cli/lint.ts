/**
 * `kontor lint [--json] [--fail-on error|warning]`: the advisor catalogue for CI pipelines.
 * Exit 0 when no open finding reaches the --fail-on level (default error), 1 when one does, 2 on usage.
 * Active suppressions (kontor.suppressions) apply here as on the console's Advisors page.
 */
import { runAdvisors, openFindings, LEVELS, type Level } from '@/lib/inspect/advisors';
import { out, type Command } from '@/cli/command';

const RANK: Record<Level, number> = { error: 0, warning: 1, info: 2 };

/** --fail-on's level: error (the default) or warning; null for anything else. */
export function parseFailOn(value: string | boolean | undefined): Level | null {
  const level = value ?? 'error';
  return level === 'error' || level === 'warning' ? level : null;
}

export const lintCommand: Command = {
  summary: 'run the advisors (security, performance, integrity); --fail-on error|warning sets the exit code',
  options: { 'fail-on': { type: 'string' } },
  usage: '--fail-on takes error or warning',
  async run({ db, json, values }) {
    const failOn = parseFailOn(values['fail-on']);
    if (!failOn) {
      console.error('kontor lint: --fail-on takes error or warning');
      return 2;
    }
    const { findings, skipped } = await runAdvisors([db, db]); // two lanes on the pool (a third only competes for the cores with the verdicts query)
    const open = openFindings(findings);
    const failing = open.filter((f) => RANK[f.level] <= RANK[failOn]);
    const counts = Object.fromEntries(LEVELS.map((l) => [l, open.filter((f) => f.level === l).length]));
    const text = [
      ...open.map((f) =>
        [
          `${f.level.toUpperCase().padEnd(7)} ${f.id} (${f.category}): ${f.name}: ${f.objects.length} object${f.objects.length === 1 ? '' : 's'}`,
          ...f.objects.slice(0, 20).map((o) => `          ${o.object}: ${o.detail}`),
          ...(f.objects.length > 20 ? [`          … and ${f.objects.length - 20} more`] : []),
          `          fix: ${f.fix}`,
        ].join('\n'),
      ),
      ...skipped.map((k) => `SKIPPED ${k.id}: ${k.reason}`),
      `${counts.error} error, ${counts.warning} warning, ${counts.info} info finding(s); failing on ${failOn}: ${failing.length}.`,
    ].join('\n');
    out(json, { failOn, failing: failing.map((f) => f.id), counts, findings, skipped }, text);
    return failing.length ? 1 : 0;
  },
};
