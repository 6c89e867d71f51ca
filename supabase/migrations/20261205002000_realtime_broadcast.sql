-- Live progress by Supabase Realtime Broadcast, sent by the database, instead
-- of a Postgres Changes row event per heartbeat.
--
-- A running job's row is written about twice a second (the worker's heartbeat
-- extends the lease and flushes progress), and every write of a published
-- table is decoded, checked against each subscriber's RLS and delivered to
-- each Postgres Changes subscriber. So:
--
--   * soundstage.jobs leaves the supabase_realtime publication: lease and
--     progress writes produce no row events. soundstage.job_events stays: one
--     INSERT per status change, stored output and (when they change) progress,
--     stage or message; the transitions are its rows of type 'status' and
--     'output' (Postgres Changes filter `type=in.(status,output)`).
--   * triggers on soundstage.jobs call realtime.send() on the private topic
--     'soundstage:user:<user_id>' (every job of that user, for the jobs list
--     and the job page alike):
--       job.status    every INSERT and status change, always sent at once;
--       job.progress  progress, stage or message changed: at most once a
--                     second per job. A change that comes sooner is held
--                     (broadcast_pending) and goes with the job's first write
--                     a second or more after the last send (the worker
--                     writes once more, the lease alone, a second after its
--                     last progress write), or with its next status change,
--                     which carries the whole state: the final state is
--                     never lost;
--       job.output    an output stored (soundstage.job_outputs INSERT);
--       job.deleted   a job that had been broadcast is deleted.
--   * a realtime.messages SELECT policy lets `authenticated` join only the
--     topic of their own user id.
--
-- Where realtime.send does not exist (the embedded database, plain Postgres)
-- the triggers do nothing: they look the function up on every call, so a
-- database that gains Realtime later broadcasts from then on. The publication
-- step is skipped where there is no supabase_realtime publication, the policy
-- where there is no realtime.messages. See docs/realtime.md.

-- When the job was last broadcast (the clock of the 1-second limit), and
-- whether a change since then is still unsent. Internal, like the lease
-- columns: authenticated is granted neither. Not indexed, so a heartbeat that
-- sets them stays a HOT update.
alter table soundstage.jobs
  add column if not exists broadcast_at timestamptz,
  add column if not exists broadcast_pending boolean not null default false;

-- BEFORE: decides whether this write is broadcast and records it on the row
-- itself (no second write). The AFTER triggers below send when broadcast_at
-- moved, so only rows that were really written are announced (an INSERT that
-- ON CONFLICT skips, or an UPDATE that a later trigger cancels, sends nothing).
-- security definer: the API role also writes jobs, and naming realtime.send
-- needs USAGE on schema realtime, which Supabase gives postgres, not that role.
create or replace function soundstage_private.job_broadcast_mark() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  now_ts timestamptz;
begin
  -- The Supabase function's exact signature; absent: Realtime is not here.
  if to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null then
    return new;
  end if;
  -- clock_timestamp, not now(): one transaction may write a job twice, and the
  -- limit is about the wall clock between sends.
  now_ts := clock_timestamp();
  if tg_op = 'INSERT' or new.status is distinct from old.status then
    new.broadcast_at := now_ts;
    new.broadcast_pending := false;
  elsif old.broadcast_at is null or now_ts - old.broadcast_at >= interval '1 second' then
    new.broadcast_at := now_ts;
    new.broadcast_pending := false;
  else
    new.broadcast_pending := true;
  end if;
  return new;
end
$$;
revoke all on function soundstage_private.job_broadcast_mark() from public;

-- AFTER: the send. security definer: the API role (cancel, retry, delete) and
-- the worker both write jobs; only this function calls realtime.send.
create or replace function soundstage_private.job_broadcast_send() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job record;
  event text;
begin
  if to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null then
    return null;
  end if;
  if tg_op = 'DELETE' then
    perform realtime.send(
      jsonb_build_object('job_id', old.id),
      'job.deleted', 'soundstage:user:' || old.user_id::text, true);
    return null;
  end if;
  job := new;
  event := case when tg_op = 'INSERT' or new.status is distinct from old.status
                then 'job.status' else 'job.progress' end;
  -- No "id" key: realtime.send keeps a payload's own id as the message id.
  perform realtime.send(
    jsonb_build_object(
      'job_id', job.id, 'kind', job.kind, 'status', job.status,
      'progress', job.progress, 'stage', job.stage, 'message', job.message,
      'error', job.error, 'attempts', job.attempts, 'at', job.broadcast_at),
    event, 'soundstage:user:' || job.user_id::text, true);
  return null;
end
$$;
revoke all on function soundstage_private.job_broadcast_send() from public;

