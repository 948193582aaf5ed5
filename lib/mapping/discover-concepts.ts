/**
 * One concept's score for one table (discover.ts): points for each piece of structure it has, with the
 * reason, what it lacks that the concept cannot do without, and the mapping entry it would be.
 */
import type { ConceptName } from '@/lib/mapping/schema';
import type { CatalogColumn, CatalogTable } from '@/lib/mapping/detect';
import {
  createdColumn, findColumn, isBool, isInteger, isJson, isNumeric, isTextual, isTime, keyColumn, listed, matchValues,
  rawValuesOf, referenceTo, userReference, valuesOf,
} from '@/lib/mapping/discover-columns';

export interface Context {
  tables: CatalogTable[];
  /** For each table, the tables whose foreign keys point at it (referencesIndex). */
  referencedBy: Map<string, string[]>;
  /** The tables already chosen, by concept. */
  chosen: Partial<Record<ConceptName, CatalogTable>>;
}

export interface Tally {
  ok: boolean;
  points: number;
  /** Accepted at this many points (with nothing it needs missing). */
  min: number;
  max: number;
  /** 1 when the table has the concept's usual name exactly ("payments", "jobs"): ties go to it. */
  exactName: number;
  /** Named like the concept: such a table is named among the near misses, however weak its structure. */
  namedLike: boolean;
  reasons: string[];
  needs: string[];
  spec: Record<string, unknown>;
}

class Score {
  points = 0;
  reasons: string[] = [];
  needs: string[] = [];
  columns: Record<string, string> = {};
  namedLike = false;
  constructor(readonly t: CatalogTable, readonly max: number, readonly min: number) {}
  add(points: number, reason: string) {
    this.points += points;
    this.reasons.push(points < 0 ? `${reason} (${points})` : reason);
  }
  /** Maps `semantic` to the column when there is one; `points` and `reason` when given. */
  col(semantic: string, c: CatalogColumn | undefined, points = 0, reason?: string): CatalogColumn | undefined {
    if (!c) return undefined;
    this.columns[semantic] ??= c.name;
    if (points || reason) this.add(points, reason ?? `${semantic} ${c.name}`);
    return c;
  }
  named(re: RegExp, points: number, what: string) {
    if (!re.test(this.t.name.toLowerCase())) return;
    this.namedLike = true;
    this.add(points, `named like ${what}`);
  }
  need(what: string, c: unknown) {
    if (!c) this.needs.push(what);
  }
  done(exact: RegExp, extra: Record<string, unknown> = {}): Tally {
    const key = keyColumn(this.t);
    if (!key && !extra.keyOptional) this.needs.push('a key column');
    const name = this.t.name.toLowerCase();
    const { keyOptional: _, ...rest } = extra;
    return {
      ok: !this.needs.length, points: this.points, min: this.min, max: this.max, exactName: Number(exact.test(name)), namedLike: this.namedLike,
      reasons: this.reasons, needs: this.needs,
      spec: { table: { schema: this.t.schema, name: this.t.name }, ...(key ? { key: key.name } : {}), columns: this.columns, ...rest },
    };
  }
}

const has = (values: string[], words: string[]) => values.filter((v) => words.includes(v));

