-- Webhooks: a user's HTTPS endpoints that receive job (and project) events,
-- signed with the Standard Webhooks scheme (soundstage.webhooks).
--
-- The outbox is written by triggers on the jobs table, in the same transaction
-- as the state change: every path that changes a job's status (the worker's
-- finish and batched success write, the cancel route, the reaper) produces the
-- event, and an event exists if and only if the change committed. A worker's
-- delivery loop then claims due rows (FOR UPDATE SKIP LOCKED) and POSTs them.
--
-- The signing secret must be usable to sign, so it cannot be hashed like an API
-- key. It lives in a column that neither `authenticated` (PostgREST) nor the
-- engine's request role can read: the API writes it (create, rotate) and shows
-- it once; only the worker's privileged connection reads it to sign.

-- ---------------------------------------------------------------- webhooks
create table soundstage.webhooks (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  url text not null check (length(url) between 8 and 2048),
  events text[] not null check (
    cardinality(events) between 1 and 8
    and events <@ array['job.succeeded', 'job.failed', 'job.canceled', 'job.progress',
                        'project.committed']::text[]),
  description text not null default '' check (length(description) <= 500),
  -- whsec_ + base64 of 32 random bytes (Standard Webhooks)
  secret text not null check (secret ~ '^whsec_[A-Za-z0-9+/=]{40,100}$'),
  enabled boolean not null default true,
  disabled_reason text,
  disabled_at timestamptz,
  secret_rotated_at timestamptz,
  -- After a rotation the previous secret also signs (a second signature in
  -- webhook-signature) until it expires, so a receiver can switch its key
  -- without refusing a delivery in between.
  previous_secret text check (previous_secret ~ '^whsec_[A-Za-z0-9+/=]{40,100}$'),
  previous_secret_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- the list (and RLS) by owner, newest first; the triggers' lookup by owner
create index webhooks_user_id_created_idx on soundstage.webhooks (user_id, created_at desc, id desc);
create trigger webhooks_touch_updated_at before update on soundstage.webhooks
  for each row execute function soundstage_private.touch_updated_at();

-- ---------------------------------------------------------- webhook_outbox
-- One row per event per webhook: the message (its id is the `webhook-id` sent
-- on every attempt) and its delivery state, which is the delivery log.
create table soundstage.webhook_outbox (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references soundstage.webhooks (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  event_type text not null check (event_type ~ '^[a-z]+\.[a-z_]+$'),
  -- the job (or project) the event is about: the progress throttle looks it up
  subject_id uuid,
  data jsonb not null,
  status text not null default 'pending'
    check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0,
  -- due time; while an attempt is in flight, the end of its claim (a worker
  -- that dies mid-attempt leaves the row due again when the claim runs out)
  next_attempt_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  last_status_code integer,
  last_latency_ms integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default clock_timestamp()
);
-- the delivery loop's claim: due pending rows only
create index webhook_outbox_due_idx on soundstage.webhook_outbox (next_attempt_at)
  where status = 'pending';
-- the delivery log of one webhook, newest first (and RLS's user_id below)
create index webhook_outbox_webhook_created_idx
  on soundstage.webhook_outbox (webhook_id, created_at desc, id desc);
create index webhook_outbox_user_id_idx on soundstage.webhook_outbox (user_id);
-- job.progress: at most one event per job per 10 s per webhook
create index webhook_outbox_progress_idx
  on soundstage.webhook_outbox (webhook_id, subject_id, created_at desc)
  where event_type = 'job.progress';

-- ------------------------------------------------------- webhook_attempts
-- Every attempt, kept with its message (cascade).
create table soundstage.webhook_attempts (
  id bigint generated always as identity primary key,
  outbox_id uuid not null references soundstage.webhook_outbox (id) on delete cascade,
  webhook_id uuid not null references soundstage.webhooks (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  attempt integer not null,
  status_code integer,
  latency_ms integer,
  error text,
  created_at timestamptz not null default now()
);
create index webhook_attempts_outbox_idx on soundstage.webhook_attempts (outbox_id, id);
create index webhook_attempts_webhook_idx on soundstage.webhook_attempts (webhook_id);
create index webhook_attempts_user_id_idx on soundstage.webhook_attempts (user_id);

-- ---------------------------------------------------------------- triggers
-- Security definer: the cancel route changes a job's status as soundstage_api,
-- which may not write the outbox itself. The function only inserts rows for
-- the job's own owner's webhooks.
create or replace function soundstage_private.webhook_job_status() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  n integer;
begin
  insert into soundstage.webhook_outbox (webhook_id, user_id, event_type, subject_id, data)
  select w.id, new.user_id, 'job.' || new.status, new.id,
         jsonb_build_object(
           'id', new.id, 'kind', new.kind, 'status', new.status, 'progress', new.progress,
           'stage', new.stage, 'error', new.error, 'attempts', new.attempts,
           'project', new.project, 'created_at', new.created_at,
           'finished_at', new.finished_at,
           'outputs', coalesce((
             select jsonb_agg(jsonb_build_object(
                      'name', o.name, 'content_type', o.content_type, 'bytes', o.bytes)
                    order by o.name)
             from soundstage.job_outputs o where o.job_id = new.id), '[]'::jsonb))
  from soundstage.webhooks w
  where w.user_id = new.user_id and w.enabled and ('job.' || new.status) = any (w.events);
  get diagnostics n = row_count;
  if n > 0 then
    perform pg_notify('soundstage_webhooks', '');
  end if;
  return null;
end
$$;

create or replace function soundstage_private.webhook_job_progress() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  n integer;
begin
  insert into soundstage.webhook_outbox (webhook_id, user_id, event_type, subject_id, data)
  select w.id, new.user_id, 'job.progress', new.id,
         jsonb_build_object(
           'id', new.id, 'kind', new.kind, 'status', new.status, 'progress', new.progress,
           'stage', new.stage, 'message', new.message)
  from soundstage.webhooks w
  where w.user_id = new.user_id and w.enabled and 'job.progress' = any (w.events)
    and not exists (
      select 1 from soundstage.webhook_outbox o
      where o.webhook_id = w.id and o.subject_id = new.id and o.event_type = 'job.progress'
        and o.created_at > clock_timestamp() - interval '10 seconds');
  get diagnostics n = row_count;
  if n > 0 then
    perform pg_notify('soundstage_webhooks', '');
  end if;
  return null;
end
$$;

-- The WHEN clauses keep every other update (a heartbeat without progress, a
-- lease renewal) free of any webhook work.
create trigger jobs_webhook_status after update of status on soundstage.jobs
  for each row
  when (old.status is distinct from new.status
        and new.status in ('succeeded', 'failed', 'canceled'))
  execute function soundstage_private.webhook_job_status();
create trigger jobs_webhook_progress after update of progress on soundstage.jobs
  for each row
  when (old.progress is distinct from new.progress and new.status = 'running')
  execute function soundstage_private.webhook_job_progress();

-- project.committed: a new commit, for the project owner's webhooks. Commits
-- inserted in the transaction that created their project (a fork copying its
-- history, a new project's first commit) are not events.
create or replace function soundstage_private.webhook_project_commit() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  n integer;
begin
  insert into soundstage.webhook_outbox (webhook_id, user_id, event_type, subject_id, data)
  select w.id, p.owner_id, 'project.committed', p.id,
         jsonb_build_object(
           'project_id', p.id, 'commit_id', new.id, 'parent_id', new.parent_id,
           'author_id', new.author_id, 'message', new.message, 'job_id', new.job_id,
           'created_at', new.created_at)
  from soundstage.projects p
  join soundstage.webhooks w on w.user_id = p.owner_id
  where p.id = new.project_id and p.created_at <> now()
    and w.enabled and 'project.committed' = any (w.events);
  get diagnostics n = row_count;
  if n > 0 then
    perform pg_notify('soundstage_webhooks', '');
  end if;
  return null;
end
$$;
create trigger commits_webhook after insert on soundstage.commits
  for each row execute function soundstage_private.webhook_project_commit();

revoke all on function soundstage_private.webhook_job_status(),
  soundstage_private.webhook_job_progress(), soundstage_private.webhook_project_commit()
  from public, anon, authenticated, soundstage_api, service_role;

-- -------------------------------------------------------------------- RLS
alter table soundstage.webhooks enable row level security;
alter table soundstage.webhook_outbox enable row level security;
alter table soundstage.webhook_attempts enable row level security;

create policy webhooks_select_own on soundstage.webhooks for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
create policy webhooks_insert_own on soundstage.webhooks for insert
  to soundstage_api with check ((select auth.uid()) = user_id);
create policy webhooks_update_own on soundstage.webhooks for update
  to soundstage_api using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy webhooks_delete_own on soundstage.webhooks for delete
  to soundstage_api using ((select auth.uid()) = user_id);

create policy webhook_outbox_select_own on soundstage.webhook_outbox for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
-- POST /v1/webhooks/{id}/test queues a message for one of the caller's webhooks
create policy webhook_outbox_insert_own on soundstage.webhook_outbox for insert
  to soundstage_api with check (
    (select auth.uid()) = user_id
    and exists (select 1 from soundstage.webhooks w
                where w.id = webhook_id and w.user_id = (select auth.uid())));

create policy webhook_attempts_select_own on soundstage.webhook_attempts for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);

-- Grants. Supabase grants new tables to anon and authenticated in full by
-- default: take that back, then grant what the design allows. The secret
-- column is in no SELECT grant of either request role.
revoke all on soundstage.webhooks, soundstage.webhook_outbox, soundstage.webhook_attempts
  from anon, authenticated, soundstage_api;
grant select (id, user_id, url, events, description, enabled, disabled_reason, disabled_at,
              secret_rotated_at, created_at, updated_at)
  on soundstage.webhooks to authenticated, soundstage_api;
grant insert (user_id, url, events, description, secret) on soundstage.webhooks to soundstage_api;
grant update (secret, secret_rotated_at, enabled, disabled_reason, disabled_at)
  on soundstage.webhooks to soundstage_api;

-- Rotation keeps the old secret signing for a while, which means reading it:
-- the request role may not (no SELECT on either secret column), so the API
-- rotates through this function, which checks the caller owns the webhook.
create function soundstage_private.rotate_webhook_secret(
  p_webhook uuid, p_secret text, p_overlap_seconds double precision
) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  update soundstage.webhooks w set
    previous_secret = w.secret,
    previous_secret_expires_at = now() + make_interval(secs => p_overlap_seconds),
    secret = p_secret,
    secret_rotated_at = now()
  where w.id = p_webhook and w.user_id = (select auth.uid());
  return found;
end
$$;
revoke all on function soundstage_private.rotate_webhook_secret(uuid, text, double precision)
  from public;
grant execute on function soundstage_private.rotate_webhook_secret(uuid, text, double precision)
  to soundstage_api;
grant delete on soundstage.webhooks to soundstage_api;
grant select on soundstage.webhook_outbox, soundstage.webhook_attempts
  to authenticated, soundstage_api;
grant insert (webhook_id, user_id, event_type, data) on soundstage.webhook_outbox
  to soundstage_api;
