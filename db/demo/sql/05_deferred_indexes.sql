-- Indexes of the big tables are cheaper to build once, after the load, than to maintain row by
-- row: here the build sets aside the indexes of the tables it fills in bulk (Supabase's on auth and
-- storage, the primary keys of the product's append-only tables) and 14_indexes.sql re-creates
-- them, with the same names and definitions. An index that a foreign key relies on stays.
create temp table deferred_indexes as
select row_number() over (order by i.indexrelid) as n,
  i.indrelid::regclass::text as tbl,
  i.indexrelid::regclass::text as name,
  c.conname,
  case when c.oid is null then pg_get_indexdef(i.indexrelid)
    else format('alter table %s add constraint %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) end as ddl
from pg_index i
left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u')
where i.indrelid in ('auth.users'::regclass, 'auth.identities'::regclass, 'storage.objects'::regclass,
    'public.credits_ledger'::regclass, 'public.api_cost_logs'::regclass, 'public.activity_logs'::regclass,
    'public.generations'::regclass)
  and not exists (select from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid);

do $$
declare
  r record;
begin
  for r in select * from deferred_indexes order by n loop
    if r.conname is null then
      execute format('drop index %s', r.name);
    else
      execute format('alter table %s drop constraint %I', r.tbl, r.conname);
    end if;
  end loop;
end
$$;
