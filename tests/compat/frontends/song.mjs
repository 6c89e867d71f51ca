// The song backend's frontend code, from its integration guide
// (shared/predecessors/song-backend-diffrhythm-api.txt, "Frontend Integration
// Code" and "Testing Connection"), run under Node against a live engine. The
// guide's functions are verbatim; only API_BASE_URL points at the engine, and
// `window`/`document` are shims so downloadAudio's blob handling runs outside a
// browser. Prints what the frontend read, as JSON, on the last line.
const ENGINE = process.env.ENGINE_URL;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Configuration
const API_BASE_URL = `${ENGINE}/api/v1`;

// ---- verbatim from the guide ------------------------------------------------
// Example: Submit generation
async function submitGeneration(lyrics, stylePrompt) {
  const response = await fetch(`${API_BASE_URL}/generate`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      lyrics: lyrics,
      style_prompt: stylePrompt,
      audio_length: 95,
      batch_size: 1
    })
  });
  return await response.json();
}

// Example: Check status
async function checkStatus(jobId) {
  const response = await fetch(`${API_BASE_URL}/status/${jobId}`);
  return await response.json();
}

// Example: Download audio
async function downloadAudio(jobId) {
  const response = await fetch(`${API_BASE_URL}/download/${jobId}`);
  const blob = await response.blob();
  const url = window.URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `song_${jobId}.wav`;
  a.click();
  window.URL.revokeObjectURL(url);
}
// -----------------------------------------------------------------------------

const out = {};
// "From Browser Console"
out.health = await fetch(`${API_BASE_URL}/health`).then(r => r.json());

const submitted = await submitGeneration(
  "[00:01.00] Hello world\n[00:04.00] We sing along",
  "upbeat pop, 110 bpm",
);
out.submitted = submitted;
let status;
const seen = new Set();
for (let i = 0; i < 600; i++) {
  status = await checkStatus(submitted.job_id);
  seen.add(status.status);
  if (status.status === 'completed' || status.status === 'failed') break;
  await sleep(500);
}
out.status = status;
out.statuses_seen = [...seen];

let blob = null;
let clicked = null;
globalThis.window = {
  URL: { createObjectURL: (b) => { blob = b; return 'blob:song'; }, revokeObjectURL: () => {} },
};
globalThis.document = {
  createElement: () => { const a = { click() { clicked = { href: a.href, download: a.download }; } }; return a; },
};
if (status.status === 'completed') {
  await downloadAudio(submitted.job_id);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const ascii = (b) => String.fromCharCode(...b);
  out.download = {
    type: blob.type, size: bytes.length, riff: ascii(bytes.slice(0, 4)),
    wave: ascii(bytes.slice(8, 12)), clicked,
  };
}
out.queue = await fetch(`${API_BASE_URL}/queue`).then(r => r.json());

// The guide's X-API-Key header, with a Soundstage API key of another user: the
// job above is not theirs.
if (process.env.OTHER_API_KEY) {
  const r = await fetch(`${API_BASE_URL}/status/${submitted.job_id}`, {
    headers: { 'X-API-Key': process.env.OTHER_API_KEY },
  });
  out.other_key_status = { code: r.status, body: await r.json() };
}
console.log(JSON.stringify(out));
