-- The product: an AI media SaaS in the image of Reigh (cached credits, an append-only ledger, a task
-- queue served by GPU workers) and AetherCrown98 (payments, activity logs, GIN/partial/composite
-- indexes). Planted defects are marked "planted:" and listed in db/demo/manifest.json.

create table public.subscription_tiers (
  id text primary key,
  name text not null,
  monthly_price numeric(10, 2) not null,
  monthly_credits numeric(12, 2) not null,
  features jsonb not null default '{}'
);

create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null unique,
  full_name text,
  avatar_url text,
  tier_id text references public.subscription_tiers (id),
  credits numeric(12, 2) not null default 0,
  given_credits numeric(12, 2) not null default 0,
  status text not null default 'active' check (status in ('active', 'suspended', 'deleted')),
  settings jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on column public.users.credits is 'Cached balance: the sum of credits_ledger.amount, maintained by a trigger on the ledger.';
comment on column public.users.given_credits is 'Credits granted for free (signup bonus, referrals, trials), part of credits.';

-- planted (sequence_near_max): order numbers come from an int4 sequence that is ~96% used.
create sequence public.payments_order_number_seq as integer;

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.users (id) on delete set null,
  provider text not null check (provider in ('stripe', 'paypal')),
  provider_ref text not null unique,
  order_id text not null unique default ('ORD-' || nextval('public.payments_order_number_seq')),
  amount numeric(10, 2) not null,
  currency text not null default 'USD',
  credits numeric(12, 2) not null,
  status text not null default 'created'
    check (status in ('created', 'pending', 'completed', 'failed', 'refunded', 'disputed')),
  method text check (method in ('card', 'paypal', 'apple_pay', 'google_pay')),
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz
);
alter sequence public.payments_order_number_seq owned by public.payments.order_id;
-- planted (not_valid_constraint): added NOT VALID and never validated (every row would pass).
alter table public.payments add constraint payments_amount_positive check (amount > 0) not valid;

create table public.task_cost_configs (
  task_type text primary key,
  base_cost_per_second numeric(10, 6) not null,
  cost_factors jsonb not null default '{}',
  billable boolean not null default true,
  updated_at timestamptz not null default now()
);

create table public.workers (
  id text primary key,
  status text not null default 'active' check (status in ('active', 'inactive', 'terminated')),
  last_heartbeat timestamptz,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table public.projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  name text not null,
  settings jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  project_id uuid references public.projects (id) on delete set null,
  task_type text not null references public.task_cost_configs (task_type),
  status text not null default 'Queued'
    check (status in ('Queued', 'In Progress', 'Complete', 'Failed', 'Cancelled')),
  params jsonb not null default '{}',
  output_location text,
  worker_id text references public.workers (id),
  attempts int not null default 0,
  error_message text,
  cost numeric(12, 2),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  generation_started_at timestamptz,
  generation_processed_at timestamptz
);
comment on column public.tasks.cost is 'What the task costs (or would have cost): generation seconds x base_cost_per_second x cost factors. Charged once, when Complete, if billable.';

create table public.generations (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  task_id uuid references public.tasks (id) on delete set null,
  type text not null,
  location text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);

-- Deliberately no foreign key on user_id: the ledger outlives the accounts it mentions.
create table public.credits_ledger (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  amount numeric(12, 2) not null,
  type text not null check (type in ('purchase', 'spend', 'refund', 'grant', 'manual', 'expiry')),
  payment_id uuid references public.payments (id),
  task_id uuid references public.tasks (id),
  description text,
  created_by text,
  created_at timestamptz not null default now()
);
comment on table public.credits_ledger is 'Append-only: every credit movement, + credit / - debit. users.credits caches the sum.';

create table public.api_cost_logs (
  id bigint generated always as identity primary key,
  user_id uuid references public.users (id) on delete set null,
  task_id uuid references public.tasks (id) on delete set null,
  provider text not null,
  model text not null,
  input_tokens int not null default 0,
  output_tokens int not null default 0,
  cost_usd numeric(12, 6) not null,
  created_at timestamptz not null default now()
);

create table public.activity_logs (
  id uuid primary key default gen_random_uuid(),
  log_type text not null,
  entity_id uuid not null,
  action text not null,
  details jsonb not null default '{}',
  level text not null default 'info' check (level in ('debug', 'info', 'warning', 'error')),
  user_id uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now()
);

-- planted (rls_disabled_public_table): promo codes readable and writable through the API.
create table public.promo_codes (
  code text primary key,
  description text,
  credits numeric(12, 2) not null,
  max_uses int,
  uses int not null default 0,
  expires_at timestamptz,
  created_at timestamptz not null default now()
);

-- planted (rls_enabled_no_policy): RLS on, no policy, so the API sees nothing.
create table public.user_feedback (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  rating int not null check (rating between 1 and 5),
  message text,
  created_at timestamptz not null default now()
);

-- Secondary indexes come after the bulk load (14_indexes.sql): building them in one pass is
-- several times faster than maintaining them row by row.

-- Triggers. Functions pin search_path, as Supabase's linter asks.
create function public.set_updated_at() returns trigger
  language plpgsql
  set search_path = ''
  as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create trigger users_set_updated_at before update on public.users
  for each row execute function public.set_updated_at();
create trigger payments_set_updated_at before update on public.payments
  for each row execute function public.set_updated_at();
create trigger tasks_set_updated_at before update on public.tasks
  for each row execute function public.set_updated_at();

create function public.credits_ledger_refuse_change() returns trigger
  language plpgsql
  set search_path = ''
  as $$
begin
  raise exception 'credits_ledger is append-only: % refused', tg_op
    using errcode = 'check_violation', hint = 'Record a correction as a new ledger row.';
end
$$;

create trigger credits_ledger_append_only before update or delete on public.credits_ledger
  for each row execute function public.credits_ledger_refuse_change();

create function public.credits_ledger_apply_balance() returns trigger
  language plpgsql
  set search_path = ''
  as $$
begin
  update public.users set credits = credits + new.amount where id = new.user_id;
  return null;
end
$$;

create trigger credits_ledger_apply_balance after insert on public.credits_ledger
  for each row execute function public.credits_ledger_apply_balance();
