/**
 * Payments, tasks and audit-log CSVs (issue 19): the same rows in the same order as their pages'
 * read models with the same URL parameters, unpaged; the page's capability; formula-safe cells.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { poolOf } from '@/db/connect';
import type { KontorDatabase } from '@/db/types';
import { read } from '@/db/index';
import { listCsv, PAYMENTS_SPEC, TASKS_SPEC, taskFilterOf, type ListCsvContext } from '@/lib/domain/list-csv';
import { listPayments, parsePaymentFilters } from '@/lib/domain/payments';
import { listTasks, parseTaskSearch } from '@/lib/domain/tasks/list';
import { listAudit } from '@/lib/guard/audit-list';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { requeueTask } from '@/lib/edits/tasks';
import { parseTableQuery } from '@/lib/table-query';
import { guardFixture, instanceDb, type GuardFixture } from '@/test/guard';
import { parseCsv } from '@/test/csv';
import { TEST_ANCHOR } from '@/test/db';

let f: GuardFixture;
let io: ListCsvContext;
let longReads: Kysely<KontorDatabase>;
before(async () => {
  f = await guardFixture();
  await sql`comment on database ${sql.id(f.tdb.name)} is ${sql.lit(`kontor demo 1 built ${TEST_ANCHOR.toISOString()}`)}`.execute(f.admin);
  longReads = await instanceDb(f, { max: 2 });
  io = { db: f.db, connect: () => poolOf(longReads)!.connect() };
});
after(async () => {
  await longReads?.destroy();
  await f?.close();
});


async function csv(list: Parameters<typeof listCsv>[0], params: Record<string, string>, ctx = f.ctx.admin) {
  const { body } = await listCsv(list, params, ctx, io);
  const [header, ...rows] = parseCsv(await new Response(body).text());
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

test('payments: every row the filters match, in the page order (page after page)', async () => {
  const params = { status: 'completed', sort: 'amount', dir: 'asc' };
  const rows = await csv('payments', params);
  const q = parseTableQuery(params, PAYMENTS_SPEC);
  const { filters } = parsePaymentFilters(params);
  const pages = await read((trx) => listPayments(trx, f.ctx.admin, filters, { sort: q.sort.id, desc: q.sort.desc, limit: 100_000, offset: 0 }), {}, f.db);
  assert.ok(rows.length > 100, `${rows.length} rows`);
  assert.deepEqual(rows.map((r) => r.id), pages.map((p) => p.id));
  assert.deepEqual(rows.map((r) => r.amount), pages.map((p) => p.amount));
  assert.ok(rows.every((r) => r.status === 'completed'));
});

test('tasks: the filters and the search of the page, unpaged', async () => {
  const params = { status: 'failed', sort: 'created', dir: 'asc' };
  const rows = await csv('tasks', params, f.ctx.support);
  const q = parseTableQuery(params, TASKS_SPEC);
  const page = await read((trx) => listTasks(trx, f.ctx.admin.mapping, { filter: taskFilterOf(params).filter, search: parseTaskSearch(q.q), sort: q.sort.id, desc: q.sort.desc, limit: 100_000, offset: 0 }), {}, f.db);
  assert.ok(rows.length > 10);
  assert.deepEqual(rows.map((r) => r.id), page.rows.map((t) => t.id));
  const one = await csv('tasks', { q: rows[3].id }, f.ctx.support);
  assert.deepEqual(one.map((r) => r.id), [rows[3].id]);
});

test('audit: a reason a spreadsheet would run as a formula is written as text', async () => {
  const { rows: [t] } = await sql<{ id: string }>`select id::text from public.tasks where status = 'Failed' order by id limit 1`.execute(f.db);
  const reason = '=HYPERLINK("http://evil.example","rerun") worker died, customer waiting';
  const { token } = await previewEdit(requeueTask, f.staff.admin, { taskId: t.id }, f.opts);
  await commitEdit(requeueTask, f.staff.admin, { taskId: t.id, reason }, token, crypto.randomUUID(), f.opts);
  const rows = await csv('audit', { action: 'tasks.requeue' }, f.ctx.finance);
  const page = await read((trx) => listAudit(trx, f.staff.finance, { staff: undefined, action: 'tasks.requeue' }, { limit: 1000, offset: 0, desc: true }), {}, f.db);
  assert.deepEqual(rows.map((r) => r.id), page.rows.map((r) => r.id));
  const mine = rows.find((r) => r.target_id === t.id)!;
  assert.equal(mine.reason, `'${reason}`);
  assert.match(mine.changes, /status: "Failed" -> "Queued"/);
});

test('each list needs its page\'s capability', async () => {
  await assert.rejects(csv('audit', {}, f.ctx.support), /audit.read/);
  await assert.rejects(csv('payments', {}, f.ctx.engineer), /payments.read/);
  await assert.rejects(csv('tasks', {}, f.ctx.finance), /tasks.read/);
});
