-- lanes: all
-- The ledger's last rows: trial credits where the generator's dice overdrew a user, and the planted
-- negative balance. 13_profiles.sql then computes the cached balances from the complete ledger.

-- Heavy users on the free tier would be overdrawn by the generator's dice: the product gives them
-- trial credits at signup instead. (User 47 is left alone: see negative_balance below.)
insert into public.credits_ledger (id, user_id, amount, type, payment_id, task_id, description, created_by, created_at)
select pg_temp.uuid('ledger:trial:' || tu.i), tu.id, ceil(-s.total) + 5, 'grant', null, null,
  'Trial credits', 'system', tu.created_at + interval '2 seconds'
from tu
join (select user_id, sum(amount) as total from public.credits_ledger group by user_id) s on s.user_id = tu.id
where s.total < 0 and tu.i <> 47 and pg_temp.mine(tu.i);

-- negative_balance: user 47 ran a LoRA training that cost more than their balance, and nothing
-- checked the balance before charging: the cached balance and the ledger agree on -9.87.
insert into public.tasks (id, user_id, project_id, task_type, status, params, output_location, worker_id, attempts,
  cost, created_at, updated_at, generation_started_at, generation_processed_at)
select pg_temp.uuid('task:overdraw-1'), pg_temp.uuid('user:47'), pg_temp.uuid('project:47:1'), 'lora_training', 'Complete',
  '{"base_model": "wan2.1-t2v-14b", "steps": 8000, "rank": 128, "trigger_word": "sks_overdraw"}',
  'https://kontor-demo.supabase.co/storage/v1/object/public/lora_files/' || pg_temp.uuid('user:47') || '/'
    || pg_temp.uuid('task:overdraw-1') || '.safetensors',
  (select id from tw where k = 3), 1,
  coalesce((select sum(amount) from public.credits_ledger where user_id = pg_temp.uuid('user:47')), 0) + 9.87,
  pg_temp.anchor() - interval '6 hours', pg_temp.anchor() - interval '2 hours',
  pg_temp.anchor() - interval '5 hours 58 minutes', pg_temp.anchor() - interval '2 hours'
where pg_temp.mine(47);

insert into public.generations (id, project_id, task_id, type, location, metadata, created_at)
select pg_temp.uuid('generation:overdraw-1'), project_id, id, 'lora', output_location,
  '{"base_model": "wan2.1-t2v-14b", "steps": 8000, "size_bytes": 612000000}', generation_processed_at
from public.tasks where id = pg_temp.uuid('task:overdraw-1') and pg_temp.mine(47);

insert into public.credits_ledger (id, user_id, amount, type, payment_id, task_id, description, created_by, created_at)
select pg_temp.uuid('ledger:task:overdraw-1'), user_id, -cost, 'spend', null, id,
  'lora_training (14280 s on H100)', 'task-worker', generation_processed_at + interval '1 second'
from public.tasks where id = pg_temp.uuid('task:overdraw-1') and pg_temp.mine(47);

-- api_cost_logs.id is an identity: its sequence continues after the ids the build gave.
select setval(pg_get_serial_sequence('public.api_cost_logs', 'id'), (select max(id) from public.api_cost_logs));
