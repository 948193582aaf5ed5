-- Fixtures for advisors.test.ts: for each advisor, objects that must trigger it (marked "flag") and
-- near-misses that must not ("spare"). Roles are cluster-wide and may exist from another test.
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
end $$;
create schema auth;
create table auth.users (id uuid primary key, email text, raw_user_meta_data jsonb);
create function auth.uid() returns uuid language sql stable
  as $$ select (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid $$;
create function auth.jwt() returns jsonb language sql stable
  as $$ select nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;
grant usage on schema auth to anon, authenticated;
grant usage on schema public to anon, authenticated;
create schema extensions;

-- rls_disabled_public_table: flag open_notes (anon may read); spare private_stuff (no API grant).
create table public.open_notes (id int primary key, user_id uuid, body text);
grant select on public.open_notes to anon;
create table public.private_stuff (id int primary key, body text);

-- rls_enabled_no_policy: flag locked; spare profiles (has a policy).
create table public.locked (id int primary key);
alter table public.locked enable row level security;

-- policy_exists_rls_disabled: flag forgotten; spare profiles.
create table public.forgotten (id int primary key, user_id uuid);
create policy "own forgotten" on public.forgotten for select using (user_id = (select auth.uid()));

-- profiles: the well-written table (spare for nearly everything).
create table public.profiles (id int primary key, user_id uuid not null references auth.users (id), name text);
create index profiles_user_id_idx on public.profiles (user_id);
alter table public.profiles enable row level security;
grant select, insert, update, delete on public.profiles to anon, authenticated;
create policy "own profile" on public.profiles for select to authenticated using ((select auth.uid()) = user_id);
create policy "own profile insert" on public.profiles for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "members only" on public.profiles as restrictive for select to authenticated using (true);
create policy "profiles in sublink" on public.profiles for delete to authenticated
  using (exists (select 1 from auth.users u where u.id = auth.uid() and u.id = profiles.user_id));

-- policy_using_true_private: flag leaky (user data); spare prices (a price list).
create table public.leaky (id int primary key, owner_ref uuid references auth.users (id), note text);
create index leaky_owner_ref_idx on public.leaky (owner_ref);
alter table public.leaky enable row level security;
create policy "everyone reads leaky" on public.leaky for select to authenticated using (true);
create table public.prices (id int primary key, amount numeric);
alter table public.prices enable row level security;
create policy "everyone reads prices" on public.prices for select to anon, authenticated using (true);

-- policy_reads_user_metadata: flag "meta admin"; spare "app admin" (app_metadata).
create table public.admin_only (id int primary key);
alter table public.admin_only enable row level security;
create policy "meta admin" on public.admin_only for select to authenticated
  using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');
create policy "app admin" on public.admin_only for update to authenticated
  using (((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');

-- auth_users_exposed / security_definer_view: flag user_emails (definer, anon);
-- spare safe_emails (security_invoker, and anon cannot read auth.users) and internal_view (no API grant).
create view public.user_emails as select id, email from auth.users;
grant select on public.user_emails to anon;
create view public.safe_emails with (security_invoker = true) as select id, email from auth.users;
grant select on public.safe_emails to anon;
create view public.profile_names as select id, name from public.profiles;
grant select on public.profile_names to authenticated;
create view public.internal_view as select id from public.profiles;
revoke all on public.internal_view from anon, authenticated;

-- security_definer_function_anon: flag definer_fn (PUBLIC execute by default); spare definer_private, invoker_fn.
create function public.definer_fn() returns int language sql security definer set search_path = '' as $$ select 1 $$;
create function public.definer_private() returns int language sql security definer set search_path = '' as $$ select 1 $$;
revoke execute on function public.definer_private() from public;
create function public.invoker_fn() returns int language sql set search_path = '' as $$ select 1 $$;
-- function_search_path_mutable: flag loose_fn; spare the pinned ones above.
create function public.loose_fn(a int) returns int language sql as $$ select a $$;

-- secret_column_exposed: flag api_clients.api_key; spare client_secret (no column grant), input_tokens (not secret).
create table public.api_clients (id int primary key, name text, api_key text, client_secret text, input_tokens int);
alter table public.api_clients enable row level security;
create policy "read clients" on public.api_clients for select to authenticated using ((select auth.uid()) is not null);
grant select (id, name, api_key, input_tokens) on public.api_clients to authenticated;

-- extension_in_public: flag citext; spare uuid-ossp (in extensions).
create extension citext schema public;
create extension "uuid-ossp" schema extensions;

-- policy_auth_uid_per_row: flag "bare uid" and "nested jwt"; spare "own profile" (wrapped), "profiles in sublink".
-- multiple_permissive_policies: flag tasks2/authenticated/SELECT; spare profiles (permissive + restrictive),
-- posts (one per command), split_roles (one per role).
create table public.tasks2 (id int primary key, user_id uuid, public boolean);
alter table public.tasks2 enable row level security;
create policy "bare uid" on public.tasks2 for select to authenticated using (auth.uid() = user_id);
create policy "nested jwt" on public.tasks2 for select to authenticated using (public or coalesce(auth.jwt() ->> 'sub', '') = user_id::text);
create table public.split_roles (id int primary key);
alter table public.split_roles enable row level security;
create policy "anon reads" on public.split_roles for select to anon using (id > 10);
create policy "users read" on public.split_roles for select to authenticated using (id > 0);
create policy "users write" on public.split_roles for insert to authenticated with check (id > 0);

-- Indexes. posts: flag the duplicate pair posts_title_a/b, redundant posts_status_idx, unused posts_body_idx;
-- spare posts_title_lower (expression), posts_title_partial, unique posts_code_key (prefix of posts_code_status),
-- posts_created_idx (not a prefix), posts_slug_idx (scanned).
create table public.posts (id int primary key, title text, status text, created_at timestamptz, code text, body text, slug text);
create index posts_title_a on public.posts (title);
create index posts_title_b on public.posts (title);
create index posts_title_lower on public.posts (lower(title));
create index posts_title_partial on public.posts (title) where status = 'live';
create index posts_status_idx on public.posts (status);
create index posts_status_created_idx on public.posts (status, created_at);
create index posts_created_idx on public.posts (created_at);
create unique index posts_code_key on public.posts (code);
create index posts_code_status on public.posts (code, status);
create index posts_body_idx on public.posts (body);
create index posts_slug_idx on public.posts (slug);
-- unindexed_foreign_key: flag comments_post_fk; spare comments_author_fk (covered by (author_id, created_at))
-- and comments_pair_fk (covered by an index in the other column order).
create table public.pairs (a int, b int, primary key (a, b));
create table public.comments (id int primary key, post_id int, author_id uuid, created_at timestamptz, a int, b int,
  constraint comments_post_fk foreign key (post_id) references public.posts (id),
  constraint comments_author_fk foreign key (author_id) references auth.users (id),
  constraint comments_pair_fk foreign key (a, b) references public.pairs (a, b));
create index comments_author_created on public.comments (author_id, created_at);
create index comments_b_a on public.comments (b, a);
-- no_primary_key: flag logs.
create table public.logs (at timestamptz, line text);
-- table_bloat: flag churned (most rows dead); spare steady (few dead).
create table public.churned (id int primary key) with (autovacuum_enabled = false);
insert into public.churned select generate_series(1, 30000);
delete from public.churned where id > 5000;
create table public.steady (id int primary key) with (autovacuum_enabled = false);
insert into public.steady select generate_series(1, 30000);
delete from public.steady where id > 29000;
-- sequence_near_max: flag small_seq; spare big_seq (bigint) and cyclic_seq (cycles).
create sequence public.small_seq as integer;
select setval('public.small_seq', 2000000000);
create sequence public.big_seq as bigint;
select setval('public.big_seq', 2000000000);
create sequence public.cyclic_seq as integer cycle;
select setval('public.cyclic_seq', 2100000000);
-- not_valid_constraint: flag posts_title_len; spare posts_status_known (validated).
alter table public.posts add constraint posts_title_len check (length(title) < 500) not valid;
alter table public.posts add constraint posts_status_known check (status in ('draft', 'live'));
-- invalid_index: flag dupes_val_key (a failed concurrent unique build: advisors.test.ts runs it); spare dupes_val_idx.
create table public.dupes (id int primary key, val int);
insert into public.dupes values (1, 1), (2, 1);
create index dupes_val_idx on public.dupes (val);
