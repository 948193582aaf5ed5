-- Cluster-wide roles (shared by every database of the cluster, so created only when missing),
-- the extensions Supabase installs in `extensions`, and the build's own helpers.
--
-- The build passes its parameters as session settings: kontor_demo.anchor (the demo's "now"),
-- kontor_demo.scale.<kind> (how many rows of each kind), and the bcrypt hashes. Every helper below
-- lives in pg_temp and vanishes with the build's session, so nothing of the build machinery is left
-- in the database.

set timezone = 'UTC';

do $$
declare
  r record;
begin
  for r in
    select * from (values
      ('anon', 'nologin noinherit'),
      ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls'),
      ('authenticator', 'login noinherit')
    ) as t(name, attrs)
  loop
    if not exists (select from pg_roles where rolname = r.name) then
      begin
        execute format('create role %I %s', r.name, r.attrs);
      exception when duplicate_object or unique_violation then
        null; -- another build in the same cluster created it first
      end;
    end if;
  end loop;
  for r in select unnest(array['anon', 'authenticated', 'service_role']) as name loop
    if not pg_has_role('authenticator', r.name, 'member') then
      begin
        execute format('grant %I to authenticator', r.name);
      exception when others then
        null; -- granted concurrently
      end;
    end if;
  end loop;
end
$$;

create schema if not exists extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pg_stat_statements with schema extensions;
create extension if not exists citext with schema extensions;
grant usage on schema extensions to anon, authenticated, service_role;

-- Build helpers: deterministic "randomness" from md5 of a key, and the anchor.
create function pg_temp.h(key text) returns bigint
  language sql immutable parallel safe
  as $$ select ('x' || substr(md5(key), 1, 12))::bit(48)::bigint $$;

-- A uniform number in [0, 1) derived from key.
create function pg_temp.u(key text) returns double precision
  language sql immutable parallel safe
  as $$ select pg_temp.h(key) / 281474976710656.0 $$;

-- A uniform integer in [1, n].
create function pg_temp.pick(key text, n bigint) returns int
  language sql immutable parallel safe
  as $$ select (1 + pg_temp.h(key) % n)::int $$;

-- An integer in [1, n] skewed towards a few heavy users, scattered over the range.
create function pg_temp.skew(key text, n bigint) returns int
  language sql immutable parallel safe
  as $$ select (1 + (floor(n * power(pg_temp.u(key), 1.8))::bigint * 7919 + 13) % n)::int $$;

-- A version-4-shaped uuid from key (md5 with the version and variant bits set), so that strict
-- validators (zod's z.uuid()) accept the demo's ids.
create function pg_temp.uuid(key text) returns uuid
  language sql immutable parallel safe
  as $$ select overlay(overlay(md5(key) placing '4' from 13) placing '8' from 17)::uuid $$;

create function pg_temp.anchor() returns timestamptz
  language sql stable
  as $$ select current_setting('kontor_demo.anchor')::timestamptz $$;

-- Row counts: the default count of a kind of row, multiplied by that kind's factor
-- (kontor_demo.scale.<kind>: the build's scale times its size's factor for the kind).
create function pg_temp.n(base int, kind text) returns int
  language sql stable
  as $$ select greatest(1, round(base * current_setting('kontor_demo.scale.' || kind)::numeric))::int $$;

-- Whether row number k is this session's to write. The build runs the files marked `-- lanes: all`
-- in kontor_demo.lanes sessions at once; each writes the rows whose number falls to it, so the
-- rows are the same whatever the number of lanes.
create function pg_temp.mine(k bigint) returns boolean
  language sql stable
  as $$ select k % current_setting('kontor_demo.lanes')::int = current_setting('kontor_demo.lane')::int $$;
