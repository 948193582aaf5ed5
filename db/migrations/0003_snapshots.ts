import { sql, type Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
// History of the database's health: `npm run kontor -- snapshot` appends one row to `snapshots` and
// its facts to the three child tables. Kontor never resets pg_stat_statements; deltas come from here.
export async function up(db: Kysely<unknown>) {
  await sql`
    create table kontor.snapshots (
      id bigint generated always as identity primary key,
      taken_at timestamptz not null default now(),
      database_bytes bigint not null,
      -- pg_stat_database.stats_reset (or the server's start) at the time: counters below it restarted
      stats_since timestamptz
    )`.execute(db);
  await sql`create index snapshots_taken_at_idx on kontor.snapshots (taken_at)`.execute(db);
  await sql`
    create table kontor.snapshot_tables (
      snapshot_id bigint not null references kontor.snapshots (id) on delete cascade,
      schema_name text not null,
      table_name text not null,
      total_bytes bigint not null,
      index_bytes bigint not null,
      estimated_rows bigint,
      live_tuples bigint not null,
      seq_scans bigint not null,
      idx_scans bigint not null,
      primary key (snapshot_id, schema_name, table_name)
    )`.execute(db);
  await sql`create index snapshot_tables_name_idx on kontor.snapshot_tables (schema_name, table_name, snapshot_id)`.execute(db);
  await sql`
    create table kontor.snapshot_indexes (
      snapshot_id bigint not null references kontor.snapshots (id) on delete cascade,
      schema_name text not null,
      table_name text not null,
      index_name text not null,
      size_bytes bigint not null,
      scans bigint not null,
      primary key (snapshot_id, schema_name, index_name)
    )`.execute(db);
  await sql`create index snapshot_indexes_name_idx on kontor.snapshot_indexes (schema_name, index_name, snapshot_id)`.execute(db);
  await sql`
    create table kontor.snapshot_queries (
      snapshot_id bigint not null references kontor.snapshots (id) on delete cascade,
      queryid bigint not null,
      userid oid not null,
      toplevel boolean not null default true,
      query text not null,
      calls bigint not null,
      total_ms double precision not null,
      rows bigint not null,
      primary key (snapshot_id, queryid, userid, toplevel)
    )`.execute(db);
  await sql`comment on table kontor.snapshots is 'Health history taken by npm run kontor -- snapshot: sizes, rows, scans and query statistics over time.'`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`drop table kontor.snapshot_queries, kontor.snapshot_indexes, kontor.snapshot_tables, kontor.snapshots`.execute(db);
}
