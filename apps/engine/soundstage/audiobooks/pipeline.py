"""``audiobook``: a manuscript to mastered, chaptered MP3s and an M4B.

Stages: read and plan (chapters -> normalised text -> units within the
provider's limits, each with its voice) -> synthesise units in parallel within
the providers' concurrency; each take is converted in process and checked
(duration against its voice's learned rate, inner silence, clipping) and made
again with its text cut differently when a check fails, then flagged; each is
checkpointed (its audio stored, a row written), so a retry, a takeover or a
regeneration skips finished units -> as soon as a chapter's last unit is in,
that chapter is levelled from its units' statistics, floored with room tone,
limited where a peak needs it and encoded (MP3 and AAC), overlapping the
synthesis of later chapters; a chapter whose units did not change since it was
last mastered is not encoded again -> the M4B is joined from the AACs by stream
copy -> transcript and quality report (levels, consistency, flagged takes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from soundstage.audio.longform import (
    Part,
    TakeAudio,
    acx_gain_db,
    book_acx_gain_db,
    convert_take,
    join_takes,
    stream_chapter,
)
from soundstage.audio.master import (
    SAMPLE_RATE,
    ChapterReport,
    Cue,
    PcmStats,
    join_m4b,
    plan_gain,
    write_vtt,
)
from soundstage.audiobooks.cast import Casting, cast_book
from soundstage.audiobooks.manuscript import (
    Manuscript,
    ManuscriptError,
)
from soundstage.audiobooks.manuscript.budget import ParseBudget, parse_within_budget
from soundstage.audiobooks.plan import PAUSE_CLAUSE, PlannedChapter, Unit, plan_chapter
from soundstage.audiobooks.schemas import AudiobookParams
from soundstage.audiobooks.service import CHARS_PER_SECOND, admit, parse_pasted
from soundstage.audiobooks.takes import MAX_RETRIES, RateModel, fault, split_for_retry
from soundstage.audiobooks.text import normalise, split_sentences
from soundstage.config import Settings
from soundstage.errors import PermanentError
from soundstage.lexicon.repository import lexicon_for_user
from soundstage.pipelines import JobContext, Pipeline
from soundstage.pipelines.base import Checkpoint
from soundstage.providers.tts import TTSProvider, pick_dual_voices, provider_for_job, resolve_voice

# ACX: 0.5-1 s of room tone before the first word, 1-5 s after the last.
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
        budget = ParseBudget.from_settings(ctx.settings)
        return await asyncio.to_thread(parse_within_budget, upload.path, upload.format, budget)
    except ManuscriptError as exc:
        raise PermanentError(str(exc)) from exc


async def _voices(provider: TTSProvider, params: AudiobookParams) -> tuple[str, str | None]:
    """Full voice ids for narration and (dual mode) dialogue."""
    narrator, dialogue = params.narrator_voice, params.dialogue_voice
    two = params.mode in ("dual", "cast")
    if narrator is None or (two and dialogue is None):
        first, second, _ = pick_dual_voices(await provider.voices())
        narrator = narrator or first.id
        if two and dialogue is None:
            dialogue = second.id if second.id != narrator else first.id
    return narrator, dialogue if two else None


class _Providers:
    """The book's provider and, when a cast mixes them, the others its voices
    belong to (``openai:alloy`` for one character, ``local:...`` for the rest)."""

    def __init__(self, params: AudiobookParams, settings: Settings) -> None:
        self.settings = settings
        self.default = provider_for_job(params.provider, settings)
        self._by_name: dict[str, TTSProvider] = {params.provider: self.default}
        self.cast = dict(params.cast)
        for voice in params.cast.values():
            self.for_voice(voice)

    def for_voice(self, voice: str) -> TTSProvider:
        name = resolve_voice(voice)[0]
        if name not in self._by_name:
            self._by_name[name] = provider_for_job(name, self.settings)
        return self._by_name[name]

    def workers(self) -> int:
        # Each provider's own semaphore bounds its calls; a task per call plus a
        # few more, so while one task converts and checks the audio it got,
        # another is already waiting with the next request.
        return sum(
            max(1, p.concurrency) + max(2, p.concurrency // 2) for p in self._by_name.values()
        )

    def cast_summary(self) -> dict[str, Any]:
        return {"cast": self.cast} if self.cast else {}


def _plan(
    manuscript: Manuscript,
    params: AudiobookParams,
    provider: TTSProvider,
    narrator: str,
    dialogue: str | None,
    lexicon: dict[str, str],
    casting: Casting | None = None,
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
            voiced=casting.voiced.get(n) if casting else None,
        )
        for n in numbers
    ]


def _cast(
    manuscript: Manuscript,
    params: AudiobookParams,
    narrator: str,
    dialogue: str,
    lexicon: dict[str, str],
    voices: list[tuple[str, str | None]],
) -> Casting:
    numbers = params.chapters or list(range(1, len(manuscript.chapters) + 1))
    bodies = {
        n: normalise(manuscript.chapters[n - 1].text, lexicon)
        for n in numbers
        if n <= len(manuscript.chapters)
    }
    return cast_book(
        bodies, voices, narrator=narrator, dialogue=dialogue, overrides=params.cast,
        chapter_narrators=params.chapter_voices,
    )  # fmt: skip


# What the progress bar weighs (CPU seconds, measured on this machine class):
# synthesis per character (the local model: 86 CPU s for the corpus book's
# 292,497 characters, bench/audiobook.py), mastering and encoding per second of
# finished audio (0.0015 s in process + 0.0113 s in the encoder, a 10-minute
# chapter timed with getrusage). With mastering overlapped, both run at once.
SYNTH_COST_PER_CHAR = 0.00029
MASTER_COST_PER_SECOND = 0.013
# Between two finished units the bar moves on at the rate measured so far
# (before the first, this many cost-seconds per second), never past the work
# in flight: a model loading or a long unit does not leave it standing still.
PRIOR_RATE = 0.5
TICK_SECONDS = 1.0
# A chapter's mastering checkpoint carries this; bump it when the mastering
# changes so stored chapters are made again.
MASTERING_VERSION = 2


@dataclass
class _Take:
    path: Path
    audio: TakeAudio
    flag: str | None
    attempts: int


class _Book:
    """Synthesis and mastering of one book, overlapped: every unit is rendered
    once (reusing checkpointed renders), checked and, when a check fails,
    rendered again with its text cut differently; the moment a chapter's last
    unit is in, that chapter is levelled, floored and encoded while later
    chapters are still synthesising."""

    def __init__(
        self,
        ctx: JobContext,
        params: AudiobookParams,
        providers: _Providers,
        chapters: Sequence[PlannedChapter],
        title: str,
        author: str,
    ) -> None:
        self.ctx, self.params, self.providers, self.chapters = ctx, params, providers, chapters
        self.title, self.author = title, author
        self.units = [u for c in chapters for u in c.units if u.speaks]
        self.dir = ctx.workdir / "units"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.out = ctx.workdir / "out"
        self.out.mkdir(exist_ok=True)
        self.takes: dict[str, _Take] = {}
        self.rates = RateModel()
        self._remaining = {c.number: sum(1 for u in c.units if u.speaks) for c in chapters}
        self._synth_total = sum(len(u.text) for u in self.units) * SYNTH_COST_PER_CHAR
        self._master_total = (
            sum(c.characters for c in chapters) / CHARS_PER_SECOND * MASTER_COST_PER_SECOND
        )
        self._done_cost = 0.0
        self._shown = 0.0
        self._in_flight = 0.0
        self._started = time.monotonic()
        self._last_real = self._started
        self._stage = "Synthesising"
        self._slots = asyncio.Semaphore(max(1, (os.cpu_count() or 2) // 2))
        self._mastering: dict[int, asyncio.Task[_Mastered]] = {}
        self._stored: dict[str, Checkpoint] = {}
        self._index = {c.number: i for i, c in enumerate(chapters, 1)}
        self.book_gain: float | None = None
        self._stop = False  # a unit failed: take no more

    # --- progress -------------------------------------------------------------

    async def _tick(self, cost: float, stage: str) -> None:
        self._done_cost += cost
        self._in_flight = max(0.0, self._in_flight - cost)
        self._last_real = time.monotonic()
        self._stage = stage
        await self._show(self._done_cost)

    async def _show(self, cost: float) -> None:
        if cost <= self._shown:
            return
        self._shown = cost
        total = self._synth_total + self._master_total or 1.0
        await self.ctx.progress(min(97.0, 97 * cost / total), stage=self._stage)

    async def _ticker(self) -> None:
        """Interpolates the bar between finished units and chapters."""
        while True:
            await asyncio.sleep(TICK_SECONDS)
            now = time.monotonic()
            elapsed = now - self._started
            rate = self._done_cost / elapsed if self._done_cost > 0 else PRIOR_RATE
            ahead = min(rate * (now - self._last_real), self._in_flight)
            await self._show(self._done_cost + ahead)

    # --- synthesis ------------------------------------------------------------

    def path(self, unit: Unit) -> Path:
        return self.dir / f"{unit.id}.wav"

    async def run(self) -> list[_Mastered]:
        self._stored = await self.ctx.completed()
        queue: asyncio.Queue[Unit] = asyncio.Queue()
        for unit in self.units:
            cp = self._stored.get(unit.id)
            if (
                cp is not None
                and cp.data.get("fingerprint") == unit.fingerprint()
                and "take" in cp.data
            ):
                await self.ctx.restore(cp, self.path(unit))
                audio = TakeAudio(
                    stats=PcmStats(**cp.data["pcm"]),
                    seconds=cp.data["seconds"],
                    longest_silence_s=cp.data["take"]["longest_silence_s"],
                    clipped_runs=cp.data["take"]["clipped_runs"],
                )
                take = _Take(self.path(unit), audio, cp.data["take"]["flag"],
                             cp.data["take"]["attempts"])  # fmt: skip
                await self._accept(unit, take)
            else:
                queue.put_nowait(unit)
        if self.params.gain == "chapter":
            for chapter in self.chapters:
                if not any(u.speaks for u in chapter.units):
                    self._start_mastering(chapter)  # fails with a clear message
        n = self.providers.workers()
        workers = [asyncio.create_task(self._work(queue)) for _ in range(n)]
        workers.append(asyncio.create_task(self._ticker()))
        try:
            # One failure stops new requests, but the requests already in flight
            # finish and checkpoint: their audio is paid for, and cancelling them
            # would bill each again on the next attempt (the chaos test found it).
            outcomes = await asyncio.gather(*workers[:-1], return_exceptions=True)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
            if self.params.gain == "book":
                await self._book_gain()
                for chapter in self.chapters:
                    self._start_mastering(chapter)
            return list(await asyncio.gather(*(self._mastering[c.number] for c in self.chapters)))
        finally:
            for task in [*workers, *self._mastering.values()]:
                task.cancel()
            # let cancelled mastering kill its encoder before the workdir goes
            await asyncio.gather(*workers, *self._mastering.values(), return_exceptions=True)

    async def _work(self, queue: asyncio.Queue[Unit]) -> None:
        try:
            await self._work_units(queue)
        except BaseException:
            self._stop = True
            raise

    async def _work_units(self, queue: asyncio.Queue[Unit]) -> None:
        while not queue.empty() and not self._stop:
            unit = queue.get_nowait()
            self._in_flight += len(unit.text) * SYNTH_COST_PER_CHAR
            take = await self._render(unit)
            await self.ctx.checkpoint(
                unit.id,
                take.path,
                {
                    "fingerprint": unit.fingerprint(),
                    "seconds": take.audio.seconds,
                    "pcm": asdict(take.audio.stats),
                    "take": {
                        "flag": take.flag,
                        "attempts": take.attempts,
                        "longest_silence_s": take.audio.longest_silence_s,
                        "clipped_runs": take.audio.clipped_runs,
                    },
                },
            )
            await self._accept(unit, take)

    async def _render(self, unit: Unit) -> _Take:
        """A take that passes its checks, or the last try, flagged."""
        provider = self.providers.for_voice(unit.voice)
        voice = resolve_voice(unit.voice)[1]
        neighbours = self._neighbours(unit)
        target = self.path(unit)
        reason: str | None = None
        audio: TakeAudio | None = None
        attempt = 0
        for attempt in range(1, MAX_RETRIES + 2):
            pieces = split_for_retry(unit.text, attempt)
            if attempt > 1 and len(pieces) < attempt and audio is not None:
                attempt -= 1  # no other way to cut it: a deterministic model would repeat itself
                break
            audio = await self._synthesise(provider, voice, pieces, neighbours, target)
            low, high = self.rates.band(unit.voice, unit.text)
            reason = fault(audio, unit.text, low, high)
            if reason is None:
                break
        assert audio is not None
        return _Take(target, audio, reason, attempt)

    async def _synthesise(
        self,
        provider: TTSProvider,
        voice: str,
        pieces: list[str],
        neighbours: tuple[str | None, str | None],
        target: Path,
    ) -> TakeAudio:
        raw = self.ctx.workdir / "raw"
        if len(pieces) == 1:
            result = await provider.synthesize(
                pieces[0], voice, raw, previous_text=neighbours[0], next_text=neighbours[1]
            )
            try:
                return await convert_take(result.path, target)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    result.path.unlink()
        parts: list[Path] = []
        for i, piece in enumerate(pieces):
            result = await provider.synthesize(piece, voice, raw)
            part = target.with_suffix(f".part{i}.wav")
            await convert_take(result.path, part)
            with contextlib.suppress(FileNotFoundError):
                result.path.unlink()
            parts.append(part)
        return await asyncio.to_thread(join_takes, parts, target, PAUSE_CLAUSE)

    def _neighbours(self, unit: Unit) -> tuple[str | None, str | None]:
        chapter = next(c for c in self.chapters if c.number == unit.chapter)
        i = unit.index
        prev = chapter.units[i - 1].text if i > 0 else None
        nxt = chapter.units[i + 1].text if i + 1 < len(chapter.units) else None
        return prev, nxt

    async def _accept(self, unit: Unit, take: _Take) -> None:
        self.takes[unit.id] = take
        if take.flag is None:
            self.rates.learn(unit.voice, unit.text, take.audio)
        self._remaining[unit.chapter] -= 1
        number = self._index[unit.chapter]
        await self._tick(
            len(unit.text) * SYNTH_COST_PER_CHAR,
            f"Synthesising chapter {number} of {len(self.chapters)}",
        )
        if self._remaining[unit.chapter] == 0 and self.params.gain == "chapter":
            chapter = next(c for c in self.chapters if c.number == unit.chapter)
            self._start_mastering(chapter)

    # --- mastering ------------------------------------------------------------

    def _parts(self, chapter: PlannedChapter) -> list[Part]:
        return [
            Part(self.takes[u.id].path, u.pause_after, self.takes[u.id].audio.stats)
            for u in chapter.units
            if u.id in self.takes
        ]

    async def _book_gain(self) -> None:
        chapters = [self._parts(c) for c in self.chapters]
        if self.params.loudness == "acx":
            self.book_gain = book_acx_gain_db(chapters, HEAD_SECONDS, TAIL_SECONDS)
        else:
            paths = [p.path for c in chapters for p in c]
            self.book_gain = await plan_gain(paths, "podcast")

    def _start_mastering(self, chapter: PlannedChapter) -> None:
        self._mastering[chapter.number] = asyncio.create_task(self._master(chapter))

    async def _gain(self, parts: list[Part]) -> float:
        if self.book_gain is not None:
            return self.book_gain
        if self.params.loudness == "acx":
            return acx_gain_db(parts, HEAD_SECONDS, TAIL_SECONDS)
        # podcast: the chapter's integrated loudness (gated, so measured)
        return await plan_gain([p.path for p in parts], "podcast")

    def _fingerprint(self, chapter: PlannedChapter, gain: float | None) -> dict[str, Any]:
        return {
            "version": MASTERING_VERSION,
            "units": [
                u.fingerprint() | {"pause": u.pause_after} for u in chapter.units if u.speaks
            ],
            "title": chapter.title,
            "album": [self.title, self.author, len(self.chapters)],
            "loudness": self.params.loudness,
            "formats": self.params.formats,
            "book_gain": None if gain is None else round(gain, 2),
        }

    async def _master(self, chapter: PlannedChapter) -> _Mastered:
        async with self._slots:
            i = self._index[chapter.number]
            parts = self._parts(chapter)
            spoken = [u for u in chapter.units if u.id in self.takes]
            if not parts:
                raise PermanentError(f"chapter {chapter.number} has nothing to read aloud")
            key = f"chapter-{chapter.number:03d}"
            fingerprint = self._fingerprint(chapter, self.book_gain)
            work = self.ctx.workdir / key
            work.mkdir(exist_ok=True)
            aac = work / "chapter.m4a" if "m4b" in self.params.formats else None
            seconds_audio = sum(p.stats.frames for p in parts) / SAMPLE_RATE
            stored = self._stored.get(key)
            if stored is not None and stored.data.get("fingerprint") == fingerprint:
                # Nothing in this chapter changed (a regeneration elsewhere in
                # the book): its MP3 is still the job's output; only its AAC
                # comes back, for the M4B.
                if aac is not None:
                    await self.ctx.restore(stored, aac)
                await self._tick(seconds_audio * MASTER_COST_PER_SECOND,
                                 f"Chapter {i} unchanged")  # fmt: skip
                return _Mastered(
                    report=ChapterReport(**stored.data["report"]),
                    seconds=stored.data["seconds"],
                    placed={k: (v[0], v[1]) for k, v in stored.data["placed"].items()},
                    aac=aac,
                    encoded=False,
                )
            self._in_flight += seconds_audio * MASTER_COST_PER_SECOND
            gain = await self._gain(parts)
            chapter_title = chapter.title or f"Chapter {chapter.number}"
            mp3 = None
            if "mp3" in self.params.formats:
                mp3 = self.out / f"{chapter.number:02d}-{_slug(chapter_title, 'chapter')}.mp3"
            tags: dict[str, str | int | None] = {
                "title": chapter_title, "album": self.title, "artist": self.author,
                "album_artist": self.author, "track": f"{i}/{len(self.chapters)}",
                "genre": "Audiobook",
            }  # fmt: skip
            streamed = await stream_chapter(
                parts, gain, self.params.loudness,
                index=chapter.number, title=chapter_title,
                head_s=HEAD_SECONDS, tail_s=TAIL_SECONDS,
                mp3=(mp3, tags) if mp3 else None, aac=aac,
            )  # fmt: skip
            if mp3 is not None:
                await self.ctx.add_output(mp3.name, mp3, "audio/mpeg")
                mp3.unlink()
            placed = {u.id: p for u, p in zip(spoken, streamed.placed, strict=True)}
            report = streamed.report
            await self.ctx.checkpoint(
                key,
                aac,
                {
                    "fingerprint": fingerprint,
                    "report": asdict(report),
                    "seconds": streamed.seconds,
                    "placed": placed,
                    "gain_db": round(gain, 2),
                },
            )
            await self._tick(seconds_audio * MASTER_COST_PER_SECOND, f"Mastered chapter {i}")
            return _Mastered(report, streamed.seconds, placed, aac, encoded=True)

    def flagged(self) -> list[dict[str, Any]]:
        return [
            {
                "unit": u.id,
                "chapter": u.chapter,
                "chunk": u.index,
                "text": u.text,
                "voice": u.voice,
                "reason": self.takes[u.id].flag,
                "attempts": self.takes[u.id].attempts,
            }
            for u in self.units
            if u.id in self.takes and self.takes[u.id].flag
        ]


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
    encoded: bool


# Chapters of one book should sound equally loud: ACX asks for consistency
# across files; more than this apart (dB RMS) is reported as a problem.
MAX_CHAPTER_SPREAD_DB = 1.0


async def run(ctx: JobContext, params: AudiobookParams) -> None:
    await ctx.progress(0, stage="Reading the manuscript")
    manuscript = await _manuscript(ctx, params)
    providers = _Providers(params, ctx.settings)
    narrator, dialogue = await _voices(providers.default, params)
    async with ctx.as_owner() as conn:
        lexicon = await lexicon_for_user(conn, ctx.user_id)
    casting = None
    if params.mode == "cast":
        assert dialogue is not None
        voices = [(v.id, v.gender) for v in await providers.default.voices()]
        casting = await asyncio.to_thread(
            _cast, manuscript, params, narrator, dialogue, lexicon, voices
        )
        providers.cast = casting.voices
        for voice in casting.voices.values():
            providers.for_voice(voice)
    chapters = await asyncio.to_thread(
        _plan, manuscript, params, providers.default, narrator, dialogue, lexicon, casting
    )
    await ctx.checkpoint("plan", data={"chunks": {str(c.number): len(c.units) for c in chapters}})
    if not any(u.speaks for c in chapters for u in c.units):
        raise PermanentError("the manuscript has nothing to read aloud")

    title = params.title or manuscript.title or "Audiobook"
    author = params.author or manuscript.author or ""
    book = _Book(ctx, params, providers, chapters, title, author)
    results = await book.run()
    out = book.out
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
    levels = [r.rms_db for r in reports]
    spread = round(max(levels) - min(levels), 2) if levels else 0.0
    consistent = params.loudness != "acx" or spread <= MAX_CHAPTER_SPREAD_DB
    flagged = book.flagged()
    summary: dict[str, Any] = {
        "title": title,
        "author": author,
        "target": params.loudness,
        "gain": params.gain,
        "voices": {"narrator": narrator, "dialogue": dialogue, **providers.cast_summary()},
        "passed": all(r.passed for r in reports) and consistent and not flagged,
        "chapters_rms_spread_db": spread,
        "chapters_consistent": consistent,
        "chapters": [asdict(r) for r in reports],
        "encoded_chapters": [c.number for c, r in zip(chapters, results, strict=True) if r.encoded],
        "flagged": flagged,
        "warnings": manuscript.warnings,
    }
    report_path = out / "report.json"
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
