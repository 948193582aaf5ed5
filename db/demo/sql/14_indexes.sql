-- Secondary indexes, built after the bulk load. Every foreign key is indexed except
-- generations.task_id (planted: unindexed_foreign_key); planted duplicates are marked.

-- First the indexes and keys that 05_deferred_indexes.sql set aside, as they were.
do $$
declare
  r record;
begin
  for r in select ddl from deferred_indexes order by n loop
    execute r.ddl;
  end loop;
end
$$;

create index idx_users_tier_id on public.users (tier_id);
create index idx_users_created_at on public.users (created_at desc);
create index idx_users_email_lower on public.users (lower(email) text_pattern_ops);

create index idx_payments_user_id on public.payments (user_id);
create index payments_user_id_idx on public.payments (user_id); -- planted (duplicate_index)
create index idx_payments_status_created_at on public.payments (status, created_at desc);
create index idx_payments_created_at on public.payments (created_at desc);
create index idx_payments_amount on public.payments (amount); -- planted (unused_index): no query filters on amount
create index idx_payments_metadata on public.payments using gin (metadata);

create index idx_credits_ledger_user_created on public.credits_ledger (user_id, created_at desc);
create index idx_credits_ledger_payment_id on public.credits_ledger (payment_id);
create index idx_credits_ledger_task_id on public.credits_ledger (task_id);
create index idx_credits_ledger_created_at on public.credits_ledger (created_at desc);

create index idx_workers_status_heartbeat on public.workers (status, last_heartbeat);

create index idx_projects_user_id on public.projects (user_id);

create index idx_tasks_user_created on public.tasks (user_id, created_at desc);
create index idx_tasks_project_id on public.tasks (project_id);
create index idx_tasks_task_type on public.tasks (task_type);
create index idx_tasks_worker_id on public.tasks (worker_id);
create index idx_tasks_status on public.tasks (status); -- planted (redundant_index): a prefix of the next one
create index idx_tasks_status_created_at on public.tasks (status, created_at);
create index idx_tasks_active on public.tasks (created_at) where status in ('Queued', 'In Progress');
create index idx_tasks_params on public.tasks using gin (params);

create index idx_generations_project_id on public.generations (project_id);
-- planted (unindexed_foreign_key): no index on generations.task_id.

create index idx_api_cost_logs_user_created on public.api_cost_logs (user_id, created_at desc);
create index idx_api_cost_logs_task_id on public.api_cost_logs (task_id);

create index idx_activity_logs_user_created on public.activity_logs (user_id, created_at desc);
create index idx_activity_logs_entity_id on public.activity_logs (entity_id);
create index idx_activity_logs_type_created on public.activity_logs (log_type, created_at desc);
create index idx_activity_logs_details on public.activity_logs using gin (details);

create index idx_user_feedback_user_id on public.user_feedback (user_id);
