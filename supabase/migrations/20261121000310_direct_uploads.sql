-- Direct uploads: a client asks for a signed upload URL (POST /v1/uploads/sign),
-- sends the file straight to storage, then asks the engine to check it
-- (POST /v1/uploads/{id}/complete). Until then the row is 'pending': it holds
-- the declared size and name but no type, and nothing may use it.

alter table soundstage.uploads
  add column status text not null default 'ready' check (status in ('pending', 'ready')),
  -- the category the client asked for when signing (checked on completion)
  add column expected_category text
    check (expected_category in ('manuscript', 'audio', 'midi', 'image')),
  -- when the signed upload URL stops working (pending uploads only)
  add column upload_expires_at timestamptz;

-- Only a ready upload has a type and a checksum.
alter table soundstage.uploads alter column category drop not null;
alter table soundstage.uploads alter column format drop not null;
alter table soundstage.uploads alter column content_type drop not null;
alter table soundstage.uploads alter column sha256 drop not null;
alter table soundstage.uploads add constraint uploads_ready_is_complete check (
  status = 'pending'
  or (category is not null and format is not null and content_type is not null
      and sha256 is not null)
);

-- Finding a user's pending uploads (the cap on unfinished ones, the purge of
-- abandoned ones) without walking their ready ones.
create index uploads_user_id_pending_idx on soundstage.uploads (user_id, upload_expires_at)
  where status = 'pending';

-- The frontend (supabase-js, PostgREST) never sees an unchecked upload. A
-- restrictive policy narrows the existing per-user select policy.
create policy uploads_select_ready_only on soundstage.uploads as restrictive for select
  to authenticated using (status = 'ready');

-- The engine completes a pending upload in place, under the same per-user policy.
create policy uploads_update_own on soundstage.uploads for update
  to soundstage_api
  using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
grant update (status, category, format, content_type, bytes, sha256, upload_expires_at)
  on soundstage.uploads to soundstage_api;
