-- A per-user pronunciation lexicon: a word or phrase and the spelling the
-- narrator should read instead, applied before synthesis.
create table soundstage.lexicon_entries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  term text not null check (length(btrim(term)) between 1 and 100),
  replacement text not null check (length(btrim(replacement)) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- one entry per term and user, whatever its case
create unique index lexicon_entries_user_term_idx on soundstage.lexicon_entries (user_id, lower(term));

create trigger lexicon_entries_touch_updated_at before update on soundstage.lexicon_entries
  for each row execute function soundstage_private.touch_updated_at();

alter table soundstage.lexicon_entries enable row level security;
create policy lexicon_select_own on soundstage.lexicon_entries for select
  to authenticated, soundstage_api using ((select auth.uid()) = user_id);
create policy lexicon_insert_own on soundstage.lexicon_entries for insert
  to soundstage_api with check ((select auth.uid()) = user_id);
create policy lexicon_update_own on soundstage.lexicon_entries for update
  to soundstage_api using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy lexicon_delete_own on soundstage.lexicon_entries for delete
  to soundstage_api using ((select auth.uid()) = user_id);

grant select on soundstage.lexicon_entries to authenticated;
grant select, insert, delete on soundstage.lexicon_entries to soundstage_api;
grant update (term, replacement) on soundstage.lexicon_entries to soundstage_api;