const PAID = ['paid', 'completed', 'complete', 'succeeded', 'success', 'successful', 'captured', 'settled'];
const PAYMENT_STATUSES = {
  created: ['created', 'draft', 'requires_payment_method'], pending: ['pending', 'processing', 'open', 'requires_action', 'abandoned'],
  completed: PAID, failed: ['failed', 'declined', 'uncollectible', 'void', 'canceled', 'cancelled', 'expired'],
  refunded: ['refunded', 'reversed'], disputed: ['disputed', 'chargeback'],
};
const QUEUE = {
  queued: ['queued', 'pending', 'waiting', 'scheduled', 'new', 'enqueued', 'submitted'],
  inProgress: ['in progress', 'in_progress', 'running', 'processing', 'started', 'claimed', 'working'],
  complete: ['complete', 'completed', 'done', 'succeeded', 'success', 'finished'],
  failed: ['failed', 'error', 'errored', 'timeout', 'timed_out'],
  cancelled: ['cancelled', 'canceled', 'aborted'],
};
const TODO = ['todo', 'to_do', 'to do', 'doing', 'backlog', 'in_review', 'review', 'blocked', 'wontfix'];
const SUBSCRIPTION = {
  active: ['active'], trialing: ['trialing', 'trial'], pastDue: ['past_due', 'unpaid'],
  cancelled: ['canceled', 'cancelled', 'expired', 'incomplete_expired'], incomplete: ['incomplete'],
};
const LEDGER_TYPES = {
  purchase: ['purchase', 'topup', 'top_up', 'top-up', 'stripe', 'payment', 'buy', 'credit_purchase'],
  spend: ['spend', 'usage', 'charge', 'debit', 'consumption', 'deduction', 'generation', 'use'],
  refund: ['refund', 'refunded'],
  grant: ['grant', 'bonus', 'reward', 'gift', 'promo', 'signup_bonus', 'free'],
  manual: ['manual', 'adjustment', 'admin', 'correction'],
  expiry: ['expiry', 'expire', 'expired', 'expiration'],
};
const WORKER = ['online', 'offline', 'idle', 'busy', 'active', 'inactive', 'terminated', 'dead', 'alive'];
const flat = (o: Record<string, string[]>) => Object.values(o).flat();

const STATUS = [/^(status|state)$/, /_status$/, /_state$/, /status/];
const statusColumn = (t: CatalogTable) => findColumn(t, ['status', 'state'], STATUS, isTextual);
const TYPE = ['type', 'kind', 'entry_type', 'transaction_type', 'category', 'reason', 'source'];
const PROVIDER_REF = [
  /^(stripe|paypal|razorpay|paystack|braintree|paddle|lemon_?squeezy|square|adyen|mollie|provider|external|gateway)_\w+$/,
  /_(payment_intent|intent|charge|session|checkout_session|transaction|order|invoice)_id$/, /^(payment_intent|charge|transaction|order|invoice|session)_id$/,
];
const amountish = (c: CatalogColumn) => isNumeric(c) && !c.pk && !c.references;

/** 'minor' when the amount is in cents: named so, or an integer with a currency whose typical value is in the hundreds or more. */
function amountUnit(t: CatalogTable, amount: CatalogColumn, currency: CatalogColumn | undefined): { unit: 'major' | 'minor'; reason: string } {
  if (/cents|minor|_pence|paise|kobo/.test(amount.name)) return { unit: 'minor', reason: `amounts in minor units (${amount.name})` };
  if (isInteger(amount) && currency && (amount.mid ?? 0) >= 100) {
    return { unit: 'minor', reason: `amounts in minor units (integers around ${amount.mid} with a currency)` };
  }
  return { unit: 'major', reason: isInteger(amount) ? `amounts taken as whole units (integers${amount.mid !== undefined ? ` around ${amount.mid}` : ''})` : `amounts in major units (${amount.type})` };
}

function users(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 12, 5);
  s.need('an email column', s.col('email', findColumn(t, ['email', 'email_address', 'primary_email'], [/^e?mail$/], isTextual), 4, 'an email column'));
  const key = keyColumn(t);
  if (key?.pk) s.add(1, `primary key ${key.name}`);
  if (key?.references?.schema === 'auth' && key.references.table === 'users') s.add(2, `its key references auth.users (the sign-ups)`);
  const by = ctx.referencedBy.get(`${t.schema}.${t.name}`) ?? [];
  if (by.length) s.add(Math.min(3, by.length), `referenced by ${listed(by, 3)}`);
  s.named(/^(users?|profiles?|user_profiles?|customers?|accounts?|members?|app_users?)$/, 2, 'users');
  s.col('createdAt', createdColumn(t), 0);
  s.col('name', findColumn(t, ['full_name', 'display_name', 'name', 'username', 'user_name'], [], isTextual));
  s.col('credits', findColumn(t, ['credits', 'credit_balance', 'credits_balance', 'balance', 'total_credits'], [], isNumeric), 0);
  if (s.columns.credits) s.reasons.push(`a cached balance (${s.columns.credits})`);
  const tier = s.col('tierId', findColumn(t, ['tier_id', 'plan_id', 'subscription_tier_id', 'plan', 'tier', 'plan_tier', 'subscription_plan'], [], (c) => !c.pk));
  if (tier) s.reasons.push(`a tier (${tier.name})`);
  const status = s.col('status', statusColumn(t));
  const statuses = status ? matchValues(rawValuesOf(t, status), { active: ['active'], suspended: ['suspended', 'banned', 'disabled'], deleted: ['deleted', 'archived'] }) : {};
  return s.done(/^users?$/, { statuses });
}

