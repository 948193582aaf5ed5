import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { read } from '@/db/index';
import {
  blockingTrees, getWraparound, listBusySessions, listConnectionGroups, listSequencesNearMax, type SessionRow,
} from '@/lib/inspect/activity';
import { warmDemo, type DemoCopy } from '@/test/warm-demo';

const session = (pid: number, blockedBy: number[] = []): SessionRow => ({
  pid, blockedBy, role: 'r', application: 'a', client: null, state: 'active', waitEvent: null,
  querySeconds: 1, transactionSeconds: 1, query: 'q',
});

describe('blockingTrees', () => {
  test('who blocks whom, as trees rooted at sessions that wait for nobody', () => {
    const trees = blockingTrees([session(1), session(2, [1]), session(3, [2]), session(4, [1]), session(5)]);
    assert.deepEqual(trees.map((t) => [t.session.pid, t.waiting.map((w) => [w.session.pid, w.waiting.map((x) => x.session.pid)])]),
      [[1, [[2, [3]], [4, []]]]]);
  });
  test('a cycle is still shown, cut where it closes', () => {
    const trees = blockingTrees([session(7, [8]), session(8, [7])]);
    assert.equal(trees.length, 1);
    assert.equal(trees[0].session.pid, 7);
    assert.deepEqual(trees[0].waiting.map((w) => [w.session.pid, w.waiting.length]), [[8, 0]]);
  });
});

for (const major of [17, 15] as const) {
  describe(`activity on PostgreSQL ${major}`, () => {
    let d: DemoCopy;
    before(async () => { d = await warmDemo(major); });
    after(() => d.close());
    const r = <T,>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, d.db);

    test('a lock wait shows as a tree, an open transaction as idle in transaction', async () => {
      const holder = new pg.Client({ connectionString: d.t.url, application_name: 'test-holder' });
      const waiter = new pg.Client({ connectionString: d.t.url, application_name: 'test-waiter' });
      await holder.connect();
      await waiter.connect();
      try {
        await holder.query('begin');
        await holder.query('lock table public.workers in access exclusive mode');
        const waiting = waiter.query('select count(*) from public.workers');
        const holderPid = (await holder.query('select pg_backend_pid() as p')).rows[0].p;
        let sessions: SessionRow[] = [];
        for (let i = 0; i < 50; i++) {
          sessions = await r((trx) => listBusySessions(trx));
          if (sessions.some((s) => s.blockedBy.includes(holderPid))) break;
          await new Promise((res) => setTimeout(res, 100));
        }
        const trees = blockingTrees(sessions);
        const tree = trees.find((t) => t.session.pid === holderPid)!;
        assert.equal(tree.session.state, 'idle in transaction');
        assert.deepEqual(tree.waiting.map((w) => w.session.application), ['test-waiter']);
        assert.match(tree.waiting[0].session.waitEvent ?? '', /^Lock/);
        const groups = await r((trx) => listConnectionGroups(trx));
        assert.ok(groups.some((g) => g.application === 'test-waiter' && g.state === 'active' && g.count === 1));
        await holder.query('rollback');
        await waiting;
      } finally {
        await holder.end();
        await waiter.end();
      }
    });

    test('the planted sequence is the one nearest its maximum', async () => {
      const seqs = await r((trx) => listSequencesNearMax(trx, { limit: 5 }));
      assert.equal(`${seqs[0].schema}.${seqs[0].name}`, 'public.payments_order_number_seq');
      assert.equal(seqs[0].maxValue, '2147483647');
      assert.ok(seqs[0].used > 0.95 && seqs[0].used < 0.97);
      assert.ok(seqs.slice(1).every((s) => s.used < 0.5));
      const near = await r((trx) => listSequencesNearMax(trx, { minUsed: 0.75 }));
      assert.equal(near.length, 1);
    });

    test('a bigint limit reads exactly; a full-range bigint sequence is not read at all', async () => {
      await sql`create sequence public.t_seq_near_max as bigint maxvalue 9223372036854775806 start 9223372036854775000`.execute(d.db);
      await sql`create sequence public.t_seq_full as bigint`.execute(d.db);
      try {
        await sql`select nextval('public.t_seq_near_max'), nextval('public.t_seq_full')`.execute(d.db);
        const seqs = await r((trx) => listSequencesNearMax(trx, { limit: 200 }));
        const near = seqs.find((s) => s.name === 't_seq_near_max');
        assert.equal(near?.maxValue, '9223372036854775806');
        assert.equal(near?.lastValue, '9223372036854775000');
        assert.equal(seqs.find((s) => s.name === 't_seq_full'), undefined);
      } finally {
        await sql`drop sequence public.t_seq_near_max, public.t_seq_full`.execute(d.db);
      }
    });

    test('wraparound headroom matches age(datfrozenxid)', async () => {
      const w = await r((trx) => getWraparound(trx));
      const truth = (await sql<{ a: number }>`select age(datfrozenxid)::int as a from pg_database where datname = current_database()`.execute(d.db)).rows[0].a;
      assert.ok(Math.abs(w.xidAge - truth) <= 2);
      assert.ok(w.xidUsed > 0 && w.xidUsed < 0.01);
      assert.equal(w.oldestTables.length, 5);
    });
  });
}
