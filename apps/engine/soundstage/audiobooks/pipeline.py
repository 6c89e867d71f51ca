"""``audiobook``: a manuscript to mastered, chaptered MP3s and an M4B.

Stages: read and plan (chapters -> normalised text -> units within the
provider's limits) -> synthesise units in parallel within the provider's
concurrency, checkpointing each (its audio stored, a row written), so a retry
or a takeover skips finished units -> measure the whole book's speech once ->
assemble each chapter with pauses and room tone, apply the one gain with a
limiter -> encode MP3s and the M4B -> transcript and quality report.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from soundstage.audio.master import (
    SAMPLE_RATE,
    ChapterReport,
    Cue,
    PcmStats,
    Piece,
    assemble,
    join_m4b,
    master_chapter,
    pcm_stats,
    plan_gain,
    to_pcm,
    wav_seconds,
    write_vtt,
)
from soundstage.audiobooks.manuscript import (
    Manuscript,
    ManuscriptError,
    parse_manuscript,
)
from soundstage.audiobooks.plan import PlannedChapter, Unit, plan_chapter
from soundstage.audiobooks.schemas import AudiobookParams
from soundstage.audiobooks.service import admit, parse_pasted
from soundstage.audiobooks.text import split_sentences
from soundstage.errors import PermanentError
from soundstage.lexicon.repository import lexicon_for_user
from soundstage.pipelines import JobContext, Pipeline
from soundstage.providers.tts import TTSProvider, pick_dual_voices, provider_for_job, resolve_voice

HEAD_SECONDS = 0.75
TAIL_SECONDS = 2.0


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60].strip("-")
    return slug or fallback


async def _manuscript(ctx: JobContext, params: AudiobookParams) -> Manuscript:
    try:
        if params.text is not None:
            return await asyncio.to_thread(parse_pasted, params.text)
        assert params.upload_id is not None
        upload = await ctx.fetch_upload(params.upload_id, ctx.workdir / "source")
        return await asyncio.to_thread(parse_manuscript, upload.path, upload.format)
    except ManuscriptError as exc:
        raise PermanentError(str(exc)) from exc


async def _voices(provider: TTSProvider, params: AudiobookParams) -> tuple[str, str | None]:
    """Full voice ids for narration and (dual mode) dialogue."""
    narrator, dialogue = params.narrator_voice, params.dialogue_voice
    if narrator is None or (params.mode == "dual" and dialogue is None):
        first, second, _ = pick_dual_voices(await provider.voices())
        narrator = narrator or first.id
        if params.mode == "dual" and dialogue is None:
            dialogue = second.id if second.id != narrator else first.id
    return narrator, dialogue if params.mode == "dual" else None


def _plan(
    manuscript: Manuscript,
    params: AudiobookParams,
    provider: TTSProvider,
    narrator: str,
    dialogue: str | None,
    lexicon: dict[str, str],
) -> list[PlannedChapter]:
    numbers = params.chapters or list(range(1, len(manuscript.chapters) + 1))
    if numbers[-1] > len(manuscript.chapters):
        raise PermanentError(f"the book has {len(manuscript.chapters)} chapters")
    return [
        plan_chapter(
            manuscript.chapters[n - 1],
            n,
            narrator=params.chapter_voices.get(n, narrator),
            dialogue=dialogue,
            max_chars=provider.max_chars,
            preferred_chars=provider.preferred_chars,
            lexicon=lexicon,
            replacements=params.replacements,
        )
        for n in numbers
    ]


class _Synthesis:
    """Renders every unit once, in parallel, reusing checkpointed renders."""

    def __init__(
        self, ctx: JobContext, provider: TTSProvider, chapters: Sequence[PlannedChapter]
    ) -> None:
        self.ctx = ctx
        self.provider = provider
        self.chapters = chapters
        self.units = [u for c in chapters for u in c.units if u.speaks]
        self.total = sum(len(u.text) for u in self.units) or 1
        self.done_chars = 0
        self.dir = ctx.workdir / "units"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.paths: dict[str, Path] = {}
        self.stats: dict[str, PcmStats] = {}
        self._remaining = {c.number: sum(1 for u in c.units if u.speaks) for c in chapters}

    def path(self, unit: Unit) -> Path:
        return self.dir / f"{unit.id}.wav"

    async def run(self) -> dict[str, Path]:
        stored = await self.ctx.completed()
        queue: asyncio.Queue[Unit] = asyncio.Queue()
        for unit in self.units:
            cp = stored.get(unit.id)
            if cp is not None and cp.data.get("fingerprint") == unit.fingerprint():
                await self.ctx.restore(cp, self.path(unit))
                self.paths[unit.id] = self.path(unit)
                self.stats[unit.id] = (
                    PcmStats(**cp.data["pcm"])
                    if "pcm" in cp.data
                    else await asyncio.to_thread(pcm_stats, self.path(unit))
                )
                await self._advance(unit)
            else:
                queue.put_nowait(unit)
        # The provider's own semaphore bounds the calls; a task per call plus a
        # few more, so while one task converts and checkpoints the audio it got,
        # another is already waiting with the next request (a remote API's
        # slots never sit idle behind our own post-processing).
        n = max(1, self.provider.concurrency) + max(2, self.provider.concurrency // 2)
        workers = [asyncio.create_task(self._work(queue)) for _ in range(n)]
        try:
            await asyncio.gather(*workers)
        finally:
            for w in workers:
                w.cancel()
        return self.paths

    async def _work(self, queue: asyncio.Queue[Unit]) -> None:
        while not queue.empty():
            unit = queue.get_nowait()
            neighbours = self._neighbours(unit)
            result = await self.provider.synthesize(
                unit.text,
                resolve_voice(unit.voice)[1],
                self.ctx.workdir / "raw",
                previous_text=neighbours[0],
                next_text=neighbours[1],
            )
            target = self.path(unit)
            stats = await to_pcm(result.path, target)
            with contextlib.suppress(FileNotFoundError):
                result.path.unlink()
            await self.ctx.checkpoint(
                unit.id,
                target,
                {
                    "fingerprint": unit.fingerprint(),
                    "seconds": stats.frames / SAMPLE_RATE,
                    "pcm": asdict(stats),
                },
            )
            self.paths[unit.id] = target
            self.stats[unit.id] = stats
            await self._advance(unit)

    def _neighbours(self, unit: Unit) -> tuple[str | None, str | None]:
        chapter = next(c for c in self.chapters if c.number == unit.chapter)
        i = unit.index
        prev = chapter.units[i - 1].text if i > 0 else None
        nxt = chapter.units[i + 1].text if i + 1 < len(chapter.units) else None
        return prev, nxt

    async def _advance(self, unit: Unit) -> None:
        self.done_chars += len(unit.text)
        self._remaining[unit.chapter] -= 1
        current = next(
            (i for i, c in enumerate(self.chapters, 1) if self._remaining[c.number] > 0),
            len(self.chapters),
        )
        await self.ctx.progress(
            85 * self.done_chars / self.total,
            stage=f"Synthesising chapter {current} of {len(self.chapters)}",
        )


def _cues(
    chapter: PlannedChapter, placed: dict[str, tuple[float, float]], offset: float
) -> list[Cue]:
    """Sentence timings: each unit's time shared among its sentences by length."""
    cues: list[Cue] = []
    for unit in chapter.units:
        if unit.id not in placed:
            continue
        start, end = placed[unit.id]
        sentences = [s for s in split_sentences(unit.text) if s.strip()] or [unit.text]
        total = sum(len(s) for s in sentences)
        clock = start
        for s in sentences:
            length = (end - start) * len(s) / total
            cues.append(Cue(offset + clock, offset + clock + length, s))
            clock += length
    return cues


