-- select('*') for the frontend on every relation it may read.
--
-- Four tables keep columns from the frontend with column-level grants: jobs
-- (the queue's lease owner, lease expiry, idempotency key and request hash),
-- projects (the link token, the owner's to hand out), api_keys (the key's
-- hash) and webhooks (the signing secret). PostgREST expands `select=*` to
-- every column of the table, so
-- `supabase.schema('soundstage').from('jobs').select('*')` failed with a bare
-- 42501 (permission denied), and `supabase gen types` listed columns the user
-- cannot read.
--
-- Each gets a view of exactly the columns `authenticated` may read, in which
-- `select('*')` works:
--   soundstage.jobs_view, soundstage.projects_view, soundstage.api_keys_view,
--   soundstage.webhooks_view
-- security_invoker: the view reads the table as the caller, so the table's
-- RLS policies and column grants still decide everything (a view owned by
-- postgres would otherwise read every user's rows). That is also why the
-- tables keep their column grants: an invoker view needs them. (Live progress
-- reaches browsers by Realtime Broadcast, 20261205002000, not by Postgres
-- Changes on soundstage.jobs.)
--
-- On the tables themselves only an explicit select list works (the columns
-- below); docs/deploy.md lists them. tests/db/test_frontend_reads.py checks
-- that every relation authenticated can read answers `select *`, or else has
-- its view here with exactly the readable columns.

create view soundstage.jobs_view with (security_invoker = true) as
  select id, user_id, kind, params, status, priority, progress, stage, message, error,
         attempts, max_attempts, run_after, created_at, updated_at, started_at, finished_at,
         units, project
  from soundstage.jobs;

create view soundstage.projects_view with (security_invoker = true) as
  select id, owner_id, name, description, genre, visibility, default_branch,
         forked_from_project, forked_from_commit, created_at, updated_at
  from soundstage.projects;

create view soundstage.api_keys_view with (security_invoker = true) as
  select id, user_id, name, scopes, prefix, created_at, last_used_at, revoked_at
  from soundstage.api_keys;

create view soundstage.webhooks_view with (security_invoker = true) as
  select id, user_id, url, events, description, enabled, disabled_reason, disabled_at,
         secret_rotated_at, created_at, updated_at
  from soundstage.webhooks;

comment on view soundstage.jobs_view is
  'the columns of soundstage.jobs the frontend may read (RLS: its own jobs)';
comment on view soundstage.projects_view is
  'the columns of soundstage.projects the frontend may read (RLS: projects it may see)';
comment on view soundstage.api_keys_view is
  'the columns of soundstage.api_keys the frontend may read (RLS: its own keys)';
comment on view soundstage.webhooks_view is
  'the columns of soundstage.webhooks the frontend may read (RLS: its own webhooks)';

-- Reads only, for the frontend's role; nothing for anon, whatever default
-- privileges the project has for new relations. The engine never reads them.
revoke all on soundstage.jobs_view, soundstage.projects_view, soundstage.api_keys_view,
  soundstage.webhooks_view from public, anon, authenticated;
grant select on soundstage.jobs_view, soundstage.projects_view, soundstage.api_keys_view,
  soundstage.webhooks_view to authenticated;
