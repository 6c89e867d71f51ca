/**
 * The Soundstage engine's HTTP API, generated from its OpenAPI document.
 * Do not edit: run `soundstage openapi --json clients/openapi.json --typescript clients/typescript/soundstage.d.ts`
 * from the repository root.
 *
 * The layout is openapi-typescript's (paths, components, operations), so
 * openapi-fetch takes it as is: createClient<paths>({ baseUrl }).
 */

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health
         * @description The process is up (Railway's health check).
         */
        get: operations["health_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ready
         * @description The database and storage answer; which device the torch models use.
         */
        get: operations["ready_ready_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/kinds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Kinds */
        get: operations["list_kinds_v1_kinds_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Jobs */
        get: operations["list_jobs_v1_jobs_get"];
        put?: never;
        /** Create Job */
        post: operations["create_job_v1_jobs_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create Jobs Batch
         * @description Create 1-20 jobs atomically: every spec is validated first, and one bad
         *     spec (named by its index, ``jobs[3].params.bpm``) creates none of them.
         */
        post: operations["create_jobs_batch_v1_jobs_batch_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Job */
        get: operations["get_job_v1_jobs__job_id__get"];
        put?: never;
        post?: never;
        /** Delete Job */
        delete: operations["delete_job_v1_jobs__job_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel Job */
        post: operations["cancel_job_v1_jobs__job_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry Job
         * @description Re-run a failed or canceled job: the same job, queued again, resuming from
         *     its checkpoints.
         */
        post: operations["retry_job_v1_jobs__job_id__retry_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Job Events
         * @description Live progress: ``status``, ``progress`` and ``output`` events until the job
         *     ends; reconnect with ``Last-Event-ID`` to resume without gaps.
         */
        get: operations["job_events_v1_jobs__job_id__events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Queue Status */
        get: operations["queue_status_v1_queue_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Uploads */
        get: operations["list_uploads_v1_uploads_get"];
        put?: never;
        /** Create Upload */
        post: operations["create_upload_v1_uploads_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{upload_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Upload */
        get: operations["get_upload_v1_uploads__upload_id__get"];
        put?: never;
        post?: never;
        /** Delete Upload */
        delete: operations["delete_upload_v1_uploads__upload_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/sign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign Upload
         * @description Start a direct upload (for large files): send the file itself to ``upload_url``
         *     with ``method`` and ``headers``, then call ``POST /v1/uploads/{id}/complete``.
         *
         *     Until completed the upload is pending: it is not listed, cannot be fetched and
         *     cannot be used. A second send to the same URL is refused (409).
         */
        post: operations["sign_upload_v1_uploads_sign_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{upload_id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Complete Upload
         * @description Check a directly uploaded file by its content and make it usable.
         *
         *     A file that fails (empty, unrecognised, named as another type, not of the
         *     requested category, too large, or not of the declared size) is deleted and
         *     the upload removed. 409 if nothing has been uploaded yet.
         */
        post: operations["complete_upload_v1_uploads__upload_id__complete_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/voices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Voices
         * @description The voices a book can be read with. An unconfigured provider is 422 naming
         *     the setting to set; a provider that cannot be reached is 503.
         */
        get: operations["list_voices_v1_voices_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/lexicon": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Entries */
        get: operations["list_entries_v1_lexicon_get"];
        put?: never;
        /**
         * Put Entry
         * @description Add a term, or replace the spelling of an existing one (terms match
         *     whatever their case).
         */
        post: operations["put_entry_v1_lexicon_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/lexicon/{entry_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete Entry */
        delete: operations["delete_entry_v1_lexicon__entry_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audiobooks/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Preview
         * @description What a book would be, before spending anything: chapters, characters,
         *     listening time, cost per configured provider, share of dialogue, quota.
         */
        post: operations["preview_v1_audiobooks_preview_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}/regenerate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Regenerate
         * @description Render one chunk of a finished audiobook again (optionally with new text
         *     or another voice); only that chunk is synthesised, the outputs are rebuilt.
         */
        post: operations["regenerate_v1_jobs__job_id__regenerate_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Usage
         * @description This calendar month's usage (UTC) against the caller's quotas.
         */
        get: operations["usage_v1_usage_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analyze": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Analyze
         * @description Tempo, beats, key and mode, loudness and format of a short audio file
         *     (at most 60 s), answered within the request. Longer files: an `analysis` job.
         */
        post: operations["analyze_v1_analyze_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Api Keys
         * @description Your keys, revoked ones included, newest first (never the keys themselves).
         */
        get: operations["list_api_keys_v1_api_keys_get"];
        put?: never;
        /**
         * Create Api Key
         * @description A new key with these scopes. ``key`` is in this answer only: it is
         *     stored as a hash and cannot be shown again.
         */
        post: operations["create_api_key_v1_api_keys_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke Api Key
         * @description Revoke a key: refused (401) from the next request on, on every replica.
         */
        delete: operations["revoke_api_key_v1_api_keys__key_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Projects
         * @description ``scope``: ``mine`` (you own), ``shared`` (you are a member of) or ``public``.
         */
        get: operations["list_projects_v1_projects_get"];
        put?: never;
        /** Create Project */
        post: operations["create_project_v1_projects_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Project */
        get: operations["get_project_v1_projects__project_id__get"];
        put?: never;
        post?: never;
        /** Delete Project */
        delete: operations["delete_project_v1_projects__project_id__delete"];
        options?: never;
        head?: never;
        /** Update Project */
        patch: operations["update_project_v1_projects__project_id__patch"];
        trace?: never;
    };
    "/v1/projects/{project_id}/commits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create Commit
         * @description Commit uploads or job outputs (``files``), or a succeeded job's outputs
         *     (``job_id``), on top of a branch head. 409 if ``parent_id`` is not the head.
         */
        post: operations["create_commit_v1_projects__project_id__commits_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/commits/{commit_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Commit */
        get: operations["get_commit_v1_projects__project_id__commits__commit_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** History */
        get: operations["history_v1_projects__project_id__history_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/diff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Diff */
        get: operations["diff_v1_projects__project_id__diff_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Checkout
         * @description A commit's files (default: the default branch's head) as signed URLs, or one zip.
         */
        get: operations["checkout_v1_projects__project_id__checkout_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/fork": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Fork
         * @description A new project of yours from any commit of a project you can read: one
         *     transaction, no bytes copied.
         */
        post: operations["fork_v1_projects__project_id__fork_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/branches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Branches */
        get: operations["list_branches_v1_projects__project_id__branches_get"];
        put?: never;
        /** Create Branch */
        post: operations["create_branch_v1_projects__project_id__branches_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/branches/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete Branch */
        delete: operations["delete_branch_v1_projects__project_id__branches__name__delete"];
        options?: never;
        head?: never;
        /**
         * Move Branch
         * @description Point the branch at any commit of the project (reset or fast-forward).
         */
        patch: operations["move_branch_v1_projects__project_id__branches__name__patch"];
        trace?: never;
    };
    "/v1/projects/{project_id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Members */
        get: operations["list_members_v1_projects__project_id__members_get"];
        put?: never;
        /**
         * Invite Member
         * @description Add a signed-up user by email as viewer, editor or owner (or change their role).
         */
        post: operations["invite_member_v1_projects__project_id__members_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove Member
         * @description Remove a member (owners), or leave (yourself). Access ends at once.
         */
        delete: operations["remove_member_v1_projects__project_id__members__user_id__delete"];
        options?: never;
        head?: never;
        /** Update Member */
        patch: operations["update_member_v1_projects__project_id__members__user_id__patch"];
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Webhooks */
        get: operations["list_webhooks_v1_webhooks_get"];
        put?: never;
        /**
         * Create Webhook
         * @description Register an endpoint. The answer holds the signing secret: it is shown
         *     only now (and on rotation).
         */
        post: operations["create_webhook_v1_webhooks_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Webhook */
        get: operations["get_webhook_v1_webhooks__webhook_id__get"];
        put?: never;
        post?: never;
        /** Delete Webhook */
        delete: operations["delete_webhook_v1_webhooks__webhook_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhook_id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate Secret
         * @description A new signing secret, shown only now; the old one stops signing at once.
         */
        post: operations["rotate_secret_v1_webhooks__webhook_id__rotate_secret_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhook_id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enable Webhook
         * @description Switch a webhook that was disabled (its retries ran out) back on; later
         *     events are delivered again (the failed ones are not).
         */
        post: operations["enable_webhook_v1_webhooks__webhook_id__enable_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhook_id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test Webhook
         * @description Queue a ``webhook.test`` event; follow it in the delivery log.
         */
        post: operations["test_webhook_v1_webhooks__webhook_id__test_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhook_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Deliveries
         * @description The delivery log, newest first: each message's status, attempts, last
         *     response code and latency, next attempt and last error.
         */
        get: operations["list_deliveries_v1_webhooks__webhook_id__deliveries_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Events
         * @description Your jobs' ``job.status``, ``job.progress`` and ``job.output`` events and
         *     your projects' ``project.*`` events (commits, branches, members, ...), live.
         *     Reconnect with ``Last-Event-ID`` to resume without gaps.
         */
        get: operations["events_v1_events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/storage/v1/object/sign/{bucket}/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download Signed
         * @description A signed download: the file (any media type), ``Range`` answered with 206
         *     (416 past the end), ``HEAD`` for the headers alone; 400 ``invalid_signature``
         *     for an expired or tampered token.
         */
        get: operations["download_signed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * Download Signed
         * @description A signed download: the file (any media type), ``Range`` answered with 206
         *     (416 past the end), ``HEAD`` for the headers alone; 400 ``invalid_signature``
         *     for an expired or tampered token.
         */
        head: operations["download_signed_head"];
        patch?: never;
        trace?: never;
    };
    "/storage/v1/object/upload/sign/{bucket}/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Upload Signed
         * @description Store the request body as one object (the local twin of Supabase's signed upload).
         *
         *     The body is the file itself (any ``Content-Type``), or a multipart form with
         *     one file part as supabase-js sends it; the file may be at most the size
         *     declared when the link was made, and the object must not exist yet.
         */
        put: operations["upload_signed_storage_v1_object_upload_sign__bucket___path__put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health
         * @description Up (no credentials needed, as before).
         */
        get: operations["health_api_v1_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/generate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Generate
         * @description Queue a song: ``lyrics`` (LRC) and ``style_prompt``, ``audio_length`` 95 or
         *     285 seconds, ``batch_size`` songs.
         */
        post: operations["generate_api_v1_generate_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/status/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job Status */
        get: operations["job_status_api_v1_status__job_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/download/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download
         * @description The song as WAV (16-bit PCM, 44.1 kHz stereo).
         */
        get: operations["download_api_v1_download__job_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Queue */
        get: operations["queue_api_v1_queue_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Root
         * @description The API's metadata; a browser asking for a page goes to the dashboard.
         */
        get: operations["root__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/voices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Voices
         * @description The voices of every configured provider, or of one (no credentials).
         */
        get: operations["voices_voices_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queue/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Queue Status */
        get: operations["queue_status_queue_status_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Jobs
         * @description The caller's audiobooks, newest first, optionally of one status.
         */
        get: operations["list_jobs_jobs_get"];
        put?: never;
        /**
         * Create Job
         * @description Queue an audiobook from ``manuscript_text`` or an uploaded manuscript.
         */
        post: operations["create_job_jobs_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Job */
        get: operations["get_job_jobs__job_id__get"];
        put?: never;
        post?: never;
        /**
         * Delete Job
         * @description Delete the job and its files. A running job is asked to stop first (409:
         *     delete it again once it has).
         */
        delete: operations["delete_job_jobs__job_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download */
        get: operations["download_jobs__job_id__download_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/upload/audio": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Studio Upload Audio */
        post: operations["studio_upload_audio_api_upload_audio_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/upload/midi": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Studio Upload Midi */
        post: operations["studio_upload_midi_api_upload_midi_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/upload/image": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Studio Upload Image */
        post: operations["studio_upload_image_api_upload_image_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/vocals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Vocals
         * @description Queue a sung vocal (the ``vocals`` job kind).
         */
        post: operations["vocals_api_jobs_vocals_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/effects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Effects
         * @description Queue an effects chain on an uploaded file or a job's output (``effects``).
         */
        post: operations["effects_api_jobs_effects_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Jobs Health
         * @description Whether background jobs run (they always do: the engine's queue).
         */
        get: operations["jobs_health_api_jobs_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job Status */
        get: operations["job_status_api_jobs__job_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/generate-video": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Generate Video
         * @description Start a story video from the frontend's form; returns at once.
         */
        post: operations["generate_video_api_generate_video_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Progress
         * @description The caller's most recent video job.
         */
        get: operations["progress_api_progress_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/video/{filename}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Video
         * @description The finished MP4, streamable with Range (seeking in a ``<video>``).
         */
        get: operations["video_api_video__filename__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/app/config.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Dashboard Config
         * @description How the dashboard may sign in here. Holds nothing secret: the Supabase anon
         *     key is public by design (Row Level Security is what protects the data).
         */
        get: operations["dashboard_config_app_config_json_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dev/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Dev Token
         * @description Development only (absent in production): a token for this email, creating
         *     the user if needed, like ``soundstage token``. Answers only requests from
         *     this machine, so an engine left in development mode on a public address does
         *     not hand out accounts to anyone who asks.
         */
        post: operations["dev_token_v1_dev_token_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AnalysisResult: {
            duration_s: number;
            /** @description Of the file, in Hz. */
            sample_rate: number;
            channels: number;
            /** @description Folded into 70-180 BPM; 0 when there is no pulse. */
            tempo_bpm: number;
            /** @description Seconds from the start. */
            beat_times: number[];
            /** @description The tonic, e.g. "A", "Eb", "F#". */
            key: string;
            /** @description "major" or "minor". */
            mode: string;
            /** @description Correlation with the key's profile, 0-1. */
            key_confidence: number;
            integrated_lufs: number;
            true_peak_db: number;
        };
        ApiKey: {
            /** Format: uuid */
            id: string;
            name: string;
            scopes: string[];
            /** @description the key's first characters, to recognise it by */
            prefix: string;
            /** Format: date-time */
            created_at: string;
            /** @description recorded at most once a minute, so up to a minute old */
            last_used_at: string | null;
            revoked_at: string | null;
        };
        ApiKeyCreate: {
            name: string;
            scopes: ("jobs:read" | "jobs:write" | "uploads:read" | "uploads:write" | "voices:read" | "lexicon:read" | "lexicon:write" | "usage:read" | "projects:read" | "projects:write" | "events:read" | "webhooks:read" | "webhooks:write")[];
        };
        ApiKeyCreated: {
            /** Format: uuid */
            id: string;
            name: string;
            scopes: string[];
            /** @description the key's first characters, to recognise it by */
            prefix: string;
            /** Format: date-time */
            created_at: string;
            /** @description recorded at most once a minute, so up to a minute old */
            last_used_at: string | null;
            revoked_at: string | null;
            /** @description the key itself: shown this once, stored nowhere */
            key: string;
        };
        ApiKeyList: {
            items: components["schemas"]["ApiKey"][];
        };
        AudiobookJob: {
            /** Format: uuid */
            id: string;
            title: string | null;
            author: string | null;
            status: "pending" | "processing" | "completed" | "failed";
            progress: number;
            progress_percent: number;
            stage: string | null;
            error: string | null;
            error_message: string | null;
            mode: "single_voice" | "dual_voice";
            tts_provider: string;
            narrator_voice_id: string | null;
            dialogue_voice_id: string | null;
            audio_format: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            completed_at: string | null;
            download_url: string | null;
        };
        AudiobookParams: {
            /** @description a manuscript from /v1/uploads */
            upload_id?: string | null;
            /** @description or pasted */
            text?: string | null;
            title?: string | null;
            author?: string | null;
            /**
             * @description 'single': one narrator; 'dual': narrator and one dialogue voice; 'cast': a voice per character (speakers attributed per quote; see the preview's cast)
             * @default "single"
             */
            mode?: "single" | "dual" | "cast";
            /** @default "local" */
            provider?: string;
            narrator_voice?: string | null;
            dialogue_voice?: string | null;
            /** @description chapter number (from 1) to a narrator voice id */
            chapter_voices?: {
                [key: string]: string;
            };
            /** @description render only these chapter numbers (from 1); all by default */
            chapters?: number[] | null;
            /** @default "acx" */
            loudness?: "acx" | "podcast";
            /**
             * @description 'chapter': each chapter levelled on its own (as ACX judges each file), mastered as soon as its last unit is synthesised; 'book': one gain for the whole book, chapters keep their relative levels (mastering waits for all synthesis)
             * @default "chapter"
             */
            gain?: "chapter" | "book";
            /** @description mode 'cast': character name to a voice id (any configured provider) */
            cast?: {
                [key: string]: string;
            };
            formats?: ("mp3" | "m4b")[];
            replacements?: components["schemas"]["Replacement"][];
        };
        Body_create_upload_v1_uploads_post: {
            /**
             * @description manuscript, audio, MIDI or image
             * Format: binary
             */
            file: Blob;
            /** @description refuse the file unless it is of this kind */
            category?: components["schemas"]["UploadCategory"] | null;
        };
        Body_studio_upload_audio_api_upload_audio_post: {
            /** Format: binary */
            file: Blob;
        };
        Body_studio_upload_image_api_upload_image_post: {
            /** Format: binary */
            file: Blob;
        };
        Body_studio_upload_midi_api_upload_midi_post: {
            /** Format: binary */
            file: Blob;
        };
        Branch: {
            name: string;
            head_id: string | null;
            /** Format: date-time */
            updated_at: string;
        };
        BranchCreate: {
            name: string;
            /** @description Default: the default branch head. */
            from_commit?: string | null;
        };
        BranchList: {
            items: components["schemas"]["Branch"][];
        };
        BranchMove: {
            /** Format: uuid */
            head_id: string;
        };
        CastMember: {
            name: string;
            gender: string | null;
            lines: number;
            characters: number;
            samples: string[];
            proposed_voice: string;
        };
        Checkout: {
            /** Format: uuid */
            commit_id: string;
            files: components["schemas"]["CommitFile"][];
        };
        Commit: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            project_id: string;
            parent_id: string | null;
            second_parent_id: string | null;
            author_id: string | null;
            message: string;
            bpm: number | null;
            key_signature: string | null;
            params: {
                [key: string]: unknown;
            };
            job_id: string | null;
            /** Format: date-time */
            created_at: string;
            files: components["schemas"]["CommitFile"][];
        };
        /**
         * @description A commit: the parent's files (unless ``keep_parent_files`` is false),
         *     with ``files`` added or replaced by role and ``remove`` roles dropped;
         *     or every audio/MIDI output of ``job_id`` mapped to roles by its kind.
         */
        CommitCreate: {
            branch?: string | null;
            /** @default "" */
            message?: string;
            /** @description Default: the branch head. Must be the head (no lost commits). */
            parent_id?: string | null;
            /** @description A second parent: a merge. */
            merge_parent_id?: string | null;
            /** @description Commit this succeeded job's outputs. */
            job_id?: string | null;
            files?: components["schemas"]["FileIn"][];
            remove?: string[];
            /** @default true */
            keep_parent_files?: boolean;
            bpm?: number | null;
            key_signature?: string | null;
            params?: {
                [key: string]: unknown;
            };
        };
        CommitFile: {
            role: string;
            name: string;
            sha256: string;
            bytes: number;
            content_type: string;
            duration_s: number | null;
            params: {
                [key: string]: unknown;
            };
            url?: string | null;
            expires_at?: string | null;
        };
        DashboardConfig: {
            env: string;
            /** @description POST /v1/dev/token answers this browser */
            dev_sign_in: boolean;
            /** @description email and password sign-in through Supabase Auth, when configured */
            supabase: components["schemas"]["SupabaseAuth"] | null;
        };
        Delivery: {
            /** Format: uuid */
            id: string;
            /** @description the `webhook-id` header sent on every attempt */
            message_id: string;
            event_type: string;
            status: "pending" | "succeeded" | "failed";
            attempts: number;
            /** @description the last attempt's HTTP status, if any */
            response_code: number | null;
            /** @description the last attempt's time to the response */
            latency_ms: number | null;
            last_error: string | null;
            /** @description when a pending message is tried next */
            next_attempt_at: string | null;
            last_attempt_at: string | null;
            delivered_at: string | null;
            /** Format: date-time */
            created_at: string;
            data: {
                [key: string]: unknown;
            };
        };
        DeliveryList: {
            items: components["schemas"]["Delivery"][];
            next_cursor?: string | null;
        };
        DevToken: {
            access_token: string;
            /** @default "bearer" */
            token_type?: "bearer";
            /** @description seconds until the token expires */
            expires_in: number;
            user: components["schemas"]["DevUser"];
        };
        DevTokenRequest: {
            email: string;
        };
        DevUser: {
            /** Format: uuid */
            id: string;
            email: string;
        };
        Diff: {
            /** Format: uuid */
            from_commit: string;
            /** Format: uuid */
            to_commit: string;
            /** @description each changed field: {from, to}; bpm, key_signature, message and params.* */
            params: {
                [key: string]: {
                    [key: string]: unknown;
                };
            };
            files: components["schemas"]["FileChange"][];
            unchanged: string[];
        };
        EffectsRequest: {
            /** @description an uploaded file's path */
            path?: string | null;
            /** @description the same, under another name */
            input?: string | null;
            upload_id?: string | null;
            /** @description {job_id, output} */
            source?: {
                [key: string]: unknown;
            } | null;
            effects?: {
                [key: string]: unknown;
            }[] | null;
            chain?: {
                [key: string]: unknown;
            }[] | null;
            /** @default "wav" */
            format?: string;
        };
        ErrorBody: {
            /** @description machine-readable, e.g. not_found, validation_error */
            code: string;
            message: string;
            details: components["schemas"]["ErrorDetails"];
        };
        /** @description Always an object; which keys appear depends on ``code``. */
        ErrorDetails: {
            /** @description validation_error: each refused field */
            errors?: components["schemas"]["FieldProblem"][] | null;
            /** @description batch: the refused entry */
            index?: number | null;
            /** @description rate_limited: seconds to wait */
            retry_after?: number | null;
            /** @description an unknown job kind */
            valid_kinds?: string[] | null;
            [key: string]: unknown;
        };
        ErrorEnvelope: {
            error: components["schemas"]["ErrorBody"];
        };
        /** @description One refused field: where (``loc``), what (``msg``) and pydantic's ``type``. */
        FieldProblem: {
            loc: (string | number)[];
            msg: string;
            type: string;
        };
        FileChange: {
            role: string;
            change: "added" | "removed" | "changed";
            from_sha256: string | null;
            to_sha256: string | null;
        };
        /** @description One file of a new commit: an upload of yours or an output of a job of yours. */
        FileIn: {
            role: string;
            upload_id?: string | null;
            job_id?: string | null;
            output?: string | null;
            params?: {
                [key: string]: unknown;
            };
        };
        ForkCreate: {
            name?: string | null;
            /** @description Default: the head of the project's default branch. */
            commit_id?: string | null;
            /** @default "private" */
            visibility?: components["schemas"]["Visibility"];
        };
        GenerateRequest: {
            /** @description LRC */
            lyrics: string;
            /** @default "" */
            style_prompt?: string;
            /** @default 95 */
            audio_length?: 95 | 285;
            /** @default 1 */
            batch_size?: number;
        };
        GenerateResponse: {
            job_id: string;
            status: string;
            message: string;
            status_url: string;
            download_url: string;
        };
        GraphCommit: {
            /** Format: uuid */
            id: string;
            parents: string[];
            author_id: string | null;
            message: string;
            bpm: number | null;
            key_signature: string | null;
            /** Format: date-time */
            created_at: string;
        };
        Health: {
            status: string;
        };
        HealthResponse: {
            status: string;
            service: string;
            provider: string;
            /** Format: date-time */
            timestamp: string;
        };
        /**
         * @description Everything needed to draw the graph: commits oldest first, each with its
         *     parents (two for a merge), and where each branch points.
         */
        History: {
            /** Format: uuid */
            project_id: string;
            default_branch: string;
            commits: components["schemas"]["GraphCommit"][];
            branches: components["schemas"]["Branch"][];
        };
        /** @description A job; `params` is typed by `kind`. */
        Job: components["schemas"]["JobAnalysis"] | components["schemas"]["JobAudiobook"] | components["schemas"]["JobEffects"] | components["schemas"]["JobHumToBeat"] | components["schemas"]["JobMusic"] | components["schemas"]["JobSong"] | components["schemas"]["JobStems"] | components["schemas"]["JobTone"] | components["schemas"]["JobVideo"] | components["schemas"]["JobVocals"];
        JobBatch: {
            /** @description the created jobs, in the request's order */
            items: components["schemas"]["Job"][];
        };
        /** @description Up to 20 jobs created together, all or none ("generate five variations"). */
        JobBatchCreate: {
            jobs: components["schemas"]["JobCreate"][];
        };
        JobCreate: components["schemas"]["JobCreateAnalysis"] | components["schemas"]["JobCreateAudiobook"] | components["schemas"]["JobCreateEffects"] | components["schemas"]["JobCreateHumToBeat"] | components["schemas"]["JobCreateMusic"] | components["schemas"]["JobCreateSong"] | components["schemas"]["JobCreateStems"] | components["schemas"]["JobCreateTone"] | components["schemas"]["JobCreateVideo"] | components["schemas"]["JobCreateVocals"];
        JobError: {
            code: string;
            message: string;
        };
        JobList: {
            items: components["schemas"]["Job"][];
            next_cursor: string | null;
        };
        JobOutput: {
            name: string;
            content_type: string;
            bytes: number;
            url: string;
            /** Format: date-time */
            expires_at: string;
        };
        JobStatus: "queued" | "running" | "succeeded" | "failed" | "canceling" | "canceled";
        LexiconEntry: {
            /** Format: uuid */
            id: string;
            term: string;
            replacement: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        LexiconEntryIn: {
            term: string;
            replacement: string;
        };
        LexiconList: {
            items: components["schemas"]["LexiconEntry"][];
        };
        Member: {
            /** Format: uuid */
            user_id: string;
            email?: string | null;
            role: components["schemas"]["MemberRole"];
            /** Format: date-time */
            created_at: string;
        };
        MemberInvite: {
            email: string;
            /** @default "viewer" */
            role?: components["schemas"]["MemberRole"];
        };
        MemberList: {
            items: components["schemas"]["Member"][];
        };
        MemberRole: "viewer" | "editor" | "owner";
        MemberUpdate: {
            role: components["schemas"]["MemberRole"];
        };
        PipelineInfo: {
            kind: string;
            description: string;
            params_schema: {
                [key: string]: unknown;
            };
        };
        PipelineList: {
            items: components["schemas"]["PipelineInfo"][];
        };
        Preview: {
            title: string | null;
            author: string | null;
            chapters: components["schemas"]["PreviewChapter"][];
            characters: number;
            estimated_seconds: number;
            /** @description share of characters inside quotes, 0-1 */
            dialogue_share: number;
            costs: components["schemas"]["ProviderCost"][];
            quota: components["schemas"]["QuotaInfo"];
            warnings: string[];
            /** @description mode 'cast': the characters who speak, most lines first */
            cast?: components["schemas"]["CastMember"][] | null;
        };
        PreviewChapter: {
            number: number;
            title: string;
            characters: number;
            estimated_seconds: number;
        };
        Progress: {
            status: "idle" | "generating" | "complete" | "error";
            progress: number;
            substatus?: string | null;
            details?: string | null;
            video_path?: string | null;
            error?: string | null;
        };
        Project: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            owner_id: string;
            name: string;
            description: string;
            genre: string;
            visibility: components["schemas"]["Visibility"];
            default_branch: string;
            /** @description the caller's access: owner, editor or reader */
            access: string;
            /** @description only shown to owners: readers of an unlisted project send it */
            link_token?: string | null;
            forked_from_project: string | null;
            forked_from_commit: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        ProjectCreate: {
            name: string;
            /** @default "" */
            description?: string;
            /** @default "" */
            genre?: string;
            /** @default "private" */
            visibility?: components["schemas"]["Visibility"];
            /** @default "main" */
            default_branch?: string;
        };
        ProjectList: {
            items: components["schemas"]["Project"][];
            next_cursor: string | null;
        };
        /** @description Where a job's outputs go when it succeeds: a new commit on ``branch``. */
        ProjectTarget: {
            /** Format: uuid */
            id: string;
            /** @description Default: the project's default branch. */
            branch?: string | null;
            message?: string | null;
        };
        ProjectUpdate: {
            name?: string | null;
            description?: string | null;
            genre?: string | null;
            visibility?: components["schemas"]["Visibility"] | null;
            default_branch?: string | null;
            /**
             * @description Issue a new link token: the old unlisted link stops working.
             * @default false
             */
            rotate_link_token?: boolean;
        };
        ProviderCost: {
            provider: string;
            usd: number | null;
        };
        QueueLimits: {
            max_running: number;
            max_queued: number;
        };
        QueueResponse: {
            /** @description jobs waiting, every user's */
            queue_length: number;
            processing: number;
            workers: number;
            your_jobs: {
                [key: string]: number;
            };
        };
        QueueStatus: {
            /** @description jobs by status across the whole queue */
            counts: {
                [key: string]: number;
            };
            /** @description workers holding at least one job right now */
            workers: number;
            /** @description the caller's jobs by status */
            mine: {
                [key: string]: number;
            };
            limits: components["schemas"]["QueueLimits"];
            queued: components["schemas"]["QueuedJob"][];
        };
        QueuedJob: {
            /** Format: uuid */
            id: string;
            kind: string;
            /** @description runnable jobs (of any user) ahead of this one */
            position: number;
            /** @description a rough estimate from recent run times */
            estimated_start_seconds: number;
        };
        QuotaInfo: {
            monthly_characters: number;
            used_this_month: number;
            remaining: number;
        };
        Ready: {
            status: string;
            torch_device?: string | null;
            torch_dtype?: string | null;
        };
        RegenerateRequest: {
            chapter: number;
            chunk: number;
            text?: string | null;
            voice?: string | null;
        };
        /**
         * @description One piece to render again: a chunk of a chapter, optionally with new
         *     text or another voice (``POST /v1/jobs/{id}/regenerate``).
         */
        Replacement: {
            /** @description chapter number, from 1 */
            chapter: number;
            /** @description chunk index within the chapter, from 0 */
            chunk: number;
            text?: string | null;
            voice?: string | null;
        };
        Scope: "mine" | "shared" | "public";
        /** @description Ask for a URL to send one file straight to storage (large files). */
        SignUploadRequest: {
            /** @description the file's name, with its extension */
            filename: string;
            /** @description the file's exact size; the upload may not be larger */
            bytes: number;
            /** @description refuse the file unless it is of this kind */
            category?: components["schemas"]["UploadCategory"] | null;
        };
        /**
         * @description Send the file as the body of ``method`` to ``upload_url`` with ``headers``,
         *     then call ``POST /v1/uploads/{id}/complete``.
         */
        SignedUpload: {
            /** Format: uuid */
            id: string;
            upload_url: string;
            method: "PUT";
            headers: {
                [key: string]: string;
            };
            /** Format: date-time */
            expires_at: string;
        };
        Started: {
            /** @default "generating" */
            status?: "generating";
            job_id: string;
        };
        StatusResponse: {
            job_id: string;
            status: "queued" | "processing" | "completed" | "failed";
            progress: number;
            stage: string | null;
            message: string | null;
            error: string | null;
            /** Format: date-time */
            created_at: string;
            started_at: string | null;
            completed_at: string | null;
            /** @description the songs, in batch order */
            files: string[];
            download_url: string | null;
        };
        SupabaseAuth: {
            url: string;
            /** @description the project's public anon key (not a secret) */
            anon_key: string;
        };
        Upload: {
            /** Format: uuid */
            id: string;
            category: components["schemas"]["UploadCategory"];
            format: string;
            content_type: string;
            original_name: string;
            bytes: number;
            sha256: string;
            /** Format: date-time */
            created_at: string;
            url: string;
            /** Format: date-time */
            expires_at: string;
        };
        UploadCategory: "manuscript" | "audio" | "midi" | "image";
        UploadList: {
            items: components["schemas"]["Upload"][];
            next_cursor: string | null;
        };
        /** @description Supabase's answer to a signed upload: the object's ``{bucket}/{path}``. */
        UploadedObject: {
            Key: string;
        };
        Usage: {
            /** Format: date-time */
            period_start: string;
            /** Format: date-time */
            period_end: string;
            items: components["schemas"]["UsageItem"][];
        };
        UsageItem: {
            name: string;
            used: number;
            /** @description null: no limit */
            limit: number | null;
            remaining: number | null;
        };
        Visibility: "private" | "unlisted" | "public";
        VocalsRequest: {
            lyrics: string;
            /** @description a MIDI path/upload id, {job_id, output}, or notes */
            melody?: unknown;
            voice?: string | null;
            bpm?: number | null;
            key?: unknown;
            /** @description a path/upload id or {job_id, output} */
            backing?: unknown;
            format?: string | null;
        };
        VoiceList: {
            items: components["schemas"]["VoiceOut"][];
        };
        VoiceOut: {
            id: string;
            name: string;
            provider: string;
            /** @description BCP-47 tag, or 'multilingual' */
            language: string;
            gender: string | null;
            /** @description A few seconds of this voice: a signed URL for local voices (rendered once, then kept), the provider's own preview when it hosts one, else null */
            sample_url?: string | null;
        };
        Webhook: {
            /** Format: uuid */
            id: string;
            url: string;
            events: string[];
            description: string;
            enabled: boolean;
            /** @description why deliveries stopped (set with disabled_at when retries ran out) */
            disabled_reason: string | null;
            disabled_at: string | null;
            secret_rotated_at: string | null;
            /** Format: date-time */
            created_at: string;
        };
        WebhookCreate: {
            /** @description https only in production; private and link-local addresses are refused */
            url: string;
            events: ("job.succeeded" | "job.failed" | "job.canceled" | "job.progress" | "project.committed")[];
            /** @default "" */
            description?: string;
        };
        WebhookList: {
            items: components["schemas"]["Webhook"][];
            next_cursor?: string | null;
        };
        WebhookTest: {
            /**
             * @description the queued message; also its `webhook-id` (msg_...)
             * Format: uuid
             */
            delivery_id: string;
        };
        WebhookWithSecret: {
            /** Format: uuid */
            id: string;
            url: string;
            events: string[];
            description: string;
            enabled: boolean;
            /** @description why deliveries stopped (set with disabled_at when retries ran out) */
            disabled_reason: string | null;
            disabled_at: string | null;
            secret_rotated_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description the signing secret (Standard Webhooks `whsec_...`): shown only now */
            secret: string;
        };
        /** @description One output of another job of yours. */
        OutputRef: {
            /**
             * @description A job of yours that has succeeded.
             * Format: uuid
             */
            job_id: string;
            /** @description The name of one of its audio outputs, e.g. "music.wav". */
            output: string;
        };
        AnalysisParams: {
            /**
             * @description An audio upload of yours (or give source).
             * @default null
             */
            upload_id?: string | null;
            /**
             * @description An audio output of another job of yours (or give upload_id).
             * @default null
             */
            source?: components["schemas"]["OutputRef"] | null;
        };
        /** @description Tempo, beats, key and mode, loudness and format of an audio upload or a job's audio output, as analysis.json. */
        JobCreateAnalysis: {
            kind: "analysis";
            params?: components["schemas"]["AnalysisParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobAnalysis: {
            /** Format: uuid */
            id: string;
            kind: "analysis";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["AnalysisParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        /** @description A manuscript (upload or text) to mastered, chaptered MP3s and an M4B, with a transcript and a quality report. */
        JobCreateAudiobook: {
            kind: "audiobook";
            params?: components["schemas"]["AudiobookParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobAudiobook: {
            /** Format: uuid */
            id: string;
            kind: "audiobook";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["AudiobookParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        Compressor: {
            type: "compressor";
            /** @default -18.0 */
            threshold_db?: number;
            /** @default 4.0 */
            ratio?: number;
            /** @default 10.0 */
            attack_ms?: number;
            /** @default 100.0 */
            release_ms?: number;
            /** @default 0.0 */
            makeup_db?: number;
        };
        Delay: {
            type: "delay";
            ms: number;
            /** @default 0.3 */
            feedback?: number;
            /** @default 0.5 */
            mix?: number;
        };
        Eq: {
            type: "eq";
            kind: "lowshelf" | "highshelf" | "peaking";
            freq_hz: number;
            gain_db: number;
            /** @default 0.707 */
            q?: number;
        };
        Fade: {
            type: "fade";
            /** @default 0.0 */
            in_s?: number;
            /** @default 0.0 */
            out_s?: number;
        };
        Gain: {
            type: "gain";
            db: number;
        };
        Loudnorm: {
            type: "loudnorm";
            /** @default -14.0 */
            target_lufs?: number;
            /** @default -1.0 */
            true_peak?: number;
        };
        PitchShift: {
            type: "pitch_shift";
            semitones: number;
        };
        Reverb: {
            type: "reverb";
            /** @default 0.5 */
            room?: number;
            /** @default 0.3 */
            wet?: number;
        };
        TimeStretch: {
            type: "time_stretch";
            rate: number;
        };
        Trim: {
            type: "trim";
            /** @default 0.0 */
            start_s?: number;
            /** @default null */
            end_s?: number | null;
        };
        EffectsParams: {
            /**
             * @description An audio upload of yours (or give source).
             * @default null
             */
            upload_id?: string | null;
            /**
             * @description An audio output of another job of yours (or give upload_id).
             * @default null
             */
            source?: components["schemas"]["OutputRef"] | null;
            /** @description Effects applied in order; type is one of: gain, loudnorm, eq, compressor, reverb, delay, fade, trim, pitch_shift, time_stretch */
            chain: (components["schemas"]["Gain"] | components["schemas"]["Loudnorm"] | components["schemas"]["Eq"] | components["schemas"]["Compressor"] | components["schemas"]["Reverb"] | components["schemas"]["Delay"] | components["schemas"]["Fade"] | components["schemas"]["Trim"] | components["schemas"]["PitchShift"] | components["schemas"]["TimeStretch"])[];
            /** @default "wav" */
            format?: "wav" | "mp3" | "flac";
        };
        /** @description An effects chain (gain, loudnorm, eq, compressor, reverb, delay, fade, trim, pitch_shift, time_stretch) applied to an audio upload or a job's audio output. */
        JobCreateEffects: {
            kind: "effects";
            params: components["schemas"]["EffectsParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobEffects: {
            /** Format: uuid */
            id: string;
            kind: "effects";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["EffectsParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        /** @description ``upload_id`` or ``source``: a hummed, whistled or sung recording. */
        HumParams: {
            /**
             * @description An audio upload of yours (or give source).
             * @default null
             */
            upload_id?: string | null;
            /**
             * @description An audio output of another job of yours (or give upload_id).
             * @default null
             */
            source?: components["schemas"]["OutputRef"] | null;
            /**
             * @description default: detected
             * @default null
             */
            bpm?: number | null;
            /** @default "neutral" */
            mood?: string;
            /** @default 0 */
            seed?: number;
            /**
             * @description procedural: an arrangement around the melody; musicgen_melody: MusicGen conditioned on it (needs SOUNDSTAGE_MUSICGEN_MELODY_MODEL_DIR); auto: musicgen_melody when configured, else procedural
             * @default "auto"
             */
            renderer?: "auto" | "procedural" | "musicgen_melody";
            /**
             * @description what the beat is like (musicgen_melody reads it)
             * @default ""
             */
            prompt?: string;
        };
        /** @description A hummed or sung melody to a beat: pitch tracking, notes quantised to the tempo and key, an arrangement around them (or MusicGen-melody conditioned on them, where installed); MP3 and MIDI out. */
        JobCreateHumToBeat: {
            kind: "hum_to_beat";
            params?: components["schemas"]["HumParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobHumToBeat: {
            /** Format: uuid */
            id: string;
            kind: "hum_to_beat";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["HumParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        MusicParams: {
            /**
             * @description What the music is like (remote models read it).
             * @default ""
             */
            prompt?: string;
            /** @default 110 */
            bpm?: number;
            /** @default "neutral" */
            mood?: "happy" | "sad" | "calm" | "energetic" | "dark" | "epic" | "chill" | "romantic" | "neutral";
            /**
             * @description For example "A minor" or "Eb major".
             * @default null
             */
            key?: string | null;
            /** @default 30.0 */
            duration_s?: number;
            /** @default null */
            seed?: number | null;
            /** @default "mp3" */
            format?: "wav" | "mp3" | "flac";
            /**
             * @description procedural (local, default), musicgen, acestep or diffrhythm.
             * @default "procedural"
             */
            provider?: string;
        };
        /** @description Music from a prompt, tempo (60-200 BPM), mood and key, 5-300 s, as WAV, MP3 or FLAC (procedural adds a MIDI file). */
        JobCreateMusic: {
            kind: "music";
            params?: components["schemas"]["MusicParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobMusic: {
            /** Format: uuid */
            id: string;
            kind: "music";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["MusicParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        SongParams: {
            /** @description LRC: one '[mm:ss.xx] words' line per line */
            lyrics: string;
            /**
             * @description e.g. 'upbeat pop, 110 bpm'
             * @default ""
             */
            style?: string;
            /**
             * @description an audio upload whose style to follow (remote models)
             * @default null
             */
            reference_upload_id?: string | null;
            /** @default "local" */
            provider?: "local" | "diffrhythm" | "acestep";
            /**
             * @description length; diffrhythm: 95 or 285; acestep: up to 600; local: default a few seconds past the last line
             * @default null
             */
            seconds?: number | null;
            /**
             * @description this many songs
             * @default 1
             */
            batch_size?: number;
            /**
             * @description the local draft's singer: local:<local TTS voice> or diffsinger:<voice>
             * @default "local:hibari-us-female"
             */
            voice?: string;
            /** @default 0 */
            seed?: number;
        };
        /** @description Lyrics (LRC) and a style to songs. Remote: DiffRhythm or ACE-Step; local: a labelled draft (procedural backing, a composed melody, the lyrics sung by a draft local voice). */
        JobCreateSong: {
            kind: "song";
            params: components["schemas"]["SongParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobSong: {
            /** Format: uuid */
            id: string;
            kind: "song";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["SongParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        StemsParams: {
            /**
             * @description An audio upload of yours (or give source).
             * @default null
             */
            upload_id?: string | null;
            /**
             * @description An audio output of another job of yours (or give upload_id).
             * @default null
             */
            source?: components["schemas"]["OutputRef"] | null;
        };
        /** @description Separate a track into drums, bass, vocals and other (Demucs when configured, else a built-in DSP separation, labelled in stems.json). */
        JobCreateStems: {
            kind: "stems";
            params?: components["schemas"]["StemsParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobStems: {
            /** Format: uuid */
            id: string;
            kind: "stems";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["StemsParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        ToneParams: {
            /** @default 440.0 */
            frequency_hz?: number;
            /** @default 3.0 */
            seconds?: number;
            /** @default "mp3" */
            format?: "wav" | "mp3";
        };
        /** @description A sine tone (20-20000 Hz, 0.1-600 s) as WAV or MP3. */
        JobCreateTone: {
            kind: "tone";
            params?: components["schemas"]["ToneParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobTone: {
            /** Format: uuid */
            id: string;
            kind: "tone";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["ToneParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        Character: {
            name: string;
            /** @default "" */
            description?: string;
        };
        MusicOptions: {
            /** @default true */
            enabled?: boolean;
            /** @default null */
            mood?: string | null;
        };
        /** @description One scene of a user's own script (``script``), which skips writing. */
        SceneInput: {
            narration: string;
            /** @default "" */
            image_prompt?: string;
            /** @default "" */
            title?: string;
        };
        VideoParams: {
            /** @default "" */
            topic?: string;
            /** @default "mystery" */
            story_type?: "scary_horror" | "mystery" | "bedtime" | "documentary" | "motivational" | "sci_fi" | "fairy_tale";
            /** @default "cinematic" */
            image_style?: "cinematic" | "anime" | "watercolor" | "photographic" | "comic" | "minimal";
            /** @default "ai_only" */
            image_mode?: "ai_only" | "stock" | "manual" | "mixed";
            /**
             * @description any voice id from GET /v1/voices
             * @default "local:hibari-us-female"
             */
            voice_id?: string;
            /**
             * @description minutes of narration
             * @default 1.0
             */
            duration?: number;
            /** @default "medium" */
            hook_intensity?: "low" | "medium" | "high" | "extreme";
            /** @default "steady" */
            pacing?: "slow" | "steady" | "dynamic";
            /** @default 6 */
            num_scenes?: number;
            characters?: components["schemas"]["Character"][];
            /** @description upload ids of images, in scene order */
            manual_image_paths?: string[];
            stock_keywords?: string[];
            /** @default "9:16" */
            aspect?: "9:16" | "16:9" | "1:1";
            music?: components["schemas"]["MusicOptions"];
            /** @default "both" */
            subtitles?: "burned" | "sidecar" | "both" | "none";
            /** @default null */
            script?: components["schemas"]["SceneInput"][] | null;
            /** @default "1080p" */
            resolution?: "480p" | "720p" | "1080p";
        };
        /** @description A topic (or your own script) to a narrated story video: script, scene images, narration, music and subtitles in an MP4, with a poster, captions and a report. */
        JobCreateVideo: {
            kind: "video";
            params?: components["schemas"]["VideoParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobVideo: {
            /** Format: uuid */
            id: string;
            kind: "video";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["VideoParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        InlineNote: {
            /** @description MIDI number (60 = middle C) or a name: "C4", "F#3". */
            pitch: number | string;
            /** @description start, in beats from the beginning */
            start: number;
            /** @description length in beats */
            beats: number;
        };
        UploadRef: {
            /**
             * @description An upload of yours.
             * Format: uuid
             */
            upload_id: string;
        };
        VocalsParams: {
            /** @description the words; plain text or LRC */
            lyrics: string;
            /** @description a MIDI upload {"upload_id"}, a job's MIDI output {"job_id", "output"} (e.g. a music job's "music.mid"), or inline notes [{"pitch", "start", "beats"}] */
            melody: components["schemas"]["UploadRef"] | components["schemas"]["OutputRef"] | components["schemas"]["InlineNote"][];
            /**
             * @description local:<local TTS voice> (a draft-quality voice) or diffsinger:<voice>
             * @default "local:hibari-us-female"
             */
            voice?: string;
            /**
             * @description tempo of inline notes (default 100); a MIDI melody is re-timed to it
             * @default null
             */
            bpm?: number | null;
            /**
             * @description move the melody into this key, e.g. "A minor"
             * @default null
             */
            key?: string | null;
            /**
             * @description semitones, after key
             * @default 0
             */
            transpose?: number;
            /**
             * @description an audio upload or job output to mix under the voice
             * @default null
             */
            backing?: components["schemas"]["UploadRef"] | components["schemas"]["OutputRef"] | null;
            /** @default "wav" */
            format?: "wav" | "mp3" | "flac";
        };
        /** @description Lyrics sung on a melody (a MIDI upload, a music job's MIDI, or inline notes): vocals, a mix over an optional backing, and the syllable-to-note alignment. The local voice is a draft (speech shaped onto the notes); diffsinger calls a singing server. */
        JobCreateVocals: {
            kind: "vocals";
            params: components["schemas"]["VocalsParams"];
            /** @default 0 */
            priority?: number;
            /** @description Commit the outputs to this project's branch when the job succeeds (you must be an editor or owner of it). */
            project?: components["schemas"]["ProjectTarget"] | null;
        };
        JobVocals: {
            /** Format: uuid */
            id: string;
            kind: "vocals";
            status: components["schemas"]["JobStatus"];
            params: components["schemas"]["VocalsParams"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            outputs: components["schemas"]["JobOutput"][];
            project?: components["schemas"]["ProjectTarget"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        /**
         * @description The payload of the ``job.status`` and ``job.progress`` Realtime Broadcast
         *     messages on the private topic ``soundstage:user:<user_id>``: ``job.status``
         *     on creation and every status change, ``job.progress`` at most once a second
         *     per job (docs/realtime.md).
         */
        JobBroadcast: {
            /** Format: uuid */
            job_id: string;
            kind: string;
            status: components["schemas"]["JobStatus"];
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            /**
             * @description when the database sent it
             * Format: date-time
             */
            at: string;
        };
        /** @description The payload of a ``job.deleted`` Broadcast message. */
        JobBroadcastDeleted: {
            /** Format: uuid */
            job_id: string;
        };
        /**
         * @description The payload of a ``job.output`` Broadcast message: a file was stored
         *     (fetch the job for its signed URL).
         */
        JobBroadcastOutput: {
            /** Format: uuid */
            job_id: string;
            name: string;
            content_type: string;
            bytes: number;
        };
        /**
         * @description A ``soundstage.job_events`` row (Realtime Postgres Changes INSERTs): the job's
         *     status changes and outputs (its progress goes by Broadcast, ``JobBroadcast``).
         */
        JobEventRow: {
            id: number;
            /** Format: uuid */
            job_id: string;
            /** Format: uuid */
            user_id: string;
            /** @description status | output; data is the matching *Event */
            type: string;
            data: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            created_at: string;
        };
        /** @description ``event: output``: a file was stored (fetch the job for its signed URL). */
        JobOutputEvent: {
            name: string;
            content_type: string;
            bytes: number;
        };
        /** @description ``event: progress``: progress, stage or message changed. */
        JobProgressEvent: {
            progress: number;
            stage: string | null;
            message: string | null;
        };
        /**
         * @description A ``soundstage.jobs_view`` row as a signed-in page reads it through the
         *     Data API (``supabase.schema('soundstage').from('jobs_view').select('*')``):
         *     the columns granted to ``authenticated``, own rows only.
         */
        JobRow: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            user_id: string;
            kind: string;
            params: {
                [key: string]: unknown;
            };
            status: components["schemas"]["JobStatus"];
            priority: number;
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
            max_attempts: number;
            /** Format: date-time */
            run_after: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        /** @description ``event: status``: the job changed status (the last one is terminal). */
        JobStatusEvent: {
            status: components["schemas"]["JobStatus"];
            progress: number;
            stage: string | null;
            message: string | null;
            error: components["schemas"]["JobError"] | null;
            attempts: number;
        };
        /** @description One Server-Sent Event of GET /v1/jobs/{job_id}/events: `data` is JSON. The stream ends after the terminal `status` event. */
        JobEvent: {
            event: "status";
            id: number;
            data: components["schemas"]["JobStatusEvent"];
        } | {
            event: "progress";
            id: number;
            data: components["schemas"]["JobProgressEvent"];
        } | {
            event: "output";
            id: number;
            data: components["schemas"]["JobOutputEvent"];
        };
        /** @description The song, audiobook and projects surfaces' errors (FastAPI's). */
        CompatDetailError: {
            detail: string | components["schemas"]["FieldProblem"][];
        };
        /** @description The studio surface's errors. */
        CompatStudioError: {
            success: false;
            error: string;
            details?: unknown;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ready_ready_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ready"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_kinds_v1_kinds_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PipelineList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_jobs_v1_jobs_get: {
        parameters: {
            query?: {
                status?: components["schemas"]["JobStatus"] | null;
                kind?: string | null;
                cursor?: string | null;
                /** @default 20 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    create_job_v1_jobs_post: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JobCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Quota exceeded (quota_exceeded): the plan allows no more this month */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    create_jobs_batch_v1_jobs_batch_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JobBatchCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobBatch"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Quota exceeded (quota_exceeded): the plan allows no more this month */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    get_job_v1_jobs__job_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    delete_job_v1_jobs__job_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    cancel_job_v1_jobs__job_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    retry_job_v1_jobs__job_id__retry_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    job_events_v1_jobs__job_id__events_get: {
        parameters: {
            query?: never;
            header?: {
                /** @default 0 */
                "Last-Event-ID"?: number;
            };
            path: {
                /** Format: uuid */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Server-Sent Events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    queue_status_v1_queue_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueStatus"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_uploads_v1_uploads_get: {
        parameters: {
            query?: {
                category?: components["schemas"]["UploadCategory"] | null;
                cursor?: string | null;
                /** @default 20 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    create_upload_v1_uploads_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_create_upload_v1_uploads_post"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Upload"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unsupported media type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    get_upload_v1_uploads__upload_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Upload"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    delete_upload_v1_uploads__upload_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    sign_upload_v1_uploads_sign_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignUploadRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedUpload"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unsupported media type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    complete_upload_v1_uploads__upload_id__complete_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Upload"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unsupported media type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_voices_v1_voices_get: {
        parameters: {
            query?: {
                /**
                 * @description local, openai, elevenlabs or inworld; omitted: every configured one
                 * @description local, openai, elevenlabs or inworld; omitted: every configured one
                 */
                provider?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VoiceList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_entries_v1_lexicon_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LexiconList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    put_entry_v1_lexicon_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LexiconEntryIn"];
            };
        };
        responses: {
            /** @description Term existed: spelling replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LexiconEntry"];
                };
            };
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LexiconEntry"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    delete_entry_v1_lexicon__entry_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                entry_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    preview_v1_audiobooks_preview_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AudiobookParams"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Preview"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    regenerate_v1_jobs__job_id__regenerate_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegenerateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    usage_v1_usage_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Usage"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    analyze_v1_analyze_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * @description Audio of any common format, at most 60 s.
                     * Format: binary
                     */
                    file: Blob;
                };
                "application/json": {
                    /**
                     * @description An audio upload of yours, at most 60 s long.
                     * Format: uuid
                     */
                    upload_id: string;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalysisResult"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unsupported media type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_api_keys_v1_api_keys_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    create_api_key_v1_api_keys_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiKeyCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreated"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    revoke_api_key_v1_api_keys__key_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_projects_v1_projects_get: {
        parameters: {
            query?: {
                /** @default "mine" */
                scope?: components["schemas"]["Scope"];
                cursor?: string | null;
                /** @default 20 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    create_project_v1_projects_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    get_project_v1_projects__project_id__get: {
        parameters: {
            query?: {
                link_token?: string | null;
            };
            header?: {
                "X-Project-Token"?: string | null;
            };
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    delete_project_v1_projects__project_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    update_project_v1_projects__project_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    create_commit_v1_projects__project_id__commits_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CommitCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Commit"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    get_commit_v1_projects__project_id__commits__commit_id__get: {
        parameters: {
            query?: {
                link_token?: string | null;
            };
            header?: {
                "X-Project-Token"?: string | null;
            };
            path: {
                /** Format: uuid */
                project_id: string;
                /** Format: uuid */
                commit_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Commit"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    history_v1_projects__project_id__history_get: {
        parameters: {
            query?: {
                link_token?: string | null;
            };
            header?: {
                "X-Project-Token"?: string | null;
            };
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["History"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    diff_v1_projects__project_id__diff_get: {
        parameters: {
            query: {
                /** Format: uuid */
                from: string;
                /** Format: uuid */
                to: string;
                link_token?: string | null;
            };
            header?: {
                "X-Project-Token"?: string | null;
            };
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Diff"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    checkout_v1_projects__project_id__checkout_get: {
        parameters: {
            query?: {
                /**
                 * @description a commit id or branch
                 * @description a commit id or branch
                 */
                ref?: string | null;
                /** @default "urls" */
                format?: "urls" | "zip";
                link_token?: string | null;
            };
            header?: {
                "X-Project-Token"?: string | null;
            };
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Checkout"];
                    "application/zip": unknown;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    fork_v1_projects__project_id__fork_post: {
        parameters: {
            query?: {
                link_token?: string | null;
            };
            header?: {
                "X-Project-Token"?: string | null;
            };
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ForkCreate"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_branches_v1_projects__project_id__branches_get: {
        parameters: {
            query?: {
                link_token?: string | null;
            };
            header?: {
                "X-Project-Token"?: string | null;
            };
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BranchList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    create_branch_v1_projects__project_id__branches_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BranchCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Branch"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    delete_branch_v1_projects__project_id__branches__name__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    move_branch_v1_projects__project_id__branches__name__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BranchMove"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Branch"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_members_v1_projects__project_id__members_get: {
        parameters: {
            query?: {
                link_token?: string | null;
            };
            header?: {
                "X-Project-Token"?: string | null;
            };
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    invite_member_v1_projects__project_id__members_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberInvite"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    remove_member_v1_projects__project_id__members__user_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
                /** Format: uuid */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    update_member_v1_projects__project_id__members__user_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                project_id: string;
                /** Format: uuid */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_webhooks_v1_webhooks_get: {
        parameters: {
            query?: {
                cursor?: string | null;
                /** @default 20 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    create_webhook_v1_webhooks_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookWithSecret"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    get_webhook_v1_webhooks__webhook_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    delete_webhook_v1_webhooks__webhook_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    rotate_secret_v1_webhooks__webhook_id__rotate_secret_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookWithSecret"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    enable_webhook_v1_webhooks__webhook_id__enable_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    test_webhook_v1_webhooks__webhook_id__test_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** Format: uuid */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookTest"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    list_deliveries_v1_webhooks__webhook_id__deliveries_get: {
        parameters: {
            query?: {
                cursor?: string | null;
                /** @default 20 */
                limit?: number;
            };
            header?: never;
            path: {
                /** Format: uuid */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryList"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    events_v1_events_get: {
        parameters: {
            query?: never;
            header?: {
                "Last-Event-ID"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Server-Sent Events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    download_signed: {
        parameters: {
            query: {
                token: string;
            };
            header?: never;
            path: {
                bucket: string;
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/*": Blob;
                    "video/*": Blob;
                    "image/*": Blob;
                    "*/*": Blob;
                };
            };
            /** @description The byte range asked for with Range (see Content-Range) */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/*": Blob;
                    "video/*": Blob;
                    "image/*": Blob;
                    "*/*": Blob;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Range not satisfiable */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    download_signed_head: {
        parameters: {
            query: {
                token: string;
            };
            header?: never;
            path: {
                bucket: string;
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/*": Blob;
                    "video/*": Blob;
                    "image/*": Blob;
                    "*/*": Blob;
                };
            };
            /** @description The byte range asked for with Range (see Content-Range) */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/*": Blob;
                    "video/*": Blob;
                    "image/*": Blob;
                    "*/*": Blob;
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Range not satisfiable */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    upload_signed_storage_v1_object_upload_sign__bucket___path__put: {
        parameters: {
            query: {
                token: string;
            };
            header?: never;
            path: {
                bucket: string;
                path: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/octet-stream": Blob;
                "multipart/form-data": {
                    /** Format: binary */
                    ""?: Blob;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadedObject"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the resource's current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    health_api_v1_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    generate_api_v1_generate_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerateResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    job_status_api_v1_status__job_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatusResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    download_api_v1_download__job_id__get: {
        parameters: {
            query?: {
                /**
                 * @description which song of the batch
                 * @description which song of the batch
                 * @default 1
                 */
                index?: number;
            };
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the song as WAV */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/wav": unknown;
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    queue_api_v1_queue_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueResponse"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    root__get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description a browser (Accept: text/html) goes to the dashboard */
            307: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    voices_voices_get: {
        parameters: {
            query?: {
                provider?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    queue_status_queue_status_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    list_jobs_jobs_get: {
        parameters: {
            query?: {
                status?: "pending" | "processing" | "completed" | "failed" | null;
                /** @default 20 */
                limit?: number;
                /** @default 0 */
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AudiobookJob"][];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    create_job_jobs_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    title: string;
                    source_type?: "paste" | "upload" | null;
                    manuscript_text?: string | null;
                    /** @description a manuscript already uploaded to /v1/uploads */
                    manuscript_upload_id?: string | null;
                    author?: string | null;
                    /** @default "single_voice" */
                    mode?: "single_voice" | "dual_voice";
                    /** @default "openai" */
                    tts_provider?: string;
                    narrator_voice_id?: string | null;
                    dialogue_voice_id?: string | null;
                    /** @default "mp3" */
                    audio_format?: "mp3" | "m4b";
                    /** @description accepted, not used */
                    audio_bitrate?: string | null;
                };
                "multipart/form-data": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AudiobookJob"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    get_job_jobs__job_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AudiobookJob"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    delete_job_jobs__job_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    download_jobs__job_id__download_get: {
        parameters: {
            query?: {
                format?: "mp3" | "m4b" | null;
            };
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description to a signed URL of the audiobook */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatDetailError"];
                };
            };
        };
    };
    studio_upload_audio_api_upload_audio_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_studio_upload_audio_api_upload_audio_post"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
        };
    };
    studio_upload_midi_api_upload_midi_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_studio_upload_midi_api_upload_midi_post"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
        };
    };
    studio_upload_image_api_upload_image_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_studio_upload_image_api_upload_image_post"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
        };
    };
    vocals_api_jobs_vocals_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VocalsRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
        };
    };
    effects_api_jobs_effects_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EffectsRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
        };
    };
    jobs_health_api_jobs_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
        };
    };
    job_status_api_jobs__job_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatStudioError"];
                };
            };
        };
    };
    generate_video_api_generate_video_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Started"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Quota exceeded (quota_exceeded): the plan allows no more this month */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Too many requests (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    progress_api_progress_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Progress"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    video_api_video__filename__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                filename: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "video/mp4": Blob;
                };
            };
            /** @description the Range asked for */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "video/mp4": Blob;
                };
            };
            /** @description Supabase Storage serves it: a signed URL */
            307: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found (or another user's resource) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Range not satisfiable */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    dashboard_config_app_config_json_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DashboardConfig"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    dev_token_v1_dev_token_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DevTokenRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DevToken"];
                };
            };
            /** @description Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Payload too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Validation error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unavailable for now, the database for instance (see Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Any other error (e.g. 500 internal_error, 503 storage_unavailable), in the same envelope */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
}
// Shorthands: import type { Job } from './soundstage';
export type AnalysisResult = components["schemas"]["AnalysisResult"];
export type ApiKey = components["schemas"]["ApiKey"];
export type ApiKeyCreate = components["schemas"]["ApiKeyCreate"];
export type ApiKeyCreated = components["schemas"]["ApiKeyCreated"];
export type ApiKeyList = components["schemas"]["ApiKeyList"];
export type AudiobookJob = components["schemas"]["AudiobookJob"];
export type AudiobookParams = components["schemas"]["AudiobookParams"];
export type Body_create_upload_v1_uploads_post = components["schemas"]["Body_create_upload_v1_uploads_post"];
export type Body_studio_upload_audio_api_upload_audio_post = components["schemas"]["Body_studio_upload_audio_api_upload_audio_post"];
export type Body_studio_upload_image_api_upload_image_post = components["schemas"]["Body_studio_upload_image_api_upload_image_post"];
export type Body_studio_upload_midi_api_upload_midi_post = components["schemas"]["Body_studio_upload_midi_api_upload_midi_post"];
export type Branch = components["schemas"]["Branch"];
export type BranchCreate = components["schemas"]["BranchCreate"];
export type BranchList = components["schemas"]["BranchList"];
export type BranchMove = components["schemas"]["BranchMove"];
export type CastMember = components["schemas"]["CastMember"];
export type Checkout = components["schemas"]["Checkout"];
export type Commit = components["schemas"]["Commit"];
export type CommitCreate = components["schemas"]["CommitCreate"];
export type CommitFile = components["schemas"]["CommitFile"];
export type DashboardConfig = components["schemas"]["DashboardConfig"];
export type Delivery = components["schemas"]["Delivery"];
export type DeliveryList = components["schemas"]["DeliveryList"];
export type DevToken = components["schemas"]["DevToken"];
export type DevTokenRequest = components["schemas"]["DevTokenRequest"];
export type DevUser = components["schemas"]["DevUser"];
export type Diff = components["schemas"]["Diff"];
export type EffectsRequest = components["schemas"]["EffectsRequest"];
export type ErrorBody = components["schemas"]["ErrorBody"];
export type ErrorDetails = components["schemas"]["ErrorDetails"];
export type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];
export type FieldProblem = components["schemas"]["FieldProblem"];
export type FileChange = components["schemas"]["FileChange"];
export type FileIn = components["schemas"]["FileIn"];
export type ForkCreate = components["schemas"]["ForkCreate"];
export type GenerateRequest = components["schemas"]["GenerateRequest"];
export type GenerateResponse = components["schemas"]["GenerateResponse"];
export type GraphCommit = components["schemas"]["GraphCommit"];
export type Health = components["schemas"]["Health"];
export type HealthResponse = components["schemas"]["HealthResponse"];
export type History = components["schemas"]["History"];
export type Job = components["schemas"]["Job"];
export type JobBatch = components["schemas"]["JobBatch"];
export type JobBatchCreate = components["schemas"]["JobBatchCreate"];
export type JobCreate = components["schemas"]["JobCreate"];
export type JobError = components["schemas"]["JobError"];
export type JobList = components["schemas"]["JobList"];
export type JobOutput = components["schemas"]["JobOutput"];
export type JobStatus = components["schemas"]["JobStatus"];
export type LexiconEntry = components["schemas"]["LexiconEntry"];
export type LexiconEntryIn = components["schemas"]["LexiconEntryIn"];
export type LexiconList = components["schemas"]["LexiconList"];
export type Member = components["schemas"]["Member"];
export type MemberInvite = components["schemas"]["MemberInvite"];
export type MemberList = components["schemas"]["MemberList"];
export type MemberRole = components["schemas"]["MemberRole"];
export type MemberUpdate = components["schemas"]["MemberUpdate"];
export type PipelineInfo = components["schemas"]["PipelineInfo"];
export type PipelineList = components["schemas"]["PipelineList"];
export type Preview = components["schemas"]["Preview"];
export type PreviewChapter = components["schemas"]["PreviewChapter"];
export type Progress = components["schemas"]["Progress"];
export type Project = components["schemas"]["Project"];
export type ProjectCreate = components["schemas"]["ProjectCreate"];
export type ProjectList = components["schemas"]["ProjectList"];
export type ProjectTarget = components["schemas"]["ProjectTarget"];
export type ProjectUpdate = components["schemas"]["ProjectUpdate"];
export type ProviderCost = components["schemas"]["ProviderCost"];
export type QueueLimits = components["schemas"]["QueueLimits"];
export type QueueResponse = components["schemas"]["QueueResponse"];
export type QueueStatus = components["schemas"]["QueueStatus"];
export type QueuedJob = components["schemas"]["QueuedJob"];
export type QuotaInfo = components["schemas"]["QuotaInfo"];
export type Ready = components["schemas"]["Ready"];
export type RegenerateRequest = components["schemas"]["RegenerateRequest"];
export type Replacement = components["schemas"]["Replacement"];
export type Scope = components["schemas"]["Scope"];
export type SignUploadRequest = components["schemas"]["SignUploadRequest"];
export type SignedUpload = components["schemas"]["SignedUpload"];
export type Started = components["schemas"]["Started"];
export type StatusResponse = components["schemas"]["StatusResponse"];
export type SupabaseAuth = components["schemas"]["SupabaseAuth"];
export type Upload = components["schemas"]["Upload"];
export type UploadCategory = components["schemas"]["UploadCategory"];
export type UploadList = components["schemas"]["UploadList"];
export type UploadedObject = components["schemas"]["UploadedObject"];
export type Usage = components["schemas"]["Usage"];
export type UsageItem = components["schemas"]["UsageItem"];
export type Visibility = components["schemas"]["Visibility"];
export type VocalsRequest = components["schemas"]["VocalsRequest"];
export type VoiceList = components["schemas"]["VoiceList"];
export type VoiceOut = components["schemas"]["VoiceOut"];
export type Webhook = components["schemas"]["Webhook"];
export type WebhookCreate = components["schemas"]["WebhookCreate"];
export type WebhookList = components["schemas"]["WebhookList"];
export type WebhookTest = components["schemas"]["WebhookTest"];
export type WebhookWithSecret = components["schemas"]["WebhookWithSecret"];
export type OutputRef = components["schemas"]["OutputRef"];
export type AnalysisParams = components["schemas"]["AnalysisParams"];
export type JobCreateAnalysis = components["schemas"]["JobCreateAnalysis"];
export type JobAnalysis = components["schemas"]["JobAnalysis"];
export type JobCreateAudiobook = components["schemas"]["JobCreateAudiobook"];
export type JobAudiobook = components["schemas"]["JobAudiobook"];
export type Compressor = components["schemas"]["Compressor"];
export type Delay = components["schemas"]["Delay"];
export type Eq = components["schemas"]["Eq"];
export type Fade = components["schemas"]["Fade"];
export type Gain = components["schemas"]["Gain"];
export type Loudnorm = components["schemas"]["Loudnorm"];
export type PitchShift = components["schemas"]["PitchShift"];
export type Reverb = components["schemas"]["Reverb"];
export type TimeStretch = components["schemas"]["TimeStretch"];
export type Trim = components["schemas"]["Trim"];
export type EffectsParams = components["schemas"]["EffectsParams"];
export type JobCreateEffects = components["schemas"]["JobCreateEffects"];
export type JobEffects = components["schemas"]["JobEffects"];
export type HumParams = components["schemas"]["HumParams"];
export type JobCreateHumToBeat = components["schemas"]["JobCreateHumToBeat"];
export type JobHumToBeat = components["schemas"]["JobHumToBeat"];
export type MusicParams = components["schemas"]["MusicParams"];
export type JobCreateMusic = components["schemas"]["JobCreateMusic"];
export type JobMusic = components["schemas"]["JobMusic"];
export type SongParams = components["schemas"]["SongParams"];
export type JobCreateSong = components["schemas"]["JobCreateSong"];
export type JobSong = components["schemas"]["JobSong"];
export type StemsParams = components["schemas"]["StemsParams"];
export type JobCreateStems = components["schemas"]["JobCreateStems"];
export type JobStems = components["schemas"]["JobStems"];
export type ToneParams = components["schemas"]["ToneParams"];
export type JobCreateTone = components["schemas"]["JobCreateTone"];
export type JobTone = components["schemas"]["JobTone"];
export type Character = components["schemas"]["Character"];
export type MusicOptions = components["schemas"]["MusicOptions"];
export type SceneInput = components["schemas"]["SceneInput"];
export type VideoParams = components["schemas"]["VideoParams"];
export type JobCreateVideo = components["schemas"]["JobCreateVideo"];
export type JobVideo = components["schemas"]["JobVideo"];
export type InlineNote = components["schemas"]["InlineNote"];
export type UploadRef = components["schemas"]["UploadRef"];
export type VocalsParams = components["schemas"]["VocalsParams"];
export type JobCreateVocals = components["schemas"]["JobCreateVocals"];
export type JobVocals = components["schemas"]["JobVocals"];
export type JobBroadcast = components["schemas"]["JobBroadcast"];
export type JobBroadcastDeleted = components["schemas"]["JobBroadcastDeleted"];
export type JobBroadcastOutput = components["schemas"]["JobBroadcastOutput"];
export type JobEventRow = components["schemas"]["JobEventRow"];
export type JobOutputEvent = components["schemas"]["JobOutputEvent"];
export type JobProgressEvent = components["schemas"]["JobProgressEvent"];
export type JobRow = components["schemas"]["JobRow"];
export type JobStatusEvent = components["schemas"]["JobStatusEvent"];
export type JobEvent = components["schemas"]["JobEvent"];
export type CompatDetailError = components["schemas"]["CompatDetailError"];
export type CompatStudioError = components["schemas"]["CompatStudioError"];
