-- Supabase Storage: a signed-in user may read the objects in their own folder
-- of the engine's buckets (every object path starts with the owner's id), so a
-- frontend can also download with supabase-js directly. Writes stay with the
-- engine (service key), which checks every file before anything uses it.
--
-- Guarded: a database without Supabase Storage (the embedded default, plain
-- Postgres in CI) has no storage.objects, and this migration then does nothing.
-- Idempotent: each policy is dropped and created again.
-- Policies need the table's owner: on Supabase projects where storage.objects
-- belongs to supabase_storage_admin and the migrating role may not create
-- policies on it, the migration warns instead of failing (nothing else
-- depends on these policies); create them from the dashboard then (Storage > Policies).

do $$
begin
  if to_regclass('storage.objects') is null
     or to_regprocedure('storage.foldername(text)') is null then
    raise notice 'storage.objects not found; storage policies skipped';
    return;
  end if;

  begin
    drop policy if exists soundstage_uploads_read_own on storage.objects;
    create policy soundstage_uploads_read_own on storage.objects for select
      to authenticated
      using (bucket_id = 'uploads'
             and (storage.foldername(name))[1] = (select auth.uid()::text));

    drop policy if exists soundstage_renders_read_own on storage.objects;
    create policy soundstage_renders_read_own on storage.objects for select
      to authenticated
      using (bucket_id = 'renders'
             and (storage.foldername(name))[1] = (select auth.uid()::text));
  exception when insufficient_privilege then
    raise warning 'storage policies not created: % may not create policies on storage.objects; '
      'create soundstage_uploads_read_own and soundstage_renders_read_own in the dashboard '
      '(see supabase/migrations/20261121000320_storage_policies.sql)', current_user;
  end;
end
$$;
