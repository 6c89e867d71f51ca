-- The engine's objects leave schema public.
--
-- A Supabase project is usually someone's app first: its own public.jobs or
-- public.uploads would collide with ours, and `supabase gen types` would list
-- our queue's internals beside the app's tables. So everything the engine owns
-- lives in two schemas of its own:
--
--   soundstage          the tables a frontend reads under RLS (jobs, outputs,
--                       uploads, projects...): exposed to the Data API by
--                       configuration ([api] schemas in supabase/config.toml;
--                       the frontend reads with supabase.schema('soundstage')).
--   soundstage_private  functions, counters and bookkeeping: never exposed.
--
-- Since this change the earlier migration files create everything there
-- directly, so on a fresh database this file only settles privileges. A
-- deployment that applied the earlier text of those files (kept in
-- tests/data/migrations/before_soundstage_schema; the migrate tool accepts
-- their recorded checksums) has its objects in public: they move here, with
-- their rows, indexes, policies, triggers, grants and publication membership
-- (ALTER ... SET SCHEMA keeps the object and its oid). Function bodies are text,
-- so each one that names a moved object is re-created with the new names, by
-- the same mapping that rewrote the earlier files:
--   public.soundstage_<f>                         -> soundstage_private.<f>
--   soundstage.{rate_limits, orphaned_objects,
--               record_deleted_user_objects}      -> soundstage_private.<name>
--   public.stored_objects                         -> soundstage_private.stored_objects
--   public.<anything else>                        -> soundstage.<name>
-- tests/db/test_soundstage_schema.py checks that an upgraded database and a
-- fresh one end up with the same catalog, and that the rows survive.

create schema if not exists soundstage;
create schema if not exists soundstage_private;
revoke all on schema soundstage_private from public;
grant usage on schema soundstage, soundstage_private to authenticated, soundstage_api;

do $$
declare
  t text;
  f record;
  def text;
  rewritten text;
begin
  if to_regclass('public.jobs') is null or to_regclass('soundstage.jobs') is not null then
    -- A fresh database: the earlier files made everything in place. (A
    -- public.jobs without soundstage.jobs can only be ours: every database
    -- that ran the current 20261121000100 has soundstage.jobs.)
    return;
  end if;

  foreach t in array array[
    'uploads', 'jobs', 'job_outputs', 'job_checkpoints', 'job_events', 'lexicon_entries',
    'projects', 'project_members', 'branches', 'commits', 'commit_files',
    'project_events', 'api_keys', 'manuscript_stats'
  ] loop
    execute format('alter table public.%I set schema soundstage', t);
  end loop;
  -- the content-addressed files' reference counts: no frontend reads them
  alter table public.stored_objects set schema soundstage_private;
  alter table soundstage.rate_limits set schema soundstage_private;
  alter table soundstage.orphaned_objects set schema soundstage_private;
  alter function soundstage.record_deleted_user_objects() set schema soundstage_private;

  for f in
    select p.oid, p.proname
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.proname like 'soundstage\_%'
  loop
    execute format('alter function %s set schema soundstage_private', f.oid::regprocedure);
    execute format('alter function %s rename to %I', f.oid::regprocedure,
                   substr(f.proname, length('soundstage_') + 1));
  end loop;

  for f in
    select p.oid
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('soundstage', 'soundstage_private') and p.prokind = 'f'
  loop
    def := pg_get_functiondef(f.oid);
    rewritten := regexp_replace(def, '\mpublic\.soundstage_(\w+)', 'soundstage_private.\1', 'g');
    rewritten := regexp_replace(rewritten, '\mpublic\.stored_objects\M',
                                'soundstage_private.stored_objects', 'g');
    rewritten := regexp_replace(
      rewritten, '(?<![[:alnum:]_.])soundstage\.(rate_limits|orphaned_objects|record_deleted_user_objects)\M',
      'soundstage_private.\1', 'g');
    rewritten := regexp_replace(rewritten, '\mpublic\.', 'soundstage.', 'g');
    if rewritten <> def then
      execute rewritten;
    end if;
  end loop;
end
$$;

-- Supabase's service_role (the admin key a team's own server uses) may do
-- anything with the tables a frontend reads, as Supabase grants it on public,
-- and nothing in soundstage_private, whose functions and counters are the
-- engine's alone. Set explicitly so an upgraded deployment (whose tables got
-- Supabase's default grants in public) and a fresh one end up the same.
do $$
begin
  if exists (select from pg_roles where rolname = 'service_role') then
    grant usage on schema soundstage to service_role;
    grant all on all tables in schema soundstage to service_role;
    grant all on all sequences in schema soundstage to service_role;
    alter default privileges in schema soundstage grant all on tables to service_role;
    alter default privileges in schema soundstage grant all on sequences to service_role;
    revoke all on all tables in schema soundstage_private from service_role;
    revoke all on all sequences in schema soundstage_private from service_role;
    revoke all on all functions in schema soundstage_private from service_role;
  end if;
end
$$;

-- A trigger function needs no EXECUTE grant to fire; Postgres gives PUBLIC one
-- by default, which 20261204150200 did not take back.
revoke all on function soundstage_private.record_deleted_user_objects() from public;
