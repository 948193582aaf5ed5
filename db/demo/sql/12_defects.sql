-- lanes: all
-- Planted data defects (db/demo/manifest.json lists each one). Still in replica mode, so the
-- ledger's append-only trigger is quiet: this file rewrites history, it is not a correction.
-- Every lane runs this file: each change is made by the lane its row number falls to.

-- payment_without_grant: completed payments 101 and 202 never reached the ledger.
delete from public.credits_ledger
where type = 'purchase' and payment_id in (pg_temp.uuid('payment:101'), pg_temp.uuid('payment:202'))
  and pg_temp.mine(101);

-- payment_granted_twice: payment 303's webhook was retried and credited again.
insert into public.credits_ledger (id, user_id, amount, type, payment_id, task_id, description, created_by, created_at)
select pg_temp.uuid('ledger:purchase:303:retry'), user_id, amount, type, payment_id, null, description,
  created_by || ' (retry)', created_at + interval '41 seconds'
from public.credits_ledger where id = pg_temp.uuid('ledger:purchase:303') and pg_temp.mine(303);

-- failed_task_charged: Failed tasks 501 and 502 were charged anyway.
insert into public.credits_ledger (id, user_id, amount, type, payment_id, task_id, description, created_by, created_at)
select pg_temp.uuid('ledger:task:' || key), user_id, -cost, 'spend', null, id,
  task_type || ' (' || duration_s || ' s on ' || gpu || ')', 'task-worker', processed_at + interval '1 second'
from tt where key in ('501', '502');

-- completed_task_not_charged: Complete billable tasks 601 and 602 were never charged.
delete from public.credits_ledger where task_id in (pg_temp.uuid('task:601'), pg_temp.uuid('task:602'))
  and pg_temp.mine(602);

-- ledger_of_deleted_user: two accounts were hard-deleted (auth and profile); their payments lost
-- the user (on delete set null) and their ledger rows stayed, pointing at nobody.
insert into public.payments (id, user_id, provider, provider_ref, order_id, amount, currency, credits, status, method,
  metadata, created_at, updated_at, completed_at)
select pg_temp.uuid('payment:deleted:' || k || ':' || n), null, 'stripe',
  'pi_3' || substr(md5('pay:ref:deleted:' || k || ':' || n), 1, 22),
  'ORD-' || (2061584302 - 4 + (k - 1) * 2 + n),
  25, 'USD', 26, 'completed', 'card',
  jsonb_build_object('kind', 'credit_pack', 'product', 'pack_25', 'ip_country', 'US'),
  pg_temp.anchor() - make_interval(days => 40 - k * 5 - n * 2),
  pg_temp.anchor() - make_interval(days => 40 - k * 5 - n * 2, secs => -30),
  pg_temp.anchor() - make_interval(days => 40 - k * 5 - n * 2, secs => -30)
from generate_series(1, 2) k, generate_series(1, 2) n
where pg_temp.mine(k);

insert into public.credits_ledger (id, user_id, amount, type, payment_id, task_id, description, created_by, created_at)
select pg_temp.uuid('ledger:deleted:' || k || ':signup'), pg_temp.uuid('user:deleted:' || k), 5.00, 'grant', null::uuid, null::uuid,
  'Signup bonus', 'system', pg_temp.anchor() - make_interval(days => 45 - k * 5)
from generate_series(1, 2) k
where pg_temp.mine(k)
union all
select pg_temp.uuid('ledger:deleted:' || k || ':purchase:' || n), pg_temp.uuid('user:deleted:' || k), 26.00, 'purchase',
  pg_temp.uuid('payment:deleted:' || k || ':' || n), null, 'Credit pack (pack_25)', 'stripe-webhook',
  pg_temp.anchor() - make_interval(days => 40 - k * 5 - n * 2, secs => -32)
from generate_series(1, 2) k, generate_series(1, 2) n
where pg_temp.mine(k)
union all
select pg_temp.uuid('ledger:deleted:' || k || ':spend:' || s), pg_temp.uuid('user:deleted:' || k),
  -(0.05 + (s * 7 % 40) / 100.0)::numeric(12, 2), 'spend', null, null, 'API usage: gpt-4o', 'api-gateway',
  pg_temp.anchor() - make_interval(days => 30 - k * 5, hours => s)
from generate_series(1, 2) k, generate_series(1, 6) s
where pg_temp.mine(k);

-- task_queued_for_hours: three tasks never picked up.
insert into public.tasks (id, user_id, project_id, task_type, status, params, attempts, created_at, updated_at)
select pg_temp.uuid('task:stuck-queued-' || k), pg_temp.uuid('user:' || (4 + k)), pg_temp.uuid('project:' || (4 + k) || ':1'),
  'video_travel_segment', 'Queued',
  jsonb_build_object('prompt', 'drone flight over autumn forest', 'model', 'wan2.1-i2v-14b', 'resolution', '1080p',
    'num_frames', 81, 'fps', 16, 'segment_index', 0, 'seed', 1000 + k),
  0, pg_temp.anchor() - (array[interval '5 hours 12 minutes', interval '7 hours 40 minutes', interval '26 hours 5 minutes'])[k],
  pg_temp.anchor() - (array[interval '5 hours 12 minutes', interval '7 hours 40 minutes', interval '26 hours 5 minutes'])[k]
from generate_series(1, 3) k
where pg_temp.mine(k);

-- task_on_dead_worker: worker 24 was terminated 3 h ago holding two tasks, still In Progress.
insert into public.tasks (id, user_id, project_id, task_type, status, params, worker_id, attempts, created_at, updated_at,
  generation_started_at)
select pg_temp.uuid('task:dead-worker-' || k), pg_temp.uuid('user:' || (8 + k)), pg_temp.uuid('project:' || (8 + k) || ':1'),
  'image_generation', 'In Progress',
  jsonb_build_object('prompt', 'portrait of an astronaut in a sunflower field', 'model', 'flux-dev',
    'resolution', '2048', 'steps', 28, 'guidance', 3.5, 'seed', 2000 + k),
  (select id from tw where k = 24), 1,
  pg_temp.anchor() - interval '3 hours 20 minutes' + make_interval(mins => k * 3),
  pg_temp.anchor() - interval '3 hours 19 minutes' + make_interval(mins => k * 3),
  pg_temp.anchor() - interval '3 hours 19 minutes' + make_interval(mins => k * 3)
from generate_series(1, 2) k
where pg_temp.mine(k);
