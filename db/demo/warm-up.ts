/**
 * The demo's read workload: a few hundred index-using queries, so that index-usage statistics look
 * like a database in service. Every index of the product schema is scanned except the planted
 * unused one (public.idx_payments_amount: nothing filters or sorts on payments.amount).
 *
 * Statistics do not survive CREATE DATABASE ... TEMPLATE, so tests run this again on their copy.
 */
import pg from 'pg';

type Row = Record<string, string>;

/** The build's ids: md5 of a key, shaped as a version-4 uuid (sql/00_cluster.sql, pg_temp.uuid). */
export const demoId = (keySql: string) => `overlay(overlay(md5(${keySql}) placing '4' from 13) placing '8' from 17)::uuid`;

interface Samples {
  users: Row[];
  payments: Row[];
  tasks: Row[];
  ledger: Row[];
  generations: Row[];
}

interface Probe {
  /** The index this query is meant to scan. */
  index: string;
  sql: string;
  params: (s: Samples) => unknown[][];
  /**
   * Indexes the planner prefers for the same query (a duplicate, a wider twin): dropped inside a
   * rolled-back transaction, so that this one gets its scans too.
   */
  hide?: string[];
}

const each = <T>(rows: T[], f: (r: T) => unknown[]) => rows.map(f);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const PROBES: Probe[] = [
  { index: 'subscription_tiers_pkey', sql: 'select * from public.subscription_tiers where id = $1',
    params: () => ['free', 'starter', 'pro', 'studio'].map((t) => [t]) },
  { index: 'task_cost_configs_pkey', sql: 'select * from public.task_cost_configs where task_type = $1',
    params: () => ['image_generation', 'video_travel_segment', 'lora_training'].map((t) => [t]) },
  { index: 'users_pkey', sql: 'select id, email, credits, tier_id from public.users where id = $1',
    params: (s) => each(s.users, (u) => [u.id]) },
  { index: 'users_email_key', sql: 'select id from public.users where email = $1',
    params: (s) => each(s.users, (u) => [u.email]) },
  { index: 'idx_users_email_lower', sql: 'select id, email from public.users where lower(email) like $1 limit 20',
    params: (s) => each(s.users, (u) => [`${u.email.slice(0, 4).toLowerCase()}%`]) },
  { index: 'idx_users_tier_id', sql: 'select count(*) from public.users where tier_id = $1',
    params: () => ['starter', 'pro', 'studio'].map((t) => [t]) },
  { index: 'idx_users_created_at', sql: 'select id, email from public.users order by created_at desc limit 25 offset $1',
    params: () => range(6).map((p) => [p * 25]) },

  { index: 'payments_pkey', sql: 'select * from public.payments where id = $1',
    params: (s) => each(s.payments, (p) => [p.id]) },
  { index: 'payments_provider_ref_key', sql: 'select id, status from public.payments where provider_ref = $1',
    params: (s) => each(s.payments, (p) => [p.provider_ref]) },
  { index: 'payments_order_id_key', sql: 'select id, status from public.payments where order_id = $1',
    params: (s) => each(s.payments, (p) => [p.order_id]) },
  { index: 'idx_payments_user_id', hide: ['payments_user_id_idx'],
    sql: 'select id, amount, status from public.payments where user_id = $1',
    params: (s) => each(s.users, (u) => [u.id]) },
  { index: 'payments_user_id_idx', hide: ['idx_payments_user_id'],
    sql: 'select count(*) from public.payments where user_id = $1',
    params: (s) => each(s.users, (u) => [u.id]) },
  { index: 'idx_payments_status_created_at',
    sql: 'select id, user_id, amount from public.payments where status = $1 order by created_at desc limit 25',
    params: () => ['failed', 'refunded', 'disputed', 'pending', 'created'].map((t) => [t]) },
  { index: 'idx_payments_created_at', sql: 'select id, status from public.payments order by created_at desc limit 50 offset $1',
    params: () => range(6).map((p) => [p * 50]) },
  { index: 'idx_payments_metadata', sql: 'select count(*) from public.payments where metadata @> $1::jsonb',
    params: () => [['{"kind": "subscription"}'], ['{"ip_country": "DE"}'], ['{"failure_code": "card_declined"}']] },

  { index: 'credits_ledger_pkey', sql: 'select * from public.credits_ledger where id = $1',
    params: (s) => each(s.ledger, (l) => [l.id]) },
  { index: 'idx_credits_ledger_user_created',
    sql: 'select amount, type, created_at from public.credits_ledger where user_id = $1 order by created_at desc limit 50',
    params: (s) => each(s.users, (u) => [u.id]) },
  { index: 'idx_credits_ledger_payment_id', sql: 'select id, amount, type from public.credits_ledger where payment_id = $1',
    params: (s) => each(s.payments, (p) => [p.id]) },
  { index: 'idx_credits_ledger_task_id', sql: 'select id, amount from public.credits_ledger where task_id = $1',
    params: (s) => each(s.tasks, (t) => [t.id]) },
  { index: 'idx_credits_ledger_created_at',
    sql: 'select user_id, amount, type from public.credits_ledger order by created_at desc limit 50 offset $1',
    params: () => range(6).map((p) => [p * 50]) },

  { index: 'workers_pkey', sql: 'select * from public.workers where id = $1',
    params: (s) => each(s.tasks.filter((t) => t.worker_id), (t) => [t.worker_id]) },
  { index: 'idx_workers_status_heartbeat',
    sql: `select id, last_heartbeat from public.workers where status = $1 order by last_heartbeat`,
    params: () => ['active', 'inactive', 'terminated'].map((t) => [t]) },

  { index: 'projects_pkey', sql: 'select * from public.projects where id = $1',
    params: (s) => each(s.tasks, (t) => [t.project_id]) },
  { index: 'idx_projects_user_id', sql: 'select id, name from public.projects where user_id = $1',
    params: (s) => each(s.users, (u) => [u.id]) },

  { index: 'tasks_pkey', sql: 'select * from public.tasks where id = $1', params: (s) => each(s.tasks, (t) => [t.id]) },
  { index: 'idx_tasks_user_created',
    sql: 'select id, task_type, status from public.tasks where user_id = $1 order by created_at desc limit 50',
    params: (s) => each(s.users, (u) => [u.id]) },
  { index: 'idx_tasks_project_id', sql: 'select id, status from public.tasks where project_id = $1',
    params: (s) => each(s.tasks, (t) => [t.project_id]) },
  { index: 'idx_tasks_task_type', sql: 'select count(*) from public.tasks where task_type = $1',
    params: () => ['lora_training', 'image_upscale', 'travel_orchestrator'].map((t) => [t]) },
  { index: 'idx_tasks_worker_id', sql: 'select count(*) from public.tasks where worker_id = $1',
    params: (s) => each(s.tasks.filter((t) => t.worker_id), (t) => [t.worker_id]) },
  { index: 'idx_tasks_status', hide: ['idx_tasks_status_created_at'],
    sql: 'select count(*) from public.tasks where status = $1',
    params: () => ['Failed', 'Cancelled', 'Queued'].map((t) => [t]) },
  { index: 'idx_tasks_status_created_at', hide: ['idx_tasks_status'],
    sql: 'select id, error_message from public.tasks where status = $1 and created_at >= $2 order by created_at',
    params: () => ['Failed', 'Cancelled'].map((t) => [t, '2000-01-01']) },
  { index: 'idx_tasks_active', hide: ['idx_tasks_status', 'idx_tasks_status_created_at'],
    sql: `select id, status, worker_id from public.tasks where status in ('Queued', 'In Progress') order by created_at`,
    params: () => range(5).map(() => []) },
  { index: 'idx_tasks_params', sql: 'select count(*) from public.tasks where params @> $1::jsonb',
    params: () => [['{"model": "flux-dev"}'], ['{"resolution": "1080p"}'], ['{"scale": "4x"}']] },

  { index: 'generations_pkey', sql: 'select * from public.generations where id = $1',
    params: (s) => each(s.generations, (g) => [g.id]) },
  { index: 'idx_generations_project_id',
    sql: 'select id, type, location from public.generations where project_id = $1 order by created_at desc',
    params: (s) => each(s.tasks, (t) => [t.project_id]) },

  { index: 'api_cost_logs_pkey', sql: 'select * from public.api_cost_logs where id = $1',
    params: () => range(10).map((i) => [1 + i * 97]) },
  { index: 'idx_api_cost_logs_user_created',
    sql: 'select model, cost_usd from public.api_cost_logs where user_id = $1 order by created_at desc limit 50',
    params: (s) => each(s.users, (u) => [u.id]) },
  { index: 'idx_api_cost_logs_task_id', sql: 'select model, cost_usd from public.api_cost_logs where task_id = $1',
    params: (s) => each(s.tasks, (t) => [t.id]) },

  { index: 'activity_logs_pkey', sql: `select * from public.activity_logs where id = ${demoId('$1')}`,
    params: () => range(10).map((i) => [`activity:payment:${i + 1}`]) },
  { index: 'idx_activity_logs_user_created',
    sql: 'select action, level, created_at from public.activity_logs where user_id = $1 order by created_at desc limit 50',
    params: (s) => each(s.users, (u) => [u.id]) },
  { index: 'idx_activity_logs_entity_id', sql: 'select action, details from public.activity_logs where entity_id = $1',
    params: (s) => each(s.payments, (p) => [p.id]) },
  { index: 'idx_activity_logs_type_created',
    sql: 'select entity_id, action from public.activity_logs where log_type = $1 order by created_at desc limit 50',
    params: () => ['payment', 'task', 'auth', 'admin'].map((t) => [t]) },
  { index: 'idx_activity_logs_details', sql: 'select count(*) from public.activity_logs where details @> $1::jsonb',
    params: () => [['{"provider": "paypal"}'], ['{"new_state": "Failed"}'], ['{"by": "support@kontor.dev"}']] },

  { index: 'promo_codes_pkey', sql: 'select * from public.promo_codes where code = $1',
    params: () => ['WELCOME5', 'BLACKFRIDAY', 'CREATORS'].map((t) => [t]) },
  { index: 'user_feedback_pkey', sql: `select * from public.user_feedback where id = ${demoId('$1')}`,
    params: () => range(5).map((i) => [`feedback:${i + 1}`]) },
  { index: 'idx_user_feedback_user_id', sql: 'select rating, message from public.user_feedback where user_id = $1',
    params: (s) => each(s.users, (u) => [u.id]) },
];