function payments(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 13, 8);
  const amount = findColumn(t, ['amount', 'amount_paid', 'amount_cents', 'amount_total', 'total_amount', 'total', 'amount_usd', 'price'], [/amount/, /total|price|cents/], amountish);
  s.need('an amount', s.col('amount', amount, 3, amount && `amount-like ${amount.type} column ${amount.name}`));
  const status = statusColumn(t);
  const paid = status ? has(valuesOf(t, status), PAID) : [];
  if (status && paid.length) s.col('status', status, 3, `${status.name} has paid-like values (${listed(paid)})`);
  else if (status) s.col('status', status, 1, `a status (${status.name}) without paid-like values`);
  const user = userReference(t, ctx.chosen.users);
  s.need('a user reference', s.col('userId', user?.column, 2, user?.reason));
  const ref = findColumn(t, [], PROVIDER_REF, (c) => isTextual(c) && !c.references);
  if (ref) s.col('providerRef', ref, 2, `a payment provider's reference (${ref.name})`);
  const provider = findColumn(t, ['provider', 'payment_provider', 'gateway', 'processor'], [], isTextual);
  s.col('provider', provider);
  if (!provider && ref && /^stripe|paypal|razorpay|paystack|paddle/.test(ref.name)) s.columns.provider = `'${ref.name.split('_')[0]}'`;
  const currency = s.col('currency', findColumn(t, ['currency', 'currency_code'], [/currency/], isTextual), 1, 'a currency');
  const created = s.col('createdAt', createdColumn(t), 1, 'a creation time');
  s.need('a time', created);
  s.col('completedAt', findColumn(t, ['completed_at', 'paid_at', 'succeeded_at', 'captured_at'], [], isTime));
  s.col('updatedAt', findColumn(t, ['updated_at', 'modified_at'], [], isTime));
  s.col('credits', findColumn(t, ['credits', 'credits_purchased', 'credit_amount', 'credits_granted'], [], isNumeric));
  if (!status && ref) s.columns.status = "'completed'";
  else s.need('a status', status);
  s.named(/(payment|charge|invoice|order|purchase)s?$|payment_transactions?$/, 1, 'payments');
  if (amount && amount.min !== undefined && amount.min < 0) s.add(-3, `signed amounts (down to ${amount.min}): a ledger's`);
  const type = findColumn(t, TYPE, [], isTextual);
  if (type && has(valuesOf(t, type), flat(LEDGER_TYPES)).length >= 2) s.add(-2, `${type.name} has a ledger's entry types`);
  const unit = amount ? amountUnit(t, amount, currency) : undefined;
  if (unit) s.reasons.push(unit.reason);
  const statuses = status ? matchValues(rawValuesOf(t, status), PAYMENT_STATUSES) : { completed: 'completed' };
  return s.done(/^payments?$/, { statuses, amountUnit: unit?.unit ?? 'major' });
}

