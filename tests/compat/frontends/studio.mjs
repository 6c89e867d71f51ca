// The mini studio's frontend code, from its guide
// (shared/predecessors/mini-studio-backend.txt, "API Usage Examples"), run under
// Node against a live engine. The snippets are verbatim. They use relative URLs
// (the page is served by the backend), so `fetch` resolves them against the
// engine as a page of its origin would; `audioFile` is a File of a real WAV.
// Prints what the frontend read, as JSON, on the last line.
import { readFileSync } from 'node:fs';

const ENGINE = process.env.ENGINE_URL;
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init) => realFetch(new URL(url, ENGINE), init);
const audioFile = new File([readFileSync(process.env.AUDIO_PATH)], 'clip.wav', { type: 'audio/wav' });
const out = {};

// ---- verbatim from the guide: File Upload -----------------------------------
const formData = new FormData();
formData.append('file', audioFile);

const response = await fetch('/api/upload/audio', {
    method: 'POST',
    body: formData
});

const result = await response.json();
// result.path contains the uploaded file path
// -----------------------------------------------------------------------------
out.upload = result;

out.health = await (await fetch('/api/jobs/health')).json();

// The guide's polling code, verbatim, for a job id; resolves with what it logged.
function poll(job_id) {
  return new Promise((resolve) => {
    const console = {
      log: (label, value) => resolve({ label, value }),
    };
    // ---- verbatim from the guide: Poll for results ----------------------------
    const checkStatus = async () => {
        const statusResponse = await fetch(`/api/jobs/${job_id}`);
        const status = await statusResponse.json();

        if (status.status === 'finished') {
            console.log('Result:', status.result);
        } else if (status.status === 'failed') {
            console.log('Error:', status.error);
        } else {
            // Still processing, check again
            setTimeout(checkStatus, 2000);
        }
    };

    checkStatus();
    // ---------------------------------------------------------------------------
  });
}

// An effects job on the uploaded file (the route the guide lists; its body
// names the file by the path the upload answered)
const effects = await fetch('/api/jobs/effects', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ path: result.path, effects: [{ type: 'gain', db: -3 }], format: 'wav' }),
});
const queued = await effects.json();
out.effects_queued = { code: effects.status, body: queued };
out.effects_polled = await poll(queued.job_id);
if (out.effects_polled.label === 'Result:') {
  const file = await realFetch(new URL(out.effects_polled.value.url, ENGINE));
  const bytes = new Uint8Array(await file.arrayBuffer());
  out.effects_file = { code: file.status, size: bytes.length, riff: String.fromCharCode(...bytes.slice(0, 4)) };
}

// ---- verbatim from the guide: Background Jobs (queue a job) ------------------
const jobResponse = await fetch('/api/jobs/vocals', {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({
        lyrics: "Hello world",
        voice: "default",
        bpm: 120
    })
});

const {job_id} = await jobResponse.json();
// -----------------------------------------------------------------------------
out.vocals_queued = { code: jobResponse.status, job_id: job_id ?? null };
if (jobResponse.status !== 202) {
  const again = await fetch('/api/jobs/vocals', {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({ lyrics: "Hello world", voice: "default", bpm: 120 }),
  });
  out.vocals_refused = await again.json();
} else if (process.env.POLL_VOCALS) {
  out.vocals_polled = await poll(job_id);
}

// Someone else's job is not found, in the studio's envelope
if (process.env.OTHER_JOB_ID) {
  const r = await fetch(`/api/jobs/${process.env.OTHER_JOB_ID}`);
  out.other_job = { code: r.status, body: await r.json() };
}
const bad = new FormData();
bad.append('file', new File([new Uint8Array([1, 2, 3])], 'song.ogg', { type: 'audio/ogg' }));
const refused = await fetch('/api/upload/audio', { method: 'POST', body: bad });
out.bad_upload = { code: refused.status, body: await refused.json() };
console.log(JSON.stringify(out));
