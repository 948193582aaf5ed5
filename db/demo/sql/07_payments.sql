-- lanes: all
-- Payments: credit packs for everyone, monthly subscriptions for paid tiers, through Stripe or
-- PayPal. Payments 101, 202 and 303 are forced to 'completed': their ledger rows are the planted
-- payment_without_grant / payment_granted_twice (12_defects.sql).

create temp table tp as
with v as materialized (
  select i,
    pg_temp.skew('pay:user:' || i, p.nu) as user_i,
    pg_temp.u('pay:time:' || i) as ut,
    pg_temp.u('pay:provider:' || i) as uprov,
    pg_temp.u('pay:status:' || i) as ust,
    pg_temp.u('pay:kind:' || i) as ukind,
    pg_temp.h('pay:misc:' || i) as hm
  from generate_series(1, pg_temp.n(20000, 'payments')) i, params p
  where pg_temp.mine(i)
), typed as (
  select v.*, tu.id as user_id, tu.email, tu.tier_id,
    tu.created_at + (pg_temp.anchor() - interval '10 minutes' - tu.created_at) * v.ut as created_at,
    case when uprov < 0.78 then 'stripe' else 'paypal' end as provider,
    case when v.i in (101, 202, 303) then 'completed'
      when ust < 0.06 then 'failed' when ust < 0.08 then 'created' when ust < 0.09 then 'pending'
      when ust < 0.115 then 'refunded' when ust < 0.125 then 'disputed' else 'completed' end as status,
    case when tu.tier_id <> 'free' and ukind < 0.15 then 'subscription' else 'credit_pack' end as kind,
    (hm % 100)::int as pack_roll
  from v join tu on tu.i = v.user_i
)
select t.*,
  case when kind = 'subscription' then st.monthly_price
    when pack_roll < 40 then 10 when pack_roll < 70 then 25 when pack_roll < 90 then 50 else 100 end::numeric(10, 2) as amount,
  case when kind = 'subscription' then st.monthly_credits
    when pack_roll < 40 then 10 when pack_roll < 70 then 26 when pack_roll < 90 then 55 else 115 end::numeric(12, 2) as credits,
  case when kind = 'subscription' then 'sub_' || st.id
    when pack_roll < 40 then 'pack_10' when pack_roll < 70 then 'pack_25' when pack_roll < 90 then 'pack_50' else 'pack_100' end as product,
  case when (hm / 100) % 100 < 80 then 'USD' when (hm / 100) % 100 < 92 then 'EUR' else 'GBP' end as currency,
  case when provider = 'paypal' then 'paypal'
    when (hm / 10000) % 100 < 70 then 'card' when (hm / 10000) % 100 < 88 then 'apple_pay' else 'google_pay' end as method,
  case when status in ('completed', 'refunded', 'disputed')
    then created_at + make_interval(secs => 5 + (hm / 1000000) % 175) end as completed_at
from typed t join public.subscription_tiers st on st.id = t.tier_id;
create unique index on tp (i);

alter table tp add column refunded_at timestamptz;
update tp set refunded_at = least(completed_at + make_interval(days => 1 + (hm % 9)::int, secs => (hm % 7200)::int),
  pg_temp.anchor() - interval '1 minute')
where status = 'refunded';

-- Order numbers come from an int4 sequence that is ~96% used (planted: sequence_near_max);
-- 12_defects.sql adds 4 more payments.
insert into public.payments (id, user_id, provider, provider_ref, order_id, amount, currency, credits, status, method,
  metadata, created_at, updated_at, completed_at)
select pg_temp.uuid('payment:' || i), user_id, provider,
  case when provider = 'stripe' then 'pi_3' || substr(md5('pay:ref:' || i), 1, 22)
    else upper(substr(md5('pay:ref:' || i), 1, 17)) end,
  'ORD-' || (2061584302 - pg_temp.n(20000, 'payments') - 4 + i),
  amount, currency, credits, status, method,
  jsonb_strip_nulls(jsonb_build_object(
    'kind', kind,
    'product', product,
    'customer_email', email,
    'ip_country', (array['US', 'US', 'US', 'GB', 'DE', 'FR', 'CA', 'BR', 'JP', 'IN', 'ES', 'NL'])[(hm / 7) % 12 + 1],
    'stripe_customer', case when provider = 'stripe' then 'cus_' || substr(md5('cus:' || user_id), 1, 14) end,
    'paypal_payer_id', case when provider = 'paypal' then upper(substr(md5('payer:' || user_id), 1, 13)) end,
    'failure_code', case when status = 'failed'
      then (array['card_declined', 'insufficient_funds', 'expired_card', 'processing_error'])[(hm / 3) % 4 + 1] end,
    'refund', case when status = 'refunded'
      then jsonb_build_object('reason', (array['requested_by_customer', 'duplicate', 'fraudulent'])[(hm / 5) % 3 + 1],
        'refunded_at', refunded_at) end,
    'dispute', case when status = 'disputed'
      then jsonb_build_object('reason', (array['fraudulent', 'product_not_received', 'unrecognized'])[(hm / 5) % 3 + 1],
        'opened_at', least(completed_at + interval '2 days', pg_temp.anchor() - interval '1 minute')) end)),
  created_at, coalesce(refunded_at, completed_at, created_at), completed_at
from tp;

select setval('public.payments_order_number_seq', 2061584302);