function ledger(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 15, 8);
  const amount = findColumn(t, ['amount', 'delta', 'credits', 'change', 'credit_delta', 'amount_credits', 'credits_delta'], [/amount|delta|credits?$/], amountish);
  s.need('an amount', s.col('amount', amount, 3, amount && `amount-like ${amount.type} column ${amount.name}`));
  const signed = amount?.min !== undefined && amount.min < 0;
  if (signed) s.add(3, `signed amounts (down to ${amount!.min})`);
  const type = findColumn(t, TYPE, [/type$|kind$/], isTextual);
  const types = type ? matchValues(rawValuesOf(t, type), LEDGER_TYPES) : {};
  if (type && Object.keys(types).length >= 2) s.col('type', type, 3, `${type.name} has entry types (${listed(Object.values(types))})`);
  else if (type) s.col('type', type, 1, `a type (${type.name})`);
  if (!signed && !(type && Object.keys(types).length >= 2)) s.needs.push('signed amounts or entry types');
  const user = userReference(t, ctx.chosen.users);
  s.need('a user reference', s.col('userId', user?.column, 2, user?.reason));
  s.need('a time', s.col('createdAt', createdColumn(t), 1, 'a creation time'));
  const task = referenceTo(t, ctx.chosen.tasks, ['task_id', 'job_id', 'generation_id'], [/_(task|job)_id$/]);
  s.col('taskId', task, 1, task && `a task reference (${task.name})`);
  const payment = referenceTo(t, ctx.chosen.payments, ['payment_id', 'transaction_id', 'purchase_id'], [/_payment_id$/]);
  s.col('paymentId', payment, 1, payment && `a payment reference (${payment.name})`);
  s.col('description', findColumn(t, ['description', 'note', 'notes', 'memo', 'reason'], [], isTextual));
  s.named(/(ledger|credit|transaction|wallet)/, 1, 'a ledger');
  const status = statusColumn(t);
  if (status && has(valuesOf(t, status), PAID).length) s.add(-2, `${status.name} has a payment's statuses`);
  return s.done(/^(credits?_)?ledger$|^credit_transactions$/, { types });
}

function tasks(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 13, 6);
  const status = statusColumn(t);
  const values = status ? valuesOf(t, status) : [];
  const groups = Object.entries(QUEUE).filter(([, words]) => has(values, words).length).map(([g]) => g);
  const queueLike = groups.length >= 3 && (groups.includes('queued') || groups.includes('inProgress'));
  if (status && queueLike) s.col('status', status, 4, `${status.name} has a queue's values (${listed(values.filter((v) => flat(QUEUE).includes(v)), 5)})`);
  else if (status) s.col('status', status, 1, `a status (${status.name})`);
  s.need('a status', status);
  const todo = has(values, TODO);
  if (todo.length) s.add(-3, `${status!.name} reads as a to-do list (${listed(todo)})`);
  s.need('a creation time', s.col('createdAt', createdColumn(t), 1, 'a creation time'));
  const started = findColumn(t, ['started_at', 'generation_started_at', 'claimed_at', 'processing_started_at', 'run_at'], [/start/], isTime);
  s.col('startedAt', started, 1, started && `a start time (${started.name})`);
  const ended = findColumn(t, ['completed_at', 'finished_at', 'processed_at', 'generation_processed_at', 'ended_at', 'done_at'], [/finish|complet|end/], isTime);
  s.col('processedAt', ended, 1, ended && `an end time (${ended.name})`);
  const extras = [
    s.col('attempts', findColumn(t, ['attempts', 'attempt', 'retries', 'retry_count', 'attempt_count'], [], isInteger)),
    s.col('errorMessage', findColumn(t, ['error_message', 'error', 'last_error', 'failure_reason', 'error_details'], [], isTextual)),
    s.col('params', findColumn(t, ['params', 'input', 'payload', 'args', 'arguments', 'parameters', 'options'], [], isJson)),
    s.col('workerId', findColumn(t, ['worker_id', 'runner_id', 'machine_id'], [])),
  ].filter((c): c is CatalogColumn => Boolean(c));
  if (extras.length) s.add(Math.min(3, extras.length), `a job's columns (${extras.map((c) => c.name).join(', ')})`);
  const user = userReference(t, ctx.chosen.users);
  s.col('userId', user?.column, 1, user?.reason);
  s.col('taskType', findColumn(t, ['task_type', 'job_type', 'type', 'kind', 'operation', 'task_name', 'name'], [], isTextual), 1, 'a job type');
  s.col('updatedAt', findColumn(t, ['updated_at', 'modified_at'], [], isTime));
  s.col('cost', findColumn(t, ['cost', 'credits', 'credit_cost', 'cost_credits', 'price'], [], amountish));
  s.named(/(task|job|generation|run|render)s?$|queue/, 1, 'a job queue');
  const todoish = findColumn(t, ['due_date', 'due_on', 'due_at', 'assignee', 'assigned_to'], []);
  if (todoish) s.add(-2, `${todoish.name}: a to-do's column`);
  const statuses = status ? matchValues(rawValuesOf(t, status), QUEUE) : {};
  return s.done(/^(tasks|jobs)$/, { statuses });
}

