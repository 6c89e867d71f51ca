-- Rate limits shared by every API replica: one GCRA row per key
-- ("user:{id}:{action}", "ip:{address}:{action}").
--
-- tat is the "theoretical arrival time": a request at now() is allowed when
-- greatest(tat, now()) + interval <= now() + period, and then moves tat on by
-- one interval. A row whose tat is in the past means a full quota, so such
-- rows are deleted opportunistically by the engine.
--
-- UNLOGGED: losing the counters in a database crash only resets everyone's
-- quota, and skipping the WAL keeps a write per limited request cheap.
-- The table lives in schema soundstage_private, where neither `authenticated`
-- nor the engine's request role has any grant on it: only the privileged
-- connection touches it.
create schema if not exists soundstage;

create unlogged table soundstage_private.rate_limits (
  key text primary key check (length(key) <= 200),
  tat timestamptz not null,
  -- the outcome of the last hit, returned by the same upsert that decided it
  allowed boolean not null default true
);

revoke all on soundstage_private.rate_limits from public;
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role', 'soundstage_api'] loop
    if exists (select from pg_roles where rolname = r) then
      execute format('revoke all on soundstage_private.rate_limits from %I', r);
    end if;
  end loop;
end
$$;
