"""Audiobook rules that run in the API: loading a manuscript for a preview or
an admission check, the monthly character quota, and regeneration."""

from __future__ import annotations

import asyncio
import math
import re
import tempfile
from pathlib import Path
from uuid import UUID

from soundstage.audiobooks import repository as repo
from soundstage.audiobooks.cast import cast_book
from soundstage.audiobooks.manuscript import (
    Manuscript,
    ManuscriptError,
    parse_text,
)
from soundstage.audiobooks.manuscript.budget import ParseBudget, parse_within_budget
from soundstage.audiobooks.schemas import (
    AudiobookParams,
    CastMember,
    Preview,
    PreviewChapter,
    ProviderCost,
    QuotaInfo,
    RegenerateRequest,
    Replacement,
)
from soundstage.audiobooks.text import normalise, split_dialogue
from soundstage.auth.tokens import Principal
from soundstage.db import Connection
from soundstage.errors import Conflict, NotFound, QuotaExceeded, ValidationFailed
from soundstage.jobs import repository as jobs_repo
from soundstage.jobs.schemas import Job
from soundstage.pipelines import Admission, AdmitContext
from soundstage.providers.tts import (
    configured_providers,
    get_provider,
    pick_dual_voices,
    resolve_voice,
)
from soundstage.resources import Engine
from soundstage.uploads import repository as uploads_repo

KIND = "audiobook"
# A narrator reads about 150 words a minute: some 14 characters a second.
CHARS_PER_SECOND = 14.0


_MD_HEADING = re.compile(r"^#{1,3} \S", re.M)


def parse_pasted(text: str) -> Manuscript:
    """Pasted text with Markdown headings is read as Markdown, else as plain text."""
    return parse_text(text, fmt="md" if _MD_HEADING.search(text) else "txt")


def estimate_seconds(characters: int) -> float:
    return round(characters / CHARS_PER_SECOND, 1)


async def load_manuscript(engine: Engine, conn: Connection, params: AudiobookParams) -> Manuscript:
    """Parse the job's manuscript in the API (under the caller's RLS)."""
    try:
        if params.text is not None:
            return await asyncio.to_thread(parse_pasted, params.text)
        assert params.upload_id is not None
        row = await uploads_repo.get_upload(conn, params.upload_id)
        if row is None:
            raise ValidationFailed("upload_id: no such upload")
        if row["category"] != "manuscript":
            raise ValidationFailed(f"upload_id: that upload is {row['category']}, not a manuscript")
        with tempfile.TemporaryDirectory(dir=_tmp(engine)) as work:
            path = Path(work) / f"manuscript.{row['format']}"
            await engine.storage.download(row["bucket"], row["object_path"], path)
            budget = ParseBudget.from_settings(engine.settings)
            manuscript = await asyncio.to_thread(parse_within_budget, path, row["format"], budget)
        # kept, so admitting a job for this upload needs no second parse
        counts = [len(c.text) for c in manuscript.chapters]
        async with engine.db.privileged() as privileged:
            await repo.save_chapter_characters(privileged, params.upload_id, counts)
        return manuscript
    except ManuscriptError as exc:
        raise ValidationFailed(str(exc)) from exc


def _tmp(engine: Engine) -> Path:
    path = engine.settings.data_path / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def selected_chapters(manuscript: Manuscript | int, params: AudiobookParams) -> list[int]:
    """Chapter numbers (from 1) the job renders (of a manuscript, or of a count)."""
    total = manuscript if isinstance(manuscript, int) else len(manuscript.chapters)
    if params.chapters is None:
        return list(range(1, total + 1))
    missing = [n for n in params.chapters if n > total]
    if missing:
        raise ValidationFailed(f"chapters: the book has {total} chapters; no chapter {missing[0]}")
    return params.chapters


