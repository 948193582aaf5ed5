/**
 * Load from finance: CSV exports share a bounded pool and the next one is told "busy" within the wait
 * (no connection of its own, no endless queue); one reconciliation at a time, a second refused at once;
 * starting one is not a reader's right.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import type { Kysely } from 'kysely';
import { poolOf } from '@/db/connect';
import type { KontorDatabase } from '@/db/types';
import { KontorDbError } from '@/db/errors';
import { connectLongRead } from '@/db/index';
import { roleCan } from '@/lib/auth/permissions';
import { openedCsv } from '@/lib/csv';
import { financeCsv } from '@/lib/domain/finance-csv';
import { runReconciliation, RUNNING_MESSAGE } from '@/lib/domain/reconcile/run';
import { guardFixture, instanceDb, type GuardFixture } from '@/test/guard';
import { TEST_ANCHOR } from '@/test/db';

let f: GuardFixture;
let longReads: Kysely<KontorDatabase>;
let pool: pg.Pool;
before(async () => {
  f = await guardFixture();
  longReads = await instanceDb(f, { max: 2, connectionTimeoutMillis: 300 });
  pool = poolOf(longReads)!;
  await runReconciliation(f.db, { mode: 'full', startedBy: 'test' });
});
after(async () => {
  await longReads?.destroy();
  await f?.close();
});

const exportFindings = async () => {
  const { body } = await financeCsv('statement-users', {}, f.ctx.finance, {
    db: f.db, connect: () => connectLongRead(pool), today: TEST_ANCHOR,
  });
  return openedCsv(body);
};

test('exports beyond the pool\'s size are told Kontor is busy within the wait; once one ends, the next runs', async () => {
  const open = [await exportFindings(), await exportFindings()];
  const t0 = performance.now();
  const third = await exportFindings().then(() => null, (e: unknown) => e);
  assert.ok(third instanceof KontorDbError && third.kind === 'busy', String(third));
  assert.match(third.message, /busy/);
  assert.ok(performance.now() - t0 < 2000, 'told within the wait, not queued');
  assert.equal(pool.totalCount, 2, 'no connection beyond the pool');
  await open[0].cancel();
  const text = await new Response(await exportFindings()).text();
  assert.match(text, /^user_id,email,/);
  await open[1].cancel();
});

test('a second reconciliation while one runs is refused at once, holding no connection', async () => {
  const runs = await instanceDb(f, { max: 4 });
  try {
    const results = await Promise.allSettled([
      runReconciliation(runs, { mode: 'full', startedBy: 'test' }),
      runReconciliation(runs, { mode: 'full', startedBy: 'test' }),
    ]);
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(refused.length, 1, JSON.stringify(results.map((r) => r.status)));
    const err = (refused[0] as PromiseRejectedResult).reason;
    assert.ok(err instanceof KontorDbError && err.kind === 'busy' && err.message === RUNNING_MESSAGE, String(err));
  } finally {
    await runs.destroy();
  }
});

test('support reads the reconciliation but may not start one', () => {
  assert.ok(roleCan('support', 'credits.read'));
  assert.ok(!roleCan('support', 'credits.reconcile'));
  assert.ok(roleCan('finance', 'credits.reconcile') && roleCan('admin', 'credits.reconcile'));
});
