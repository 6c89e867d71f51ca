-- Every column a policy compares with auth.uid() leads an index on its table
-- (tests/db/test_policy_indexes.py reads pg_policies and pg_index to keep it so).
--
-- job_events: 20261121000700_queue_write_cost.sql dropped job_events_user_id_idx
-- (user_id) to save an index entry per event, on the grounds that nothing reads
-- events by user but RLS. That stopped being true: job_events_select_own,
-- `(select auth.uid()) = user_id`, is the whole filter of a frontend's
-- `supabase.schema('soundstage').from('job_events').select('*')` (PostgREST
-- adds no predicate of its own), and GET /v1/events reads a user's events in id
-- order. 20261204110100_projects.sql brought the index back as
-- job_events_user_id_id_idx (user_id, id), which this file keeps and documents
-- rather than adding a second one:
--   * (user_id, id) over (user_id): the policy's equality uses the leading
--     column either way, and the id after it returns a user's events already
--     in order (`order=id.desc&limit=50`, /v1/events after a cursor) without a
--     sort of all their rows. The entry is 8 bytes wider, the same page count
--     in practice (24 vs 16 bytes of key beside the 8-byte tuple header).
--   * Reads by job_id (GET /v1/jobs/{id}/events, the engine's SSE stream) stay
--     on job_events_job_id_id_idx; the policy is then a filter on the rows
--     already fetched, which every one of them passes.
--   * The write cost 20261121000700 worried about is one more index entry per
--     event, i.e. per status or progress change of a job. Measured with
--     `bench/queue.py --jobs 3000 --workers 1 --no-procrastinate`, with and
--     without this index: docs/benchmarks.md ("job_events(user_id, id)").
comment on index soundstage.job_events_user_id_id_idx is
  'serves job_events_select_own ((select auth.uid()) = user_id) and GET /v1/events '
  '(a user''s events in id order); see 20261205003000_policy_indexes.sql';
