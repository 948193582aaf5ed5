import { sql, type Kysely } from 'kysely';

/**
 * Alert events (issue 20): the outbox between watching and telling. The alert rules (lib/alerts) write one
 * row each time an incident opens, is re-notified while open, or resolves; "send a test" writes a `test`
 * row. Delivery (webhooks, with retries and a log) reads this table and nothing else of the rules, so the
 * two sides meet only here. Rows are append-only: an event is a fact about a moment.
 * Frozen once landed: a change is a new migration.
 */
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.alert_events (
      id bigint generated always as identity primary key,
      rule text not null,
      subject text not null default '',
      event text not null check (event in ('opened', 'renotified', 'resolved', 'test')),
      severity text not null check (severity in ('info', 'warning', 'error')),
      title text not null,
      body text not null default '',
      url text,
      alert_id bigint,
      created_at timestamptz not null default clock_timestamp()
    )`.execute(db);
  await sql`create index alert_events_created_idx on kontor.alert_events (created_at desc)`.execute(db);
  await sql`comment on table kontor.alert_events is 'Alert notifications to deliver: an incident opened, re-notified or resolved, or a test; append-only.'`.execute(db);
  await sql`
    do $$ begin
      if exists (select 1 from pg_catalog.pg_roles where rolname = 'kontor_runtime') then
        grant select, insert on kontor.alert_events to kontor_runtime;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.alert_events`.execute(db);
}
