-- Supabase Realtime: a signed-in page receives live changes of its own jobs
-- (Postgres Changes, filtered by the same RLS select policies as PostgREST:
-- jobs_select_own, job_events_select_own, and authenticated's column grants,
-- so lease and idempotency columns never reach a browser).
--
-- The publication `supabase_realtime` belongs to Supabase: it is never created
-- here. Where it is absent (the embedded default, plain Postgres) this does
-- nothing; where it already carries a table (or publishes FOR ALL TABLES) that
-- table is left alone, so the file is safe to run again by hand.
--
--   jobs        one UPDATE per change, and also one per heartbeat (the lease is
--               extended every half second while a job runs): live status.
--   job_events  one INSERT per status, progress or output change: the quieter
--               stream (the same events as GET /v1/jobs/{id}/events).
--
-- Replica identity stays the default (the primary key). UPDATE payloads carry
-- the whole new row either way; FULL would only add the old row, which
-- Realtime reduces to the primary key on RLS tables anyway, at the cost of
-- logging every old row in the WAL. DELETE events are not filtered by RLS in
-- Realtime, so a subscriber may see the id (only the id) of a deleted row.

do $$
declare
  pub record;
  tbl text;
begin
  select p.puballtables, pg_has_role(p.pubowner, 'USAGE') as ours
    into pub
    from pg_publication p
   where p.pubname = 'supabase_realtime';
  if not found then
    raise notice 'publication supabase_realtime not found; Realtime not enabled for jobs';
    return;
  end if;
  if pub.puballtables then
    return;  -- already publishes every table
  end if;
  foreach tbl in array array['jobs', 'job_events'] loop
    if exists (select from pg_publication_tables
               where pubname = 'supabase_realtime' and schemaname = 'public'
                 and tablename = tbl) then
      continue;
    end if;
    if not pub.ours then
      -- Only the publication's owner may change it; do not block the deploy.
      raise warning 'cannot add public.% to supabase_realtime: not its owner', tbl
        using hint = format('alter publication supabase_realtime add table public.%I', tbl);
      continue;
    end if;
    execute format('alter publication supabase_realtime add table public.%I', tbl);
  end loop;
end
$$;
