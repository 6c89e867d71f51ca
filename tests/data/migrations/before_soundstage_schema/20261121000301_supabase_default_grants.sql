-- On Supabase every table, sequence and function that `postgres` creates in
-- schema public is granted to anon, authenticated and service_role by default
-- (ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ...).
-- For the engine's objects that would undo the grants of the earlier
-- migrations: authenticated could read the queue's internals (lease owner,
-- idempotency key) through PostgREST, and anon and authenticated could call
-- the queue functions (/rest/v1/rpc/soundstage_queue_stats). RLS still guards
-- the rows, but not columns, TRUNCATE or security-definer functions.
--
-- So take everything back from anon and authenticated, then grant again exactly
-- what the design allows: authenticated SELECTs its own rows (RLS), with the
-- column list on jobs. Elsewhere (the embedded default, plain Postgres) this
-- re-grants what is already there. service_role, Supabase's RLS-bypassing
-- admin key, is left as Supabase made it.
--
-- A later migration that adds a table or function to schema public must do
-- the same for it (tests/db/test_supabase_migrations.py checks every one).

revoke all on public.uploads, public.jobs, public.job_outputs, public.job_checkpoints,
  public.job_events from anon, authenticated;

do $$
declare
  seq text := pg_get_serial_sequence('public.job_events', 'id');
begin
  if seq is not null then
    execute format('revoke all on sequence %s from anon, authenticated', seq);
  end if;
end
$$;

-- Trigger functions need no EXECUTE grant to fire; the queue functions are the
-- engine request role's alone.
revoke all on function public.soundstage_touch_updated_at(), public.soundstage_notify_job(),
  public.soundstage_job_event(), public.soundstage_queue_stats(),
  public.soundstage_queue_positions(), public.soundstage_recent_durations()
  from public, anon, authenticated;
grant execute on function public.soundstage_queue_stats(), public.soundstage_queue_positions(),
  public.soundstage_recent_durations() to soundstage_api;

grant select on public.uploads, public.job_outputs, public.job_checkpoints, public.job_events
  to authenticated;
grant select (id, user_id, kind, params, status, priority, progress, stage, message, error,
              attempts, max_attempts, run_after, created_at, updated_at, started_at, finished_at)
  on public.jobs to authenticated;
