/**
 * Finance on the large demo (`--scale`: 1M users, ~10M ledger rows, 2M tasks): a full reconciliation
 * beside a bare `GROUP BY user_id` over the ledger (target: within 1.5x), and an incremental run after
 * 10,000 new ledger entries (target: under 1 s). The new entries come in +1/-1 pairs on existing
 * users, through the product's own trigger, so balances are unchanged and the database stays
 * comparable for the next run (it grows by 10,000 rows per benchmark run).
 */
import { Kysely } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '@/db/migrate';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import type { BenchContext } from '@/bench/types';
import { createDb } from '@/db/connect';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Each full run over the bare run before it, as the range "1.12x-1.31x". */
const ratios = (full: number[], bare: number[]) => {
  const r = full.map((x, i) => x / bare[i]).sort((a, b) => a - b);
  return `${r[0].toFixed(2)}x-${r[r.length - 1].toFixed(2)}x`;
};

export async function run(ctx: BenchContext) {
  // A variable specifier, as support's bench: bench/scale.ts belongs to another issue.
  const scaleModule = '@/bench/scale';
  const { scaleDemoUrl } = (await import(scaleModule)) as { scaleDemoUrl: () => Promise<string> };
  const url = await scaleDemoUrl();
  const db = createDb(url, { max: 3 });
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  try {
    const { error } = await migrateToLatest(db as unknown as Kysely<unknown>);
    if (error) throw error;
    const { rows: [{ n }] } = await raw.query<{ n: string }>(`select count(*)::text as n from public.credits_ledger`);

    // Alternated rep by rep, so that a change in this shared machine's load falls on both sides alike.
    const bare: number[] = [];
    const full: number[] = [];
    let found = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await raw.query(`select user_id, sum(amount), count(*) from public.credits_ledger group by user_id`);
      bare.push(performance.now() - t0);
      const r = await runReconciliation(db, { mode: 'full', strategy: 'parallel-lanes', startedBy: 'bench', lanes: 3 }); // as the CLI runs it
      full.push(r.ms);
      found = r.findings.length;
    }
    ctx.log({
      name: 'finance: full reconciliation', kind: 'cli', kontorMs: median(full), sqlMs: median(bare), reps: 5,
      note: `${Number(n).toLocaleString('en')} ledger rows, ${found} discrepancies; SQL: bare GROUP BY user_id over the ledger, alternating with the full run; each pair ${ratios(full, bare)}; target within 1.5x`,
    });

    const incremental: number[] = [];
    let read = 0;
    for (let i = 0; i < 3; i++) {
      await raw.query(`
        insert into public.credits_ledger (user_id, amount, type, description, created_by)
        select u.id, a.amount, 'manual', 'bench: finance', 'bench'
          from (select id from public.users where status = 'active' order by id offset ${i * 5000} limit 5000) u
          cross join (values (1.00), (-1.00)) a(amount)`);
      const r = await runReconciliation(db, { mode: 'incremental', startedBy: 'bench' });
      incremental.push(r.ms);
      read = r.entriesRead;
    }
    ctx.log({
      name: 'finance: incremental reconciliation after 10,000 new entries', kind: 'cli', kontorMs: median(incremental), sqlMs: null, reps: 3,
      note: `${read.toLocaleString('en')} entries read (checkpoints for the rest); target < 1000 ms`,
    });
  } finally {
    await raw.end();
    await db.destroy();
  }
}
