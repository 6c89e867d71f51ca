-- Deleted users. Supabase keeps an access token valid for up to an hour after
-- its user is deleted; until then the engine would serve reads and fail writes
-- on a foreign key. The engine calls this in the same round trip that installs
-- a request's identity (soundstage.db.Database.as_user), so every user request
-- checks that its user still exists at the cost of one primary-key probe and no
-- extra round trip. SQLSTATE SS401 becomes 401 user_not_found (soundstage.db.errors).
create or replace function soundstage_private.require_request_user(p_sub text) returns void
  language plpgsql stable security definer set search_path = ''
as $$
begin
  if p_sub is null
     or p_sub !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     or not exists (select 1 from auth.users where id = p_sub::uuid) then
    raise exception 'user_not_found' using errcode = 'SS401';
  end if;
end
$$;

-- In soundstage_private (never exposed to the Data API), callable by
-- the engine's request role only: not by anon or authenticated through PostgREST.
revoke all on function soundstage_private.require_request_user(text) from public;
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select from pg_roles where rolname = r) then
      execute format('revoke all on function soundstage_private.require_request_user(text) from %I', r);
    end if;
  end loop;
end
$$;
grant execute on function soundstage_private.require_request_user(text) to soundstage_api;
