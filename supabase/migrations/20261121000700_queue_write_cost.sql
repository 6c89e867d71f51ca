-- Fewer index entries per job state change, and no index that can mislead
-- the claim's plan.
--
-- Every status change of a job is a non-HOT update (status appears in partial
-- index predicates), so each full index on jobs gets a new entry on each of a
-- job's three or more transitions, and each transition appends a job_events
-- row. Indexes that hold nothing for most jobs are made partial, and a
-- redundant foreign key on job_events goes. Measured with bench/queue.py and
-- a serial claim+complete loop (docs/benchmarks.md).

-- The claim walks jobs_user_queued_idx (user, then dispatch order). With
-- statistics taken while the queue was empty, the planner preferred this
-- queue-wide index for the walk's `order by user_id limit 1`, read every
-- queued row for each user and sorted them: a claim took milliseconds per
-- thousand queued jobs. Nothing else needs it: queue positions count queued
-- rows through the per-user index just as well.
drop index soundstage.jobs_queued_idx;

-- Most jobs carry no idempotency key; a unique index over NULLs indexes them all.
alter table soundstage.jobs drop constraint jobs_user_idempotency_key;
create unique index jobs_user_idempotency_key_idx on soundstage.jobs (user_id, idempotency_key)
  where idempotency_key is not null;

-- Quotas sum units, and only metered kinds (audiobooks) have units.
drop index soundstage.jobs_user_kind_created_idx;
create index jobs_user_kind_created_idx on soundstage.jobs (user_id, kind, created_at)
  where units is not null;

-- An event's user is its job's user (the trigger copies it), and deleting a
-- user already deletes their jobs and, through job_id, the jobs' events. The
-- foreign key cost a lookup of auth.users per event, and its index an entry;
-- nothing reads events by user but RLS, which filters rows already fetched by
-- job_id.
alter table soundstage.job_events drop constraint job_events_user_id_fkey;
drop index soundstage.job_events_user_id_idx;
