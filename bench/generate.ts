/**
 * The benchmark's schema: 5,000 tables in 50 schemas, each with a primary key and two secondary
 * indexes (15,000 indexes), row level security and one policy (5,000 policies), a few rows each,
 * Kontor's own schema, pg_stat_statements and one snapshot. Built in batches: one transaction
 * creating thousands of tables would run out of lock slots.
 */
import pg from 'pg';

export const BENCH_SHAPE = { tables: 5000, schemas: 50, indexesPerTable: 3, policiesPerTable: 1 } as const;
export const BENCH_COMMENT = `kontor bench v1 ${BENCH_SHAPE.tables} tables`;

/** How many tables, in how many schemas: the benchmark's 5,000, or fewer for a test (200 at least: the statement history reads tables 1 to 200). */
export interface BenchShape { tables: number; schemas: number }

export async function generateBenchSchema(url: string, log: (line: string) => void, shape: BenchShape = BENCH_SHAPE): Promise<void> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    await c.query(`
      create extension if not exists pg_stat_statements;
      do $$ begin
        if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
      end $$;
      create schema if not exists auth;
      create or replace function auth.uid() returns uuid language sql stable
        as $f$ select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $f$;`);
    const batch = 250;
    for (let from = 1; from <= shape.tables; from += batch) {
      await c.query(`
        do $$
        declare i int; s text; t text;
        begin
          for i in ${from}..${Math.min(from + batch - 1, shape.tables)} loop
            s := 'app_' || lpad((i % ${shape.schemas})::text, 2, '0');
            t := 'table_' || lpad(i::text, 5, '0');
            execute format('create schema if not exists %I', s);
            execute format('create table %I.%I (id bigint generated always as identity primary key, owner_id uuid not null,
                            status text not null, created_at timestamptz not null default now(), body text)', s, t);
            execute format('create index %I on %I.%I (owner_id)', t || '_owner_idx', s, t);
            execute format('create index %I on %I.%I (status, created_at)', t || '_status_idx', s, t);
            execute format('alter table %I.%I enable row level security', s, t);
            execute format('create policy %I on %I.%I for select to authenticated using ((select auth.uid()) = owner_id)', 'owner reads', s, t);
            execute format('insert into %I.%I (owner_id, status, body) select md5(g::text)::uuid, (array[''new'', ''done''])[1 + g %% 2],
                            repeat(''x'', g * 10) from generate_series(1, %s) g', s, t, 1 + i % 40);
          end loop;
        end $$`);
      log(`  tables ${Math.min(from + batch - 1, shape.tables)} of ${shape.tables}`);
    }
    await c.query('analyze');
    // Some statement history, as a live product has.
    for (let i = 1; i <= 200; i++) {
      await c.query(`select count(*) from app_${String(i % shape.schemas).padStart(2, '0')}.table_${String(i).padStart(5, '0')} where owner_id = $1`, ['00000000-0000-4000-8000-000000000000']);
    }
  } finally {
    await c.end();
  }
}
