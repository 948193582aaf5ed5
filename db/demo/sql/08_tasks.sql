-- lanes: all
-- The task queue: 60 days of finished tasks, a few live ones (Queued a few minutes, In Progress on
-- fresh workers), their generations and the files in storage. Tasks 501/502 are forced Failed and
-- 601/602 Complete: 12_defects.sql charges the first pair and not the second (planted).

create temp table tt as
with v as materialized (
  select i,
    pg_temp.skew('task:user:' || i, p.nu) as user_i,
    pg_temp.u('task:type:' || i) as utype,
    pg_temp.u('task:status:' || i) as ustatus,
    pg_temp.u('task:time:' || i) as utime,
    pg_temp.h('task:misc:' || i) as hm
  from generate_series(1, pg_temp.n(50000, 'tasks')) i, params p
  where pg_temp.mine(i)
), typed as (
  select v.i::text as key, v.i, tu.id as user_id, tu.i as user_i, tu.n_projects, v.hm,
    case when v.i in (501, 502, 601, 602) then 'video_travel_segment'
      when utype < 0.40 then 'image_generation' when utype < 0.70 then 'video_travel_segment'
      when utype < 0.80 then 'travel_orchestrator' when utype < 0.95 then 'image_upscale'
      else 'lora_training' end as task_type,
    case when v.i in (501, 502) then 'Failed' when v.i in (601, 602) then 'Complete'
      when ustatus < 0.07 then 'Failed' when ustatus < 0.12 then 'Cancelled' else 'Complete' end as status,
    tu.created_at + interval '10 minutes'
      + (pg_temp.anchor() - interval '80 minutes' - tu.created_at) * utime as created_at
  from v join tu on tu.i = v.user_i
), live as (
  -- Live queue: Queued for a few minutes, In Progress on serving workers.
  select 'live-queued-' || k as key, null::int as i, tu.id, tu.i, tu.n_projects, pg_temp.h('task:live:q:' || k),
    case when k % 2 = 0 then 'image_generation' else 'video_travel_segment' end,
    'Queued', pg_temp.anchor() - make_interval(secs => 20 + (k * 53) % 540)
  from generate_series(1, pg_temp.n(10, 'live')) k cross join params p
  join tu on tu.i = pg_temp.skew('task:live:q:user:' || k, p.nu)
  where pg_temp.mine(k)
  union all
  select 'live-running-' || k, null, tu.id, tu.i, tu.n_projects, pg_temp.h('task:live:r:' || k),
    case when k % 3 = 0 then 'image_generation' else 'video_travel_segment' end,
    'In Progress', pg_temp.anchor() - make_interval(secs => 240 + (k * 47) % 780)
  from generate_series(1, pg_temp.n(18, 'live')) k cross join params p
  join tu on tu.i = pg_temp.skew('task:live:r:user:' || k, p.nu)
  where pg_temp.mine(k)
), alltasks as (
  select * from typed union all select * from live
), shaped as materialized (
  select a.*,
    pg_temp.uuid('task:' || a.key) as id,
    pg_temp.uuid('project:' || a.user_i || ':' || (1 + a.hm % a.n_projects)) as project_id,
    case
      when a.status in ('Queued', 'Cancelled') then null
      when a.status = 'In Progress' then (a.hm % 22) + 1
      when a.created_at > pg_temp.anchor() - interval '4 hours' then (a.hm % 22) + 1
      else (a.hm % 24) + 1 end as worker_k,
    2 + (a.hm / 100) % 88 as wait_s,
    case a.task_type
      when 'image_generation' then 8 + (a.hm / 10000) % 38
      when 'video_travel_segment' then 60 + (a.hm / 10000) % 361
      when 'travel_orchestrator' then 2 + (a.hm / 10000) % 9
      when 'image_upscale' then 15 + (a.hm / 10000) % 76
      else 900 + (a.hm / 10000) % 2101 end as duration_s,
    case a.task_type
      when 'image_generation' then (array['512', '1024', '2048'])[(a.hm / 1000000) % 3 + 1]
      when 'video_travel_segment' then (array['480p', '720p', '1080p'])[(a.hm / 1000000) % 3 + 1]
      when 'image_upscale' then (array['2x', '4x'])[(a.hm / 1000000) % 2 + 1] end as res,
    (array['a lighthouse on a cliff at dusk, cinematic', 'portrait of an astronaut in a sunflower field',
      'neon city street in the rain, tracking shot', 'a red fox running through snow, slow motion',
      'watercolor map of an imaginary island', 'product shot of a glass perfume bottle on marble',
      'drone flight over autumn forest', 'anime style girl reading in a cafe', 'old tram crossing Lisbon hills',
      'macro shot of dew on a spider web', 'cozy cabin interior with fireplace', 'surfer inside a turquoise wave',
      'isometric pixel art village', 'jazz band in a smoky club, 1950s film look', 'time lapse of clouds over mountains',
      'paper cut-out whale swimming in the sky'])[(a.hm / 100000000) % 16 + 1] as prompt
  from alltasks a
)
select s.*, w.id as worker_id, w.gpu,
  case
    when s.status in ('Queued', 'In Progress', 'Cancelled') then null
    when not c.billable then 0::numeric(12, 2)
    else greatest(0.01, round(s.duration_s * c.base_cost_per_second
      * coalesce((c.cost_factors -> 'resolution' ->> s.res)::numeric, (c.cost_factors -> 'scale' ->> s.res)::numeric,
          (c.cost_factors ->> 'base_multiplier')::numeric, 1)
      * coalesce((c.cost_factors -> 'gpu' ->> w.gpu)::numeric, 1), 2)) end::numeric(12, 2) as cost,
  c.billable,
  case when s.status in ('Complete', 'Failed', 'In Progress') then s.created_at + make_interval(secs => s.wait_s) end as started_at,
  case s.status
    when 'Complete' then s.created_at + make_interval(secs => s.wait_s + s.duration_s)
    when 'Failed' then s.created_at + make_interval(secs => s.wait_s + greatest(1, s.duration_s * ((s.hm / 7) % 90 + 5) / 100))
    end as processed_at
