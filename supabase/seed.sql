-- Seed for `supabase db reset` (see [db.seed] in config.toml).
--
-- Intentionally empty: the schema comes from supabase/migrations/, and users
-- are created by signing up through Supabase Auth (or, against the engine's
-- embedded database, with `soundstage token --email you@example.com`).
-- Never seed users with passwords here.
select 1;
