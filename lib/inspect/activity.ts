/**
 * What the server is doing now: connections grouped by state, role, application and client; the
 * sessions that run long or sit idle in a transaction; who blocks whom; sequences near the end of
 * their type; transaction-ID wraparound headroom. Columns used exist unchanged in 15 and 17.
 * Kontor's own backend (the one reading) is left out of every list.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { isListedSchema } from '@/lib/inspect/scope';
import { maskedQuery } from '@/lib/inspect/mask';

export interface ConnectionGroup {
  state: string;
  role: string | null;
  application: string;
  client: string | null;
  count: number;
}

export async function listConnectionGroups(db: QueryExecutorProvider, limit = 200): Promise<ConnectionGroup[]> {
  const { rows } = await sql<ConnectionGroup>`
    select coalesce(state, 'unknown') as state, usename::text as role,
           coalesce(nullif(application_name, ''), '(none)') as application,
           coalesce(host(client_addr), case when client_port = -1 then 'local socket' end) as client,
           count(*)::int as count
      from pg_catalog.pg_stat_activity
     where backend_type = 'client backend' and pid <> pg_backend_pid()
     group by 1, 2, 3, 4
     order by count(*) desc, 1, 2, 3, 4
     limit ${Math.min(Math.max(limit, 1), 1000)}`.execute(db);
  return rows;
}

export interface SessionRow {
  pid: number;
  role: string | null;
  application: string;
  client: string | null;
  state: string;
  waitEvent: string | null;
  /** Seconds since the current query (or, idle in transaction, the last one) started. */
  querySeconds: number | null;
  /** Seconds since the transaction began. */
  transactionSeconds: number | null;
  query: string;
  /** Pids this session waits for (pg_blocking_pids). */
  blockedBy: number[];
}

/** Sessions doing something (or holding a transaction open), longest first. */
export async function listBusySessions(db: QueryExecutorProvider, limit = 100): Promise<SessionRow[]> {
  const { rows } = await sql<SessionRow>`
    select a.pid, a.usename::text as role, coalesce(nullif(a.application_name, ''), '(none)') as application,
           coalesce(host(a.client_addr), case when a.client_port = -1 then 'local socket' end) as client,
           a.state, case when a.wait_event is null then null else a.wait_event_type || ': ' || a.wait_event end as "waitEvent",
           -- Against the clock, not now() (this transaction's start): a session that began since is not in the future.
           case when a.query_start is not null then greatest(0, date_part('epoch', clock_timestamp() - a.query_start)) end as "querySeconds",
           case when a.xact_start is not null then greatest(0, date_part('epoch', clock_timestamp() - a.xact_start)) end as "transactionSeconds",
           left(${maskedQuery(sql.ref('a.query'))}, 2000) as query,
           case when a.wait_event_type = 'Lock' then pg_blocking_pids(a.pid) else '{}'::int[] end as "blockedBy"
      from pg_catalog.pg_stat_activity a
     where a.backend_type = 'client backend' and a.pid <> pg_backend_pid()
       and a.state is distinct from 'idle'
     order by coalesce(a.xact_start, a.query_start) nulls last, a.pid
     limit ${Math.min(Math.max(limit, 1), 1000)}`.execute(db);
  return rows;
}

export interface BlockingNode {
  session: SessionRow;
  /** Sessions waiting on this one. */
  waiting: BlockingNode[];
}

/**
 * Lock waits as trees: roots block others and wait for nobody listed; each node's children wait on
 * it. A session blocked by several appears under each blocker; cycles (deadlocks about to be broken)
 * are cut where they close.
 */
export function blockingTrees(sessions: SessionRow[]): BlockingNode[] {
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  const waiters = new Map<number, SessionRow[]>();
  for (const s of sessions) {
    for (const blocker of s.blockedBy) {
      if (!byPid.has(blocker)) continue;
      waiters.set(blocker, [...(waiters.get(blocker) ?? []), s]);
    }
  }
  const build = (s: SessionRow, seen: Set<number>): BlockingNode => ({
    session: s,
    waiting: (waiters.get(s.pid) ?? []).filter((w) => !seen.has(w.pid)).map((w) => build(w, new Set([...seen, w.pid]))),
  });
  const roots = sessions.filter((s) => waiters.has(s.pid) && !s.blockedBy.some((b) => byPid.has(b)));
  // A pure cycle has no root: start at its lowest pid so it is still shown.
  const inTree = new Set<number>();
  const walk = (n: BlockingNode) => { inTree.add(n.session.pid); n.waiting.forEach(walk); };
  const trees = roots.map((r) => build(r, new Set([r.pid])));
  trees.forEach(walk);
  for (const s of sessions) {
    if (waiters.has(s.pid) && !inTree.has(s.pid)) {
      const t = build(s, new Set([s.pid]));
      walk(t);
      trees.push(t);
    }
  }
  return trees;
}

