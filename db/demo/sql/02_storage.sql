-- Supabase's `storage` schema: buckets and objects, with owner-based RLS like reigh.md's buckets:
-- `public` and `lora_files` are public, `training-data` is private to its owner.

create schema if not exists storage;

create table storage.buckets (
  id text not null primary key,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text
);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';
create unique index bname on storage.buckets (name);

create table storage.objects (
  id uuid not null default gen_random_uuid() primary key,
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb
);
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';
create unique index bucketid_objname on storage.objects (bucket_id, name);
create index name_prefix_search on storage.objects (name text_pattern_ops);

create function storage.foldername(name text) returns text[]
  language plpgsql immutable
  as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end
$$;

create function storage.filename(name text) returns text
  language plpgsql immutable
  as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end
$$;

create function storage.extension(name text) returns text
  language plpgsql immutable
  as $$
declare
  _parts text[];
  _filename text;
begin
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts, 1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end
$$;

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

-- One policy per command and role, so that no two permissive policies overlap.
create policy "Buckets are visible to signed-in users, public ones to everyone"
  on storage.buckets for select to anon, authenticated
  using (public or (select auth.uid()) is not null);

create policy "Read public media and own training data"
  on storage.objects for select to anon, authenticated
  using (
    bucket_id in ('public', 'lora_files')
    or (bucket_id = 'training-data' and owner_id = (select auth.uid())::text)
  );

create policy "Upload into own folder"
  on storage.objects for insert to authenticated
  with check (
    bucket_id in ('public', 'lora_files', 'training-data')
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy "Update own objects"
  on storage.objects for update to authenticated
  using (owner_id = (select auth.uid())::text)
  with check (owner_id = (select auth.uid())::text);

create policy "Delete own objects"
  on storage.objects for delete to authenticated
  using (owner_id = (select auth.uid())::text);

grant usage on schema storage to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types, created_at, updated_at)
values
  ('public', 'public', true, 52428800, null, pg_temp.anchor() - interval '120 days', pg_temp.anchor() - interval '120 days'),
  ('training-data', 'training-data', false, 524288000, array['video/mp4', 'video/quicktime', 'video/webm'],
    pg_temp.anchor() - interval '95 days', pg_temp.anchor() - interval '95 days'),
  ('lora_files', 'lora_files', true, 1073741824, array['application/octet-stream'],
    pg_temp.anchor() - interval '95 days', pg_temp.anchor() - interval '95 days');
