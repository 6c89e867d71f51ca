"""``video``: a topic to a narrated story video.

Stages and progress (a contract the story-video frontend relies on):
script 0-25, images 25-50, narration 50-75, compilation 75-100, with messages
like "Creating scene 5 of 10". Each stage checkpoints (the script as data,
each scene's picture and narration as files), so a retried or taken-over job
neither writes the script again nor pays twice for a picture or a voice.
Outputs: ``video.mp4``, ``poster.jpg``, ``captions.vtt`` (unless subtitles are
off or burned only), ``script.json`` (scenes, prompts, providers, timings,
attributions, notes).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.audio.master import SAMPLE_RATE, Cue, Piece, assemble, wav_seconds, write_vtt
from soundstage.audio.video import (
    TRANSITIONS,
    ZOOM_MAX,
    Encoding,
    Shot,
    compose,
    frame_size,
    loudness_gain,
    mix_audio,
    poster,
    prepare_still,
    write_ass,
)
from soundstage.audiobooks.text import apply_lexicon
from soundstage.errors import PermanentError
from soundstage.lexicon.repository import lexicon_for_user
from soundstage.pipelines import JobContext, Pipeline
from soundstage.providers.image import ImageProvider, ImageRequest, local_provider
from soundstage.providers.image import stock_providers as configured_stock
from soundstage.providers.image.registry import ai_provider_for_job
from soundstage.providers.llm import (
    Script,
    ScriptCharacter,
    ScriptRequest,
    ScriptScene,
    get_script_writer,
)
from soundstage.providers.music.base import MusicRequest
from soundstage.providers.music.registry import provider_for_job as music_provider
from soundstage.providers.tts import resolve_voice
from soundstage.providers.tts.registry import provider_for_job as tts_provider
from soundstage.video.schemas import VideoParams
from soundstage.video.service import admit

PAUSES = {"slow": 0.9, "steady": 0.6, "dynamic": 0.35}  # seconds between scenes
HEAD_SECONDS, TAIL_SECONDS = 0.5, 1.0
MOODS = {"scary_horror": "dark", "mystery": "dark", "bedtime": "calm", "documentary": "neutral",
         "motivational": "epic", "sci_fi": "epic", "fairy_tale": "happy"}  # fmt: skip
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def _seed(params: VideoParams) -> int:
    """One seed per story and cast: every scene's picture is asked with it, so
    providers that take a seed keep characters consistent."""
    names = ",".join(sorted(c.name.lower() for c in params.characters))
    text = f"{params.topic}|{names}|{params.story_type}|{params.image_style}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") & 0x7FFFFFFF


# ------------------------------------------------------------------ script


def _request(params: VideoParams) -> ScriptRequest:
    return ScriptRequest(
        topic=params.topic,
        story_type=params.story_type,
        image_style=params.image_style,
        hook_intensity=params.hook_intensity,
        pacing=params.pacing,
        num_scenes=params.num_scenes,
        duration_s=params.duration * 60,
        characters=tuple(ScriptCharacter(c.name, c.description) for c in params.characters),
    )


def _users_script(params: VideoParams) -> Script:
    assert params.script is not None
    names = [c.name for c in params.characters]
    scenes = tuple(
        ScriptScene(
            title=s.title or f"Scene {i}",
            narration=" ".join(s.narration.split()),
            image_prompt=s.image_prompt or f"{s.title}: {s.narration[:300]}",
            characters=tuple(n for n in names if n.lower() in s.narration.lower()),
        )
        for i, s in enumerate(params.script, 1)
    )
    return Script(title=params.topic or scenes[0].title, scenes=scenes, writer="user")


async def _script(ctx: JobContext, params: VideoParams, done: dict[str, Any]) -> Script:
    cp = done.get("script")
    if cp is not None:
        data = cp.data
        return Script(
            title=data["title"],
            scenes=tuple(ScriptScene(s["title"], s["narration"], s["image_prompt"],
                                     tuple(s["characters"])) for s in data["scenes"]),
            writer=data["writer"], notes=tuple(data["notes"]),
        )  # fmt: skip
    await ctx.progress(2, "script", "Writing the script")
    if params.script is not None:
        script = _users_script(params)
    else:
        script = await get_script_writer(ctx.settings).write(_request(params))
    await ctx.checkpoint("script", data=asdict(script))
    return script


# ------------------------------------------------------------------ images


@dataclass
class SceneImage:
    path: Path
    provider: str
    prompt: str
    attribution: dict[str, str] | None = None
    note: str | None = None


def _prompt(params: VideoParams, scene: ScriptScene) -> str:
    """The scene's prompt, the style, and every character in it with their full
    description (character consistency: the same words in every picture)."""
    cast = [c for c in params.characters if c.name in scene.characters]
    who = "; ".join(f"{c.name}: {c.description}" for c in cast if c.description)
    style = f"{params.image_style} style"
    return f"{scene.image_prompt}. {style}." + (f" Characters: {who}." if who else "")


def _plan_sources(params: VideoParams, stock: list[ImageProvider]) -> list[str]:
    """Where each scene's picture comes from: "manual:<k>", "stock" or "ai"."""
    n, manual = params.num_scenes, len(params.manual_image_paths)
    if params.image_mode == "manual":
        return [f"manual:{i % manual}" for i in range(n)]
    if params.image_mode == "stock":
        return ["stock"] * n
    if params.image_mode == "mixed":
        rest = ["stock" if stock and j % 2 == 0 else "ai" for j in range(max(0, n - manual))]
        return [f"manual:{i}" for i in range(min(n, manual))] + rest
    return ["ai"] * n


