/**
 * One concept's score for one table (discover.ts): users, tasks, workers, API costs and task prices
 * here, the money concepts in discover-money.ts; the tally itself in discover-score.ts.
 */
import type { ConceptName } from '@/lib/mapping/schema';
import type { CatalogColumn, CatalogTable } from '@/lib/mapping/catalog';
import {
  createdColumn, findColumn, isBool, isInteger, isJson, isNumeric, isTextual, isTime, keyColumn, listed, matchValues,
  rawValuesOf, referenceTo, userReference, valuesOf,
} from '@/lib/mapping/discover-columns';
import { amountish, flat, has, Score, statusColumn, type Context, type Tally } from '@/lib/mapping/discover-score';
import { ledger, payments, subscriptions, tiers } from '@/lib/mapping/discover-money';

export type { Context, Tally } from '@/lib/mapping/discover-score';

const QUEUE = {
  queued: ['queued', 'pending', 'waiting', 'scheduled', 'new', 'enqueued', 'submitted'],
  inProgress: ['in progress', 'in_progress', 'running', 'processing', 'started', 'claimed', 'working'],
  complete: ['complete', 'completed', 'done', 'succeeded', 'success', 'finished'],
  failed: ['failed', 'error', 'errored', 'timeout', 'timed_out'],
  cancelled: ['cancelled', 'canceled', 'aborted'],
};
const TODO = ['todo', 'to_do', 'to do', 'doing', 'backlog', 'in_review', 'review', 'blocked', 'wontfix'];
const WORKER = ['online', 'offline', 'idle', 'busy', 'active', 'inactive', 'terminated', 'dead', 'alive'];

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

function workers(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 9, 5);
  const status = statusColumn(t);
  s.need('a status', s.col('status', status, 1, 'a status'));
  if (status && has(valuesOf(t, status), WORKER).length >= 2) s.add(2, `${status.name} has a worker's values`);
  const beat = s.col('lastHeartbeat', findColumn(t, ['last_heartbeat', 'heartbeat_at', 'last_seen_at', 'last_seen', 'last_ping_at'], [/heartbeat|last_seen|ping/], isTime), 3, 'a heartbeat');
  const tasksTable = ctx.chosen.tasks;
  // Through a column named for a worker: a task's clone, project or agent config is not the worker running it.
  const referenced = tasksTable?.columns.find((c) => c.references?.schema === t.schema && c.references.table === t.name && /worker|runner|machine/.test(c.name));
  if (referenced) s.add(2, `${tasksTable!.name}.${referenced.name} references it`);
  if (!beat && !referenced) s.needs.push('a heartbeat or the tasks pointing at it');
  s.col('metadata', findColumn(t, ['metadata', 'meta', 'info'], [], isJson));
  s.col('createdAt', createdColumn(t));
  s.named(/(worker|runner|agent|machine)s?$/, 1, 'workers');
  const statuses = status ? matchValues(rawValuesOf(t, status), { active: ['active', 'online', 'idle', 'busy', 'alive'], inactive: ['inactive', 'offline'], terminated: ['terminated', 'dead'] }) : {};
  return s.done(/^workers$/, { statuses });
}

function apiCosts(t: CatalogTable, ctx: Context): Tally {
  const s = new Score(t, 11, 7);
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