export interface SequenceRow {
  schema: string;
  name: string;
  type: string;
  /** Exact, as Postgres writes a bigint (a float would print 2^63 - 1 as 9,223,372,036,854,776,000). */
  lastValue: string;
  maxValue: string;
  /** Share of the range in the sequence's direction already used, 0..1. */
  used: number;
}

/** Sequences with a smaller-than-bigint range that have used the largest share of it (only those ever called). */
export async function listSequencesNearMax(
  db: QueryExecutorProvider,
  opts: { minUsed?: number; limit?: number } = {},
): Promise<SequenceRow[]> {
  // Reading a sequence's last value opens it: thousands of identity columns would take seconds. A
  // bigint sequence lasts 292,000 years at a million values a second, so only those with a smaller
  // range (smallint, integer, or a lowered MAXVALUE) are read: filtered in the catalog first (the
  // materialized CTE), as pg_sequences would read every last value before its WHERE applies.
  const { rows } = await sql<{ schema: string; name: string; type: string; last: string; max: string; used: number }>`
    with narrow as materialized (
      select c.oid, n.nspname::text as schema, c.relname::text as name, format_type(q.seqtypid, null) as type,
             q.seqincrement as inc, q.seqmin as lo, q.seqmax as hi
        from pg_catalog.pg_sequence q
        join pg_catalog.pg_class c on c.oid = q.seqrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where ${isListedSchema(sql.ref('n.nspname'))}
         and not pg_catalog.pg_is_other_temp_schema(n.oid)
         -- the limit in the sequence's direction: an ascending bigint sequence's minimum is 1, not -2^63
         and (q.seqtypid <> 'bigint'::regtype
              or (q.seqincrement > 0 and q.seqmax < 9223372036854775807)
              or (q.seqincrement < 0 and q.seqmin > -9223372036854775808))
    ), read as (
      select narrow.*,
             case when has_sequence_privilege(oid, 'SELECT,USAGE') then pg_catalog.pg_sequence_last_value(oid::regclass) end as last_value
        from narrow
    )
    select schema, name, type, last_value::text as last,
           (case when inc > 0 then hi else lo end)::text as max,
           (case when inc > 0
                 then (last_value::numeric - lo) / nullif(hi::numeric - lo, 0)
                 else (hi::numeric - last_value) / nullif(hi::numeric - lo, 0) end)::float8 as used
      from read
     where last_value is not null
     order by used desc nulls last, 1, 2
     limit ${Math.min(Math.max(opts.limit ?? 10, 1), 200)}`.execute(db);
  return rows
    .filter((r) => r.used >= (opts.minUsed ?? 0))
    .map((r) => ({ schema: r.schema, name: r.name, type: r.type, lastValue: r.last, maxValue: r.max, used: r.used }));
}

export interface WraparoundRow {
  /** Age of the database's oldest unfrozen transaction ID. */
  xidAge: number;
  /** Share of the ~2^31 IDs usable before Postgres stops accepting writes, 0..1. */
  xidUsed: number;
  multixactAge: number;
  freezeMaxAge: number;
  /** The tables holding the oldest IDs back: vacuuming them advances the database's horizon. */
  oldestTables: { schema: string; name: string; xidAge: number }[];
}

const XID_LIMIT = 2 ** 31 - 1;

export async function getWraparound(db: QueryExecutorProvider): Promise<WraparoundRow> {
  const { rows } = await sql<{ xid_age: number; mxid_age: number; freeze_max: number }>`
    select age(d.datfrozenxid)::int as xid_age, mxid_age(d.datminmxid)::int as mxid_age,
           current_setting('autovacuum_freeze_max_age')::int as freeze_max
      from pg_catalog.pg_database d where d.datname = current_database()`.execute(db);
  const tables = await sql<{ schema: string; name: string; xidAge: number }>`
    select n.nspname::text as schema, c.relname::text as name, age(c.relfrozenxid)::int as "xidAge"
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'm', 't') and c.relfrozenxid <> '0'::xid
     order by age(c.relfrozenxid) desc, 1, 2
     limit 5`.execute(db);
  const r = rows[0];
  return {
    xidAge: r.xid_age,
    xidUsed: r.xid_age / XID_LIMIT,
    multixactAge: r.mxid_age,
    freezeMaxAge: r.freeze_max,
    oldestTables: tables.rows,
  };
}