async def _images(
    ctx: JobContext, params: VideoParams, script: Script, done: dict[str, Any],
    size: tuple[int, int],
) -> list[SceneImage]:  # fmt: skip
    stock = configured_stock(ctx.settings)
    sources = _plan_sources(params, stock)
    ai = ai_provider_for_job(ctx.settings) if "ai" in sources else None
    seed = _seed(params)
    w, h = size
    raw_dir = ctx.workdir / "images"
    raw_dir.mkdir(exist_ok=True)
    n = len(script.scenes)
    results: list[SceneImage | None] = [None] * n
    finished = 0
    slots = asyncio.Semaphore(3)
    manual_files: dict[int, Path] = {}
    manual_lock = asyncio.Lock()

    async def one(i: int) -> None:
        nonlocal finished
        scene = script.scenes[i]
        unit = f"image-{i:02d}"
        prompt = _prompt(params, scene)
        cp = done.get(unit)
        if cp is not None:
            path = await ctx.restore(cp, raw_dir / f"{unit}{cp.data.get('suffix', '.png')}")
            results[i] = SceneImage(path, cp.data["provider"], cp.data["prompt"],
                                    cp.data.get("attribution"), cp.data.get("note"))  # fmt: skip
        else:
            size = (round(w * ZOOM_MAX), round(h * ZOOM_MAX))
            async with slots:
                results[i] = await _one_image(
                    ctx, params, scene, i, n, sources[i], prompt, seed, size, ai, stock,
                    raw_dir, manual_files, manual_lock,
                )  # fmt: skip
            got = results[i]
            assert got is not None
            await ctx.checkpoint(unit, got.path, {
                "provider": got.provider, "prompt": got.prompt, "attribution": got.attribution,
                "note": got.note, "suffix": got.path.suffix})  # fmt: skip
        finished += 1
        await ctx.progress(25 + 25 * finished / n, "images", f"Creating scene {finished} of {n}")

    await ctx.progress(25, "images", f"Creating scene 1 of {n}")
    await asyncio.gather(*(one(i) for i in range(n)))
    return [r for r in results if r is not None]


