/**
 * The whole-page table of BENCHMARKS.md ("## Whole pages"), written by bench/pages.bench.ts when it
 * ran every page; the rest of the file is left as it is.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { PageResult } from '@/bench/pages.bench';

const HEADING = '## Whole pages over HTTP (issue 22)';
const ms = (v: number | null) => (v === null ? '–' : Math.round(v).toLocaleString('en'));

export function writePagesSection(results: PageResult[], o: { started: Date; load0: number[]; load1: number[]; runs: number; warmups: number; sqlReps: number }) {
  const cpu = os.cpus();
  const date = execFileSync('date', { encoding: 'utf8' }).trim();
  const rows = results.map((r) => {
    const db = r.database === 'demo' ? 'demo, bench size' : '5,000 tables';
    const result = r.failure ? `**failed**: ${r.failure}` : 'ok';
    return `| ${r.name.replace(/^http /, '').replace(/ \(5,000 tables\)$/, '')} | ${db} | ${ms(r.p50)} | ${ms(r.max)} | ${ms(r.sqlMs)} | ${r.statements} | ${r.load[0].toFixed(1)}–${r.load[1].toFixed(1)} | ${result}${r.sqlNote ? ` (SQL: ${r.sqlNote.replace(/\|/g, '\\|')})` : ''} |`;
  });
  const failed = results.filter((r) => r.failure);
  const jobs = results.filter((r) => r.jobsMs > 0);
  const slowest = [...results].filter((r) => r.p50 !== null).sort((a, b) => b.p50! - a.p50!).slice(0, 3);
  const section = `${HEADING}

\`npm run bench\` (bench/pages.bench.ts), or \`BENCH_ONLY=pages npm run bench\` for this table alone. Written by the run.

- **Date:** ${date} (started ${o.started.toISOString().slice(11, 19)} UTC)
- **Machine:** ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}; load average (1, 5, 15 min) ${o.load0.map((x) => x.toFixed(2)).join(', ')} at the start, ${o.load1.map((x) => x.toFixed(2)).join(', ')} at the end
- **Method:** \`next start\` (the production build) signed in as admin; per page ${o.warmups} warm-ups, then ${o.runs} runs one after another, time to the last byte of the streamed HTML; p50 and max. The statements of the last run (logged by the server, \`KONTOR_QUERY_LOG\`) replayed alone by psql, connection by connection in one session, parameters inlined, reads in their read-only transactions with their settings, writes rolled back; timed on the second of two passes, median of ${o.sqlReps}. Sections run side by side on the pool: the page can take less than its SQL. Load: the 1-minute load average before and after the page's runs. A run ending in the error boundary, an error status or a shown timeout marks the page failed. A page whose figures a background job computes and stores (the queue's snapshot, a day's statement lines, a custom period's usage) is opened once and its jobs waited for before the warm-ups: it is timed as staff see it once they are done, with the stored figures and their age.

| page | database | p50 ms | max ms | its SQL alone ms | statements | load | result |
|---|---|---:|---:|---:|---:|---|---|
${rows.join('\n')}

Background jobs a first view started, waited for: ${jobs.length ? jobs.map((r) => `${r.name.replace(/^http /, '')} ${Math.round(r.jobsMs / 1000)} s`).join('; ') : 'none'}.

Failed: ${failed.length ? failed.map((r) => `${r.name.replace(/^http /, '')} (${r.failure})`).join('; ') : 'none'}. Slowest: ${slowest.map((r) => `${r.name.replace(/^http /, '')} ${ms(r.p50)} ms`).join(', ')}.
`;
  const md = fs.existsSync('BENCHMARKS.md') ? fs.readFileSync('BENCHMARKS.md', 'utf8') : '# Benchmarks\n';
  const at = md.indexOf(HEADING);
  let next: string;
  if (at >= 0) {
    const end = md.indexOf('\n## ', at + HEADING.length);
    next = md.slice(0, at) + section + (end >= 0 ? md.slice(end) : '');
  } else {
    // First among the sections after the generated table (scripts/bench.ts keeps them).
    const first = md.indexOf('\n## ');
    next = first >= 0 ? `${md.slice(0, first)}\n\n${section}${md.slice(first)}` : `${md}\n${section}`;
  }
  fs.writeFileSync('BENCHMARKS.md', next);
}