def check_voices(engine: Engine, params: AudiobookParams) -> None:
    """Provider configured, voice ids well formed and of that provider."""
    get_provider(params.provider, engine.settings)  # 422 when unknown or not configured
    voices = [params.narrator_voice, params.dialogue_voice, *params.chapter_voices.values()]
    for voice in voices:
        if voice is None:
            continue
        provider, _ = resolve_voice(voice)
        if provider != params.provider:
            raise ValidationFailed(
                f"voice {voice!r} belongs to {provider!r}, but this book uses {params.provider!r}"
            )
    # A cast may mix providers: each voice's own provider must be configured.
    for character, voice in params.cast.items():
        provider, _ = resolve_voice(voice)
        try:
            get_provider(provider, engine.settings)
        except ValidationFailed as exc:
            raise ValidationFailed(f"cast[{character!r}]: {exc}") from exc
    if params.cast and params.mode != "cast":
        raise ValidationFailed("cast: voices per character need mode 'cast'")


async def check_voice_exists(engine: Engine, provider_name: str, voice: str) -> None:
    """422 unless the provider offers ``voice``: checked before anything is queued,
    so a typo never turns a finished book into a failed one. A catalogue that
    cannot be fetched right now does not block (the job retries the provider)."""
    provider = get_provider(provider_name, engine.settings)
    try:
        offered = {v.id for v in await provider.voices()}
    except Exception:  # noqa: BLE001 - an unreachable catalogue is not the client's fault
        return
    if voice not in offered:
        raise ValidationFailed(f"voice: {provider_name!r} has no voice {voice!r}")


async def quota(engine: Engine, conn: Connection) -> QuotaInfo:
    monthly = engine.settings.quota_monthly_characters
    used = await jobs_repo.units_this_month(conn, KIND)
    remaining = max(0, monthly - used) if monthly else 2**53
    return QuotaInfo(monthly_characters=monthly, used_this_month=used, remaining=remaining)


async def admit(ctx: AdmitContext, params: AudiobookParams) -> Admission:
    """Before the job exists: voices valid, the manuscript readable, and the
    characters within this month's quota. Nothing is created otherwise."""
    check_voices(ctx.engine, params)
    # An upload parsed before (its preview) has its counts stored: no re-parse.
    counts = (
        await repo.chapter_characters(ctx.conn, params.upload_id)
        if params.upload_id is not None
        else None
    )
    if counts is None:
        manuscript = await load_manuscript(ctx.engine, ctx.conn, params)
        counts = [len(c.text) for c in manuscript.chapters]
    numbers = selected_chapters(len(counts), params)
    characters = sum(counts[n - 1] for n in numbers)
    if characters == 0:
        raise ValidationFailed("the manuscript has no text to read")
    info = await quota(ctx.engine, ctx.conn)
    if info.monthly_characters and characters > info.remaining:
        raise QuotaExceeded(
            f"this book has {characters:,} characters but {info.remaining:,} of your "
            f"{info.monthly_characters:,} monthly characters remain",
            details=info.model_dump(),
        )
    return Admission(units=characters)


