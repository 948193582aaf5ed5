-- lanes: all
-- The credits ledger, consistent by construction: one 'purchase' per completed (or later refunded
-- or disputed) payment, one 'refund' per refunded payment, one 'spend' per Complete billable task,
-- one 'spend' per metered API call, signup and promo grants, promo expiries, a few manual credits.
-- Ids are md5 of the row's origin. Balances are computed in 13_profiles.sql.

insert into public.credits_ledger (id, user_id, amount, type, payment_id, task_id, description, created_by, created_at)
-- Signup bonus for everyone.
select pg_temp.uuid('ledger:signup:' || tu.i), tu.id, 5.00, 'grant', null::uuid, null::uuid,
  'Signup bonus', 'system', tu.created_at + interval '1 second'
from tu where pg_temp.mine(tu.i)
union all
-- Promo codes redeemed by one user in ten.
select pg_temp.uuid('ledger:promo:' || tu.i), tu.id, 3.00, 'grant', null, null,
  'Promo code ' || (array['DISCORD', 'SORRY-OUTAGE', 'BLACKFRIDAY'])[tu.hn % 3 + 1], 'system',
  tu.created_at + (pg_temp.anchor() - tu.created_at) * 0.25
from tu where pg_temp.mine(tu.i) and pg_temp.u('ledger:promo:' || tu.i) < 0.10
union all
-- Promo credits expire after 14 days (half of them were still unspent).
select pg_temp.uuid('ledger:expiry:' || tu.i), tu.id, -3.00, 'expiry', null, null,
  'Promo credits expired after 14 days', 'system',
  tu.created_at + (pg_temp.anchor() - tu.created_at) * 0.25 + interval '14 days'
from tu where pg_temp.mine(tu.i) and pg_temp.u('ledger:promo:' || tu.i) < 0.05
  and tu.created_at + (pg_temp.anchor() - tu.created_at) * 0.25 + interval '14 days' < pg_temp.anchor()
union all
-- Goodwill credits from support.
select pg_temp.uuid('ledger:manual:' || tu.i), tu.id, (1 + tu.hn % 5)::numeric(12, 2), 'manual', null, null,
  'Goodwill credit: ' || (array['failed render', 'slow queue', 'billing confusion'])[tu.hn % 3 + 1],
  'support@kontor.dev', tu.created_at + (pg_temp.anchor() - tu.created_at) * 0.6
from tu where pg_temp.mine(tu.i) and pg_temp.u('ledger:manual:' || tu.i) < 0.025
union all
select pg_temp.uuid('ledger:purchase:' || tp.i), tp.user_id, tp.credits, 'purchase', pg_temp.uuid('payment:' || tp.i), null,
  case when tp.kind = 'subscription' then 'Subscription credits (' || tp.tier_id || ')'
    else 'Credit pack (' || tp.product || ')' end,
  tp.provider || '-webhook', tp.completed_at + interval '2 seconds'
from tp where tp.status in ('completed', 'refunded', 'disputed')
union all
select pg_temp.uuid('ledger:refund:' || tp.i), tp.user_id, -tp.credits, 'refund', pg_temp.uuid('payment:' || tp.i), null,
  'Refund of ' || 'ORD-' || (2061584302 - pg_temp.n(20000, 'payments') - 4 + tp.i), tp.provider || '-webhook', tp.refunded_at
from tp where tp.status = 'refunded'
union all
select pg_temp.uuid('ledger:task:' || tt.key), tt.user_id, -tt.cost, 'spend', null, tt.id,
  tt.task_type || ' (' || tt.duration_s || ' s on ' || tt.gpu || ')', 'task-worker', tt.processed_at + interval '1 second'
from tt where tt.status = 'Complete' and tt.billable
union all
select pg_temp.uuid('ledger:api:' || tm.id), tm.user_id,
  -greatest(0.01, round((tm.input_tokens * tm.usd_in + tm.output_tokens * tm.usd_out) / 1000000 * 2, 2)),
  'spend', null, null, 'API usage: ' || tm.model, 'api-gateway', tm.created_at + interval '1 second'
from tm;