from shaped s
join public.task_cost_configs c on c.task_type = s.task_type
left join tw w on w.k = s.worker_k;
create unique index on tt (key);
analyze tt;

insert into public.tasks (id, user_id, project_id, task_type, status, params, output_location, worker_id, attempts,
  error_message, cost, created_at, updated_at, generation_started_at, generation_processed_at)
select id, user_id, project_id, task_type, status,
  case task_type
    when 'image_generation' then jsonb_build_object('prompt', prompt, 'model', 'flux-dev', 'resolution', res,
      'steps', 28, 'guidance', 3.5, 'seed', hm % 2147483647)
    when 'video_travel_segment' then jsonb_build_object('prompt', prompt, 'model', 'wan2.1-i2v-14b', 'resolution', res,
      'num_frames', 81, 'fps', 16, 'segment_index', hm % 6, 'seed', hm % 2147483647)
    when 'travel_orchestrator' then jsonb_build_object('prompt', prompt, 'model', 'wan2.1-i2v-14b',
      'segments', 2 + hm % 5)
    when 'image_upscale' then jsonb_build_object('model', 'real-esrgan-x4', 'scale', res)
    else jsonb_build_object('base_model', 'wan2.1-t2v-14b', 'steps', 2000, 'rank', 32,
      'trigger_word', 'sks_' || substr(md5('trigger:' || key), 1, 6))
  end,
  case when status = 'Complete' and task_type <> 'travel_orchestrator' then
    'https://kontor-demo.supabase.co/storage/v1/object/public/'
      || case when task_type = 'lora_training' then 'lora_files' else 'public' end
      || '/' || user_id || '/' || id
      || case task_type when 'video_travel_segment' then '.mp4' when 'lora_training' then '.safetensors' else '.png' end
  end,
  worker_id,
  case status when 'Complete' then 1 + (hm % 20 = 0)::int when 'Failed' then 3 when 'In Progress' then 1 else 0 end,
  case when status = 'Failed' then (array['CUDA out of memory. Tried to allocate 2.00 GiB',
    'Worker lost heartbeat during generation', 'Invalid input image: unsupported format',
    'Timed out after 900 s', 'Output rejected by the safety filter',
    'Model weights download failed: HTTP 503'])[(hm / 13) % 6 + 1] end,
  cost, created_at, coalesce(processed_at, started_at, created_at), started_at, processed_at
from tt
-- In time order, as a product's queue writes them: a time window then sits in a slice of the table.
order by created_at;

insert into public.generations (id, project_id, task_id, type, location, metadata, created_at)
select pg_temp.uuid('generation:' || t.key), t.project_id, t.id,
  case t.task_type when 'video_travel_segment' then 'video' when 'lora_training' then 'lora' else 'image' end,
  k.output_location,
  case t.task_type
    when 'video_travel_segment' then jsonb_build_object('resolution', t.res, 'frames', 81, 'fps', 16,
      'duration_seconds', 5.06, 'seed', t.hm % 2147483647)
    when 'lora_training' then jsonb_build_object('base_model', 'wan2.1-t2v-14b', 'steps', 2000,
      'size_bytes', 150000000 + t.hm % 90000000)
    else jsonb_build_object('resolution', coalesce(t.res, '1024'), 'seed', t.hm % 2147483647,
      'format', 'png') end,
  t.processed_at
from tt t join public.tasks k on k.id = t.id
where t.status = 'Complete' and t.task_type <> 'travel_orchestrator';

-- Files: every LoRA, a quarter of the media (the rest were cleaned up), and the training clips.
insert into storage.objects (id, bucket_id, name, owner, created_at, updated_at, last_accessed_at, metadata, version, owner_id)
select pg_temp.uuid('object:' || o.name), o.bucket, o.name, o.owner, o.at, o.at, o.at,
  jsonb_build_object('eTag', '"' || md5('etag:' || o.name) || '"', 'size', o.size, 'mimetype', o.mime,
    'cacheControl', 'max-age=3600', 'lastModified', o.at, 'contentLength', o.size, 'httpStatusCode', 200),
  pg_temp.uuid('version:' || o.name)::text, o.owner::text
from (
  select case when t.task_type = 'lora_training' then 'lora_files' else 'public' end as bucket,
    t.user_id || '/' || t.id
      || case t.task_type when 'video_travel_segment' then '.mp4' when 'lora_training' then '.safetensors' else '.png' end as name,
    t.user_id as owner, t.processed_at as at,
    case t.task_type when 'video_travel_segment' then 'video/mp4' when 'lora_training' then 'application/octet-stream'
      else 'image/png' end as mime,
    case t.task_type when 'video_travel_segment' then 2000000 + t.hm % 9000000
      when 'lora_training' then 150000000 + t.hm % 90000000 else 400000 + t.hm % 3000000 end as size
  from tt t
  where t.status = 'Complete' and t.task_type <> 'travel_orchestrator'
    and (t.task_type = 'lora_training' or t.hm % 4 = 0)
  union all
  select 'training-data', t.user_id || '/batch-' || t.id || '/clip_' || lpad(c::text, 2, '0') || '.mp4',
    t.user_id, t.created_at - make_interval(mins => 10 - c), 'video/mp4', 5000000 + (t.hm / c) % 40000000
  from tt t, generate_series(1, 3) c
  where t.task_type = 'lora_training' and t.status in ('Complete', 'Failed')
) o;
