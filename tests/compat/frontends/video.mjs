// The story-video frontend's calls, as its integration guide
// (story-video-backend-integration-guide.txt) specifies them: the health check
// behind its status badge, the form's POST, progress polling, then the video
// element's ranged reads. Run by test_video_compat.py under Node (global fetch).
// Usage: node video.mjs <API_BASE_URL> '<request body JSON>'
const API_BASE_URL = process.argv[2];
const body = JSON.parse(process.argv[3]);
const out = { progress: [] };

// Status badge: GET /health -> {"status": "ok"}
const health = await fetch(`${API_BASE_URL}/health`);
out.health = { status: health.status, body: await health.json() };

// The browser's CORS preflight for the JSON POST
const preflight = await fetch(`${API_BASE_URL}/api/generate-video`, {
  method: "OPTIONS",
  headers: {
    Origin: "http://localhost:5173",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Content-Type",
  },
});
out.preflight = {
  status: preflight.status,
  allowOrigin: preflight.headers.get("access-control-allow-origin"),
  allowMethods: preflight.headers.get("access-control-allow-methods"),
};

// "Generate Professional Video"
const started = await fetch(`${API_BASE_URL}/api/generate-video`, {
  method: "POST",
  headers: { "Content-Type": "application/json", Origin: "http://localhost:5173" },
  body: JSON.stringify(body),
});
out.started = { status: started.status, body: await started.json() };

// Poll /api/progress until complete or error
const deadline = Date.now() + 240_000;
let last = null;
while (Date.now() < deadline) {
  const res = await fetch(`${API_BASE_URL}/api/progress`);
  last = await res.json();
  out.progress.push(last);
  if (last.status === "complete" || last.status === "error") break;
  await new Promise((r) => setTimeout(r, 300));
}
out.final = last;

if (last && last.status === "complete") {
  const url = `${API_BASE_URL}/api/video/${last.video_path}`;
  // a <video> element's first ranged read
  const head = await fetch(url, { headers: { Range: "bytes=0-99" } });
  const bytes = new Uint8Array(await head.arrayBuffer());
  out.range = {
    status: head.status,
    contentType: head.headers.get("content-type"),
    contentRange: head.headers.get("content-range"),
    length: bytes.length,
    box: new TextDecoder().decode(bytes.slice(4, 8)),
  };
  const whole = await fetch(url);
  out.whole = {
    status: whole.status,
    contentType: whole.headers.get("content-type"),
    acceptRanges: whole.headers.get("accept-ranges"),
    length: (await whole.arrayBuffer()).byteLength,
  };
  const missing = await fetch(`${API_BASE_URL}/api/video/video_00000000-0000-0000-0000-000000000000.mp4`);
  out.missing = { status: missing.status };
}
console.log(JSON.stringify(out));
