/**
 * `kontor detect [--json]`: which preset fits this database (or which concepts were found by structure,
 * where, why, and the tables that nearly were), and the mapping file to adjust and pass with
 * KONTOR_MAPPING. Reads the catalog and the planner's statistics only.
 */
import { out, type Command } from '@/cli/command';
import { detectMapping, type Detection } from '@/lib/mapping/detect';
import { CONCEPT_LABELS } from '@/lib/mapping/schema';

const pct = (x: number) => `${Math.max(0, Math.round(x * 100))}%`;

function describe(d: Detection): string {
  const lines: string[] = [];
  if (d.preset) {
    lines.push(`The ${d.preset} preset fits: every table and column it names exists. Use it with KONTOR_PRESET=${d.preset}.`);
    for (const f of d.found) lines.push(`  ${CONCEPT_LABELS[f.concept].padEnd(26)} ${f.table}`);
  } else {
    lines.push('No preset fits this database. Closest:');
    for (const s of d.scores.slice(0, 3)) {
      const missing = s.missing.slice(0, 4).join(', ') + (s.missing.length > 4 ? `, and ${s.missing.length - 4} more` : '');
      lines.push(`  ${s.preset.padEnd(14)} ${(s.score * 100).toFixed(0).padStart(3)}%  lacks ${missing}`);
    }
    lines.push(d.found.length
      ? 'Found by structure (score: the share of what the concept looks like that the table has):'
      : 'Found none of the concepts Kontor knows by their structure: the Database pages still work.');
    for (const f of d.found) {
      lines.push(`  ${CONCEPT_LABELS[f.concept].padEnd(26)} ${f.table} (${pct(f.score)}): ${f.reasons.join('; ')}`);
      for (const n of f.nearMisses) lines.push(`    not ${n.table} (${pct(n.points / n.max)}): ${n.reasons.join('; ')}`);
    }
    if (d.missed.length) lines.push('Not found:');
    for (const m of d.missed) lines.push(`  ${CONCEPT_LABELS[m.concept].padEnd(26)} ${m.why}`);
  }
  lines.push('', 'Mapping file (save it, adjust it, and pass it with KONTOR_MAPPING=path):', JSON.stringify(d.mapping, null, 2));
  return lines.join('\n');
}

export const detectCommand: Command = {
  summary: 'say which mapping preset fits this database, and print a mapping file to adjust',
  async run({ db, json }) {
    const d = await detectMapping(db);
    out(json, d, describe(d));
    return 0;
  },
};
