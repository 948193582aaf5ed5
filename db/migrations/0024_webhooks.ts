import { sql, type Kysely } from 'kysely';

/**
 * Webhooks and their deliveries (issue 20, delivery). A webhook is where alert events go: Slack-compatible
 * JSON or a signed generic JSON body, filtered by severity and rule. A delivery is one alert event for one
 * webhook, moved by lib/alerts/deliver.ts: claimed with FOR UPDATE SKIP LOCKED and leased by pushing
 * next_attempt_at forward (no session state, so it holds behind a transaction-mode pooler), then marked
 * delivered (a 2xx) or given up, or rescheduled with backoff. The secret is read only by the sender.
 * Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.webhooks (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      url text not null,
      format text not null check (format in ('slack', 'signed')),
      secret text,
      enabled boolean not null default true,
      severities text[] not null default '{info,warning,error}',
      rules text[] not null default '{}',
      created_at timestamptz not null default now(),
      created_by text not null,
      updated_at timestamptz not null default now(),
      removed_at timestamptz,
      check (format <> 'signed' or secret is not null)
    )`.execute(db);
  await sql`create unique index webhooks_name_key on kontor.webhooks (lower(name)) where removed_at is null`.execute(db);
  await sql`
    create table kontor.alert_deliveries (
      id bigint generated always as identity primary key,
      event_id bigint not null references kontor.alert_events (id),
      webhook_id uuid not null references kontor.webhooks (id),
      attempts int not null default 0,
      next_attempt_at timestamptz not null,
      last_attempt_at timestamptz,
      last_status int,
      last_error text,
      delivered_at timestamptz,
      given_up_at timestamptz,
      created_at timestamptz not null default now(),
      unique (event_id, webhook_id)
    )`.execute(db);
  await sql`create index alert_deliveries_due_idx on kontor.alert_deliveries (next_attempt_at)
              where delivered_at is null and given_up_at is null`.execute(db);
  await sql`create index alert_deliveries_webhook_idx on kontor.alert_deliveries (webhook_id, id desc)`.execute(db);
  await sql`comment on table kontor.webhooks is 'Where alert events are delivered (Slack-compatible or signed JSON); the secret is never shown.'`.execute(db);
  await sql`comment on table kontor.alert_deliveries is 'One alert event for one webhook: attempts, next try, last status, delivered or given up.'`.execute(db);
  await sql`
    do $$ begin
      if exists (select 1 from pg_catalog.pg_roles where rolname = 'kontor_runtime') then
        grant select, insert, update on kontor.webhooks to kontor_runtime;
        grant select, insert, update on kontor.alert_deliveries to kontor_runtime;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.alert_deliveries`.execute(db);
  await sql`drop table kontor.webhooks`.execute(db);
}
