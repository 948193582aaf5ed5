-- Reference data: price lists, the GPU fleet, promo codes.
-- From here on the build writes history, so it runs with session_replication_role = replica:
-- triggers (updated_at = now(), the ledger's balance trigger) stay quiet and every value comes
-- from the anchor and md5 of row numbers. Balances are computed in one pass in 13_balances.sql.
set session_replication_role = replica;
set work_mem = '64MB';

insert into public.subscription_tiers (id, name, monthly_price, monthly_credits, features) values
  ('free', 'Free', 0, 0,
    '{"max_resolution": "720p", "max_concurrent_tasks": 1, "lora_training": false, "watermark": true}'),
  ('starter', 'Starter', 9, 10,
    '{"max_resolution": "1080p", "max_concurrent_tasks": 2, "lora_training": false, "watermark": false}'),
  ('pro', 'Pro', 29, 35,
    '{"max_resolution": "1080p", "max_concurrent_tasks": 4, "lora_training": true, "watermark": false, "priority_queue": true}'),
  ('studio', 'Studio', 79, 100,
    '{"max_resolution": "4k", "max_concurrent_tasks": 8, "lora_training": true, "watermark": false, "priority_queue": true, "api_access": true}');

-- Reigh's standard rate, $0.000278 per GPU second, scaled by resolution and GPU class.
insert into public.task_cost_configs (task_type, base_cost_per_second, cost_factors, billable, updated_at) values
  ('image_generation', 0.000278,
    '{"resolution": {"512": 1, "1024": 2, "2048": 4}, "gpu": {"A10G": 1, "L40S": 1.5, "A100": 2.5, "H100": 4}}',
    true, pg_temp.anchor() - interval '75 days'),
  ('video_travel_segment', 0.000278,
    '{"resolution": {"480p": 1, "720p": 2, "1080p": 4}, "gpu": {"A10G": 1, "L40S": 1.5, "A100": 2.5, "H100": 4}}',
    true, pg_temp.anchor() - interval '75 days'),
  ('travel_orchestrator', 0.000278, '{}', false, pg_temp.anchor() - interval '75 days'),
  ('image_upscale', 0.000278,
    '{"scale": {"2x": 1, "4x": 2}, "gpu": {"A10G": 1, "L40S": 1.5, "A100": 2.5, "H100": 4}}',
    true, pg_temp.anchor() - interval '40 days'),
  ('lora_training', 0.000278,
    '{"base_multiplier": 6, "gpu": {"A10G": 1, "L40S": 1.5, "A100": 2.5, "H100": 4}}',
    true, pg_temp.anchor() - interval '40 days');

-- The fleet: 1-22 serving, 23 silent (planted: silent_worker), 24 terminated while holding tasks
-- (planted: task_on_dead_worker, see 12_defects.sql), 25-30 retired before the demo's history.
create temp table tw as
select k,
  'gpu-' || (array['us-east', 'us-west', 'eu-west'])[k % 3 + 1] || '-' || lpad(k::text, 2, '0') as id,
  (array['A10G', 'L40S', 'A100', 'H100'])[k % 4 + 1] as gpu,
  (array[1, 1.5, 2.5, 4])[k % 4 + 1]::numeric as gpu_mult,
  (array['us-east', 'us-west', 'eu-west'])[k % 3 + 1] as region
from generate_series(1, 30) k;

insert into public.workers (id, status, last_heartbeat, metadata, created_at)
select id,
  case when k <= 23 then 'active' when k = 24 then 'terminated' when k <= 28 then 'inactive' else 'terminated' end,
  pg_temp.anchor() - case
    when k <= 22 then make_interval(secs => 4 + (k * 7) % 41)
    when k = 23 then interval '2 hours 13 minutes'
    when k = 24 then interval '3 hours 5 minutes'
    else make_interval(days => 61 + k, hours => k)
  end,
  jsonb_build_object(
    'version', case when k <= 24 then '1.14.2' else '1.9.' || (k % 4) end,
    'concurrency', case when gpu in ('A100', 'H100') then 4 else 2 end,
    'gpu', gpu,
    'region', region,
    'instance_type', case gpu when 'A10G' then 'g5.xlarge' when 'L40S' then 'g6e.xlarge'
      when 'A100' then 'p4d.24xlarge' else 'p5.48xlarge' end),
  pg_temp.anchor() - make_interval(days => case when k <= 24 then 90 else 120 end, hours => k)
from tw;

-- planted (rls_disabled_public_table): the table itself is clean data; its exposure is the defect.
insert into public.promo_codes (code, description, credits, max_uses, uses, expires_at, created_at)
select code, description, credits, max_uses, uses,
  pg_temp.anchor() + make_interval(days => expires_in), pg_temp.anchor() - make_interval(days => age)
from (values
  ('WELCOME5', 'Extra credits for new sign-ups', 5.00, null, 412, 365, 90),
  ('LAUNCH2026', 'Launch week', 10.00, 1000, 1000, -30, 75),
  ('BLACKFRIDAY', 'Black Friday bonus', 25.00, 500, 137, 10, 6),
  ('CREATORS', 'Creator program', 50.00, 100, 23, 120, 45),
  ('STUDIO-TRIAL', 'Studio tier trial credits', 30.00, 200, 88, 60, 30),
  ('DISCORD', 'Discord community event', 3.00, 2000, 1544, -5, 40),
  ('PARTNER-ACME', 'Partner agency', 100.00, 10, 4, 200, 20),
  ('SORRY-OUTAGE', 'Apology for the queue outage', 2.00, null, 690, 20, 12)
) as v(code, description, credits, max_uses, uses, expires_in, age);
