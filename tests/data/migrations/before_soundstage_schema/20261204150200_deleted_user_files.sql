-- A deleted user's files. Deleting an auth.users row cascades to every row of
-- theirs (uploads, jobs, outputs, checkpoints), but the stored objects those
-- rows named would stay in storage for ever, unreachable. Before the rows go,
-- this trigger records every object path in soundstage.orphaned_objects; the
-- worker's maintenance pass deletes the objects and then the records
-- (soundstage.reliability.orphans).
create schema if not exists soundstage;

create table soundstage.orphaned_objects (
  id bigint generated always as identity primary key,
  bucket text not null,
  object_path text not null,
  recorded_at timestamptz not null default now()
);
revoke all on soundstage.orphaned_objects from public;

create or replace function soundstage.record_deleted_user_objects() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  insert into soundstage.orphaned_objects (bucket, object_path)
  select bucket, object_path from public.uploads where user_id = old.id
  union all
  select bucket, object_path from public.job_outputs where user_id = old.id
  union all
  select bucket, object_path from public.job_checkpoints
    where user_id = old.id and bucket is not null and object_path is not null;
  return old;
end
$$;

create trigger soundstage_record_deleted_user_objects
  before delete on auth.users
  for each row execute function soundstage.record_deleted_user_objects();

