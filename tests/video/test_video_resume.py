"""A retried video job reuses its checkpoints (no second script, picture or
narration), and a cancelled one stops its ffmpeg at once. The pipeline runs
against an in-memory job context; every provider and ffmpeg are real."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from pydantic import SecretStr

from soundstage.config import Settings
from soundstage.pipelines import Checkpoint
from soundstage.providers.image.local import LocalImageProvider
from soundstage.providers.llm.local import TemplateScriptWriter
from soundstage.providers.tts.local import LocalTTSProvider
from soundstage.video.pipeline import run
from soundstage.video.schemas import VideoParams


class MemoryContext:
    """The JobContext protocol, in memory: checkpoints survive between runs."""

    def __init__(self, root: Path, settings: Settings, dsn: str) -> None:
        self.dsn = dsn
        self.root = root
        self.job_id = uuid.uuid4()
        self.user_id = uuid.uuid4()
        self.attempt = 1
        self.settings = settings
        self.store = root / "store"
        self.store.mkdir(parents=True)
        self.saved: dict[str, Checkpoint] = {}
        self.outputs: dict[str, Path] = {}
        self.events: list[tuple[float, str | None, str | None]] = []
        self.compiling = asyncio.Event()
        self.workdir = root / "work-1"

    def new_attempt(self) -> None:
        self.attempt += 1
        self.workdir = self.root / f"work-{self.attempt}"
        self.outputs.clear()
        self.events.clear()

    async def progress(self, percent: float, stage: str | None = None,
                       message: str | None = None) -> None:  # fmt: skip
        self.events.append((percent, stage, message))
        if stage == "compilation" and percent > 78:
            self.compiling.set()

    async def add_output(self, name: str, path: Path, content_type: str) -> None:
        self.outputs[name] = Path(shutil.copy(path, self.store / f"out-{name}"))

    async def checkpoint(self, unit: str, path: Path | None = None,
                         data: dict[str, Any] | None = None) -> None:  # fmt: skip
        stored = None
        if path is not None:
            stored = str(shutil.copy(path, self.store / f"cp-{unit}{path.suffix}"))
        self.saved[unit] = Checkpoint(unit, data or {}, "memory" if stored else None, stored)

    async def completed(self) -> dict[str, Checkpoint]:
        return dict(self.saved)

    async def restore(self, checkpoint: Checkpoint, target: Path) -> Path:
        assert checkpoint.object_path is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(checkpoint.object_path, target))

    @contextlib.asynccontextmanager
    async def as_owner(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await asyncpg.connect(self.dsn)
        try:
            yield conn
        finally:
            await conn.close()

    @property
    def storage(self) -> Any:
        raise AssertionError("outputs go through add_output")

    async def fetch_upload(self, upload_id: uuid.UUID, target_dir: Path) -> Any:
        raise AssertionError("no uploads in these tests")

    async def fetch_output(self, job_id: uuid.UUID, name: str, target_dir: Path) -> Path:
        raise AssertionError("no outputs of other jobs in these tests")


PARAMS = VideoParams(topic="A quiet harbour", story_type="mystery", duration=0.5, num_scenes=3,
                     resolution="480p", music=False, subtitles="sidecar")  # fmt: skip


@pytest.fixture
def ctx(tmp_path: Path, settings: Settings, dsn: str) -> MemoryContext:
    context = MemoryContext(tmp_path, settings, dsn)
    context.workdir.mkdir()
    return context


async def test_a_retry_reuses_script_pictures_and_narration(
    ctx: MemoryContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await run(ctx, PARAMS)  # type: ignore[arg-type]
    units = set(ctx.saved)
    assert units == {"script", *(f"image-{i:02d}" for i in range(3)),
                     *(f"narration-{i:02d}" for i in range(3))}  # fmt: skip
    first = ctx.outputs["script.json"].read_text()

    async def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a finished stage ran again")

    # a second attempt: any provider call would fail the job
    monkeypatch.setattr(TemplateScriptWriter, "write", refuse)
    monkeypatch.setattr(LocalImageProvider, "generate", refuse)
    monkeypatch.setattr(LocalTTSProvider, "synthesize", refuse)
    ctx.new_attempt()
    ctx.workdir.mkdir()
    await run(ctx, PARAMS)  # type: ignore[arg-type]
    assert set(ctx.outputs) == {"video.mp4", "poster.jpg", "captions.vtt", "script.json"}
    assert ctx.outputs["script.json"].read_text() == first
    assert ctx.events[-1] == (100, "done", "Video ready for download")


def _ffmpeg_children() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"ffmpeg" in cmd:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
async def test_cancelling_during_compilation_kills_ffmpeg(ctx: MemoryContext) -> None:
    params = PARAMS.model_copy(update={"resolution": "720p"})
    task = asyncio.create_task(run(ctx, params))  # type: ignore[arg-type]
    await asyncio.wait_for(ctx.compiling.wait(), 180)
    assert _ffmpeg_children(), "ffmpeg should be encoding now"
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 1.0
    assert _ffmpeg_children() == []
    assert "video.mp4" not in ctx.outputs


async def test_stock_photos_carry_their_attribution_and_fall_back_to_local_art(
    tmp_path: Path, settings: Settings, dsn: str
) -> None:
    import io
    import json

    from PIL import Image

    from fake_http import FakeServer, Reply

    buf = io.BytesIO()
    Image.new("RGB", (300, 500), (10, 120, 200)).save(buf, "JPEG")
    with FakeServer() as pexels:
        photos = [{"id": 1, "url": "https://www.pexels.com/photo/1/", "photographer": "Ann Lee",
                   "photographer_url": "https://www.pexels.com/@ann",
                   "src": {"large2x": f"{pexels.url}/p/1.jpeg"}}]  # fmt: skip
        # the first search finds a photo, the next ones nothing: those scenes get local art
        pexels.route(
            "GET", "/v1/search", Reply(body={"photos": photos}), Reply(body={"photos": []})
        )
        pexels.route("GET", "/p/1.jpeg", Reply(body=buf.getvalue(),
                                               headers={"Content-Type": "image/jpeg"}))  # fmt: skip
        configured = settings.model_copy(
            update={"pexels_api_key": SecretStr("pexels-key"), "pexels_base_url": pexels.url}
        )
        ctx = MemoryContext(tmp_path, configured, dsn)
        ctx.workdir.mkdir()
        params = PARAMS.model_copy(update={"image_mode": "stock", "subtitles": "none",
                                           "stock_keywords": ["harbour", "fog"]})  # fmt: skip
        await run(ctx, params)  # type: ignore[arg-type]
    report = json.loads(ctx.outputs["script.json"].read_text())
    providers = [s["image"]["provider"] for s in report["scenes"]]
    assert providers.count("pexels") == 1 and providers.count("local") == 2
    assert report["attributions"] == ["Photo by Ann Lee on Pexels"]
    assert any("stock search found nothing" in n for n in report["notes"])
    searches = [s for s in pexels.seen if s.path == "/v1/search"]
    assert all(s.headers["authorization"] == "pexels-key" for s in searches)