async function samples(c: pg.Client): Promise<Samples> {
  const q = async (sql: string) => (await c.query<Row>(sql)).rows;
  const ids = (kind: string, n: number) => `(select ${demoId(`'${kind}:' || i`)} from generate_series(1, ${n}) i)`;
  const users = await q(`select id::text, email from public.users where id in ${ids('user', 12)} order by id`);
  const payments = await q(
    `select id::text, provider_ref, order_id from public.payments where id in ${ids('payment', 10)} order by id`,
  );
  const tasks = await q(
    `select id::text, project_id::text, worker_id from public.tasks where id in ${ids('task', 12)} order by id`,
  );
  const ledger = await q(
    `select id::text from public.credits_ledger where id in ${ids('ledger:signup', 10)} order by id`,
  );
  const generations = await q(
    `select id::text from public.generations where id in ${ids('generation', 40)} order by id limit 10`,
  );
  return { users, payments, tasks, ledger, generations };
}

export async function warmUp(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const s = await samples(c);
    await c.query('set enable_seqscan = off');
    for (const probe of PROBES) {
      const runs = probe.params(s);
      if (probe.hide?.length) {
        await c.query('begin');
        try {
          for (const index of probe.hide) await c.query(`drop index public.${c.escapeIdentifier(index)}`);
          for (const params of runs) await c.query(probe.sql, params);
        } finally {
          await c.query('rollback');
        }
      } else {
        for (const params of runs) await c.query(probe.sql, params);
      }
    }
    await c.query('reset enable_seqscan');
    // Publish this session's counters now rather than at disconnect, so a reader sees them at once.
    await c.query('select pg_stat_force_next_flush()');
    await c.query('select 1');
  } finally {
    await c.end();
  }
}
