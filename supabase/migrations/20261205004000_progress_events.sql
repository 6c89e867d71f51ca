-- Row changes for state transitions only.
--
-- Supabase Realtime's Postgres Changes sends every row change of a published
-- table to every subscriber allowed to see it, after checking RLS for each.
-- job_events is published (20261121000300) so a page can follow its jobs'
-- transitions, but it also took a row for every progress change: while a job
-- ran, each subscriber received about two of those a second. Progress now
-- reaches browsers by Broadcast, at most once a second per job
-- (20261205002000), so progress rows move to a table of their own that is not
-- published: job_events keeps status changes and outputs, the row changes a
-- subscriber wants.
--
-- The SSE stream (GET /v1/jobs/{id}/events, GET /v1/events) still replays
-- every event in order and resumes from Last-Event-ID: both tables draw their
-- ids from job_events' sequence, so one id order spans them, and the readers
-- (soundstage.jobs.repository) take the union. A client's stream is unchanged.

create table soundstage.job_progress_events (
  id bigint primary key default nextval('soundstage.job_events_id_seq'),
  job_id uuid not null references soundstage.jobs (id) on delete cascade,
  user_id uuid not null,
  data jsonb not null,
  created_at timestamptz not null default now()
);
-- a job's stream (SSE), and the user's stream, which RLS filters by user_id
create index job_progress_events_job_id_id_idx on soundstage.job_progress_events (job_id, id);
create index job_progress_events_user_id_id_idx on soundstage.job_progress_events (user_id, id);
alter table soundstage.job_progress_events enable row level security;
create policy job_progress_events_select_own on soundstage.job_progress_events for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
revoke all on soundstage.job_progress_events from public;
do $$
begin
  if exists (select from pg_roles where rolname = 'anon') then
    revoke all on soundstage.job_progress_events from anon;
  end if;
end
$$;
grant select on soundstage.job_progress_events to authenticated, soundstage_api;

-- Earlier progress rows move too, ids kept (Last-Event-ID stays valid).
insert into soundstage.job_progress_events (id, job_id, user_id, data, created_at)
  select id, job_id, user_id, data, created_at from soundstage.job_events
  where type = 'progress';
delete from soundstage.job_events where type = 'progress';

create or replace function soundstage_private.job_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'job_outputs' then
    insert into soundstage.job_events (job_id, user_id, type, data)
    values (new.job_id, new.user_id, 'output',
            jsonb_build_object('name', new.name, 'content_type', new.content_type,
                               'bytes', new.bytes));
  elsif tg_op = 'INSERT' or new.status is distinct from old.status then
    insert into soundstage.job_events (job_id, user_id, type, data)
    values (new.id, new.user_id, 'status',
            jsonb_build_object('status', new.status, 'progress', new.progress,
                               'stage', new.stage, 'message', new.message,
                               'error', new.error, 'attempts', new.attempts));
  elsif new.progress is distinct from old.progress or new.stage is distinct from old.stage
        or new.message is distinct from old.message then
    insert into soundstage.job_progress_events (job_id, user_id, data)
    values (new.id, new.user_id,
            jsonb_build_object('progress', new.progress, 'stage', new.stage,
                               'message', new.message));
  end if;
  return null;
end
$$;
revoke all on function soundstage_private.job_event() from public;

comment on table soundstage.job_progress_events is
  'Progress changes of jobs (the SSE stream''s progress events); not published to Realtime: '
  'progress reaches browsers by Broadcast. Ids share job_events'' sequence.';
