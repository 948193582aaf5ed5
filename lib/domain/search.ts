/**
 * The one search box: email prefix (case-insensitive), user id, name, payment provider reference or
 * order id, payment id, task id (an id or any 4+ characters it starts with: lib/domain/id-prefix.ts). Each kind is one bounded query written so that the index it names
 * can serve it; searchIndexes reads the catalog to say which kinds this database can answer from an
 * index and which would scan the table (with the CREATE INDEX to copy; Kontor never runs it).
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { z } from 'zod';
import { keyCanHold, looksLikeUuid } from '@/lib/mapping/keys';
import { keyMatches, MIN_PREFIX, prefixRange } from '@/lib/domain/id-prefix';
import type { StaffContext } from '@/lib/auth';
import type { ReadContext } from '@/lib/context';
import { columnOf, displayIdent, displayTable, hasColumn, keyOf, tableOf, type Mapping, type TableRef } from '@/lib/mapping';
import { GuardError } from '@/lib/guard/errors';
import { formatStoredMoney } from '@/lib/money';

export const SEARCH_KINDS = ['email', 'userId', 'name', 'providerRef', 'orderId', 'paymentId', 'taskId'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const SEARCH_LABELS: Record<SearchKind, string> = {
  email: 'Email (prefix)',
  userId: 'User id',
  name: 'Name (contains)',
  providerRef: 'Provider reference',
  orderId: 'Order id',
  paymentId: 'Payment id',
  taskId: 'Task id',
};

export interface SearchHit {
  kind: SearchKind;
  /** Where the hit opens. */
  href: string;
  title: string;
  detail: string;
}

export const searchQuerySchema = z.string().trim().min(1).max(200);

export const PER_KIND = 10;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Which kinds this text could be: an id only where the key column's type can hold it (any uuid for a
 * uuid key, RFC version or not; digits for an integer key; anything for a text key), a name only for
 * text with letters, and so on.
 */
export function kindsFor(q: string, m?: Pick<Mapping, 'users' | 'payments' | 'tasks'>): SearchKind[] {
  if (looksLikeUuid(q) && !m) return ['userId', 'paymentId', 'taskId'];
  const ids: SearchKind[] = m && !/\s/.test(q)
    ? ([['userId', m.users], ['paymentId', m.payments], ['taskId', m.tasks]] as const)
      .filter(([, c]) => c && ((keyCanHold(c, q) && (c.keyType !== 'text' || q.length >= MIN_PREFIX)) || prefixRange(c.keyType, q))).map(([k]) => k)
    : [];
  if (looksLikeUuid(q)) return ids;
  const kinds: SearchKind[] = [...ids];
  if (!/\s/.test(q)) kinds.push('email', 'providerRef', 'orderId');
  if (q.length >= 2 && /\p{L}/u.test(q) && !q.includes('@')) kinds.push('name');
  return kinds;
}

/** A kind without an index is skipped on a table larger than this (unless asked): it would scan it. */
export const SCAN_LIMIT = 100_000;

export interface SearchResult {
  q: string;
  kinds: SearchKind[];
  /** Kinds not run: no index and a large table. `scan: true` runs them anyway. */
  skipped: SearchKind[];
  hits: SearchHit[];
  ms: number;
}

export async function search(db: QueryExecutorProvider, ctx: ReadContext, raw: string, opts: { scan?: boolean } = {}): Promise<SearchResult> {
  const { staff, mapping: m } = ctx;
  if (!staff.can('users.read')) throw new GuardError('forbidden', 'users.read is required to search.');
  const parsed = searchQuerySchema.safeParse(raw);
  if (!parsed.success) return { q: '', kinds: [], skipped: [], hits: [], ms: 0 };
  const started = performance.now();
  const q = parsed.data;
  const wanted = kindsFor(q, m).filter((k) => available(m, k, staff));
  const skipped: SearchKind[] = [];
  if (!opts.scan) {
    const unindexed = (await searchIndexes(db, ctx)).filter((k) => k.indexed === false && wanted.includes(k.kind));
    for (const k of unindexed) {
      const table = k.kind === 'email' || k.kind === 'userId' || k.kind === 'name' ? m.users!.table
        : k.kind === 'taskId' ? m.tasks!.table : m.payments!.table;
      if ((await estimatedRows(db, table)) > SCAN_LIMIT) skipped.push(k.kind);
    }
  }
  const kinds = wanted.filter((k) => !skipped.includes(k));
  const hits: SearchHit[] = [];
  for (const kind of kinds) hits.push(...(await searchKind(db, m, kind, q)));
  return { q, kinds, skipped, hits, ms: Math.round(performance.now() - started) };
}

