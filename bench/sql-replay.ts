/**
 * Statements Kontor sent, written for psql with their parameters inlined, and timed there: what
 * "its SQL alone" means in BENCHMARKS.md (scripts/bench.ts for a server function, bench/pages.bench.ts
 * for a whole request).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { CompiledQuery } from 'kysely';

// eslint-disable-next-line no-restricted-properties -- the benchmark's own option: which psql to run
export const PSQL = process.env.PSQL ?? '/usr/bin/psql';

/** A literal for psql: the value Kysely would have bound as $n. */
export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (Array.isArray(v)) return literal(`{${v.map((x) => `"${String(x).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`);
  if (typeof v === 'object') return literal(JSON.stringify(v));
  return `'${String(v).replace(/'/g, "''")}'`;
}

/**
 * The statement with its parameters inlined, in one pass: a value is never searched again (a value
 * holding "$1"), and is inserted as it is (a string replacement would read "$'" in a regex as "the
 * text after the match").
 */
export function inline(q: Pick<CompiledQuery, 'sql' | 'parameters'>): string {
  return q.sql.replace(/\$(\d+)/g, (m, n: string) => (Number(n) >= 1 && Number(n) <= q.parameters.length ? literal(q.parameters[Number(n) - 1]) : m));
}

/** A read's BEGIN with its settings (db/index.ts sends them as one query), as psql sends it: one query (\;). */
export function oneQuery(sql: string): string {
  return `${sql.trim().replace(/;\s*$/, '').replace(/;\s*/g, ' \\; ')};`;
}

export interface SqlScript {
  setup: string;
  body: string;
  teardown: string;
}

export interface PsqlTiming {
  /** Sum of the body's statement times on the timed pass, in ms. */
  ms: number;
  /** Statements of the timed pass that failed (a statement timeout, and what its aborted transaction refused). */
  errors: string[];
}

/**
 * Runs a script with psql and sums its body's statement times (\timing), in ms. The first pass warms
 * this new backend's catalog caches (Kontor's pooled connection is warm too); only the second is
 * timed. The setup and teardown (BEGIN, COMMIT or ROLLBACK, what a replayed write must undo first) run
 * untimed. `stopOnError: false` goes on past a failing statement and reports it.
 */
export function psqlTime(url: string, file: string, script: SqlScript, { stopOnError = true } = {}): PsqlTiming {
  const r = spawnSync(PSQL, psqlArgs(url, file, script, stopOnError), { encoding: 'utf8', maxBuffer: 1 << 28 });
  return timingOf(r.status, r.stdout, r.stderr);
}

/**
 * psqlTime without blocking the event loop: for a run whose process also drains the cluster's log
 * (db/embedded.ts pipes the server's stderr). Blocked in spawnSync, it stops reading that pipe; a
 * replay that logs many errors then fills it, the backend waits to write its log, and psql waits for
 * the backend: neither ever returns.
 */
export function psqlTimeAsync(url: string, file: string, script: SqlScript, { stopOnError = true } = {}): Promise<PsqlTiming> {
  return new Promise((resolve, reject) => {
    const child = spawn(PSQL, psqlArgs(url, file, script, stopOnError), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve(timingOf(code, stdout, stderr));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function psqlArgs(url: string, file: string, { setup, body, teardown }: SqlScript, stopOnError: boolean): string[] {
  fs.writeFileSync(file, [setup, body, teardown, setup, '\\echo --timed--', '\\timing on', body, '\\timing off', teardown].join('\n'));
  return ['-X', '-q', '-v', `ON_ERROR_STOP=${stopOnError ? 1 : 0}`, '-d', url, '-f', file];
}

function timingOf(status: number | null, stdout: string, stderr: string): PsqlTiming {
  if (status !== 0) throw new Error(`psql failed: ${stderr.slice(0, 2000)}`);
  const timed = stdout.slice(Math.max(0, stdout.indexOf('--timed--')));
  const ms = [...timed.matchAll(/^Time: ([\d.]+) ms/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  // Both passes fail alike: the errors of one pass are half of them.
  const errors = [...stderr.matchAll(/ERROR: +(.*)$/gm)].map((m) => m[1]);
  return { ms, errors: errors.slice(errors.length / 2) };
}