class AudiobookService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def preview(self, who: Principal, params: AudiobookParams) -> Preview:
        check_voices(self.engine, params)
        async with self.engine.db.as_user(who.claims) as conn:
            manuscript = await load_manuscript(self.engine, conn, params)
            info = await quota(self.engine, conn)
        numbers = selected_chapters(manuscript, params)
        chapters = [
            PreviewChapter(
                number=n,
                title=manuscript.chapters[n - 1].title,
                characters=len(manuscript.chapters[n - 1].text),
                estimated_seconds=estimate_seconds(len(manuscript.chapters[n - 1].text)),
            )
            for n in numbers
        ]
        characters = sum(c.characters for c in chapters)
        dialogue = await asyncio.to_thread(_dialogue_characters, manuscript, numbers)
        costs = []
        for name in configured_providers(self.engine.settings):
            rate = get_provider(name, self.engine.settings).cost_per_million_chars()
            usd = None if rate is None else math.ceil(rate * characters / 1e6 * 100) / 100
            costs.append(ProviderCost(provider=name, usd=usd))
        cast = None
        if params.mode == "cast":
            cast = await self._cast(manuscript, params, numbers)
        return Preview(
            cast=cast,
            title=params.title or manuscript.title,
            author=params.author or manuscript.author,
            chapters=chapters,
            characters=characters,
            estimated_seconds=estimate_seconds(characters),
            dialogue_share=round(dialogue / characters, 3) if characters else 0.0,
            costs=costs,
            quota=info,
            warnings=manuscript.warnings,
        )

    async def _cast(
        self, manuscript: Manuscript, params: AudiobookParams, numbers: list[int]
    ) -> list[CastMember]:
        """Who speaks, how much, and the voice each would get (the user's
        ``cast`` overrides first), as the job would cast them."""
        provider = get_provider(params.provider, self.engine.settings)
        offered = await provider.voices()
        first, second, _ = pick_dual_voices(offered)
        narrator = params.narrator_voice or first.id
        dialogue = params.dialogue_voice or (second.id if second.id != narrator else first.id)
        bodies = {n: normalise(manuscript.chapters[n - 1].text) for n in numbers}
        casting = await asyncio.to_thread(
            cast_book,
            bodies,
            [(v.id, v.gender) for v in offered],
            narrator=narrator,
            dialogue=dialogue,
            overrides=params.cast,
            chapter_narrators=params.chapter_voices,
        )
        return [
            CastMember(
                name=c.name,
                gender=c.gender,
                lines=c.lines,
                characters=c.characters,
                samples=c.samples,
                proposed_voice=casting.voices[c.name],
            )
            for c in casting.characters
        ]

    async def regenerate(
        self, who: Principal, job_id: UUID, body: RegenerateRequest, base_url: str
    ) -> Job:
        """Render one chunk again (new text or voice optional) and reassemble."""
        # Imported here: the jobs service imports the pipeline registry, which
        # imports this module (the audiobook pipeline's admit hook lives here).
        from soundstage.jobs.service import JobService

        jobs = JobService(self.engine)
        async with self.engine.db.as_user(who.claims) as conn:
            row = await jobs_repo.get_job_for_update(conn, job_id)
            if row is None:
                raise NotFound("job not found")
            if row["kind"] != KIND:
                raise Conflict("only audiobook jobs can be regenerated")
            params = AudiobookParams.model_validate(row["params"])
            # A regeneration that failed (a provider outage, say) left the
            # previous render's outputs in place: that book can be regenerated
            # again, so one failure never locks a finished book for good.
            failed_regeneration = (
                row["status"] == "failed"
                and bool(params.replacements)
                and bool(await jobs_repo.list_outputs(conn, [job_id]))
            )
            if row["status"] != "succeeded" and not failed_regeneration:
                raise Conflict(
                    f"only a finished book can be regenerated; this one is {row['status']}"
                )
            plan = await jobs_repo.get_plan(conn, job_id) or {}
            chunks = {int(k): v for k, v in plan.get("chunks", {}).items()}
            if body.chapter not in chunks:
                raise ValidationFailed(f"chapter {body.chapter} was not rendered in this job")
            if body.chunk >= chunks[body.chapter]:
                raise ValidationFailed(
                    f"chapter {body.chapter} has {chunks[body.chapter]} chunks (0 to "
                    f"{chunks[body.chapter] - 1})"
                )
            if body.text is not None and not any(c.isalnum() for c in body.text):
                raise ValidationFailed("text: nothing in it can be read aloud")
            if body.voice is not None:
                check_voices(self.engine, params.model_copy(update={"narrator_voice": body.voice}))
                await check_voice_exists(self.engine, params.provider, body.voice)
            # the newest replacement of a chunk is the one that counts
            params.replacements = [
                r for r in params.replacements if (r.chapter, r.chunk) != (body.chapter, body.chunk)
            ]
            params.replacements.append(Replacement(**body.model_dump()))
            updated = await jobs_repo.requeue_finished(
                conn, job_id, params=params.model_dump(mode="json")
            )
            assert updated is not None
            return await jobs.to_job(conn, updated, base_url)


def _dialogue_characters(manuscript: Manuscript, numbers: list[int]) -> int:
    return sum(
        len(seg.text)
        for n in numbers
        for seg in split_dialogue(manuscript.chapters[n - 1].text)
        if seg.dialogue
    )