async def _one_image(
    ctx: JobContext, params: VideoParams, scene: ScriptScene, i: int, n: int, source: str,
    prompt: str, seed: int, size: tuple[int, int], ai: ImageProvider | None,
    stock: list[ImageProvider], out: Path, manual_files: dict[int, Path], lock: asyncio.Lock,
) -> SceneImage:  # fmt: skip
    if source.startswith("manual:"):
        k = int(source.split(":")[1])
        async with lock:  # an upload used by several scenes is fetched once
            if k not in manual_files:
                upload = await ctx.fetch_upload(params.manual_image_paths[k], out / "uploads")
                manual_files[k] = upload.path
        note = "manual images reused in order" if len(params.manual_image_paths) < n else None
        return SceneImage(manual_files[k], f"upload:{params.manual_image_paths[k]}", prompt,
                          note=note)  # fmt: skip
    request = ImageRequest(
        prompt=prompt, width=size[0], height=size[1], seed=seed, style=params.image_style,
        story_type=params.story_type, title=scene.title, characters=scene.characters,
        keywords=_keywords(params, scene, i), scene_index=i, scene_count=n,
    )  # fmt: skip
    if source == "stock":
        problems: list[str] = []
        for provider in stock:
            try:
                got = await provider.generate(request, out)
            except PermanentError as exc:  # no photo for these words: the next source
                problems.append(exc.message)
                continue
            return SceneImage(got.path, got.provider, prompt, got.attribution)
        note = (
            (
                "no stock search is configured (SOUNDSTAGE_PEXELS_API_KEY, "
                "SOUNDSTAGE_PIXABAY_API_KEY); local scene art used"
            )
            if not stock
            else ("stock search found nothing: " + "; ".join(problems) + "; local scene art used")
        )
        got = await local_provider(ctx.settings).generate(request, out)
        return SceneImage(got.path, got.provider, prompt, note=note)
    assert ai is not None
    got = await ai.generate(request, out)
    return SceneImage(got.path, got.provider, prompt)


def _keywords(params: VideoParams, scene: ScriptScene, i: int) -> tuple[str, ...]:
    if params.stock_keywords:
        k = params.stock_keywords
        return (k[i % len(k)], *(k[(i + 1) % len(k)] for _ in range(1 if len(k) > 1 else 0)))
    return (params.topic or scene.title,)


# ------------------------------------------------------------------ narration


def _chunks(text: str, limit: int) -> list[str]:
    """Sentences packed into pieces of at most ``limit`` characters."""
    pieces: list[str] = []
    for sentence in _SENTENCE.split(text):
        while len(sentence) > limit:  # a run-on sentence: cut at a space
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].strip()
        if pieces and len(pieces[-1]) + 1 + len(sentence) <= limit:
            pieces[-1] += " " + sentence
        elif sentence:
            pieces.append(sentence)
    return pieces


# Leading and trailing silence of a TTS clip trimmed (50 ms kept), so a scene's
# narration starts where its captions and its cut say, and pauses are ours.
_TRIM = (
    "silenceremove=start_periods=1:start_threshold=-45dB:start_silence=0.05,"
    "areverse,silenceremove=start_periods=1:start_threshold=-45dB:start_silence=0.05,areverse"
)


async def _speech_pcm(source: Path, target: Path) -> None:
    await run_ffmpeg(["-i", str(source), "-af", _TRIM, "-ac", "1", "-ar", str(SAMPLE_RATE),
                      "-c:a", "pcm_s16le", str(target)])  # fmt: skip


