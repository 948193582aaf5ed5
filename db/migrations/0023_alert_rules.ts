import { sql, type Kysely } from 'kysely';

/**
 * Alert rules and their incidents (issue 20). `alert_rules`: one row per rule Kontor knows
 * (lib/alerts/rule-meta.ts), seeded with its defaults here; staff change enabled, threshold and the
 * re-notify interval through a guarded edit. `alerts`: incidents, one open per (rule, subject) at most
 * (a partial unique index: two console instances checking at once cannot open two); each opening,
 * re-notification and resolution also writes a row to kontor.alert_events (0021) in the same transaction.
 * The seed copies the defaults as they were when this landed: a later default is a new migration.
 * Frozen once landed: a change is a new migration.
 */
const SEED: [rule: string, threshold: number | null, renotify: number][] = [
  ['balance_drift', 0, 240],
  ['payment_granted_twice', null, 240],
  ['queue_no_worker', 5, 30],
  ['queue_oldest_task', 60, 60],
  ['worker_silent', 10, 60],
  ['advisor_error', null, 1440],
  ['approval_waiting', 60, 120],
  ['sequence_near_max', 75, 1440],
  ['database_unreachable', 2, 30],
];

export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.alert_rules (
      rule text primary key,
      enabled boolean not null default true,
      threshold numeric,
      renotify_minutes integer not null check (renotify_minutes between 1 and 43200),
      evaluated_at timestamptz,
      updated_at timestamptz not null default now(),
      updated_by text
    )`.execute(db);
  await sql`comment on table kontor.alert_rules is 'Alert rules: enabled, threshold and re-notify interval per rule (changed through the alerts.updateRule edit); evaluated_at: the last check that evaluated it.'`.execute(db);
  for (const [rule, threshold, renotify] of SEED) {
    await sql`insert into kontor.alert_rules (rule, threshold, renotify_minutes) values (${rule}, ${threshold}, ${renotify})`.execute(db);
  }

  await sql`
    create table kontor.alerts (
      id bigint generated always as identity primary key,
      rule text not null references kontor.alert_rules (rule),
      subject text not null default '',
      severity text not null check (severity in ('info', 'warning', 'error')),
      title text not null,
      details jsonb not null default '{}',
      opened_at timestamptz not null,
      last_notified_at timestamptz not null,
      notified integer not null default 1,
      resolved_at timestamptz,
      resolution text
    )`.execute(db);
  await sql`create unique index alerts_one_open_idx on kontor.alerts (rule, subject) where resolved_at is null`.execute(db);
  await sql`create index alerts_opened_idx on kontor.alerts (opened_at desc)`.execute(db);
  await sql`comment on table kontor.alerts is 'Alert incidents: one open per (rule, subject); resolved by the check that finds the condition cleared.'`.execute(db);
  await sql`
    do $$ begin
      if exists (select 1 from pg_catalog.pg_roles where rolname = 'kontor_runtime') then
        grant select, update on kontor.alert_rules to kontor_runtime;
        grant select, insert, update on kontor.alerts to kontor_runtime;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.alerts`.execute(db);
  await sql`drop table kontor.alert_rules`.execute(db);
}
