-- Projects: version history for music ("git for audio").
--
--   projects         a user's project: name, visibility, default branch, link token
--   commits          a snapshot: parents (a second one for merges), author, message,
--                    bpm, key, generation params; ordered by seq
--   commit_files     the files of a commit by role (mix, drums, bass, vocals, other,
--                    midi, ...), each a content-addressed stored object
--   branches         name -> head commit
--   project_members  other users with a role: viewer, editor or owner
--   project_events   what happened to a project (GET /v1/events streams them)
--   stored_objects   one row per distinct file (sha256), with a reference count
--
-- Access is decided by one security definer helper in a schema PostgREST does
-- not expose (soundstage_private), so no policy reads a table whose own policy
-- reads the first one (no recursion) and the helper is not an RPC endpoint.
-- Levels: 3 owner (the project's owner_id or a member with role owner),
-- 2 editor, 1 reader (viewer, any signed-in user for public projects, anyone
-- presenting the link token of an unlisted project), 0 none.

create schema if not exists soundstage_private;
revoke all on schema soundstage_private from public;
grant usage on schema soundstage_private to authenticated, soundstage_api;

-- ------------------------------------------------------------ stored_objects
-- Content-addressed files (bucket renders, path objects/{sha[0:2]}/{sha}),
-- shared by reference between commits, projects and users. refcount is the
-- number of commit_files rows naming the object, kept by the triggers below;
-- an object is removed (row and file together, see projects/objects.py
-- collect) only at refcount 0, under its row lock; the count trigger refuses
-- a file whose object row is missing.
create table soundstage_private.stored_objects (
  sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  bucket text not null,
  object_path text not null,
  bytes bigint not null check (bytes >= 0),
  content_type text not null,
  refcount integer not null default 0 check (refcount >= 0),
  created_at timestamptz not null default now()
)
-- refcount changes on every commit and fork: room on the page for HOT updates,
-- and no index on refcount (not even a partial one), which would forbid them
with (fillfactor = 70);
alter table soundstage_private.stored_objects enable row level security;
-- no policies: only the owner (worker, maintenance) and the definer functions touch it

-- ------------------------------------------------------------------ projects
create table soundstage.projects (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 5000),
  genre text not null default '' check (length(genre) <= 100),
  visibility text not null default 'private' check (visibility in ('private', 'unlisted', 'public')),
  -- 244 random bits; whoever holds it may read an unlisted project
  link_token text not null
    default replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''),
  default_branch text not null default 'main',
  forked_from_project uuid references soundstage.projects (id) on delete set null,
  forked_from_commit uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index projects_owner_id_created_idx on soundstage.projects (owner_id, created_at desc, id desc);
create index projects_public_created_idx on soundstage.projects (created_at desc, id desc)
  where visibility = 'public';
create index projects_forked_from_idx on soundstage.projects (forked_from_project);
create trigger projects_touch_updated_at before update on soundstage.projects
  for each row execute function soundstage_private.touch_updated_at();

-- ------------------------------------------------------------------- members
create table soundstage.project_members (
  project_id uuid not null references soundstage.projects (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('viewer', 'editor', 'owner')),
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (project_id, user_id)
);
create index project_members_user_id_idx on soundstage.project_members (user_id, created_at desc);

-- ------------------------------------------------------------------- commits
create table soundstage.commits (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references soundstage.projects (id) on delete cascade,
  -- insertion order (a fork copies in order): history sorts by it
  seq bigint generated always as identity,
  parent_id uuid,
  second_parent_id uuid,
  author_id uuid references auth.users (id) on delete set null,
  message text not null default '' check (length(message) <= 2000),
  bpm integer check (bpm between 20 and 400),
  key_signature text check (length(key_signature) <= 32),
  params jsonb not null default '{}'::jsonb,
  -- the job whose outputs made this commit: at most one commit per job
  job_id uuid unique,
  created_at timestamptz not null default now(),
  constraint commits_project_id_id unique (project_id, id),
  -- parents belong to the same project
  constraint commits_parent_fk foreign key (project_id, parent_id)
    references soundstage.commits (project_id, id) on delete cascade,
  constraint commits_second_parent_fk foreign key (project_id, second_parent_id)
    references soundstage.commits (project_id, id) on delete cascade
);
create index commits_project_seq_idx on soundstage.commits (project_id, seq);
create index commits_parent_idx on soundstage.commits (project_id, parent_id);
create index commits_second_parent_idx on soundstage.commits (project_id, second_parent_id)
  where second_parent_id is not null;
create index commits_author_idx on soundstage.commits (author_id);