function subscriptions(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 12, 7);
  const status = statusColumn(t);
  const values = status ? valuesOf(t, status) : [];
  const lifecycle = has(values, flat(SUBSCRIPTION).filter((v) => v !== 'active'));
  if (status && values.includes('active') && lifecycle.length) s.col('status', status, 4, `${status.name} has a subscription's values (active, ${listed(lifecycle)})`);
  else if (status) s.col('status', status, 1, `a status (${status.name})`);
  s.need('a status', status);
  const user = userReference(t, ctx.chosen.users);
  s.need('a user reference', s.col('userId', user?.column, 2, user?.reason));
  const end = findColumn(t, ['current_period_end', 'period_end', 'ends_at', 'renews_at', 'expires_at', 'current_period_ends_at'], [/period_end|renew|expire/], isTime);
  s.col('periodEnd', end, 2, end && `a period end (${end.name})`);
  s.col('periodStart', findColumn(t, ['current_period_start', 'period_start', 'starts_at', 'started_at'], [/period_start/], isTime), 1, 'a period start');
  const plan = referenceTo(t, ctx.chosen.tiers, ['plan_id', 'price_id', 'tier_id', 'product_id', 'plan', 'tier', 'variant_id'], [/_(plan|price|tier)_id$/]);
  s.col('tierId', plan, 1, plan && `a plan (${plan.name})`);
  const ref = findColumn(t, ['stripe_subscription_id', 'provider_subscription_id', 'external_id', 'paddle_subscription_id'], [/subscription_id$/], (c) => isTextual(c) && !c.references);
  s.col('providerRef', ref, 1, ref && `a provider's reference (${ref.name})`);
  s.col('createdAt', createdColumn(t));
  s.col('updatedAt', findColumn(t, ['updated_at', 'modified_at'], [], isTime));
  s.named(/subscription/, 1, 'subscriptions');
  const statuses = status ? matchValues(rawValuesOf(t, status), SUBSCRIPTION) : {};
  // The users' free tier, where the users table names its tier by value ("free").
  const u = ctx.chosen.users;
  const tier = u && findColumn(u, ['tier_id', 'plan_id', 'subscription_tier_id', 'plan', 'tier', 'plan_tier', 'subscription_plan'], [], (c) => !c.pk);
  const freeTierValues = tier ? rawValuesOf(u, tier).filter((v) => /^free$|_free$|^free_/i.test(v)) : [];
  return s.done(/^subscriptions?$/, { statuses, freeTierValues });
}

function tiers(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 10, 6);
  s.need('a name', s.col('name', findColumn(t, ['name', 'title', 'display_name', 'nickname', 'label', 'plan_name', 'tier_name'], [], isTextual), 2, 'a name'));
  const price = findColumn(t, ['monthly_price', 'price_monthly', 'price', 'unit_amount', 'amount', 'price_cents', 'monthly_cost'], [/price|amount/], amountish);
  s.need('a price', s.col('monthlyPrice', price, 3, price && `a price (${price.name})`));
  s.col('monthlyCredits', findColumn(t, ['monthly_credits', 'credits', 'credits_per_month', 'quota', 'monthly_quota'], [], isNumeric), 1, 'an allowance');
  const interval = findColumn(t, ['interval', 'billing_interval', 'billing_period', 'recurring_interval'], []);
  if (interval) s.add(1, `a billing interval (${interval.name})`);
  const by = ctx.referencedBy.get(`${t.schema}.${t.name}`) ?? [];
  if (by.length) s.add(2, `referenced by ${listed(by, 3)}`);
  s.named(/(tier|plan|price|product|package|pricing)s?$/, 1, 'tiers');
  if (userReference(t, ctx.chosen.users)) s.add(-3, 'belongs to a user');
  return s.done(/^(subscription_)?(tiers|plans)$/, { free: [] });
}

