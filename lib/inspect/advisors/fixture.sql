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
-- The API serves public and pgmq_public (PostgREST's setting); `internal` is granted but not served.
do $$ begin execute format('alter database %I set pgrst.db_schemas = %L', current_database(), 'public, pgmq_public'); end $$;
create schema internal;
grant usage on schema internal to anon, authenticated;

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
-- extension_versions_outdated: flag citext (1.4, the server has 1.6); spare uuid-ossp (its default).
create extension citext schema public version '1.4';
create extension "uuid-ossp" schema extensions;

-- policy_auth_uid_per_row: flag "bare uid", "nested jwt" and "profiles in sublink" (a bare call inside a
-- sub-select runs for each row it scans); spare "own profile" (wrapped).
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

-- policy_auth_uid_per_row inside a sub-select: flag "member via bare uid" (auth.uid() runs for each
-- projects row the EXISTS scans: no InitPlan); spare "member via wrapped uid" (an InitPlan).
create table public.projects (id int primary key, user_id uuid);
grant select on public.projects to authenticated;
create table public.project_items (id int primary key, project_id int);
alter table public.project_items enable row level security;
grant select on public.project_items to authenticated;
create policy "member via bare uid" on public.project_items for select to authenticated
  using (exists (select 1 from public.projects p where p.id = project_id and p.user_id = auth.uid()));
create table public.project_notes (id int primary key, project_id int);
alter table public.project_notes enable row level security;
grant select on public.project_notes to authenticated;
create policy "member via wrapped uid" on public.project_notes for select to authenticated
  using (exists (select 1 from public.projects p where p.id = project_id and p.user_id = (select auth.uid())));
-- ... and not on a table with RLS off (policy_exists_rls_disabled flags it): spare "bare but off".
create table public.forgotten_bare (id int primary key, user_id uuid);
create policy "bare but off" on public.forgotten_bare for select using (user_id = auth.uid());

-- policy_using_true_private, writes: flag "anyone inserts" (WITH CHECK (true)), "anyone updates"
-- (WITH CHECK (1 = 1)), "insert unchecked" (INSERT without WITH CHECK); spare "guests write" (rows
-- carry no user id) and "owner inserts" (checked).
create table public.orders2 (id int primary key, creator_id uuid, total numeric);
alter table public.orders2 enable row level security;
create policy "anyone inserts" on public.orders2 for insert to anon, authenticated with check (true);
create policy "anyone updates" on public.orders2 for update to authenticated using ((select auth.uid()) = creator_id) with check (1 = 1);
create table public.uploads (id int primary key, uploader uuid);
alter table public.uploads enable row level security;
create policy "insert unchecked" on public.uploads for insert to authenticated;
create policy "owner inserts" on public.profiles for insert to anon with check ((select auth.uid()) = user_id);
create table public.contact_messages (id int primary key, email text, body text);
alter table public.contact_messages enable row level security;
create policy "guests write" on public.contact_messages for insert to anon with check (true);

-- secret_column_exposed, framework names: flag django_session.session_key (RLS off),
-- otp_totp_totpdevice.key (django-otp; every signed-in user reads every row), user_codes.one_time_code,
-- payment_cards.card_number (personal data, RLS off); spare sessions_own.refresh_token (each user reads
-- only their own row), billing.iban (personal data under RLS), internal.keys.api_key (schema not served).
create table public.django_session (session_key varchar(40) primary key, session_data text, expire_date timestamptz);
grant select on public.django_session to anon;
create table public.otp_totp_totpdevice (id int primary key, user_id uuid, name text, key varchar(80));
alter table public.otp_totp_totpdevice enable row level security;
grant select on public.otp_totp_totpdevice to authenticated;
create policy "devices visible" on public.otp_totp_totpdevice for select to authenticated using ((select auth.uid()) is not null);
create table public.user_codes (id int primary key, user_id uuid, one_time_code text);
alter table public.user_codes enable row level security;
grant select on public.user_codes to authenticated;
create policy "codes visible" on public.user_codes for select to authenticated using ((select auth.uid()) is not null);
create table public.payment_cards (id int primary key, card_number text);
grant select on public.payment_cards to anon;
create table public.sessions_own (id int primary key, user_id uuid, refresh_token text);
alter table public.sessions_own enable row level security;
grant select on public.sessions_own to authenticated;
create policy "own tokens" on public.sessions_own for select to authenticated using (user_id = (select auth.uid()));
create table public.billing (id int primary key, iban text);
alter table public.billing enable row level security;
grant select on public.billing to authenticated;
create policy "billing visible" on public.billing for select to authenticated using ((select auth.uid()) is not null);
create table internal.keys (id int primary key, api_key text);
grant select on internal.keys to authenticated;

-- unindexed_foreign_key, partial indexes: spare attachments_post_fk (its index skips only null keys);
-- flag attachments_comment_fk (its only index is partial on something else).
create table public.attachments (id int primary key, post_id int, comment_id int,
  constraint attachments_post_fk foreign key (post_id) references public.posts (id),
  constraint attachments_comment_fk foreign key (comment_id) references public.comments (id));
create index attachments_post_partial on public.attachments (post_id) where post_id is not null;
create index attachments_comment_recent on public.attachments (comment_id) where id > 100;

-- materialized_view_in_api: flag leaderboard; spare mv_private (no grant), internal.mv_hidden (not served).
create materialized view public.leaderboard as select 1 as id;
grant select on public.leaderboard to anon;
create materialized view public.mv_private as select 1 as id;
create materialized view internal.mv_hidden as select 1 as id;
grant select on internal.mv_hidden to anon;
-- foreign_table_in_api: flag remote_rows; spare remote_private (no grant).
create foreign data wrapper fixture_fdw;
create server fixture_srv foreign data wrapper fixture_fdw;
create foreign table public.remote_rows (id int) server fixture_srv;
grant select on public.remote_rows to authenticated;
create foreign table public.remote_private (id int) server fixture_srv;

-- security_definer_function_authenticated: flag definer_fn (PUBLIC) and definer_signed_in (granted to
-- authenticated only: anon spares it); spare definer_private, definer_trigger (a trigger function),
-- internal.definer_hidden (schema not served).
create function public.definer_signed_in() returns int language sql security definer set search_path = '' as $$ select 1 $$;
revoke execute on function public.definer_signed_in() from public;
grant execute on function public.definer_signed_in() to authenticated;
create function public.definer_trigger() returns trigger language plpgsql security definer set search_path = '' as $$ begin return new; end $$;
create function internal.definer_hidden() returns int language sql security definer set search_path = '' as $$ select 1 $$;

-- insecure_queue_exposed_in_api: flag pgmq.q_jobs (RLS off, anon reads, pgmq_public served); spare pgmq.q_safe (RLS on).
create schema pgmq;
create schema pgmq_public;
grant usage on schema pgmq to anon, authenticated;
create table pgmq.q_jobs (msg_id bigint primary key, message jsonb);
create table pgmq.q_safe (msg_id bigint primary key, message jsonb);
alter table pgmq.q_safe enable row level security;
grant select on pgmq.q_jobs, pgmq.q_safe to anon;

-- public_bucket_allows_listing: flag avatars (public; "read avatars" admits the whole bucket) and media
-- (public; one branch of "read media or own docs"); spare docs (not public) and uploads (public, but
-- only the owner's files).
create schema storage;
create table storage.buckets (id text primary key, name text, public boolean not null default false);
create table storage.objects (id uuid primary key, bucket_id text references storage.buckets (id), name text, owner_id text);
alter table storage.objects enable row level security;
grant usage on schema storage to anon, authenticated;
grant select on storage.buckets, storage.objects to anon, authenticated;
insert into storage.buckets values ('avatars', 'avatars', true), ('media', 'media', true), ('docs', 'docs', false), ('uploads', 'uploads', true);
create policy "read avatars" on storage.objects for select to anon using (bucket_id = 'avatars');
create policy "read media or own docs" on storage.objects for select to anon, authenticated
  using (bucket_id in ('media', 'docs') or (bucket_id = 'uploads' and owner_id = (select auth.uid())::text));

-- fkey_to_auth_unique: flag contacts_email_fk (onto auth.users' unique email); spare profiles_user_id_fkey (the primary key).
alter table auth.users add constraint users_email_key unique (email);
create table public.contacts (id int primary key, email text constraint contacts_email_fk references auth.users (email));
create index contacts_email_idx on public.contacts (email);

-- unsupported_reg_types: flag reg_cols.fn (regproc); spare reg_cols.cls (regclass: pg_upgrade keeps it).
create table public.reg_cols (id int primary key, fn regproc, cls regclass);