-- -------------------------------------------------------------- commit_files
create table soundstage.commit_files (
  commit_id uuid not null,
  project_id uuid not null,
  role text not null check (role ~ '^[a-z][a-z0-9_]{0,31}$'),
  -- Deliberately no foreign key to stored_objects: the reference-count
  -- trigger refuses a file whose object row is missing, and an object is only
  -- removed at refcount 0 under its row lock. (The key's check took a KEY
  -- SHARE lock on each object that the count update then upgraded: a
  -- multixact per object, half the time of a 2,000-file fork.)
  sha256 text not null,
  name text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
  bytes bigint not null,
  content_type text not null,
  duration_s double precision,
  params jsonb not null default '{}'::jsonb,
  primary key (commit_id, role),
  foreign key (project_id, commit_id) references soundstage.commits (project_id, id) on delete cascade
);
create index commit_files_project_idx on soundstage.commit_files (project_id);
create index commit_files_sha256_idx on soundstage.commit_files (sha256);

-- ------------------------------------------------------------------ branches
create table soundstage.branches (
  project_id uuid not null references soundstage.projects (id) on delete cascade,
  name text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$'),
  head_id uuid,
  updated_at timestamptz not null default now(),
  primary key (project_id, name),
  foreign key (project_id, head_id) references soundstage.commits (project_id, id) on delete cascade
);
create index branches_head_idx on soundstage.branches (project_id, head_id);
create trigger branches_touch_updated_at before update on soundstage.branches
  for each row execute function soundstage_private.touch_updated_at();

-- ------------------------------------------------------------ project_events
create table soundstage.project_events (
  id bigint generated always as identity primary key,
  project_id uuid not null references soundstage.projects (id) on delete cascade,
  actor_id uuid references auth.users (id) on delete set null,
  type text not null check (type ~ '^[a-z][a-z0-9_.]{0,63}$'),
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index project_events_project_id_idx on soundstage.project_events (project_id, id);
create index project_events_actor_idx on soundstage.project_events (actor_id);

-- ------------------------------------------------------------- access helper
-- security definer: reads projects and project_members as their owner, so
-- the policies that call it never re-enter each other. search_path is empty:
-- every name is qualified. The link token comes from a transaction-local
-- setting the engine installs when a request presents one.
create or replace function soundstage_private.project_level(p_project uuid, p_user uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select case
      when p.owner_id = p_user then 3
      else greatest(
        coalesce((select case m.role when 'owner' then 3 when 'editor' then 2 else 1 end
                  from soundstage.project_members m
                  where m.project_id = p.id and m.user_id = p_user), 0),
        case
          when p.visibility = 'public' and p_user is not null then 1
          when p.visibility = 'unlisted'
               and p.link_token = nullif(current_setting('soundstage.link_token', true), '') then 1
          else 0
        end)
    end
    from soundstage.projects p
    where p.id = p_project), 0)
$$;
revoke all on function soundstage_private.project_level(uuid, uuid) from public;
grant execute on function soundstage_private.project_level(uuid, uuid)
  to authenticated, soundstage_api;

-- ---------------------------------------------------------- reference counts
-- Statement-level, over the transition tables: one update per statement, the
-- rows locked in sha256 order so concurrent forks and deletes never deadlock
-- on each other's objects.
create or replace function soundstage_private.commit_files_count_refs() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  expected integer;
  changed integer;
begin
  if tg_op = 'INSERT' then
    select count(distinct n.sha256) into expected from new_rows n;
    perform 1 from soundstage_private.stored_objects s
      where s.sha256 in (select n.sha256 from new_rows n)
      order by s.sha256 for no key update;
    update soundstage_private.stored_objects s set refcount = s.refcount + d.n
      from (select n.sha256, count(*)::integer as n from new_rows n group by n.sha256) d
      where s.sha256 = d.sha256;
  else
    select count(distinct o.sha256) into expected from old_rows o;
    perform 1 from soundstage_private.stored_objects s
      where s.sha256 in (select o.sha256 from old_rows o)
      order by s.sha256 for no key update;
    update soundstage_private.stored_objects s set refcount = s.refcount - d.n
      from (select o.sha256, count(*)::integer as n from old_rows o group by o.sha256) d
      where s.sha256 = d.sha256;
  end if;
  get diagnostics changed = row_count;
  if changed <> expected then
    -- an object collected between this statement's snapshot and its lock (a
    -- retry registers it again), or one never registered (a bug: it fails)
    raise exception 'stored object missing; retry' using errcode = '40001';
  end if;
  return null;
end
$$;
revoke all on function soundstage_private.commit_files_count_refs() from public;

create trigger commit_files_refs_insert after insert on soundstage.commit_files
  referencing new table as new_rows
  for each statement execute function soundstage_private.commit_files_count_refs();
create trigger commit_files_refs_delete after delete on soundstage.commit_files
  referencing old table as old_rows
  for each statement execute function soundstage_private.commit_files_count_refs();

