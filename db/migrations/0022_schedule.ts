import { sql, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';

/**
 * Kontor's schedule (issue 20) runs on pg-boss 10 (lib/schedule/engine.ts says why), installed here, by the
 * owner, in the `kontor` schema: its tables are job (partitioned, one partition per queue), archive,
 * queue, schedule, subscription and version, beside kontor.jobs (0014) with no clash: kontor.jobs stays
 * the run log people read, pg-boss's job table is the engine's queue.
 *
 * The runtime role cannot CREATE, so everything pg-boss would create at run time is made here: its schema
 * (its own construction plan, without the BEGIN/COMMIT: the migrator's transaction holds it), one queue
 * per scheduled job (a queue is a partition, i.e. DDL), and the queue its cron uses to send. Kontor runs it
 * with migrate off. A job added later needs its queue: the names reserved below for the alert rules and
 * webhook delivery save those a migration.
 * Frozen once landed: a change is a new migration.
 */
export const SCHEDULE_QUEUES = [
  'snapshot', 'ops-snapshot', 'stored-figures', 'reconcile-incremental', 'reconcile-full', 'advisors', 'check-alerts', 'deliver-webhooks',
] as const;

export async function up(db: Kysely<unknown>) {
  const plan = PgBoss.getConstructionPlans('kontor')
    .replace(/^\s*BEGIN;\s*$/m, '')
    .replace(/^\s*COMMIT;\s*$/m, '');
  await sql.raw(plan).execute(db);
  // One stately queue per job: at most one waiting and one running, so a cron tick or a "run now" that
  // finds one waiting adds nothing. A run whose runner dies is retried once its expiry passes.
  const options = JSON.stringify({ policy: 'stately', retryLimit: 2, retryDelay: 30, retryBackoff: false, expireInSeconds: 3600 });
  for (const name of SCHEDULE_QUEUES) await sql`select kontor.create_queue(${name}, ${options}::json)`.execute(db);
  await sql`select kontor.create_queue('__pgboss__send-it', ${JSON.stringify({ policy: 'standard' })}::json)`.execute(db);
  await sql`comment on table kontor.job is 'pg-boss 10: the schedule''s queue (one partition per scheduled job). Runs people read are in kontor.jobs.'`.execute(db);
  await sql`
    do $$ begin
      if exists (select 1 from pg_catalog.pg_roles where rolname = 'kontor_runtime') then
        grant select, insert, update, delete on kontor.job, kontor.archive, kontor.queue, kontor.schedule, kontor.subscription, kontor.version to kontor_runtime;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  for (const t of ['job', 'archive', 'schedule', 'subscription', 'queue', 'version']) await sql`drop table if exists ${sql.table(`kontor.${t}`)} cascade`.execute(db);
  await sql`drop function if exists kontor.create_queue(text, json)`.execute(db);
  await sql`drop function if exists kontor.delete_queue(text)`.execute(db);
  await sql`drop type if exists kontor.job_state`.execute(db);
}
