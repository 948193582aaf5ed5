-- lanes: all
-- Activity logs (as aethercrown98.md): payment events, task failures, sign-ins, admin actions;
-- and the feedback users leave.

insert into public.activity_logs (id, log_type, entity_id, action, details, level, user_id, created_at)
select pg_temp.uuid('activity:payment:' || tp.i), 'payment', pg_temp.uuid('payment:' || tp.i), 'payment.' || tp.status,
  jsonb_build_object('amount', tp.amount, 'currency', tp.currency, 'provider', tp.provider, 'product', tp.product,
    'ip_address', '198.51.100.' || (tp.hm % 254 + 1)),
  case when tp.status in ('failed', 'disputed') then 'warning' else 'info' end,
  tp.user_id, coalesce(tp.refunded_at, tp.completed_at, tp.created_at)
from tp
union all
select pg_temp.uuid('activity:task:' || tt.key), 'task', tt.id, 'task.failed',
  jsonb_build_object('task_type', tt.task_type, 'worker_id', tt.worker_id, 'attempts', 3,
    'previous_state', 'In Progress', 'new_state', 'Failed'),
  'error', tt.user_id, tt.processed_at
from tt where tt.status = 'Failed'
union all
select pg_temp.uuid('activity:signin:' || s), 'auth', tu.id, 'user.signed_in',
  jsonb_build_object('provider', tu.provider, 'ip_address', '203.0.113.' || (pg_temp.h('signin:ip:' || s) % 254 + 1),
    'user_agent', (array['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Mobile/15E148',
      'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0'])[pg_temp.h('signin:ua:' || s) % 4 + 1]),
  'info', tu.id, tu.created_at + (pg_temp.anchor() - tu.created_at) * pg_temp.u('signin:time:' || s)
from generate_series(1, pg_temp.n(10000, 'signins')) s cross join params p
join tu on tu.i = pg_temp.skew('signin:user:' || s, p.nu)
where pg_temp.mine(s)
union all
select pg_temp.uuid('activity:admin:' || tu.i), 'admin', tu.id,
  case tu.status when 'suspended' then 'user.suspended' else 'user.deleted' end,
  jsonb_build_object('by', 'support@kontor.dev',
    'reason', case tu.status when 'suspended' then 'chargeback abuse' else 'deletion requested by the user' end),
  'warning', tu.id, tu.created_at + (pg_temp.anchor() - tu.created_at) * 0.8
from tu where pg_temp.mine(tu.i) and tu.status in ('suspended', 'deleted');

insert into public.user_feedback (id, user_id, rating, message, created_at)
select pg_temp.uuid('feedback:' || f), tu.id, r.rating, r.message,
  tu.created_at + (pg_temp.anchor() - tu.created_at) * pg_temp.u('feedback:time:' || f)
from generate_series(1, pg_temp.n(300, 'feedback')) f cross join params p
join tu on tu.i = pg_temp.pick('feedback:user:' || f, p.nu)
join (values
  (1, 5, 'Love the video travel feature!'), (2, 4, 'Great results, queue is sometimes slow.'),
  (3, 2, 'My render failed twice and I was not sure if I got charged.'), (4, 5, 'LoRA training just works.'),
  (5, 3, 'Credits run out fast on 1080p.'), (6, 1, 'Payment went through but no credits showed up.'),
  (7, 4, 'Upscaler is excellent.'), (8, 5, null)
) as r(n, rating, message) on r.n = pg_temp.pick('feedback:kind:' || f, 8)
where pg_temp.mine(f);
