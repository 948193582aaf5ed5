/**
 * GET /export/<payments|tasks|audit>?<the page's parameters>: the list as CSV, streamed from a
 * server-side cursor with no row cap, on the bounded long-read pool (all its connections exporting:
 * 503, try again), as the finance exports. The page's capability, checked here.
 */
import { z } from 'zod';
import { connectLongRead, getDb, getLongReadPool } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { csvDownload } from '@/lib/csv';
import { LIST_CSV_CAPABILITY, LIST_CSVS, listCsv } from '@/lib/domain/list-csv';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ list: string }> }) {
  const list = z.enum(LIST_CSVS).safeParse((await params).list);
  if (!list.success) return new Response('Unknown list.', { status: 404 });
  const ctx = await pageContext(LIST_CSV_CAPABILITY[list.data]);
  // The task list needs a task queue this database has (the page says so; the export answers 404).
  if (list.data === 'tasks' && !ctx.check.available.includes('tasks')) return new Response('This database has no task queue Kontor can read.', { status: 404 });
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const { pool } = getLongReadPool();
  return csvDownload(() => listCsv(list.data, search, ctx, { db: getDb(), connect: () => connectLongRead(pool) }));
}
