/**
 * One product user as support sees them: profile and auth identity, tier, cached balance beside the
 * ledger's sum, task and API cost totals; and their payments, ledger entries, tasks and audit
 * history, each paged. Secrets (password hashes, tokens, raw metadata) are never selected.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { StaffContext } from '@/lib/auth';
import type { ReadContext } from '@/lib/context';
import { columnOf, hasColumn, keyOf, tableOf } from '@/lib/mapping';
import { GuardError } from '@/lib/guard/errors';
import { ledgerEntries, type LedgerEntryRow } from '@/lib/domain/payments';
import { creditScale } from '@/lib/domain/money-sql';
import { addDecimals, compareDecimals, rescale, subtractDecimals } from '@/lib/money';

export interface AuthIdentity {
  signedUpAt: string | null;
  lastSignInAt: string | null;
  confirmedAt: string | null;
  bannedUntil: string | null;
  /** Banned now (banned_until in the future, by the database's clock). */
  banned: boolean;
  providers: string[];
}

export interface UserProfile {
  id: string;
  email: string;
  name: string | null;
  status: string | null;
  createdAt: string | null;
  tier: string | null;
  /** users.credits, when the product caches a balance. */
  cachedBalance: string | null;
  ledgerBalance: string | null;
  /** cached - ledger, when both are known and differ. */
  drift: string | null;
  givenCredits: string | null;
  auth: AuthIdentity | null;
  tasks: { count: number; cost: string } | null;
  apiCosts: { calls: number; costUsd: string; byModel: { provider: string | null; model: string | null; calls: number; costUsd: string }[] } | null;
}

function need(staff: StaffContext, cap: Parameters<StaffContext['can']>[0]) {
  if (!staff.can(cap)) throw new GuardError('forbidden', `${cap} is required to read this.`);
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)).toISOString());

async function authIdentity(db: QueryExecutorProvider, id: string): Promise<AuthIdentity | null> {
  // A product with its own integer keys (Django's) has no auth account under the same id.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const exists = await sql<{ ok: boolean }>`select to_regclass('auth.users') is not null as ok`.execute(db);
  if (!exists.rows[0].ok) return null;
  // to_jsonb(u) ->> reads columns that GoTrue has and a bare auth.users may lack; only these leave the server.
  const { rows } = await sql<{ created_at: string | null; last_sign_in_at: string | null; confirmed_at: string | null; banned_until: string | null; banned: boolean; providers: string[] | null }>`
    select j ->> 'created_at' as created_at, j ->> 'last_sign_in_at' as last_sign_in_at,
           coalesce(j ->> 'email_confirmed_at', j ->> 'confirmed_at') as confirmed_at, j ->> 'banned_until' as banned_until,
           coalesce((j ->> 'banned_until')::timestamptz > now(), false) as banned,
           (select array_agg(p order by p) from jsonb_array_elements_text(coalesce(j -> 'raw_app_meta_data' -> 'providers', '[]')) p) as providers
      from auth.users u, lateral (select to_jsonb(u) as j) x where u.id = ${id}`.execute(db);
  const r = rows[0];
  if (!r) return null;
  return {
    signedUpAt: iso(r.created_at), lastSignInAt: iso(r.last_sign_in_at), confirmedAt: iso(r.confirmed_at),
    bannedUntil: iso(r.banned_until), banned: r.banned, providers: r.providers ?? [],
  };
}

