-- The durable queue: checkpoints for resumable pipelines, an event log for
-- live progress (Server-Sent Events resume from its ids), fair claiming.

-- -------------------------------------------------------------- checkpoints
-- One row (and optionally one stored file) per finished unit of a job's work,
-- so a job taken over after a crash, or retried, resumes where it stopped.
create table public.job_checkpoints (
  job_id uuid not null references public.jobs (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  unit text not null check (unit ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
  data jsonb not null default '{}'::jsonb,
  bucket text,
  object_path text,
  bytes bigint,
  created_at timestamptz not null default now(),
  primary key (job_id, unit)
);
create index job_checkpoints_user_id_idx on public.job_checkpoints (user_id);
alter table public.job_checkpoints enable row level security;
create policy job_checkpoints_select_own on public.job_checkpoints for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
grant select on public.job_checkpoints to authenticated, soundstage_api;

-- ------------------------------------------------------------------- events
-- Appended by trigger whenever a job's status, progress, stage or message
-- changes, and when an output is stored. Ids are the SSE event ids.
create table public.job_events (
  id bigint generated always as identity primary key,
  job_id uuid not null references public.jobs (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  type text not null check (type in ('status', 'progress', 'output')),
  data jsonb not null,
  created_at timestamptz not null default now()
);
create index job_events_job_id_id_idx on public.job_events (job_id, id);
create index job_events_user_id_idx on public.job_events (user_id);
alter table public.job_events enable row level security;
create policy job_events_select_own on public.job_events for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
grant select on public.job_events to authenticated, soundstage_api;

-- security definer: the API role (cancel) and the worker both fire it; only
-- this function may write the log.
create or replace function public.soundstage_job_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'job_outputs' then
    insert into public.job_events (job_id, user_id, type, data)
    values (new.job_id, new.user_id, 'output',
            jsonb_build_object('name', new.name, 'content_type', new.content_type,
                               'bytes', new.bytes));
  elsif tg_op = 'INSERT' or new.status is distinct from old.status then
    insert into public.job_events (job_id, user_id, type, data)
    values (new.id, new.user_id, 'status',
            jsonb_build_object('status', new.status, 'progress', new.progress,
                               'stage', new.stage, 'message', new.message,
                               'error', new.error, 'attempts', new.attempts));
  elsif new.progress is distinct from old.progress or new.stage is distinct from old.stage
        or new.message is distinct from old.message then
    insert into public.job_events (job_id, user_id, type, data)
    values (new.id, new.user_id, 'progress',
            jsonb_build_object('progress', new.progress, 'stage', new.stage,
                               'message', new.message));
  end if;
  return null;
end
$$;
revoke all on function public.soundstage_job_event() from public;

create trigger jobs_events after insert or update on public.jobs
  for each row execute function public.soundstage_job_event();
create trigger job_outputs_events after insert or update on public.job_outputs
  for each row execute function public.soundstage_job_event();

-- ------------------------------------------------------------ fair claiming
-- Per user, queued jobs in dispatch order: the claim walks each user's head.
create index jobs_user_queued_idx on public.jobs (user_id, priority desc, run_after, created_at)
  where status = 'queued';
create index jobs_user_running_idx on public.jobs (user_id) where status in ('running', 'canceling');

-- Queue-wide figures for GET /v1/queue without exposing other users' rows.
create or replace function public.soundstage_queue_stats()
returns table (status text, jobs bigint, workers bigint)
language sql
stable
security definer
set search_path = ''
as $$
  select j.status, count(*), count(distinct j.lease_owner)
  from public.jobs j
  where j.status in ('queued', 'running', 'canceling')
  group by j.status
$$;
revoke all on function public.soundstage_queue_stats() from public;
grant execute on function public.soundstage_queue_stats() to soundstage_api;

-- How many runnable jobs of any user are ahead of each of the caller's queued jobs.
create or replace function public.soundstage_queue_positions()
returns table (job_id uuid, ahead bigint)
language sql
stable
security definer
set search_path = ''
as $$
  select mine.id, (
    select count(*) from public.jobs o
    where o.status = 'queued' and o.id <> mine.id
      and (o.priority, mine.run_after, mine.created_at) > (mine.priority, o.run_after, o.created_at)
  )
  from public.jobs mine
  where mine.status = 'queued' and mine.user_id = (select auth.uid())
$$;
revoke all on function public.soundstage_queue_positions() from public;
grant execute on function public.soundstage_queue_positions() to soundstage_api;

-- Average run time of recent successful jobs, per kind, for start estimates.
create or replace function public.soundstage_recent_durations()
returns table (kind text, avg_seconds double precision)
language sql
stable
security definer
set search_path = ''
as $$
  select j.kind, avg(extract(epoch from (j.finished_at - j.started_at)))
  from public.jobs j
  where j.status = 'succeeded' and j.finished_at > now() - interval '1 hour'
  group by j.kind
$$;
revoke all on function public.soundstage_recent_durations() from public;
grant execute on function public.soundstage_recent_durations() to soundstage_api;

-- The API re-queues a failed or canceled job in place (POST /v1/jobs/{id}/retry).
grant update (run_after, attempts, progress, stage, message, error, started_at)
  on public.jobs to soundstage_api;
