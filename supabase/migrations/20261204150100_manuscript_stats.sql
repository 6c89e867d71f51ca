-- What parsing an uploaded manuscript found, kept so that admitting a job
-- (POST /v1/jobs) checks the quota from the stored character counts instead of
-- parsing the whole book again. Written by the engine (privileged) after the
-- first successful parse (a preview or an admission); gone with its upload.
create table soundstage.manuscript_stats (
  upload_id uuid primary key references soundstage.uploads (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  -- characters of each chapter's text, in order (chapter n at index n)
  chapter_characters integer[] not null,
  created_at timestamptz not null default now()
);
create index manuscript_stats_user_id_idx on soundstage.manuscript_stats (user_id);

alter table soundstage.manuscript_stats enable row level security;
create policy manuscript_stats_select_own on soundstage.manuscript_stats for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);

-- On Supabase, tables in public are granted to anon and authenticated in full by
-- default (20261121000301_supabase_default_grants.sql): take that back first.
revoke all on soundstage.manuscript_stats from anon, authenticated;
grant select on soundstage.manuscript_stats to authenticated, soundstage_api;
