/**
 * Support on the large demo (`--scale`: 1M users, 10M ledger rows, 2M tasks): search by email prefix,
 * search by user id, and the user page's reads, each as Kontor runs it (read-only transaction,
 * mapping, shaping) and as its SQL alone (the same statements and parameters on a bare pg client).
 * Targets: 100 ms for a search, 300 ms for the user page.
 * Needs bench/scale.ts (scaleDemoUrl), which builds the large demo once under .kontor/bench-scale.
 */
import { Kysely, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { read } from '@/db/index';
import { migrateToLatest } from '@/db/migrate';
import { loadStaff } from '@/lib/auth/staff';
import { search } from '@/lib/domain/search';
import { getUserProfile, listUserAudit, listUserLedger, listUserTasks } from '@/lib/domain/users';
import { listPayments } from '@/lib/domain/payments';
import { listUserNotes } from '@/lib/domain/notes';
import { readReplay, type BenchContext } from '@/bench/types';
import { createDb } from '@/db/connect';
import { activeMapping, validateMapping } from '@/lib/mapping';

const REPS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function run(ctx: BenchContext) {
  // A variable specifier: bench/scale.ts is written by another issue and may not exist yet.
  const scaleModule = '@/bench/scale';
  const { scaleDemoUrl } = (await import(scaleModule)) as { scaleDemoUrl: () => Promise<string> };
  const url = await scaleDemoUrl();
  const captured: CompiledQuery[] = [];
  let capture = false;
  const db = createDb(url, {
    max: 2,
    log: (e) => {
      if (capture && e.level === 'query') captured.push(e.query);
    },
  });
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  try {
    // The large demo may predate support's tables (kontor.user_notes): Kontor's own schema only.
    const { error } = await migrateToLatest(db as unknown as Kysely<unknown>);
    if (error) throw error;
    // An admin reads every section of the user page (finance, for one, may not read notes).
    const s = (await raw.query<{ user_id: string; email: string }>(`select user_id::text, email from kontor.staff where role = 'admin' limit 1`)).rows[0];
    const staff = await loadStaff(db, { userId: s.user_id, email: s.email });
    if (!staff) throw new Error('no admin staff in the large demo');
    const { rows } = await raw.query<{ id: string; email: string; n: string }>(
      `select u.id::text, u.email, (select reltuples::bigint::text from pg_class where oid = 'public.users'::regclass) as n
         from public.users u order by u.id offset 500000 limit 1`,
    );
    const user = rows[0];
    const read_ = { staff, mapping: (await validateMapping(db, activeMapping())).mapping };
    const page = { limit: 10, offset: 0 };
    const cases: [string, () => Promise<unknown>, number][] = [
      ['page /users: search by email prefix', () => read((trx) => search(trx, read_, user.email.slice(0, 12)), {}, db), 100],
      ['page /users: search by user id', () => read((trx) => search(trx, read_, user.id), {}, db), 100],
      ['page /users/[id]: profile, payments, ledger, tasks, notes, audit', () => Promise.all([
        read((trx) => getUserProfile(trx, read_, user.id), {}, db),
        read((trx) => listPayments(trx, read_, { user: user.id }, { sort: 'created', desc: true, ...page }), {}, db),
        read((trx) => listUserLedger(trx, read_, user.id, page), {}, db),
        read((trx) => listUserTasks(trx, read_, user.id, page), {}, db),
        read((trx) => listUserNotes(trx, read_, user.id, page), {}, db),
        read((trx) => listUserAudit(trx, read_, user.id), {}, db),
      ]), 300],
    ];
    for (const [name, fn, target] of cases) {
      const kontorMs = await time(fn);
      captured.length = 0;
      capture = true;
      await fn();
      capture = false;
      const replay = readReplay(raw, captured);
      const sqlMs = await time(replay.run);
      ctx.log({ name, kind: 'page', kontorMs, sqlMs, reps: REPS, note: `${user.n} users; ${replay.statements.length} statement(s); target < ${target} ms` });
    }
  } finally {
    await raw.end();
    await db.destroy();
  }
}