@dataclass
class _Mastered:
    report: ChapterReport
    seconds: float
    placed: dict[str, tuple[float, float]]
    aac: Path | None


class _Mastering:
    """Pass two, a chapter per task, as many chapters at once as there are
    cores: each chapter is joined (a stream copy), then limited, measured and
    encoded to MP3 and AAC by one ffmpeg process (see ``master_chapter``)."""

    def __init__(
        self,
        ctx: JobContext,
        params: AudiobookParams,
        chapters: Sequence[PlannedChapter],
        paths: dict[str, Path],
        gain: float,
        title: str,
        author: str,
        out: Path,
    ) -> None:
        self.ctx, self.params, self.chapters, self.paths = ctx, params, chapters, paths
        self.gain, self.title, self.author, self.out = gain, title, author, out
        self._slots = asyncio.Semaphore(max(1, os.cpu_count() or 1))
        self._done = 0

    async def run(self) -> list[_Mastered]:
        await self.ctx.progress(87, stage=f"Mastering {len(self.chapters)} chapters")
        return list(
            await asyncio.gather(*(self._chapter(i, c) for i, c in enumerate(self.chapters, 1)))
        )

    async def _chapter(self, i: int, chapter: PlannedChapter) -> _Mastered:
        async with self._slots:
            work = self.ctx.workdir / f"chapter-{chapter.number:03d}"
            work.mkdir(exist_ok=True)
            spoken = [u for u in chapter.units if u.id in self.paths]
            raw = work / "raw.wav"
            placed = await assemble(
                [Piece(self.paths[u.id], u.pause_after) for u in spoken],
                raw,
                work,
                head_seconds=HEAD_SECONDS,
                tail_seconds=TAIL_SECONDS,
                gain_db=self.gain,
            )
            chapter_title = chapter.title or f"Chapter {chapter.number}"
            mp3 = None
            if "mp3" in self.params.formats:
                mp3 = self.out / f"{chapter.number:02d}-{_slug(chapter_title, 'chapter')}.mp3"
            aac = work / "chapter.m4a" if "m4b" in self.params.formats else None
            report = await master_chapter(
                raw, self.gain, self.params.loudness,
                index=chapter.number, title=chapter_title, head_seconds=HEAD_SECONDS - 0.05,
                mp3=(mp3, {"title": chapter_title, "album": self.title, "artist": self.author,
                           "album_artist": self.author, "track": f"{i}/{len(self.chapters)}",
                           "genre": "Audiobook"}) if mp3 else None,
                aac=aac,
            )  # fmt: skip
            if mp3 is not None:
                await self.ctx.add_output(mp3.name, mp3, "audio/mpeg")
                mp3.unlink()
            seconds = wav_seconds(raw)
            raw.unlink()
            self._done += 1
            await self.ctx.progress(
                87 + 10 * self._done / len(self.chapters),
                stage=f"Mastered {self._done} of {len(self.chapters)} chapters",
            )
            return _Mastered(
                report=report,
                seconds=seconds,
                placed={u.id: (p.start, p.end) for u, p in zip(spoken, placed, strict=True)},
                aac=aac,
            )


