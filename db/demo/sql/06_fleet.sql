-- lanes: all
-- From here to 13_profiles.sql every file runs in each of the build's sessions at once (its lanes,
-- see build.ts), and each row is written by the one session whose number it falls to
-- (pg_temp.mine). Staging tables (tw, tu, tp, tt, tm) are each session's own temporary tables.
set session_replication_role = replica;

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
from tw
where pg_temp.mine(k);
