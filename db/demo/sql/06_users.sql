-- lanes: all
-- Customers (auth.users and identities; their public.users rows come in 13_balances.sql), the
-- staff's auth accounts, and projects.
-- Users sign up over the 60 days before the anchor (more of them recently), at least 3 hours ago.
-- User 1 is the demo customer (ada@example.com, real password). Users 11, 23, 37 and 47 carry
-- planted balance defects (13_balances.sql).

create temp table tu as
with v as (
  select i,
    pg_temp.u('user:created:' || i) as uc,
    pg_temp.u('user:tier:' || i) as ut,
    pg_temp.u('user:status:' || i) as us,
    pg_temp.u('user:provider:' || i) as up,
    pg_temp.h('user:name:' || i) as hn
  from generate_series(1, pg_temp.n(2000, 'users')) i
), named as (
  select v.*,
    case when i = 1 then 'Ada' else (array['Maria', 'James', 'Sofia', 'Liam', 'Yuki', 'Noah', 'Amara', 'Lucas',
      'Chloe', 'Mateo', 'Ingrid', 'Omar', 'Priya', 'Elena', 'Kwame', 'Hannah', 'Diego', 'Fatima', 'Jonas',
      'Mei', 'Arjun', 'Leila', 'Tomasz', 'Zoe', 'Ravi', 'Nora', 'Felix', 'Aisha', 'Hugo', 'Sara', 'Kenji',
      'Olga', 'Pedro', 'Ines', 'Samuel', 'Lena', 'Victor', 'Chiara', 'Malik', 'Freya'])[hn % 40 + 1] end as first_name,
    case when i = 1 then 'Lovelace' else (array['Garcia', 'Smith', 'Rossi', 'Nguyen', 'Tanaka', 'Müller',
      'Okafor', 'Silva', 'Martin', 'Kowalski', 'Larsen', 'Haddad', 'Patel', 'Popescu', 'Mensah', 'Schmidt',
      'Fernandez', 'Khan', 'Berg', 'Chen', 'Sharma', 'Rahimi', 'Nowak', 'Dubois', 'Iyer', 'Johansson',
      'Wagner', 'Bello', 'Lefebvre', 'Cohen', 'Sato', 'Ivanova', 'Costa', 'Moreau', 'Adeyemi', 'Fischer',
      'Novak', 'Bianchi', 'Diallo', 'Andersen'])[(hn / 40) % 40 + 1] end as last_name
  from v
)
select i,
  pg_temp.uuid('user:' || i) as id,
  case when i = 1 then 'ada@example.com'
    else lower(translate(first_name || '.' || last_name, 'ü', 'u')) || i || '@'
      || (array['example.com', 'example.org', 'example.net', 'mail.example', 'studio.example'])[hn % 5 + 1]
  end as email,
  first_name || ' ' || last_name as full_name,
  case when i = 1 then 'pro'
    when ut < 0.60 then 'free' when ut < 0.82 then 'starter' when ut < 0.95 then 'pro' else 'studio' end as tier_id,
  case when i in (1, 11, 23, 37, 47) then 'active'
    when us < 0.03 then 'deleted' when us < 0.045 then 'suspended' else 'active' end as status,
  case when i <> 1 and up < 0.35 then 'google' else 'email' end as provider,
  case when i = 1 then pg_temp.anchor() - interval '59 days'
    else pg_temp.anchor() - interval '3 hours'
      - make_interval(secs => floor((60 * 86400 - 3 * 3600) * power(uc, 1.35))) end as created_at,
  1 + (hn % 3)::int as n_projects,
  hn
from named;
create unique index on tu (i);
analyze tu;
create temp table params as select count(*)::int as nu from tu;

-- Customers' passwords are unknown: one bcrypt hash for all, computed once by the build.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, confirmation_sent_at, recovery_token, email_change_token_new, email_change,
  last_sign_in_at, raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at,
  banned_until, deleted_at, is_anonymous)
