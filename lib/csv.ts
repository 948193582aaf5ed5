/**
 * CSV exports, streamed: rows come from a server-side cursor (pg-query-stream) in a READ ONLY
 * transaction, and leave as they arrive, so an export has no row cap and holds at most one batch in
 * memory. The connection comes from `connect` (the console's bounded long-read pool, never the pages'
 * pool): when every one is taken, the export is told Kontor is busy rather than opening one more.
 */
import 'server-only';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { CompiledQuery } from 'kysely';
import { readTransactionStart } from '@/db/index';
import { KontorDbError } from '@/db/errors';

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

/** Where a cursor's connection comes from, and how it goes back (`release(true)`: discard it). */
export type CsvConnect = () => Promise<{ query: pg.ClientBase['query']; release: (destroy?: boolean) => void }>;

export interface CursorCsv<R> {
  connect: CsvConnect;
  query: CompiledQuery<R>;
  header: string[];
  toCells: (r: R) => unknown[];
  statementTimeoutMs?: number;
  batchSize?: number;
}

/** Streams a query's rows as CSV through a cursor; the connection closes when the stream ends or is cancelled. */
export function csvFromCursor<R>(opts: CursorCsv<R>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let client: Awaited<ReturnType<CsvConnect>> | null = null;
  let rows: AsyncIterator<R> | null = null;
  let stream: QueryStream | null = null;
  let closed = false;
  const finish = async (ok: boolean) => {
    if (closed) return;
    closed = true;
    stream?.destroy();
    if (!client) return;
    // A cancelled cursor leaves the connection mid-query: discard it rather than return it to the pool.
    const ended = await client.query(ok ? 'commit' : 'rollback').then(() => true, () => false);
    client.release(!ended || !ok);
  };
  return new ReadableStream({
    async start(controller) {
      try {
        client = await opts.connect();
        // The console's read transaction and settings (db/index.ts), with an export's longer timeout.
        await client.query(readTransactionStart({ statementTimeoutMs: opts.statementTimeoutMs ?? 600_000, applicationName: 'kontor csv' }));
        stream = client.query(new QueryStream(opts.query.sql, opts.query.parameters as unknown[], { batchSize: opts.batchSize ?? 1000 })) as unknown as QueryStream;
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

/**
 * Waits for a CSV stream's first chunk (its header, sent once the cursor is open), so that a route can
 * still answer with a status when the export cannot start (Kontor busy, the database down); then
 * returns a stream that replays that chunk and the rest.
 */
export async function openedCsv(body: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  const head = await reader.read();
  let sentHead = false;
  return new ReadableStream({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true;
        if (head.done) return controller.close();
        return controller.enqueue(head.value);
      }
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * An export as a download: its first rows read before the answer (openedCsv), so that a busy long-read
 * pool or a dead database is a 503 "try again" and a failed read a 500, never a download cut short.
 */
export async function csvDownload(open: () => Promise<{ filename: string; body: ReadableStream<Uint8Array> }>): Promise<Response> {
  try {
    const { filename, body } = await open();
    return new Response(await openedCsv(body), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${filename}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (err) {
    if (err instanceof KontorDbError) {
      const busy = err.kind === 'busy' || err.kind === 'unreachable';
      return new Response(err.message, { status: busy ? 503 : 500, headers: busy ? { 'retry-after': '10', 'cache-control': 'no-store' } : {} });
    }
    throw err;
  }
}