-- The engine's request role registers an object it has just hashed (the bytes
-- are the engine's own reading of a job output or an upload: never a client's
-- claim of a hash). Locks the row until the transaction ends, so a concurrent
-- collection of the same object waits, or is waited for.
create or replace function soundstage_private.acquire_object(
  p_sha256 text, p_bucket text, p_path text, p_bytes bigint, p_content_type text
) returns boolean
language sql
security definer
set search_path = ''
as $$
  insert into soundstage_private.stored_objects as s (sha256, bucket, object_path, bytes, content_type)
  values (p_sha256, p_bucket, p_path, p_bytes, p_content_type)
  on conflict (sha256) do update set refcount = s.refcount
  returning s.refcount = 0
$$;
revoke all on function soundstage_private.acquire_object(text, text, text, bigint, text) from public;
grant execute on function soundstage_private.acquire_object(text, text, text, bigint, text)
  to soundstage_api;

-- Inviting a member by email: the engine's request role may resolve an email to
-- a user id (auth.users is not its to read), nothing more.
create or replace function soundstage_private.user_id_by_email(p_email text) returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select u.id from auth.users u where lower(u.email) = lower(p_email) limit 1
$$;
revoke all on function soundstage_private.user_id_by_email(text) from public;
grant execute on function soundstage_private.user_id_by_email(text) to soundstage_api;

-- A fork's copy of a history (a commit and its ancestors), with the files, in set-based
-- statements. The caller's access is checked once here (may read the source,
-- may edit the target) instead of by the row policies for each of thousands
-- of rows; what is copied is exactly what that access allows. New ids are
-- md5(target || old id), so parents and files find their copies without a
-- mapping table.
create or replace function soundstage_private.copy_history(
  p_source uuid, p_target uuid, p_commit uuid
) returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  copied integer;
  p_commits uuid[];
begin
  if uid is null
     or soundstage_private.project_level(p_source, uid) < 1
     or soundstage_private.project_level(p_target, uid) < 2 then
    raise exception 'not allowed to copy this history' using errcode = '42501';
  end if;
  -- the commit and everything reachable from it through its parents
  with recursive anc(id) as (
    select p_commit
    union
    select x.pid
    from anc
    join soundstage.commits c on c.project_id = p_source and c.id = anc.id
    cross join lateral (values (c.parent_id), (c.second_parent_id)) as x(pid)
    where x.pid is not null
  )
  select array_agg(id) into p_commits from anc;
  insert into soundstage.commits (id, project_id, parent_id, second_parent_id, author_id, message,
                              bpm, key_signature, params, created_at)
  select md5(p_target::text || c.id::text)::uuid, p_target,
         case when c.parent_id is null then null
              else md5(p_target::text || c.parent_id::text)::uuid end,
         case when c.second_parent_id is null then null
              else md5(p_target::text || c.second_parent_id::text)::uuid end,
         c.author_id, c.message, c.bpm, c.key_signature, c.params, c.created_at
  from soundstage.commits c
  where c.project_id = p_source and c.id = any(p_commits)
  order by c.seq;
  get diagnostics copied = row_count;
  insert into soundstage.commit_files (commit_id, project_id, role, sha256, name, bytes,
                                   content_type, duration_s, params)
  select md5(p_target::text || f.commit_id::text)::uuid, p_target, f.role, f.sha256, f.name,
         f.bytes, f.content_type, f.duration_s, f.params
  from soundstage.commit_files f
  where f.project_id = p_source and f.commit_id = any(p_commits);
  return copied;
end
$$;
revoke all on function soundstage_private.copy_history(uuid, uuid, uuid) from public;
grant execute on function soundstage_private.copy_history(uuid, uuid, uuid) to soundstage_api;

-- ---------------------------------------------------------------------- RLS
alter table soundstage.projects enable row level security;
alter table soundstage.project_members enable row level security;
alter table soundstage.commits enable row level security;
alter table soundstage.commit_files enable row level security;
alter table soundstage.branches enable row level security;
alter table soundstage.project_events enable row level security;

create policy projects_select on soundstage.projects for select to authenticated, soundstage_api
  using (owner_id = (select auth.uid()) or visibility = 'public'
         or soundstage_private.project_level(id, (select auth.uid())) > 0);
create policy projects_insert on soundstage.projects for insert to soundstage_api
  with check (owner_id = (select auth.uid()));
create policy projects_update on soundstage.projects for update to soundstage_api
  using (soundstage_private.project_level(id, (select auth.uid())) >= 3)
  with check (soundstage_private.project_level(id, (select auth.uid())) >= 3);
create policy projects_delete on soundstage.projects for delete to soundstage_api
  using (owner_id = (select auth.uid()));

create policy project_members_select on soundstage.project_members for select
  to authenticated, soundstage_api
  using (user_id = (select auth.uid())
         or soundstage_private.project_level(project_id, (select auth.uid())) > 0);