async function estimatedRows(db: QueryExecutorProvider, t: TableRef): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select c.reltuples::float8 as n from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${t.schema} and c.relname = ${t.name}`.execute(db);
  return rows[0]?.n ?? 0;
}

function available(m: Mapping, kind: SearchKind, staff: StaffContext): boolean {
  switch (kind) {
    case 'email': case 'userId': return Boolean(m.users);
    case 'name': return Boolean(m.users && hasColumn(m.users, 'name'));
    case 'providerRef': return Boolean(m.payments && hasColumn(m.payments, 'providerRef')) && staff.can('payments.read');
    case 'orderId': return Boolean(m.payments && hasColumn(m.payments, 'orderId')) && staff.can('payments.read');
    case 'paymentId': return Boolean(m.payments) && staff.can('payments.read');
    case 'taskId': return Boolean(m.tasks && hasColumn(m.tasks, 'userId')) && staff.can('tasks.read');
  }
}

async function searchKind(db: QueryExecutorProvider, m: Mapping, kind: SearchKind, q: string): Promise<SearchHit[]> {
  if (kind === 'email' || kind === 'userId' || kind === 'name') {
    const users = m.users!;
    const email = columnOf(users, 'email', 'u');
    const name = hasColumn(users, 'name') ? sql`${columnOf(users, 'name', 'u')}::text` : sql`null::text`;
    // Written as the index is: lower(email) text_pattern_ops serves the prefix, a trigram index on lower(name) the name.
    const where = kind === 'email' ? sql`lower(${email}) like ${`${escapeLike(q.toLowerCase())}%`}`
      : kind === 'name' ? sql`lower(${columnOf(users, 'name', 'u')}) like ${`%${escapeLike(q.toLowerCase())}%`}`
      : keyMatches(users, 'u', q);
    const order = kind === 'email' ? sql`lower(${email})` : sql`u.${keyOf(users)}`;
    const { rows } = await sql<{ id: string; email: string; name: string | null }>`
      select u.${keyOf(users)}::text as id, ${email}::text as email, ${name} as name
        from ${tableOf(users)} u where ${where} order by ${order} limit ${PER_KIND}`.execute(db);
    return rows.map((r) => ({ kind, href: `/users/${r.id}`, title: r.email, detail: r.name ?? r.id }));
  }
  if (kind === 'providerRef' || kind === 'orderId' || kind === 'paymentId') {
    const payments = m.payments!;
    const where = kind === 'paymentId' ? keyMatches(payments, 'p', q) : sql`${columnOf(payments, kind, 'p')} = ${q}`;
    const ref = hasColumn(payments, 'providerRef') ? sql`${columnOf(payments, 'providerRef', 'p')}::text` : sql`null::text`;
    const order = hasColumn(payments, 'orderId') ? sql`${columnOf(payments, 'orderId', 'p')}::text` : sql`null::text`;
    const currency = hasColumn(payments, 'currency') ? sql`${columnOf(payments, 'currency', 'p')}::text` : sql`null::text`;
    const { rows } = await sql<{ id: string; ref: string | null; order_id: string | null; amount: string; currency: string | null; status: string }>`
      select p.${keyOf(payments)}::text as id, ${ref} as ref, ${order} as order_id, ${columnOf(payments, 'amount', 'p')}::text as amount,
             ${currency} as currency, ${columnOf(payments, 'status', 'p')}::text as status
        from ${tableOf(payments)} p where ${where} order by p.${keyOf(payments)} limit ${PER_KIND}`.execute(db);
    return rows.map((r) => ({
      kind, href: `/payments/${r.id}`, title: `Payment ${r.order_id ?? r.id}`, detail: `${formatStoredMoney(r.amount, payments.amountUnit, r.currency)} · ${r.status}${r.ref ? ` · ${r.ref}` : ''}`,
    }));
  }
  const tasks = m.tasks!;
  const type = hasColumn(tasks, 'taskType') ? sql`${columnOf(tasks, 'taskType', 't')}::text` : sql`'task'`;
  const { rows } = await sql<{ id: string; user_id: string; type: string; status: string }>`
    select t.${keyOf(tasks)}::text as id, ${columnOf(tasks, 'userId', 't')}::text as user_id, ${type} as type, ${columnOf(tasks, 'status', 't')}::text as status
      from ${tableOf(tasks)} t where ${keyMatches(tasks, 't', q)} order by t.${keyOf(tasks)} limit ${PER_KIND}`.execute(db);
  return rows.map((r) => ({ kind, href: `/users/${r.user_id}?task=${r.id}#tasks`, title: `Task ${r.id}`, detail: `${r.type} · ${r.status}` }));
}

