-- Grants as Supabase makes them (every API role may touch every public table; RLS decides which
-- rows), then RLS on every product table with policies in the wrapped `(select auth.uid())` form.
-- service_role has BYPASSRLS. Planted defects are marked "planted:".

grant usage on schema public to anon, authenticated, service_role;
grant all on all tables in schema public to anon, authenticated, service_role;
grant all on all sequences in schema public to anon, authenticated, service_role;
grant all on all functions in schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;

-- Users may edit their profile, never their balance or tier.
revoke update on public.users from anon, authenticated;
grant update (full_name, avatar_url, settings) on public.users to authenticated;

alter table public.subscription_tiers enable row level security;
alter table public.users enable row level security;
alter table public.payments enable row level security;
alter table public.credits_ledger enable row level security;
alter table public.task_cost_configs enable row level security;
alter table public.workers enable row level security;
alter table public.projects enable row level security;
alter table public.tasks enable row level security;
alter table public.generations enable row level security;
alter table public.api_cost_logs enable row level security;
alter table public.activity_logs enable row level security;
alter table public.user_feedback enable row level security;
-- planted (rls_disabled_public_table): public.promo_codes keeps RLS off while anon holds all privileges.

-- Price lists are public by design.
create policy "Anyone can read subscription tiers" on public.subscription_tiers
  for select to anon, authenticated using (true);
create policy "Anyone can read task prices" on public.task_cost_configs
  for select to anon, authenticated using (true);

create policy "Users can view own profile" on public.users
  for select to authenticated using ((select auth.uid()) = id);
create policy "Users can update own profile" on public.users
  for update to authenticated
  using ((select auth.uid()) = id)
  with check ((select auth.uid()) = id);

create policy "Users can view own payments" on public.payments
  for select to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view own ledger" on public.credits_ledger
  for select to authenticated using ((select auth.uid()) = user_id);

-- planted (policy_reads_user_metadata): user_metadata is editable by the user, so anyone can
-- make themselves an "admin" and read the fleet.
create policy "Admins can view workers" on public.workers
  for select to authenticated
  using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');

create policy "Users can view own projects" on public.projects
  for select to authenticated using ((select auth.uid()) = user_id);
-- planted (multiple_permissive_policies): a second permissive SELECT policy for the same role.
create policy "Users can view public projects" on public.projects
  for select to authenticated using ((settings ->> 'visibility') = 'public');
create policy "Users can create own projects" on public.projects
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "Users can update own projects" on public.projects
  for update to authenticated
  using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
create policy "Users can delete own projects" on public.projects
  for delete to authenticated using ((select auth.uid()) = user_id);

-- planted (policy_auth_uid_per_row): bare auth.uid(), evaluated once per row.
create policy "Users can view own tasks" on public.tasks
  for select to authenticated using (auth.uid() = user_id);
create policy "Users can create own tasks" on public.tasks
  for insert to authenticated with check ((select auth.uid()) = user_id);

create policy "Users can view generations of own projects" on public.generations
  for select to authenticated
  using (exists (
    select 1 from public.projects p
    where p.id = generations.project_id and p.user_id = (select auth.uid())
  ));

-- planted (policy_using_true_private): every signed-in user reads everyone's API costs.
create policy "Authenticated can read api costs" on public.api_cost_logs
  for select to authenticated using (true);

create policy "Users can view own activity" on public.activity_logs
  for select to authenticated using ((select auth.uid()) = user_id);

-- planted (rls_enabled_no_policy): public.user_feedback has RLS on and no policy.
