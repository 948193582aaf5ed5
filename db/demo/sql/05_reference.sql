-- Reference data: price lists and promo codes (the GPU fleet is in 06_fleet.sql).
-- From here on the build writes history, so it runs with session_replication_role = replica:
-- triggers (updated_at = now(), the ledger's balance trigger) stay quiet and every value comes
-- from the anchor and md5 of row numbers. Balances are computed in one pass in 13_balances.sql.
set session_replication_role = replica;

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
