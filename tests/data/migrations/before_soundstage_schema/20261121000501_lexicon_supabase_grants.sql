-- On Supabase, tables `postgres` creates in schema public are granted to anon and
-- authenticated in full by default (see 20261121000301_supabase_default_grants.sql).
-- The lexicon is for authenticated to SELECT (its own rows, by RLS) and nothing
-- more; elsewhere this re-grants what is already there.
revoke all on public.lexicon_entries from anon, authenticated;
grant select on public.lexicon_entries to authenticated;