async def _narration(
    ctx: JobContext, params: VideoParams, script: Script, done: dict[str, Any]
) -> list[Path]:
    provider_name, voice = resolve_voice(params.voice_id)
    provider = tts_provider(provider_name, ctx.settings)
    async with ctx.as_owner() as conn:
        lexicon = await lexicon_for_user(conn, ctx.user_id)
    n = len(script.scenes)
    work = ctx.workdir / "narration"
    work.mkdir(exist_ok=True)
    clips: list[Path | None] = [None] * n
    finished = 0
    slots = asyncio.Semaphore(max(1, provider.concurrency))

    async def one(i: int) -> None:
        nonlocal finished
        unit = f"narration-{i:02d}"
        text = apply_lexicon(script.scenes[i].narration, lexicon)
        fingerprint = hashlib.sha256(f"{params.voice_id}|{text}".encode()).hexdigest()[:16]
        target = work / f"scene-{i:02d}.wav"
        cp = done.get(unit)
        if cp is not None and cp.data.get("fingerprint") == fingerprint:
            clips[i] = await ctx.restore(cp, target)
        else:
            async with slots:
                parts: list[Piece] = []
                for k, chunk in enumerate(_chunks(text, provider.preferred_chars)):
                    result = await provider.synthesize(chunk, voice, work / "raw")
                    pcm = work / f"scene-{i:02d}-{k:03d}.wav"
                    await _speech_pcm(result.path, pcm)
                    with contextlib.suppress(FileNotFoundError):
                        result.path.unlink()
                    parts.append(Piece(pcm, 0.2))
            if len(parts) == 1:
                parts[0].path.rename(target)
            else:
                await assemble(parts, target, work, head_seconds=0.001, tail_seconds=0.001)
            await ctx.checkpoint(unit, target, {"fingerprint": fingerprint,
                                                "seconds": wav_seconds(target)})  # fmt: skip
            clips[i] = target
        finished += 1
        await ctx.progress(50 + 25 * finished / n, "narration",
                           f"Narrating scene {finished} of {n}")  # fmt: skip

    await ctx.progress(50, "narration", f"Narrating scene 1 of {n}")
    await asyncio.gather(*(one(i) for i in range(n)))
    return [c for c in clips if c is not None]


# ------------------------------------------------------------------ captions