create policy project_members_insert on soundstage.project_members for insert to soundstage_api
  with check (soundstage_private.project_level(project_id, (select auth.uid())) >= 3);
create policy project_members_update on soundstage.project_members for update to soundstage_api
  using (soundstage_private.project_level(project_id, (select auth.uid())) >= 3)
  with check (soundstage_private.project_level(project_id, (select auth.uid())) >= 3);
-- owners remove anyone; a member may leave
create policy project_members_delete on soundstage.project_members for delete to soundstage_api
  using (user_id = (select auth.uid())
         or soundstage_private.project_level(project_id, (select auth.uid())) >= 3);

create policy commits_select on soundstage.commits for select to authenticated, soundstage_api
  using (soundstage_private.project_level(project_id, (select auth.uid())) > 0);
-- author_id is not pinned to the caller: a fork copies commits with their authors
create policy commits_insert on soundstage.commits for insert to soundstage_api
  with check (soundstage_private.project_level(project_id, (select auth.uid())) >= 2);

create policy commit_files_select on soundstage.commit_files for select
  to authenticated, soundstage_api
  using (soundstage_private.project_level(project_id, (select auth.uid())) > 0);
create policy commit_files_insert on soundstage.commit_files for insert to soundstage_api
  with check (soundstage_private.project_level(project_id, (select auth.uid())) >= 2);
-- deleting a project releases its files in one statement first (see the repository)
create policy commit_files_delete on soundstage.commit_files for delete to soundstage_api
  using (soundstage_private.project_level(project_id, (select auth.uid())) >= 3);

create policy branches_select on soundstage.branches for select to authenticated, soundstage_api
  using (soundstage_private.project_level(project_id, (select auth.uid())) > 0);
create policy branches_insert on soundstage.branches for insert to soundstage_api
  with check (soundstage_private.project_level(project_id, (select auth.uid())) >= 2);
create policy branches_update on soundstage.branches for update to soundstage_api
  using (soundstage_private.project_level(project_id, (select auth.uid())) >= 2)
  with check (soundstage_private.project_level(project_id, (select auth.uid())) >= 2);
create policy branches_delete on soundstage.branches for delete to soundstage_api
  using (soundstage_private.project_level(project_id, (select auth.uid())) >= 2);

create policy project_events_select on soundstage.project_events for select
  to authenticated, soundstage_api
  using (soundstage_private.project_level(project_id, (select auth.uid())) > 0);
create policy project_events_insert on soundstage.project_events for insert to soundstage_api
  with check (actor_id = (select auth.uid())
              and soundstage_private.project_level(project_id, (select auth.uid())) > 0);

-- ------------------------------------------------------------------- grants
-- As 20261121000301: nothing for anon, SELECT (under RLS) for authenticated,
-- the writes the API makes for soundstage_api. The link token is the owner's
-- to hand out: the frontend's role never reads it.
revoke all on soundstage.projects, soundstage.project_members, soundstage.commits, soundstage.commit_files,
  soundstage.branches, soundstage.project_events, soundstage_private.stored_objects from anon, authenticated;
grant select (id, owner_id, name, description, genre, visibility, default_branch,
              forked_from_project, forked_from_commit, created_at, updated_at)
  on soundstage.projects to authenticated;
grant select on soundstage.project_members, soundstage.commits, soundstage.commit_files, soundstage.branches,
  soundstage.project_events to authenticated;

grant select, insert, delete on soundstage.projects to soundstage_api;
grant update (name, description, genre, visibility, default_branch, link_token)
  on soundstage.projects to soundstage_api;
grant select, insert, delete on soundstage.project_members to soundstage_api;
grant update (role) on soundstage.project_members to soundstage_api;
grant select, insert on soundstage.commits, soundstage.commit_files, soundstage.project_events
  to soundstage_api;
grant delete on soundstage.commit_files to soundstage_api;
grant select, insert, delete on soundstage.branches to soundstage_api;
grant update (head_id) on soundstage.branches to soundstage_api;

do $$
declare
  seq text;
begin
  foreach seq in array array[pg_get_serial_sequence('soundstage.commits', 'seq'),
                             pg_get_serial_sequence('soundstage.project_events', 'id')] loop
    if seq is not null then
      execute format('revoke all on sequence %s from anon, authenticated', seq);
    end if;
  end loop;
end
$$;

-- ------------------------------------------------------------- jobs.project
-- A job may target a project: {"id", "branch", "message"}, validated when the
-- job is created (the caller must be an editor); the worker turns the
-- succeeded job's outputs into a commit on that branch.
alter table soundstage.jobs add column if not exists project jsonb;
grant select (project) on soundstage.jobs to authenticated;

-- /v1/events reads a user's job events in id order
create index if not exists job_events_user_id_id_idx on soundstage.job_events (user_id, id);
