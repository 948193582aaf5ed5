-- lanes: all
-- LLM usage: metered calls (no task; each is charged in the ledger, 10_ledger.sql) and prompt
-- enhancement inside tasks (covered by the task's price, not charged again).

create temp table tm as
with models(n, provider, model, usd_in, usd_out) as (values
  (1, 'openai', 'gpt-4o-mini', 0.15, 0.60),
  (2, 'openai', 'gpt-4o', 2.50, 10.00),
  (3, 'anthropic', 'claude-3-5-haiku', 0.80, 4.00),
  (4, 'anthropic', 'claude-sonnet-4', 3.00, 15.00),
  (5, 'google', 'gemini-2.0-flash', 0.10, 0.40)
), v as materialized (
  select m, pg_temp.skew('api:user:' || m, p.nu) as user_i,
    pg_temp.u('api:time:' || m) as ut, pg_temp.h('api:misc:' || m) as hm
  from generate_series(1, pg_temp.n(150000, 'api')) m, params p
  where pg_temp.mine(m)
)
select v.m as id, tu.id as user_id, md.provider, md.model,
  (150 + v.hm % 5850)::int as input_tokens,
  (40 + (v.hm / 10000) % 1760)::int as output_tokens,
  tu.created_at + (pg_temp.anchor() - interval '5 minutes' - tu.created_at) * v.ut as created_at,
  md.usd_in, md.usd_out
from v
join tu on tu.i = v.user_i
join models md on md.n = (array[1, 1, 1, 1, 2, 3, 3, 4, 5, 5])[(v.hm / 100000000) % 10 + 1];

insert into public.api_cost_logs (id, user_id, task_id, provider, model, input_tokens, output_tokens, cost_usd, created_at)
overriding system value
select id, user_id, null, provider, model, input_tokens, output_tokens,
  round((input_tokens * usd_in + output_tokens * usd_out) / 1000000, 6), created_at
from tm
union all
select pg_temp.n(150000, 'api') + t.i, t.user_id, t.id, 'openai', 'gpt-4o-mini',
  (300 + t.hm % 900)::int, (80 + (t.hm / 1000) % 400)::int,
  round(((300 + t.hm % 900) * 0.15 + (80 + (t.hm / 1000) % 400) * 0.60) / 1000000, 6),
  t.started_at + interval '1 second'
from tt t
where t.i is not null and t.status in ('Complete', 'Failed')
  and t.task_type in ('image_generation', 'video_travel_segment') and t.hm % 5 = 0;