def caption_cues(text: str, start: float, end: float, max_words: int) -> list[Cue]:
    """A scene's narration as on-screen captions of at most ``max_words`` words,
    breaking after punctuation where it can, timed by their share of the
    characters spoken between ``start`` and ``end``."""
    words = text.split()
    groups: list[list[str]] = [[]]
    for word in words:
        group = groups[-1]
        group.append(word)
        full = len(group) >= max_words
        pause = word[-1] in ".!?;:," and len(group) >= max(2, max_words // 2)
        if full or pause:
            groups.append([])
    lines = [" ".join(g) for g in groups if g]
    total = sum(len(s) + 1 for s in lines) or 1
    cues: list[Cue] = []
    clock = start
    for line in lines:
        length = (end - start) * (len(line) + 1) / total
        cues.append(Cue(clock, clock + length, line))
        clock += length
    return cues


# ------------------------------------------------------------------ compilation


async def _music(
    ctx: JobContext, params: VideoParams, seconds: float
) -> tuple[Path, dict[str, Any]]:
    mood = params.music.mood or MOODS.get(params.story_type, "neutral")
    provider = music_provider("procedural", ctx.settings)
    tracks = await provider.generate(
        MusicRequest(prompt=params.topic, duration_s=seconds, mood=mood, seed=_seed(params)),
        ctx.workdir / "music",
    )
    return tracks[0].path, {"provider": provider.name, "mood": mood, **tracks[0].metadata}


async def run(ctx: JobContext, params: VideoParams) -> None:
    width, height = frame_size(params.aspect, params.resolution)
    done = await ctx.completed()
    script = await _script(ctx, params, done)
    await ctx.progress(25, "script", f"Script ready: {len(script.scenes)} scenes")
    images = await _images(ctx, params, script, done, (width, height))
    clips = await _narration(ctx, params, script, done)

    await ctx.progress(75, "compilation", "Compiling video")
    work = ctx.workdir / "compile"
    work.mkdir(exist_ok=True)
    pause = PAUSES[params.pacing]
    voice = work / "narration.wav"
    placed = await assemble(
        [Piece(c, pause) for c in clips], voice, work,
        head_seconds=HEAD_SECONDS, tail_seconds=TAIL_SECONDS,
    )  # fmt: skip
    total = wav_seconds(voice)
    stills = await asyncio.gather(*(
        asyncio.to_thread(prepare_still, img.path, work / f"still-{i:02d}.png", width, height)
        for i, img in enumerate(images)
    ))  # fmt: skip
    cuts = [0.0] + [(placed[i - 1].end + placed[i].start) / 2 for i in range(1, len(placed))]
    shots = [Shot(s, cuts[i], cuts[i + 1] if i + 1 < len(cuts) else total)
             for i, s in enumerate(stills)]  # fmt: skip
    max_words = 6 if height > width else 10
    cues = [cue for scene, p in zip(script.scenes, placed, strict=True)
            for cue in caption_cues(scene.narration, p.start, p.end, max_words)]  # fmt: skip

    music_info: dict[str, Any] | None = None
    track: Path | None = None
    if params.music.enabled:
        await ctx.progress(76, "compilation", "Scoring the music")
        track, music_info = await _music(ctx, params, total + 0.5)
    mix = work / "mix.wav"
    gain = await loudness_gain(mix, await mix_audio(voice, track, mix))

    out = ctx.workdir / "out"
    out.mkdir(exist_ok=True)
    burned = params.subtitles in ("burned", "both")
    ass = write_ass(cues, work / "subtitles.ass", width, height) if burned else None
    enc = Encoding(width, height, preset=ctx.settings.video_preset,
                   transition=TRANSITIONS.get(params.story_type, "fade"))  # fmt: skip

    async def on_progress(fraction: float) -> None:
        await ctx.progress(78 + 19 * fraction, "compilation", "Compiling video")

    await ctx.progress(78, "compilation", "Compiling video")
    video = out / "video.mp4"
    await compose(shots, mix, total, video, enc, subtitles=ass, audio_gain_db=gain,
                  on_progress=on_progress)  # fmt: skip

    await ctx.progress(97, "compilation", "Saving the video")
    cover = await asyncio.to_thread(poster, stills[0], out / "poster.jpg", width, height)
    report = {
        "title": script.title,
        "writer": script.writer,
        "width": width, "height": height, "fps": enc.fps,
        "duration_seconds": round(total, 3),
        "voice_id": params.voice_id,
        "loudness": {"target_lufs": -16.0, "gain_db": round(gain, 2)},
        "music": music_info,
        "subtitles": params.subtitles,
        "scenes": [
            {"index": i + 1, "title": s.title, "narration": s.narration,
             "image_prompt": images[i].prompt, "characters": list(s.characters),
             "image": {"provider": images[i].provider, "attribution": images[i].attribution,
                       "note": images[i].note},
             "narration_start": round(placed[i].start, 3), "narration_end": round(placed[i].end, 3),
             "start": round(shots[i].start, 3), "end": round(shots[i].end, 3)}
            for i, s in enumerate(script.scenes)
        ],
        "captions": [{"start": round(c.start, 3), "end": round(c.end, 3), "text": c.text}
                     for c in cues],
        "attributions": [img.attribution["text"] for img in images if img.attribution],
        "notes": [*script.notes, *dict.fromkeys(img.note for img in images if img.note)],
    }  # fmt: skip
    script_json = out / "script.json"
    script_json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    await ctx.add_output("video.mp4", video, "video/mp4")
    await ctx.add_output("poster.jpg", cover, "image/jpeg")
    if params.subtitles in ("sidecar", "both"):
        vtt = out / "captions.vtt"
        write_vtt(cues, vtt)
        await ctx.add_output("captions.vtt", vtt, "text/vtt")
    await ctx.add_output("script.json", script_json, "application/json")
    await ctx.progress(100, "done", "Video ready for download")


VIDEO_PIPELINE = Pipeline(
    kind="video",
    params_model=VideoParams,
    run=run,
    description="A topic (or your own script) to a narrated story video: script, scene "
    "images, narration, music and subtitles in an MP4, with a poster, captions and a report.",
    admit=admit,
)