create or replace function soundstage_private.job_output_broadcast() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null then
    return null;
  end if;
  perform realtime.send(
    jsonb_build_object('job_id', new.job_id, 'name', new.name,
                       'content_type', new.content_type, 'bytes', new.bytes),
    'job.output', 'soundstage:user:' || new.user_id::text, true);
  return null;
end
$$;
revoke all on function soundstage_private.job_output_broadcast() from public;

drop trigger if exists jobs_broadcast_mark on soundstage.jobs;
drop trigger if exists jobs_broadcast_mark_update on soundstage.jobs;
drop trigger if exists jobs_broadcast_insert on soundstage.jobs;
drop trigger if exists jobs_broadcast_update on soundstage.jobs;
drop trigger if exists jobs_broadcast_delete on soundstage.jobs;
drop trigger if exists job_outputs_broadcast on soundstage.job_outputs;

-- A write that changes none of the broadcast fields (the lease alone: most
-- heartbeats) does not even call the function, unless a change is pending.
create trigger jobs_broadcast_mark before insert on soundstage.jobs
  for each row execute function soundstage_private.job_broadcast_mark();
create trigger jobs_broadcast_mark_update before update on soundstage.jobs
  for each row when (
    new.status is distinct from old.status
    or new.progress is distinct from old.progress
    or new.stage is distinct from old.stage
    or new.message is distinct from old.message
    or old.broadcast_pending)
  execute function soundstage_private.job_broadcast_mark();
create trigger jobs_broadcast_insert after insert on soundstage.jobs
  for each row when (new.broadcast_at is not null)
  execute function soundstage_private.job_broadcast_send();
create trigger jobs_broadcast_update after update on soundstage.jobs
  for each row when (new.broadcast_at is distinct from old.broadcast_at)
  execute function soundstage_private.job_broadcast_send();
create trigger jobs_broadcast_delete after delete on soundstage.jobs
  for each row when (old.broadcast_at is not null)
  execute function soundstage_private.job_broadcast_send();
create trigger job_outputs_broadcast after insert on soundstage.job_outputs
  for each row execute function soundstage_private.job_output_broadcast();

-- ------------------------------------------------------------- publication
-- soundstage.jobs out, soundstage.job_events in (20261121000300 added both).
-- The publication is Supabase's: never created here; left alone where it is
-- absent, publishes FOR ALL TABLES, or is not ours to change.
do $$
declare
  pub record;
begin
  select p.puballtables, pg_has_role(p.pubowner, 'USAGE') as ours
    into pub
    from pg_publication p
   where p.pubname = 'supabase_realtime';
  if not found then
    return;
  end if;
  if pub.puballtables then
    raise warning 'supabase_realtime publishes every table: soundstage.jobs sends a row event per heartbeat'
      using hint = 'Publish a list of tables instead; soundstage needs only soundstage.job_events.';
    return;
  end if;
  if exists (select from pg_publication_tables
             where pubname = 'supabase_realtime' and schemaname = 'soundstage'
               and tablename = 'jobs') then
    if pub.ours then
      alter publication supabase_realtime drop table soundstage.jobs;
    else
      raise warning 'cannot remove soundstage.jobs from supabase_realtime: not its owner'
        using hint = 'alter publication supabase_realtime drop table soundstage.jobs';
    end if;
  end if;
  if not exists (select from pg_publication_tables
                 where pubname = 'supabase_realtime' and schemaname = 'soundstage'
                   and tablename = 'job_events') then
    if pub.ours then
      alter publication supabase_realtime add table soundstage.job_events;
    else
      raise warning 'cannot add soundstage.job_events to supabase_realtime: not its owner'
        using hint = 'alter publication supabase_realtime add table soundstage.job_events';
    end if;
  end if;
end
$$;

-- ------------------------------------------------------------ authorization
-- Private channels: Realtime lets a client join a topic when a SELECT on
-- realtime.messages, as that client and with realtime.topic() set to the
-- topic, passes RLS. Only the user's own topic, only Broadcast. No INSERT
-- policy: browsers cannot send on these topics, only the database does.
do $$
declare
  owner_ok boolean;
begin
  if to_regclass('realtime.messages') is null
     or to_regprocedure('realtime.topic()') is null
     or not exists (select from pg_roles where rolname = 'authenticated') then
    return;
  end if;
  select pg_has_role(c.relowner, 'USAGE') into owner_ok
    from pg_class c where c.oid = 'realtime.messages'::regclass;
  if not owner_ok then
    raise warning 'cannot create the policy soundstage_user_topic_select on realtime.messages: not its owner'
      using hint = 'See docs/realtime.md for the policy to create by hand.';
    return;
  end if;
  drop policy if exists soundstage_user_topic_select on realtime.messages;
  create policy soundstage_user_topic_select on realtime.messages for select
    to authenticated
    using (
      realtime.messages.extension = 'broadcast'
      and (select realtime.topic()) = 'soundstage:user:' || (select auth.uid())::text
    );
end
$$;