export async function getUserProfile(db: QueryExecutorProvider, ctx: ReadContext, id: string): Promise<UserProfile | null> {
  need(ctx.staff, 'users.read');
  const { users, ledger, tiers, tasks, apiCosts } = ctx.mapping;
  if (!users) throw new GuardError('misconfigured', 'The users concept is not in the table mapping.');
  const u = (c: Parameters<typeof columnOf<typeof users>>[1]) => (hasColumn(users, c) ? sql`u.${columnOf(users, c)}::text` : sql`null::text`);
  const tier = tiers && hasColumn(users, 'tierId')
    ? sql`(select t.${columnOf(tiers, 'name')}::text from ${tableOf(tiers)} t where t.${keyOf(tiers)}::text = u.${columnOf(users, 'tierId')}::text)`
    : hasColumn(users, 'tierId') ? sql`u.${columnOf(users, 'tierId')}::text` : sql`null::text`;
  const { rows } = await sql<{ id: string; email: string; name: string | null; status: string | null; created_at: string | null; tier: string | null; credits: string | null; given: string | null }>`
    select u.${keyOf(users)}::text as id, u.${columnOf(users, 'email')}::text as email, ${u('name')} as name, ${u('status')} as status,
           ${u('createdAt')} as created_at, ${tier} as tier, ${u('credits')} as credits, ${u('givenCredits')} as given
      from ${tableOf(users)} u where u.${keyOf(users)} = ${id}`.execute(db);
  const row = rows[0];
  if (!row) return null;

  // Balances at the credits scale, exactly as stored: the finance account page shows the same strings.
  const scale = await creditScale(db, ctx.mapping);
  let ledgerBalance: string | null = null;
  if (ledger && ctx.staff.can('credits.read')) {
    const r = await sql<{ s: string }>`
      select coalesce(sum(${columnOf(ledger, 'amount')}), 0)::text as s from ${tableOf(ledger)} where ${columnOf(ledger, 'userId')} = ${id}`.execute(db);
    ledgerBalance = rescale(r.rows[0].s, scale);
  }
  const cachedBalance = row.credits === null || !ctx.staff.can('credits.read') ? null : rescale(row.credits, scale);
  const drift = cachedBalance !== null && ledgerBalance !== null && compareDecimals(cachedBalance, ledgerBalance) !== 0
    ? rescale(subtractDecimals(cachedBalance, ledgerBalance), scale) : null;

  let taskTotals: UserProfile['tasks'] = null;
  if (tasks && hasColumn(tasks, 'userId') && ctx.staff.can('tasks.read')) {
    const cost = hasColumn(tasks, 'cost') ? sql`coalesce(sum(${columnOf(tasks, 'cost')}), 0)::text` : sql`null::text`;
    const r = await sql<{ n: string; cost: string | null }>`
      select count(*)::text as n, ${cost} as cost from ${tableOf(tasks)} where ${columnOf(tasks, 'userId')} = ${id}`.execute(db);
    taskTotals = { count: Number(r.rows[0].n), cost: rescale(r.rows[0].cost ?? '0', scale) };
  }

  let api: UserProfile['apiCosts'] = null;
  if (apiCosts && hasColumn(apiCosts, 'userId') && ctx.staff.can('credits.read')) {
    const prov = hasColumn(apiCosts, 'provider') ? sql`${columnOf(apiCosts, 'provider')}::text` : sql`null::text`;
    const model = hasColumn(apiCosts, 'model') ? sql`${columnOf(apiCosts, 'model')}::text` : sql`null::text`;
    const r = await sql<{ provider: string | null; model: string | null; n: string; cost: string }>`
      select ${prov} as provider, ${model} as model, count(*)::text as n, sum(${columnOf(apiCosts, 'costUsd')})::numeric(14, 4)::text as cost
        from ${tableOf(apiCosts)} where ${columnOf(apiCosts, 'userId')} = ${id}
       group by 1, 2 order by sum(${columnOf(apiCosts, 'costUsd')}) desc limit 20`.execute(db);
    const byModel = r.rows.map((x) => ({ provider: x.provider, model: x.model, calls: Number(x.n), costUsd: x.cost }));
    api = {
      calls: byModel.reduce((n, x) => n + x.calls, 0),
      costUsd: addDecimals('0.0000', ...byModel.map((x) => x.costUsd)),
      byModel,
    };
  }

  return {
    id: row.id, email: row.email, name: row.name, status: row.status, createdAt: iso(row.created_at), tier: row.tier,
    cachedBalance, ledgerBalance, drift, givenCredits: row.given,
    auth: await authIdentity(db, row.id),
    tasks: taskTotals,
    apiCosts: api,
  };
}

