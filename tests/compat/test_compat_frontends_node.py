"""Each drop-in API driven by its own frontend's code, under Node, against a
live engine.

The JavaScript is the ``fetch`` code of each old backend's integration guide
(tests/compat/frontends/*.mjs, verbatim between the marked lines), run by Node
against a real ``soundstage run`` (API + worker, its own embedded Postgres and
storage) in development with ``SOUNDSTAGE_COMPAT_ANONYMOUS_EMAIL`` set, so the
snippets that send no credentials run unchanged. The audiobook book is read by
the ``openai`` provider, served by a fake OpenAI-compatible speech server on
loopback that answers with real MP3. The assertions are on what those
frontends read. Without Node the module is skipped and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from live_engine import live_engine
from soundstage.audio.ffmpeg import ffmpeg_exe

NODE = shutil.which("node")
if NODE is None:
    pytest.skip(
        "node not found (apt-get install nodejs); frontend tests skipped", allow_module_level=True
    )

REPO = Path(__file__).resolve().parents[2]
FRONTENDS = Path(__file__).parent / "frontends"
ANONYMOUS = "frontend@example.com"


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="soundstage-compat-node-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def fake_openai(workdir: Path) -> Iterator[str]:
    """An OpenAI-compatible speech server: POST /v1/audio/speech answers a real
    MP3 (a tone as long as the text, roughly); no voice catalogue (404)."""
    clips: dict[int, bytes] = {}

    def clip(seconds: int) -> bytes:
        if seconds not in clips:
            out = workdir / f"speech-{seconds}.mp3"
            tone = f"sine=frequency=220:duration={seconds}"
            _ffmpeg("-f", "lavfi", "-i", tone, "-ac", "1", "-c:a", "libmp3lame", str(out))
            clips[seconds] = out.read_bytes()
        return clips[seconds]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            if self.path != "/v1/audio/speech" or "input" not in body:
                self.send_error(404)
                return
            data = clip(max(1, min(8, len(body["input"]) // 15)))
            self.send_response(200)
            self.send_header("Content-Type", "audio/mpeg")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self.send_error(404)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def engine_url(workdir: Path, fake_openai: str) -> Iterator[str]:
    """A real `soundstage run` (API + worker) on its own data dir and port."""
    with live_engine(
        workdir,
        {
            "SOUNDSTAGE_COMPAT_ANONYMOUS_EMAIL": ANONYMOUS,
            "SOUNDSTAGE_OPENAI_API_KEY": "sk-fake-openai",
            "SOUNDSTAGE_OPENAI_BASE_URL": fake_openai,
            "SOUNDSTAGE_OPENAI_TTS_MODEL": "tts-1",
        },
    ) as url:
        yield url


def _token(url: str, email: str) -> str:
    r = httpx.post(f"{url}/v1/dev/token", json={"email": email}, timeout=30)
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def _node(script: str, env: dict[str, str], timeout: float = 420) -> dict[str, Any]:
    done = subprocess.run(
        [str(NODE), str(FRONTENDS / script)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_song_frontend(engine_url: str) -> None:
    other = _token(engine_url, "song-other@example.com")
    key = httpx.post(
        f"{engine_url}/v1/api-keys",
        json={"name": "song frontend", "scopes": ["jobs:read", "jobs:write"]},
        headers={"Authorization": f"Bearer {other}"},
    ).json()["key"]
    out = _node("song.mjs", {"ENGINE_URL": engine_url, "OTHER_API_KEY": key})

    assert out["health"]["status"] == "healthy"
    assert out["submitted"]["status"] == "queued" and out["submitted"]["job_id"]
    status = out["status"]
    assert status["status"] == "completed", status
    assert status["progress"] == 100 and status["error"] is None
    assert set(out["statuses_seen"]) <= {"queued", "processing", "completed"}
    download = out["download"]
    assert download["type"] == "audio/wav"
    assert (download["riff"], download["wave"]) == ("RIFF", "WAVE")
    # 95 s of 16-bit stereo 44.1 kHz, give or take the header
    assert abs(download["size"] - 95 * 44100 * 4) < 44100 * 4
    assert download["clicked"]["download"] == f"song_{out['submitted']['job_id']}.wav"
    assert {"queue_length", "processing", "workers"} <= set(out["queue"])
    # X-API-Key of another user: the job is not theirs, in this API's shape
    assert out["other_key_status"] == {"code": 404, "body": {"detail": "Job not found"}}


def test_the_audiobook_frontend(engine_url: str) -> None:
    token = _token(engine_url, "reader@example.com")
    other = _token(engine_url, "book-other@example.com")
    out = _node(
        "audiobook.mjs",
        {"NEXT_PUBLIC_ENGINE_API_URL": engine_url, "TOKEN": token, "OTHER_TOKEN": other},
    )
    assert out["listed"] == []
    assert out["created"]["code"] == 201
    created = out["created"]["job"]
    assert created["status"] == "pending" and created["title"] == "My Audiobook"
    assert created["tts_provider"] == "openai" and created["narrator_voice_id"] == "alloy"
    final = out["final"]
    assert final["status"] == "completed", final
    assert final["progress_percent"] == 100 and final["error"] is None
    assert out["progress"][-1] == 100
    assert all(isinstance(p, int) and 0 <= p <= 100 for p in out["progress"])

    assert out["download"]["code"] == 302
    fetched = out["download"]["fetched"]
    assert fetched["code"] == 200 and fetched["type"] == "audio/mpeg" and fetched["size"] > 1000

    assert out["root"]["docs"] == "/docs" and out["health"] == {"status": "ok"}
    assert out["queue"]["status"] == "ok" and "queue_size" in out["queue"]
    voices = out["voices"]["voices"]
    assert any(v["voice_id"] == "alloy" and v["provider"] == "openai" for v in voices)
    assert [j["id"] for j in out["completed_list"]] == [created["id"]]
    assert out["pending_list"] == []
    assert out["other_user"] == {"code": 404, "body": {"detail": "Job not found"}}
    assert out["deleted"]["code"] == 200
    assert out["after_delete"] == {"code": 404, "body": {"detail": "Job not found"}}


@pytest.fixture(scope="module")
def studio_run(engine_url: str, workdir: Path) -> dict[str, Any]:
    wav = workdir / "clip.wav"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-ac", "2", str(wav))
    other = _token(engine_url, "studio-other@example.com")
    theirs = httpx.post(
        f"{engine_url}/v1/jobs",
        json={"kind": "tone", "params": {"seconds": 1}},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert theirs.status_code == 202, theirs.text
    return _node(
        "studio.mjs",
        {
            "ENGINE_URL": engine_url,
            "AUDIO_PATH": str(wav),
            "OTHER_JOB_ID": theirs.json()["id"],
            "POLL_VOCALS": "1",
        },
    )


def test_the_studio_frontend(studio_run: dict[str, Any]) -> None:
    out = studio_run
    upload = out["upload"]
    assert upload["success"] is True
    assert upload["path"] == f"storage/uploads/audio/{upload['upload_id']}.wav"
    assert out["health"]["success"] is True and out["health"]["rq_available"] is True

    assert out["effects_queued"]["code"] == 202 and out["effects_queued"]["body"]["success"]
    polled = out["effects_polled"]
    assert polled["label"] == "Result:", polled
    assert "processed.wav" in polled["value"]["files"]
    assert out["effects_file"]["code"] == 200 and out["effects_file"]["riff"] == "RIFF"

    assert out["other_job"] == {"code": 404, "body": {"success": False, "error": "Job not found"}}
    assert out["bad_upload"]["code"] == 400
    assert out["bad_upload"]["body"] == {
        "success": False,
        "error": "Invalid file type. Allowed: .wav, .mp3, .flac",
    }


def test_the_studio_vocals_frontend(studio_run: dict[str, Any]) -> None:
    out = studio_run
    if out["vocals_queued"]["code"] == 503:
        # This branch's engine has no `vocals` kind yet (it is built in parallel):
        # the route says so clearly, in the studio's envelope.
        refused = out["vocals_refused"]
        assert refused["success"] is False and "`vocals` job kind" in refused["error"]
        pytest.skip("the `vocals` job kind is not in this engine yet; its route answers 503")
    assert out["vocals_queued"]["code"] == 202 and out["vocals_queued"]["job_id"]
    polled = out["vocals_polled"]
    assert polled["label"] == "Result:", polled
    assert "vocals.wav" in polled["value"]["files"]
