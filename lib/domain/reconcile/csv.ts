/**
 * CSV exports, streamed: rows come from a server-side cursor (pg-query-stream) on a connection of
 * their own, in a READ ONLY transaction, and leave as they arrive, so an export has no row cap and
 * holds at most one batch in memory. The connection is not the pool's: a long download must not hold
 * one of the console's few pooled connections.
 */
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { CompiledQuery } from 'kysely';

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is prefixed with '. Numbers stay numbers. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = Array.isArray(value) ? value.join(' ') : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** A fixed list of rows (a period's days, a few hundred models) as a stream. */
export function csvFromRows<R>(header: string[], rows: R[], toCells: (r: R) => unknown[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = -1;
  return new ReadableStream({
    pull(controller) {
      if (i === -1) controller.enqueue(enc.encode(csvLine(header)));
      else if (i < rows.length) controller.enqueue(enc.encode(rows.slice(i, i + 500).map((r) => csvLine(toCells(r))).join('')));
      else return controller.close();
      i = i === -1 ? 0 : i + 500;
    },
  });
}

export interface CursorCsv<R> {
  url: string;
  query: CompiledQuery<R>;
  header: string[];
  toCells: (r: R) => unknown[];
  statementTimeoutMs?: number;
  batchSize?: number;
}

/** Streams a query's rows as CSV through a cursor; the connection closes when the stream ends or is cancelled. */
export function csvFromCursor<R>(opts: CursorCsv<R>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const client = new pg.Client({ connectionString: opts.url, application_name: 'kontor csv' });
  let rows: AsyncIterator<R> | null = null;
  let stream: QueryStream | null = null;
  let closed = false;
  const finish = async (ok: boolean) => {
    if (closed) return;
    closed = true;
    stream?.destroy();
    await client.query(ok ? 'commit' : 'rollback').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  return new ReadableStream({
    async start(controller) {
      try {
        await client.connect();
        await client.query('begin read only');
        await client.query(`select set_config('statement_timeout', $1, true), set_config('application_name', 'kontor csv', true)`,
          [String(opts.statementTimeoutMs ?? 600_000)]);
        stream = client.query(new QueryStream(opts.query.sql, opts.query.parameters as unknown[], { batchSize: opts.batchSize ?? 1000 }));
        rows = stream[Symbol.asyncIterator]() as AsyncIterator<R>;
        controller.enqueue(enc.encode(csvLine(opts.header)));
      } catch (err) {
        await finish(false);
        controller.error(err);
      }
    },
    async pull(controller) {
      try {
        let chunk = '';
        for (let i = 0; i < 500; i++) {
          const next = await rows!.next();
          if (next.done) {
            if (chunk) controller.enqueue(enc.encode(chunk));
            await finish(true);
            return controller.close();
          }
          chunk += csvLine(opts.toCells(next.value));
        }
        controller.enqueue(enc.encode(chunk));
      } catch (err) {
        await finish(false);
        controller.error(err);
      }
    },
    async cancel() {
      await finish(false);
    },
  });
}
