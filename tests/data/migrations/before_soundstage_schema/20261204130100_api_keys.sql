-- API keys for server-to-server calls and the drop-in frontends (X-API-Key or
-- Authorization: Bearer sk_...). Only the SHA-256 of a key is stored: the key
-- itself is shown once, when it is made, and exists nowhere else. A key is 32
-- random bytes, so an unsalted fast hash is enough (no dictionary to try), and
-- a lookup by hash is one unique-index probe. `prefix` (the first characters of
-- the key, no secret) lets a person tell their keys apart.
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  scopes text[] not null check (cardinality(scopes) between 1 and 32),
  prefix text not null check (length(prefix) between 8 and 32),
  key_hash bytea not null check (length(key_hash) = 32),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create unique index api_keys_key_hash_idx on public.api_keys (key_hash);
create index api_keys_user_idx on public.api_keys (user_id, created_at desc);

alter table public.api_keys enable row level security;
create policy api_keys_select_own on public.api_keys for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
create policy api_keys_insert_own on public.api_keys for insert
  to soundstage_api with check ((select auth.uid()) = user_id);
-- revoking is an update of revoked_at; rows are kept (a revoked key's name,
-- prefix and last use stay visible to its owner)
create policy api_keys_update_own on public.api_keys for update
  to soundstage_api using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

-- Supabase grants new public tables to anon and authenticated in full by default
-- (20261121000301_supabase_default_grants.sql): take that back. The hash is not
-- readable by the request roles at all; resolving a key by its hash is the
-- engine's privileged lookup, like verifying a token.
revoke all on public.api_keys from anon, authenticated;
grant select (id, user_id, name, scopes, prefix, created_at, last_used_at, revoked_at)
  on public.api_keys to authenticated, soundstage_api;
grant insert (user_id, name, scopes, prefix, key_hash) on public.api_keys to soundstage_api;
grant update (revoked_at) on public.api_keys to soundstage_api;
