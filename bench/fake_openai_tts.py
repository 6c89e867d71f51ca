"""A fake OpenAI-compatible speech server for benchmarks: fixed latency, a hard concurrency cap.

Run it from the repository root::

    .venv/bin/python bench/fake_openai_tts.py --port 8765 --latency 1 --limit 8

then point the engine at it::

    SOUNDSTAGE_OPENAI_API_KEY=fake SOUNDSTAGE_OPENAI_BASE_URL=http://127.0.0.1:8765/v1 ...

``POST /v1/audio/speech`` (any bearer key, OpenAI's JSON body) waits ``--latency``
seconds and answers a real MP3 (24 kHz mono, 48 kbps CBR, a quiet tremolo tone)
lasting ``len(input) / --chars-per-second`` seconds, so decoding and mastering
downstream do real work. A request that would make more than ``--limit`` requests
in flight is refused at once with 429 (``code: concurrency_limit``) and counted
as a violation. ``GET /v1/audio/voices`` answers 404 (the engine then offers
OpenAI's own voice names).

``GET /stats`` returns the counters as JSON (requests, violations, the most
requests ever in flight, busy slot-seconds, first start and last end on the
server's ``time.time()`` clock, and each request's start and end);
``POST /stats/reset`` zeroes them. ``bench/audiobook.py`` starts this file as a
subprocess.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SAMPLE_RATE = 24_000
BITRATE = 48_000
# MPEG-2 layer III: 576 samples per frame.
FRAME_SECONDS = 576 / SAMPLE_RATE
# Bitrates (kbps) of MPEG-2/2.5 layer III by header index, and sample rates.
_MPEG2_L3_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0)
_MPEG1_L3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def frame_offsets(data: bytes) -> list[int]:
    """Byte offsets of the MP3 frames in ``data``, plus its end (ID3 and junk skipped)."""
    offsets: list[int] = []
    i = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        i = 10 + size
    while i + 4 <= len(data):
        b1, b2 = data[i + 1], data[i + 2]
        version = (b1 >> 3) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        layer = (b1 >> 1) & 3  # 1: layer III
        if data[i] != 0xFF or (b1 & 0xE0) != 0xE0 or version == 1 or layer != 1:
            i += 1
            continue
        kbps = (_MPEG1_L3_KBPS if version == 3 else _MPEG2_L3_KBPS)[b2 >> 4]
        rate_index = (b2 >> 2) & 3
        if kbps == 0 or rate_index == 3:
            i += 1
            continue
        rate = _RATES[version][rate_index]
        padding = (b2 >> 1) & 1
        length = (144 if version == 3 else 72) * kbps * 1000 // rate + padding
        offsets.append(i)
        i += length
    offsets.append(min(i, len(data)))
    return offsets


def make_mp3(seconds: float, workdir: Path) -> bytes:
    """A tone with a slow tremolo (speech-like level changes), as a headerless CBR MP3."""
    import imageio_ffmpeg

    out = workdir / "tone.mp3"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
            "-y", "-f", "lavfi",
            "-i", f"sine=frequency=190:sample_rate={SAMPLE_RATE}:duration={seconds:.3f}",
            "-af", "volume=0.25,tremolo=f=3:d=0.7",
            "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "libmp3lame", "-b:a", str(BITRATE),
            "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out.read_bytes()


@dataclass
class State:
    latency: float
    limit: int
    chars_per_second: float
    mp3: bytes
    offsets: list[int]
    in_flight: int = 0
    max_in_flight: int = 0
    requests: int = 0
    violations: int = 0
    characters: int = 0
    busy_seconds: float = 0.0
    spans: list[tuple[float, float]] = field(default_factory=list)

    def reset(self) -> None:
        self.max_in_flight = self.in_flight
        self.requests = self.violations = self.characters = 0
        self.busy_seconds = 0.0
        self.spans = []

    def audio_for(self, text: str) -> bytes:
        seconds = max(0.2, len(text) / self.chars_per_second)
        frames = min(len(self.offsets) - 1, math.ceil(seconds / FRAME_SECONDS))
        return self.mp3[: self.offsets[frames]]

    def stats(self) -> dict[str, Any]:
        return {
            "latency": self.latency,
            "limit": self.limit,
            "requests": self.requests,
            "violations": self.violations,
            "characters": self.characters,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
            "busy_seconds": round(self.busy_seconds, 4),
            "first_start": min((s for s, _ in self.spans), default=None),
            "last_end": max((e for _, e in self.spans), default=None),
            "spans": self.spans,
        }


def create_app(state: State) -> Starlette:
    async def speech(request: Request) -> Response:
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return JSONResponse({"error": {"message": "missing key"}}, status_code=401)
        try:
            body = await request.json()
            text = str(body["input"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": {"message": "bad request body"}}, status_code=400)
        if state.in_flight >= state.limit:
            state.violations += 1
            return JSONResponse(
                {"error": {"message": "too many requests in flight", "code": "concurrency_limit"}},
                status_code=429,
            )
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        start = time.time()
        try:
            await asyncio.sleep(state.latency)
            audio = state.audio_for(text)
        finally:
            state.in_flight -= 1
        end = time.time()
        state.requests += 1
        state.characters += len(text)
        state.busy_seconds += end - start
        state.spans.append((start, end))
        return Response(audio, media_type="audio/mpeg")

    async def voices(request: Request) -> Response:
        return JSONResponse({"detail": "Not Found"}, status_code=404)

    async def stats(request: Request) -> Response:
        if request.method == "POST":
            state.reset()
        return JSONResponse(state.stats())

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/v1/audio/speech", speech, methods=["POST"]),
            Route("/v1/audio/voices", voices, methods=["GET"]),
            Route("/stats", stats, methods=["GET"]),
            Route("/stats/reset", stats, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    p = argparse.ArgumentParser(description="Fake OpenAI-compatible speech server.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--latency", type=float, default=1.0, help="seconds per request")
    p.add_argument("--limit", type=int, default=8, help="requests in flight before 429")
    p.add_argument(
        "--chars-per-second",
        type=float,
        default=15.0,
        help="audio seconds returned = input characters / this",
    )
    p.add_argument("--max-chars", type=int, default=4096, help="longest input to cover")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fake-openai-tts-") as tmp:
        mp3 = make_mp3(args.max_chars / args.chars_per_second + 2, Path(tmp))
    state = State(args.latency, args.limit, args.chars_per_second, mp3, frame_offsets(mp3))
    uvicorn.run(
        create_app(state),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