function workers(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 8, 5);
  const status = statusColumn(t);
  s.need('a status', s.col('status', status, 1, 'a status'));
  if (status && has(valuesOf(t, status), WORKER).length >= 2) s.add(2, `${status.name} has a worker's values`);
  const beat = s.col('lastHeartbeat', findColumn(t, ['last_heartbeat', 'heartbeat_at', 'last_seen_at', 'last_seen', 'last_ping_at'], [/heartbeat|last_seen|ping/], isTime), 3, 'a heartbeat');
  const tasksTable = ctx.chosen.tasks;
  const referenced = tasksTable?.columns.find((c) => c.references?.schema === t.schema && c.references.table === t.name);
  if (referenced) s.add(2, `${tasksTable!.name}.${referenced.name} references it`);
  if (!beat && !referenced) s.needs.push('a heartbeat or the tasks pointing at it');
  s.col('metadata', findColumn(t, ['metadata', 'meta', 'info'], [], isJson));
  s.col('createdAt', createdColumn(t));
  s.named(/(worker|runner|agent|machine)s?$/, 1, 'workers');
  const statuses = status ? matchValues(rawValuesOf(t, status), { active: ['active', 'online', 'idle', 'busy', 'alive'], inactive: ['inactive', 'offline'], terminated: ['terminated', 'dead'] }) : {};
  return s.done(/^workers$/, { statuses });
}

function apiCosts(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 12, 7);
  const cost = findColumn(t, ['cost_usd', 'cost', 'total_cost', 'actual_cost_usd', 'estimated_cost', 'price_usd'], [/cost/], amountish);
  s.need('a cost', s.col('costUsd', cost, 3, cost && `a cost (${cost.name})`));
  const input = s.col('inputTokens', findColumn(t, ['input_tokens', 'prompt_tokens', 'tokens_in', 'tokens'], [], isInteger));
  const output = s.col('outputTokens', findColumn(t, ['output_tokens', 'completion_tokens', 'tokens_out'], [], isInteger));
  if (input || output) s.add(2, 'token counts');
  const model = s.col('model', findColumn(t, ['model', 'model_name', 'model_used', 'model_id'], [/model/], isTextual), 2, 'a model');
  if (!input && !output && !model) s.needs.push('a model or token counts');
  s.col('provider', findColumn(t, ['provider', 'api_provider', 'vendor'], [], isTextual), 1, 'a provider');
  s.need('a time', s.col('createdAt', createdColumn(t), 1, 'a creation time'));
  const user = userReference(t, ctx.chosen.users);
  s.col('userId', user?.column, 1, user?.reason);
  s.col('taskId', referenceTo(t, ctx.chosen.tasks, ['task_id', 'job_id'], []));
  s.named(/(cost|usage|llm|token|api_call)/, 1, 'a cost log');
  return s.done(/^api_cost_logs?$/, { keyOptional: true });
}

function taskCostConfigs(t: CatalogTable): Tally {
  const s = new Score(t, 9, 6);
  s.need('a task type', s.col('taskType', findColumn(t, ['task_type', 'type', 'name', 'job_type'], [], isTextual), 2, 'a task type'));
  const rate = findColumn(t, ['base_cost_per_second', 'cost_per_second', 'price_per_second', 'rate_per_second'], [/per_second/], isNumeric);
  s.need('a price per second', s.col('baseCostPerSecond', rate, 4, rate && `a price per second (${rate.name})`));
  s.col('costFactors', findColumn(t, ['cost_factors', 'factors'], [], isJson), 1, 'cost factors');
  s.col('billable', findColumn(t, ['billable', 'is_billable'], [], isBool), 1, 'a billable flag');
  s.named(/(cost|pric|task_type)/, 1, 'task prices');
  return s.done(/^task_(cost_configs|types)$/);
}

const SCORERS: Partial<Record<ConceptName, (t: CatalogTable, ctx: Context) => Tally>> = {
  users, payments, ledger, tasks, subscriptions, tiers, workers, apiCosts, taskCostConfigs,
};

export function scoreTable(concept: ConceptName, t: CatalogTable, ctx: Context): Tally {
  const score = SCORERS[concept];
  if (!score) return { ok: false, points: 0, min: 1, max: 1, exactName: 0, namedLike: false, reasons: [], needs: [], spec: {} };
  return score(t, ctx);
}