select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated', email,
  case when i = 1 then current_setting('kontor_demo.customer_hash') else current_setting('kontor_demo.bulk_hash') end,
  created_at + interval '90 seconds', '', case when provider = 'email' then created_at end, '', '', '',
  created_at + (pg_temp.anchor() - interval '5 minutes' - created_at) * pg_temp.u('user:signin:' || i),
  jsonb_build_object('provider', provider, 'providers', jsonb_build_array(provider)),
  case when provider = 'google' then jsonb_build_object(
      'iss', 'https://accounts.google.com', 'sub', (100000000000000000000 + pg_temp.h('google:' || i))::text,
      'name', full_name, 'email', email, 'picture', 'https://lh3.googleusercontent.com/a/' || substr(md5('avatar:' || i), 1, 24),
      'full_name', full_name, 'avatar_url', 'https://lh3.googleusercontent.com/a/' || substr(md5('avatar:' || i), 1, 24),
      'provider_id', (100000000000000000000 + pg_temp.h('google:' || i))::text,
      'email_verified', true, 'phone_verified', false)
    else jsonb_build_object('full_name', full_name, 'email_verified', true) end,
  false, created_at,
  created_at + (pg_temp.anchor() - interval '5 minutes' - created_at) * pg_temp.u('user:signin:' || i),
  case when status = 'suspended' then pg_temp.anchor() + interval '3650 days' end,
  case when status = 'deleted' then created_at + (pg_temp.anchor() - created_at) * 0.8 end,
  false
from tu
where pg_temp.mine(i);

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, id)
select case when provider = 'google' then (100000000000000000000 + pg_temp.h('google:' || i))::text else id::text end,
  id,
  case when provider = 'google' then jsonb_build_object(
      'iss', 'https://accounts.google.com', 'sub', (100000000000000000000 + pg_temp.h('google:' || i))::text,
      'name', full_name, 'email', email, 'email_verified', true, 'phone_verified', false)
    else jsonb_build_object('sub', id::text, 'email', email, 'email_verified', true, 'phone_verified', false) end,
  provider, created_at, created_at, created_at, pg_temp.uuid('identity:' || i)
from tu
where pg_temp.mine(i);

-- Staff: auth accounts only (no public.users row), with real bcrypt hashes of the demo password.
-- Their roles live in kontor.staff, never in metadata.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change, last_sign_in_at,
  raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at, is_anonymous)
select '00000000-0000-0000-0000-000000000000', pg_temp.uuid('staff:' || s.email), 'authenticated', 'authenticated',
  s.email, s.hash, pg_temp.anchor() - interval '100 days', '', '', '', '',
  pg_temp.anchor() - make_interval(hours => s.n::int), '{"provider": "email", "providers": ["email"]}',
  jsonb_build_object('email_verified', true), false,
  pg_temp.anchor() - interval '100 days', pg_temp.anchor() - interval '100 days', false
from jsonb_to_recordset(current_setting('kontor_demo.staff')::jsonb) as s(email text, hash text, n int)
where pg_temp.mine(s.n);

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, id)
select pg_temp.uuid('staff:' || s.email)::text, pg_temp.uuid('staff:' || s.email),
  jsonb_build_object('sub', pg_temp.uuid('staff:' || s.email)::text, 'email', s.email, 'email_verified', true,
    'phone_verified', false),
  'email', pg_temp.anchor() - make_interval(hours => s.n::int), pg_temp.anchor() - interval '100 days',
  pg_temp.anchor() - interval '100 days', pg_temp.uuid('identity:staff:' || s.email)
from jsonb_to_recordset(current_setting('kontor_demo.staff')::jsonb) as s(email text, n int)
where pg_temp.mine(s.n);

-- public.users is inserted in 13_profiles.sql, with its cached balance, once the ledger is written.

insert into public.projects (id, user_id, name, settings, created_at)
select pg_temp.uuid('project:' || tu.i || ':' || j), tu.id,
  (array['Untitled project', 'Travel reel', 'Product shots', 'Music video', 'Storyboard', 'LoRA experiments',
    'Client pitch', 'Short film', 'Moodboard', 'Social clips', 'Brand assets', 'Portfolio'])[(tu.hn + j * 7) % 12 + 1],
  jsonb_build_object(
    'visibility', case when pg_temp.u('project:visibility:' || tu.i || ':' || j) < 0.1 then 'public' else 'private' end,
    'aspect_ratio', (array['16:9', '9:16', '1:1', '4:3'])[(tu.hn + j) % 4 + 1],
    'fps', (array[16, 24, 30])[(tu.hn + j) % 3 + 1]),
  tu.created_at + make_interval(secs => 30 + 60 * (j - 1))
from tu, generate_series(1, tu.n_projects) j
where pg_temp.mine(tu.i);