export async function listUserLedger(db: QueryExecutorProvider, ctx: ReadContext, id: string, q: { limit: number; offset: number }) {
  need(ctx.staff, 'credits.read');
  const { ledger } = ctx.mapping;
  if (!ledger) return { rows: [] as LedgerEntryRow[], total: 0 };
  const where = sql`l.${columnOf(ledger, 'userId')} = ${id}`;
  const rows = await ledgerEntries(db, ctx.mapping, where, sql`l.${columnOf(ledger, 'createdAt')} desc, l.${keyOf(ledger)} desc`, q.limit, q.offset);
  const total = await sql<{ n: string }>`select count(*)::text as n from ${tableOf(ledger)} l where ${where}`.execute(db);
  return { rows, total: Number(total.rows[0].n) };
}

export interface UserTaskRow {
  id: string;
  type: string | null;
  status: string;
  cost: string | null;
  error: string | null;
  createdAt: string;
}

export async function listUserTasks(db: QueryExecutorProvider, ctx: ReadContext, id: string, q: { limit: number; offset: number }) {
  need(ctx.staff, 'tasks.read');
  const { tasks } = ctx.mapping;
  if (!tasks || !hasColumn(tasks, 'userId')) return { rows: [] as UserTaskRow[], total: 0 };
  const t = (c: 'taskType' | 'cost' | 'errorMessage') => (hasColumn(tasks, c) ? sql`t.${columnOf(tasks, c)}::text` : sql`null::text`);
  const where = sql`t.${columnOf(tasks, 'userId')} = ${id}`;
  const { rows } = await sql<{ id: string; type: string | null; status: string; cost: string | null; error: string | null; created_at: Date }>`
    select t.${keyOf(tasks)}::text as id, ${t('taskType')} as type, t.${columnOf(tasks, 'status')}::text as status, ${t('cost')} as cost,
           left(${t('errorMessage')}, 200) as error, t.${columnOf(tasks, 'createdAt')} as created_at
      from ${tableOf(tasks)} t where ${where}
     order by t.${columnOf(tasks, 'createdAt')} desc, t.${keyOf(tasks)} desc limit ${q.limit} offset ${q.offset}`.execute(db);
  const total = await sql<{ n: string }>`select count(*)::text as n from ${tableOf(tasks)} t where ${where}`.execute(db);
  const scale = await creditScale(db, ctx.mapping);
  return {
    rows: rows.map((r): UserTaskRow => ({ id: r.id, type: r.type, status: r.status, cost: r.cost === null ? null : rescale(r.cost, scale), error: r.error, createdAt: r.created_at.toISOString() })),
    total: Number(total.rows[0].n),
  };
}

export interface AuditRow {
  id: string;
  at: string;
  staff: string;
  action: string;
  target: string;
  reason: string;
}

/** The latest audit rows about this user and their payments (the full history is the audit log's). */
export async function listUserAudit(db: QueryExecutorProvider, ctx: ReadContext, id: string, limit = 10): Promise<AuditRow[]> {
  need(ctx.staff, 'audit.read');
  const { payments } = ctx.mapping;
  const paymentIds = payments
    ? sql`(select p.${keyOf(payments)}::text from ${tableOf(payments)} p where p.${columnOf(payments, 'userId')} = ${id} limit 1000)`
    : sql`(select null::text where false)`;
  const { rows } = await sql<{ id: string; at: Date; staff_email: string; action: string; target_type: string; target_id: string; reason: string }>`
    select * from (
      (select id::text, at, staff_email, action, target_type, target_id, reason from kontor.audit_log
        where target_type = 'user' and target_id = ${id} order by audit_log.id desc limit ${limit})
      union all
      (select id::text, at, staff_email, action, target_type, target_id, reason from kontor.audit_log
        where target_type = 'payment' and target_id in ${paymentIds} order by audit_log.id desc limit ${limit})
    ) a order by id::bigint desc limit ${limit}`.execute(db);
  return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), staff: r.staff_email, action: r.action, target: `${r.target_type}:${r.target_id}`, reason: r.reason }));
}
