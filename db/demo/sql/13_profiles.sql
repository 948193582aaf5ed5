-- lanes: all
-- The customers' profiles (public.users), written once the ledger is complete, with the cached
-- users.credits computed as the ledger's sum in one pass: no trigger row by row, no UPDATE of every
-- user. Then the planted balance drift, each change by the lane that wrote the user.

-- The profiles, with their cached balances and the credits given for free.
insert into public.users (id, email, full_name, avatar_url, tier_id, credits, given_credits, status, settings,
  created_at, updated_at)
select tu.id, tu.email, tu.full_name,
  case when tu.provider = 'google' then 'https://lh3.googleusercontent.com/a/' || substr(md5('avatar:' || tu.i), 1, 24) end,
  tu.tier_id, coalesce(s.total, 0), coalesce(s.given, 0), tu.status,
  jsonb_build_object(
    'theme', (array['system', 'dark', 'light'])[tu.hn % 3 + 1],
    'locale', (array['en', 'en', 'de', 'fr', 'es', 'ja', 'pt'])[tu.hn % 7 + 1],
    'notifications', jsonb_build_object('email', tu.hn % 4 <> 0, 'task_complete', tu.hn % 5 <> 0),
    'default_resolution', (array['480p', '720p', '1080p'])[tu.hn % 3 + 1]),
  tu.created_at,
  case when tu.status = 'active' then tu.created_at
    else tu.created_at + (pg_temp.anchor() - tu.created_at) * 0.8 end
from tu
left join (
  select user_id, sum(amount) as total, coalesce(sum(amount) filter (where type in ('grant', 'manual') and amount > 0), 0) as given
  from public.credits_ledger group by user_id
) s on s.user_id = tu.id
where pg_temp.mine(tu.i)
order by tu.i;

-- balance_drift: three cached balances no longer match their ledger (a direct UPDATE of the
-- balance, an admin "fix" bypassing the ledger, a lost decrement).
update public.users set credits = credits + 50.00 where id = pg_temp.uuid('user:11') and pg_temp.mine(11);
update public.users set credits = credits + 120.00 where id = pg_temp.uuid('user:37') and pg_temp.mine(37);
update public.users set credits = case when credits >= 7.75 then credits - 7.25 else credits + 7.25 end
where id = pg_temp.uuid('user:23') and pg_temp.mine(23);

reset session_replication_role;
