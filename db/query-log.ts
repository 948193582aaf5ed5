/**
 * Bench only (`KONTOR_QUERY_LOG=<file>`): every statement a pool's connections send, appended to a file
 * as one JSON line each, with which connection sent it. The whole-page benchmark (bench/pages.bench.ts)
 * replays one request's statements with psql, each connection's in its order and transactions, to set
 * the SQL alone beside the page's time. Never set it in production: parameters are written as sent.
 */
import 'server-only';
import fs from 'node:fs';
import type pg from 'pg';

/** One line of the log. */
export interface LoggedQuery {
  /** Which connection sent it (a number per process, in order of connecting). */
  c: number;
  sql: string;
  params: unknown[];
}

let connections = 0;

function jsonValue(_key: string, v: unknown) {
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/** Makes every connection `pool` opens from now on append what it sends to `file`. */
export function logQueriesTo(pool: pg.Pool, file: string): void {
  pool.on('connect', (client) => {
    const c = ++connections;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [first, second] = args;
      const text = typeof first === 'string' ? first : (first as { text?: string } | null)?.text;
      if (text) {
        const params = Array.isArray(second) ? second : ((first as { values?: unknown[] }).values ?? []);
        fs.appendFileSync(file, `${JSON.stringify({ c, sql: text, params } satisfies LoggedQuery, jsonValue)}\n`);
      }
      return query(...args);
    };
  });
}
