// The music studio (BeatFlow) frontend's calls, as plain fetch from Node, against
// a running engine: BASE (http://127.0.0.1:port), TOKEN (a Bearer token), and
// WAV (a path to a short WAV file). Prints one JSON object of what it saw.
import { readFileSync } from "node:fs";

const BASE = process.env.BASE;
const headers = { Authorization: `Bearer ${process.env.TOKEN}` };
const json = { ...headers, "Content-Type": "application/json" };
const seen = {};

async function call(name, url, init = {}) {
  const res = await fetch(`${BASE}${url}`, { headers, ...init });
  const type = res.headers.get("content-type") || "";
  const body = type.includes("json") ? await res.json() : await res.arrayBuffer();
  seen[name] = { status: res.status, body: type.includes("json") ? body : { bytes: body.byteLength, type } };
  return body;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function poll(taskId) {
  for (let i = 0; i < 600; i++) {
    const s = await call("status", `/api/ai/status/${taskId}`);
    (seen.statuses ||= []).push(s.status);
    if (s.status === "success" || s.status === "failure") return s;
    await sleep(200);
  }
  throw new Error("task never finished");
}

// repositories: the owner_id the old frontend sends is ignored
const repo = await call("create_repo", "/api/repositories/create?owner_id=00000000-0000-0000-0000-000000000000", {
  method: "POST", headers: json,
  body: JSON.stringify({ name: "Beat tape", description: "late night", is_public: true, genre: "lofi" }),
});
await call("get_repo", `/api/repositories/${repo.id}`);

// audio upload (multipart, field "file"), then download by filename
const form = new FormData();
form.append("file", new Blob([readFileSync(process.env.WAV)], { type: "audio/wav" }), "take1.wav");
const up = await call("upload", "/api/audio/upload", { method: "POST", body: form });
await call("download", `/api/audio/download/${up.filename}`);
await call("analyze_upload", `/api/ai/analyze-audio?file_path=${encodeURIComponent(up.path)}`, { method: "POST" });

// generation into the repository: polled to success, then it is the first commit
const gen = await call("generate", "/api/ai/generate", {
  method: "POST", headers: json,
  body: JSON.stringify({ prompt: "Upbeat electronic dance music", bpm: 128, mood: "energetic", duration: 5, repo_id: repo.id }),
});
const done = await poll(gen.task_id);
await call("download_generated", done.result.file_path);
const hist1 = await call("history_after_generate", `/api/vcs/history/${repo.id}`);

// a manual commit on top, then the commit and the history
const c = await call("commit", `/api/vcs/commit/${repo.id}`, {
  method: "POST", headers: json,
  body: JSON.stringify({ parent_commit_id: hist1.commits[0].id, message: "Added 808 bass", bpm: 120, key_signature: "C Major", generation_params: { prompt: "808" } }),
});
await call("get_commit", `/api/vcs/commit/${hist1.commits[0].id}`);
await call("get_manual_commit", `/api/vcs/commit/${c.id}`);
await call("history", `/api/vcs/history/${repo.id}`);

// fork, as the docs show it (JSON body)
await call("fork", "/api/vcs/fork", {
  method: "POST", headers: json,
  body: JSON.stringify({ original_repo_id: repo.id, fork_name: "My Remix", owner_id: "00000000-0000-0000-0000-000000000000" }),
});

// tools: stems and hum-to-beat are queued, batch makes several tasks
await call("stems", "/api/ai/separate-stems", {
  method: "POST", headers: json, body: JSON.stringify({ file_path: done.result.file_path }),
});
const hum = new FormData();
hum.append("file_upload", new Blob([readFileSync(process.env.WAV)], { type: "audio/wav" }), "hum.wav");
await call("hum", "/api/ai/hum-to-beat?bpm=100&mood=calm", { method: "POST", body: hum });
await call("batch", "/api/ai/batch-generate", {
  method: "POST", headers: json,
  body: JSON.stringify([{ prompt: "a", duration: 5 }, { prompt: "b", duration: 5, bpm: 90 }]),
});

console.log(JSON.stringify(seen));
