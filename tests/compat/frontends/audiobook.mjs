// The audiobook backend's frontend code, from its integration guide
// (shared/predecessors/audiobook-backend-supabase.txt, "Integration Points"),
// run under Node against a live engine. The TypeScript snippets are verbatim
// (they carry no type annotations); `supabase` is a shim whose session holds an
// engine access token, `setProgress` records what the UI would show, and the
// 5-second poll interval is shortened. Prints what the frontend read, as JSON.
const process_env = process.env;
const supabase = {
  auth: { getSession: async () => ({ data: { session: { access_token: process_env.TOKEN } } }) },
};
const text = "Chapter 1\n\nOnce upon a time there was a small engine. It read books aloud.\n\n\"Hello,\" said the engine.";
const progress = [];
const setProgress = (p) => progress.push(p);
const out = {};

// ---- verbatim from the guide ------------------------------------------------
const API_URL = process.env.NEXT_PUBLIC_ENGINE_API_URL

// Get token from Supabase Auth
const { data: { session } } = await supabase.auth.getSession()
const token = session?.access_token

// Use in API calls
out.listed = await (await fetch(`${API_URL}/jobs`, {
  headers: {
    'Authorization': `Bearer ${token}`,
    'Content-Type': 'application/json'
  }
})).json()

const response = await fetch(`${API_URL}/jobs`, {
  method: 'POST',
  headers: {
    'Authorization': `Bearer ${token}`,
    'Content-Type': 'application/json'
  },
  body: JSON.stringify({
    title: "My Audiobook",
    source_type: "paste",
    manuscript_text: text,
    mode: "single_voice",
    tts_provider: "openai",
    narrator_voice_id: "alloy",
    audio_format: "mp3",
    audio_bitrate: "128k"
  })
})

const job = await response.json()
console.error("Job created:", job.id)
// -----------------------------------------------------------------------------
out.created = { code: response.status, job };
const jobId = job.id;

let last = null;
await new Promise((done) => {
  // the guide's poll, verbatim inside; its interval is 5 s, shortened here
  const setInterval = (fn, ms) => globalThis.setInterval(fn, Math.min(ms, 300));
  const clearInterval = (id) => { globalThis.clearInterval(id); done(); };
  // ---- verbatim from the guide ----------------------------------------------
  const interval = setInterval(async () => {
    const response = await fetch(`${API_URL}/jobs/${jobId}`, {
      headers: { 'Authorization': `Bearer ${token}` }
    })
    const job = await response.json()

    setProgress(job.progress_percent)

    if (job.status === 'completed' || job.status === 'failed') {
      clearInterval(interval)
    }
  }, 5000) // Poll every 5 seconds
  // ---------------------------------------------------------------------------
});
last = await (await fetch(`${API_URL}/jobs/${jobId}`, { headers: { 'Authorization': `Bearer ${token}` } })).json();
out.final = last;
out.progress = progress;

// "User downloads audiobook": GET /jobs/{id}/download, a redirect to a signed URL
const auth = { 'Authorization': `Bearer ${token}` };
const redirect = await fetch(`${API_URL}/jobs/${jobId}/download`, { headers: auth, redirect: 'manual' });
out.download = { code: redirect.status, location: redirect.headers.get('location') };
if (redirect.status === 302) {
  const file = await fetch(new URL(redirect.headers.get('location'), API_URL));
  const bytes = new Uint8Array(await file.arrayBuffer());
  out.download.fetched = { code: file.status, type: file.headers.get('content-type'), size: bytes.length };
}
out.root = await (await fetch(`${API_URL}/`)).json();
out.health = await (await fetch(`${API_URL}/health`)).json();
out.queue = await (await fetch(`${API_URL}/queue/status`, { headers: auth })).json();
out.voices = await (await fetch(`${API_URL}/voices?provider=openai`)).json();
out.completed_list = await (await fetch(`${API_URL}/jobs?status=completed`, { headers: auth })).json();
out.pending_list = await (await fetch(`${API_URL}/jobs?status=pending`, { headers: auth })).json();
if (process_env.OTHER_TOKEN) {
  const r = await fetch(`${API_URL}/jobs/${jobId}`, { headers: { 'Authorization': `Bearer ${process_env.OTHER_TOKEN}` } });
  out.other_user = { code: r.status, body: await r.json() };
}
const del = await fetch(`${API_URL}/jobs/${jobId}`, { method: 'DELETE', headers: auth });
out.deleted = { code: del.status, body: await del.json() };
const gone = await fetch(`${API_URL}/jobs/${jobId}`, { headers: auth });
out.after_delete = { code: gone.status, body: await gone.json() };
console.log(JSON.stringify(out));
