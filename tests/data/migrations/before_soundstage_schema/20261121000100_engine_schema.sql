-- Soundstage engine schema: uploads, jobs (the user-visible record and the
-- queue), job outputs. Every user-owned row has user_id -> auth.users with RLS.
--
-- Roles:
--   authenticated   the frontend through PostgREST/Realtime: SELECT own rows only.
--   soundstage_api  the engine serving a user's request (role and verified claims
--                   set per transaction): writes, under the same per-user policies.
--   the owner       (postgres) the worker: claims, progress, outputs, status.

do $$
begin
  if not exists (select from pg_roles where rolname = 'soundstage_api') then
    create role soundstage_api nologin noinherit;
  end if;
end
$$;
-- The engine connects as the migrating user and switches into soundstage_api.
grant soundstage_api to current_user;
grant usage on schema public to soundstage_api;
grant usage on schema auth to soundstage_api;

-- keeps updated_at honest without trusting callers
create or replace function public.soundstage_touch_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- ---------------------------------------------------------------- uploads
create table public.uploads (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  category text not null check (category in ('manuscript', 'audio', 'midi', 'image')),
  format text not null,
  content_type text not null,
  original_name text not null check (length(original_name) between 1 and 255),
  bucket text not null default 'uploads',
  object_path text not null unique,
  bytes bigint not null check (bytes > 0),
  sha256 text not null,
  created_at timestamptz not null default now()
);
create index uploads_user_id_created_at_idx on public.uploads (user_id, created_at desc, id desc);

-- ------------------------------------------------------------------- jobs
create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{0,63}$'),
  params jsonb not null default '{}'::jsonb,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'canceling', 'canceled')),
  priority smallint not null default 0 check (priority between -100 and 100),
  progress smallint not null default 0 check (progress between 0 and 100),
  stage text,
  message text,
  error jsonb,
  attempts integer not null default 0,
  max_attempts integer not null default 3 check (max_attempts between 1 and 20),
  run_after timestamptz not null default now(),
  lease_owner text,
  lease_expires_at timestamptz,
  idempotency_key text check (length(idempotency_key) between 1 and 255),
  request_hash text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  constraint jobs_user_idempotency_key unique (user_id, idempotency_key)
);
create index jobs_user_id_created_at_idx on public.jobs (user_id, created_at desc, id desc);
-- the claim query walks only queued rows, in dispatch order
create index jobs_queued_idx on public.jobs (priority desc, run_after, created_at)
  where status = 'queued';
create index jobs_lease_idx on public.jobs (lease_expires_at) where status in ('running', 'canceling');

create trigger jobs_touch_updated_at before update on public.jobs
  for each row execute function public.soundstage_touch_updated_at();

-- Wake workers the moment a job becomes runnable (LISTEN soundstage_jobs).
create or replace function public.soundstage_notify_job() returns trigger
language plpgsql
as $$
begin
  -- Cancellation needs no notification: a running job's worker reads the
  -- status on every heartbeat (twice a second).
  if new.status = 'queued' then
    perform pg_notify('soundstage_jobs', new.kind);
  end if;
  return null;
end
$$;
create trigger jobs_notify after insert or update of status on public.jobs
  for each row execute function public.soundstage_notify_job();

-- ------------------------------------------------------------ job_outputs
create table public.job_outputs (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null references public.jobs (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
  content_type text not null,
  bytes bigint not null,
  bucket text not null default 'renders',
  object_path text not null,
  created_at timestamptz not null default now(),
  constraint job_outputs_job_name unique (job_id, name)
);
create index job_outputs_user_id_idx on public.job_outputs (user_id);

-- -------------------------------------------------------------------- RLS
alter table public.uploads enable row level security;
alter table public.jobs enable row level security;
alter table public.job_outputs enable row level security;

create policy uploads_select_own on public.uploads for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
create policy uploads_insert_own on public.uploads for insert
  to soundstage_api with check ((select auth.uid()) = user_id);
create policy uploads_delete_own on public.uploads for delete
  to soundstage_api using ((select auth.uid()) = user_id);

create policy jobs_select_own on public.jobs for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
create policy jobs_insert_own on public.jobs for insert
  to soundstage_api with check ((select auth.uid()) = user_id);
create policy jobs_update_own on public.jobs for update
  to soundstage_api using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy jobs_delete_own on public.jobs for delete
  to soundstage_api using ((select auth.uid()) = user_id);

create policy job_outputs_select_own on public.job_outputs for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
create policy job_outputs_delete_own on public.job_outputs for delete
  to soundstage_api using ((select auth.uid()) = user_id);

-- Grants: the frontend reads its own rows (not the queue's internals: lease
-- owner, idempotency key and hash); the engine's request role writes what a
-- user may change: new jobs, cancellation (status) and deletion, and a retry
-- (which resets the run columns, see the queue migration). Outputs and the
-- running status transitions are the worker's alone.
grant select on public.uploads, public.job_outputs to authenticated;
grant select (id, user_id, kind, params, status, priority, progress, stage, message, error,
              attempts, max_attempts, run_after, created_at, updated_at, started_at, finished_at)
  on public.jobs to authenticated;
grant select, insert, delete on public.uploads to soundstage_api;
grant select, insert, delete on public.jobs to soundstage_api;
grant update (status, finished_at) on public.jobs to soundstage_api;
grant select, delete on public.job_outputs to soundstage_api;