export interface KindIndex {
  kind: SearchKind;
  label: string;
  /** null when the mapping lacks the concept or column: the kind is not offered at all. */
  indexed: boolean | null;
  index: string | null;
  /** For a kind without an index: the statement to copy (run it yourself, CONCURRENTLY). */
  suggestion: string | null;
}

interface CatalogIndex { name: string; first: string; am: string; opclass: string; partial: boolean }

async function indexesOf(db: QueryExecutorProvider, t: TableRef): Promise<CatalogIndex[]> {
  const { rows } = await sql<CatalogIndex>`
    select ic.relname::text as name, pg_get_indexdef(i.indexrelid, 1, true) as first, am.amname::text as am,
           opc.opcname::text as opclass, i.indpred is not null as partial
      from pg_catalog.pg_index i
      join pg_catalog.pg_class c on c.oid = i.indrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      join pg_catalog.pg_class ic on ic.oid = i.indexrelid
      join pg_catalog.pg_am am on am.oid = ic.relam
      join pg_catalog.pg_opclass opc on opc.oid = i.indclass[0]
     where n.nspname = ${t.schema} and c.relname = ${t.name} and i.indisvalid
     order by ic.relname limit 200`.execute(db);
  return rows;
}

const same = (expr: string, column: string) => {
  const e = expr.replace(/::text\b/g, '').replace(/[()\s]/g, '').toLowerCase();
  return e === displayIdent(column).toLowerCase() || e === column.toLowerCase();
};
const isLower = (expr: string, column: string) => {
  const m = /^lower\((.*)\)$/i.exec(expr.trim());
  return Boolean(m && same(m[1], column));
};

/** For each search kind: does an index serve it here? Read from pg_index, never assumed. */
export async function searchIndexes(db: QueryExecutorProvider, ctx: ReadContext): Promise<KindIndex[]> {
  if (!ctx.staff.can('users.read')) throw new GuardError('forbidden', 'users.read is required to search.');
  const m = ctx.mapping;
  const cache = new Map<string, CatalogIndex[]>();
  const of = async (t: TableRef) => {
    const k = displayTable(t);
    if (!cache.has(k)) cache.set(k, await indexesOf(db, t));
    return cache.get(k)!;
  };
  const exact = async (t: TableRef, column: string) =>
    (await of(t)).find((i) => !i.partial && (i.am === 'btree' || i.am === 'hash') && same(i.first, column)) ?? null;
  const out: KindIndex[] = [];
  const push = (kind: SearchKind, hit: CatalogIndex | null | undefined, suggestion: string | null) =>
    out.push({ kind, label: SEARCH_LABELS[kind], indexed: hit === undefined ? null : Boolean(hit), index: hit?.name ?? null, suggestion: hit ? null : suggestion });

  const { users, payments, tasks } = m;
  if (users) {
    const email = users.columns.email;
    const prefix = (await of(users.table)).find((i) => !i.partial && (
      (i.am === 'btree' && isLower(i.first, email) && /pattern_ops$/.test(i.opclass))
      || ((i.am === 'gin' || i.am === 'gist') && /trgm/.test(i.opclass) && isLower(i.first, email)))) ?? null;
    push('email', prefix, `create index concurrently on ${displayTable(users.table)} (lower(${displayIdent(email)}) text_pattern_ops);`);
    push('userId', await exact(users.table, users.key), `create unique index concurrently on ${displayTable(users.table)} (${displayIdent(users.key)});`);
    const name = users.columns.name;
    if (name) {
      const trgm = (await of(users.table)).find((i) => !i.partial && (i.am === 'gin' || i.am === 'gist') && /trgm/.test(i.opclass) && isLower(i.first, name)) ?? null;
      push('name', trgm, `create extension if not exists pg_trgm; create index concurrently on ${displayTable(users.table)} using gin (lower(${displayIdent(name)}) gin_trgm_ops);`);
    } else push('name', undefined, null);
  }
  if (payments) {
    for (const kind of ['providerRef', 'orderId'] as const) {
      const col = payments.columns[kind];
      if (!col) push(kind, undefined, null);
      else push(kind, await exact(payments.table, col), `create index concurrently on ${displayTable(payments.table)} (${displayIdent(col)});`);
    }
    push('paymentId', await exact(payments.table, payments.key), `create unique index concurrently on ${displayTable(payments.table)} (${displayIdent(payments.key)});`);
  }
  if (tasks) push('taskId', await exact(tasks.table, tasks.key), `create unique index concurrently on ${displayTable(tasks.table)} (${displayIdent(tasks.key)});`);
  return out;
}
