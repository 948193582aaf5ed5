/**
 * The money concepts' scores (discover.ts): payments, a credit ledger, subscriptions and their tiers.
 */
import type { CatalogColumn, CatalogTable } from '@/lib/mapping/catalog';
import {
  createdColumn, findColumn, isInteger, isNumeric, isTextual, isTime, listed, matchValues,
  rawValuesOf, referenceTo, userReference, valuesOf,
} from '@/lib/mapping/discover-columns';
import { amountish, flat, has, Score, statusColumn, TYPE, type Context, type Tally } from '@/lib/mapping/discover-score';

const PAID = ['paid', 'completed', 'complete', 'succeeded', 'success', 'successful', 'captured', 'settled'];
const PAYMENT_STATUSES = {
  created: ['created', 'draft', 'requires_payment_method'], pending: ['pending', 'processing', 'open', 'requires_action', 'abandoned'],
  completed: PAID, failed: ['failed', 'declined', 'uncollectible', 'void', 'canceled', 'cancelled', 'expired'],
  refunded: ['refunded', 'reversed'], disputed: ['disputed', 'chargeback'],
};
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
const PROVIDER_REF = [
  /^(stripe|paypal|razorpay|paystack|braintree|paddle|lemon_?squeezy|square|adyen|mollie|provider|external|gateway)_\w+$/,
  /_(payment_intent|intent|charge|session|checkout_session|transaction|order|invoice)_id$/, /^(payment_intent|charge|transaction|order|invoice|session)_id$/,
];

/** 'minor' when the amount is in cents: named so, or an integer with a currency whose typical value is in the hundreds or more. */
function amountUnit(t: CatalogTable, amount: CatalogColumn, currency: CatalogColumn | undefined): { unit: 'major' | 'minor'; reason: string } {
  if (/cents|minor|_pence|paise|kobo/.test(amount.name)) return { unit: 'minor', reason: `amounts in minor units (${amount.name})` };
  if (isInteger(amount) && currency && (amount.mid ?? 0) >= 100) {
    return { unit: 'minor', reason: `amounts in minor units (integers around ${amount.mid} with a currency)` };
  }
  return { unit: 'major', reason: isInteger(amount) ? `amounts taken as whole units (integers${amount.mid !== undefined ? ` around ${amount.mid}` : ''})` : `amounts in major units (${amount.type})` };
}

export function payments(t: CatalogTable, ctx: Context): Tally {
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
  const costLog = findColumn(t, ['model', 'model_name', 'model_used', 'prompt_tokens', 'input_tokens', 'completion_tokens'], []);
  if (costLog) s.add(-2, `${costLog.name}: a cost log's column`);
  const type = findColumn(t, TYPE, [], isTextual);
  if (type && has(valuesOf(t, type), flat(LEDGER_TYPES)).length >= 2) s.add(-2, `${type.name} has a ledger's entry types`);
  const unit = amount ? amountUnit(t, amount, currency) : undefined;
  if (unit) s.reasons.push(unit.reason);
  const statuses = status ? matchValues(rawValuesOf(t, status), PAYMENT_STATUSES) : { completed: 'completed' };
  return s.done(/^payments?$/, { statuses, amountUnit: unit?.unit ?? 'major' });
}

export function ledger(t: CatalogTable, ctx: Context): Tally {
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

export function subscriptions(t: CatalogTable, ctx: Context): Tally {
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

export function tiers(t: CatalogTable, ctx: Context): Tally {
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
  const email = findColumn(t, ['email', 'email_address'], []);
  if (email) s.add(-4, `${email.name}: a user's column`);
  return s.done(/^(subscription_)?(tiers|plans)$/, { free: [] });
}

