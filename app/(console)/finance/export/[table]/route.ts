/**
 * GET /finance/export/<table>?<the page's parameters>: the table as CSV, streamed from a server-side
 * cursor with no row cap. Same capability as the pages (credits.read), checked here. Cursors run on the
 * bounded long-read pool: when all its connections are exporting, the answer is 503 "busy, try again".
 */
import { z } from 'zod';
import { connectLongRead, getDb, getLongReadPool } from '@/db/index';
import { missingConcepts, pageContext } from '@/app/(console)/_lib/context';
import { csvDownload } from '@/lib/csv';
import { CSV_TABLES, financeCsv } from '@/lib/domain/finance-csv';
import { FINANCE_CONCEPTS, financeToday } from '@/app/(console)/finance/_lib/context';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ table: string }> }) {
  const ctx = await pageContext('credits.read');
  const table = z.enum(CSV_TABLES).safeParse((await params).table);
  if (!table.success) return new Response('Unknown table.', { status: 404 });
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const { mapping } = ctx;
  const missing = missingConcepts(ctx, FINANCE_CONCEPTS);
  if (missing.length) return new Response(`This database lacks: ${missing.join(', ')}.`, { status: 404 });
  const { pool } = getLongReadPool();
  try {
    // Parsed before the download starts: a malformed run id is a 400, not a broken file.
    return await csvDownload(async () => financeCsv(table.data, search, ctx, { db: getDb(), connect: () => connectLongRead(pool), today: await financeToday(mapping) }));
  } catch (err) {
    if (err instanceof z.ZodError) return new Response('Check the parameters: a run id is a positive number.', { status: 400 });
    throw err;
  }
}
