-- Billable units of a job, decided when it is admitted (characters for an
-- audiobook); monthly quotas sum them per user.
alter table soundstage.jobs add column units bigint check (units >= 0);
grant select (units) on soundstage.jobs to authenticated;
create index jobs_user_kind_created_idx on soundstage.jobs (user_id, kind, created_at);

-- POST /v1/jobs/{id}/regenerate re-queues a finished audiobook with one more
-- replacement in its params.
grant update (params) on soundstage.jobs to soundstage_api;