async def run(ctx: JobContext, params: AudiobookParams) -> None:
    await ctx.progress(0, stage="Reading the manuscript")
    manuscript = await _manuscript(ctx, params)
    provider = provider_for_job(params.provider, ctx.settings)
    narrator, dialogue = await _voices(provider, params)
    async with ctx.as_owner() as conn:
        lexicon = await lexicon_for_user(conn, ctx.user_id)
    chapters = await asyncio.to_thread(
        _plan, manuscript, params, provider, narrator, dialogue, lexicon
    )
    await ctx.checkpoint("plan", data={"chunks": {str(c.number): len(c.units) for c in chapters}})

    synthesis = _Synthesis(ctx, provider, chapters)
    paths = await synthesis.run()

    # Pass one: the whole book's speech, measured once.
    await ctx.progress(86, stage="Measuring loudness")
    speech = [paths[u.id] for c in chapters for u in c.units if u.id in paths]
    if not speech:
        raise PermanentError("the manuscript has nothing to read aloud")
    stats = [synthesis.stats[u.id] for c in chapters for u in c.units if u.id in paths]
    gain = await plan_gain(speech, params.loudness, stats=stats)

    title = params.title or manuscript.title or "Audiobook"
    author = params.author or manuscript.author or ""
    out = ctx.workdir / "out"
    out.mkdir(exist_ok=True)
    mastering = _Mastering(ctx, params, chapters, paths, gain, title, author, out)
    results = await mastering.run()
    reports = [r.report for r in results]
    cues: list[Cue] = []
    offset = 0.0
    for chapter, result in zip(chapters, results, strict=True):
        cues += _cues(chapter, result.placed, offset)
        offset += result.seconds

    if "m4b" in params.formats:
        await ctx.progress(97, stage="Joining the M4B")
        cover = None
        if manuscript.cover and manuscript.cover_type in ("image/png", "image/jpeg"):
            cover = ctx.workdir / (
                "cover.png" if manuscript.cover_type == "image/png" else "cover.jpg"
            )
            cover.write_bytes(manuscript.cover)
        m4b = out / f"{_slug(title, 'audiobook')}.m4b"
        await join_m4b(
            [(r.aac, r.report.title, r.seconds) for r in results if r.aac is not None],
            m4b,
            ctx.workdir,
            tags={"title": title, "album": title, "artist": author, "album_artist": author,
                  "genre": "Audiobook"},
            cover=cover,
        )  # fmt: skip
        await ctx.add_output(m4b.name, m4b, "audio/mp4")

    vtt = out / "transcript.vtt"
    write_vtt(cues, vtt)
    await ctx.add_output(vtt.name, vtt, "text/vtt")
    report_path = out / "report.json"
    summary: dict[str, Any] = {
        "title": title,
        "author": author,
        "target": params.loudness,
        "gain_db": round(gain, 2),
        "voices": {"narrator": narrator, "dialogue": dialogue},
        "passed": all(r.passed for r in reports),
        "chapters": [asdict(r) for r in reports],
        "warnings": manuscript.warnings,
    }
    report_path.write_text(json.dumps(summary, indent=2))
    await ctx.add_output(report_path.name, report_path, "application/json")
    await ctx.progress(100, stage="done")


AUDIOBOOK_PIPELINE = Pipeline(
    kind="audiobook",
    params_model=AudiobookParams,
    run=run,
    description="A manuscript (upload or text) to mastered, chaptered MP3s and an M4B, with a "
    "transcript and a quality report.",
    admit=admit,
    keep_checkpoints=True,
)
