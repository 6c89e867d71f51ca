"""Voice catalogues and samples.

Local voices get a short spoken sample, rendered once per voice and kept in
storage, so listing voices costs a model run only the first time. Engine-owned
objects live under the all-zero UUID (:data:`SYSTEM_OWNER`), which no user can
have, because every object path must start with an owner's UUID:
``renders/00000000-0000-0000-0000-000000000000/voices/local-hibari-us-female.v1.mp3``.
Delete that ``voices/`` folder to have the samples rendered again.

Remote catalogues come from the providers themselves (fetched with the configured
key, cached in memory for ten minutes by the provider); a sample is the provider's
own preview URL when it hosts one.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import uuid
from pathlib import Path

from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.errors import PipelineError, ServiceUnavailable, ValidationFailed
from soundstage.providers.tts import (
    KEY_SETTINGS,
    PROVIDER_NAMES,
    TTSProvider,
    Voice,
    configured_providers,
    get_provider,
)
from soundstage.resources import Engine
from soundstage.voices.schemas import VoiceList, VoiceOut

log = logging.getLogger(__name__)

SYSTEM_OWNER = uuid.UUID(int=0)
SAMPLE_BUCKET = "renders"
SAMPLE_TEXT = "Hello, I am {name}. This is how I sound."
# Part of each sample's file name: bump it when SAMPLE_TEXT or the encoding changes.
SAMPLE_VERSION = 1

# One render per sample at a time in this process; across processes a duplicate
# render is harmless (the store replaces atomically).
_render_locks: dict[str, asyncio.Lock] = {}


def sample_path(voice: Voice) -> str:
    return f"{SYSTEM_OWNER}/voices/{voice.provider}-{voice.provider_voice}.v{SAMPLE_VERSION}.mp3"


def spoken_name(voice: Voice) -> str:
    """``"Hibari Heart (US female)"`` -> ``"Hibari Heart"``."""
    return voice.name.split(" (", 1)[0].strip() or voice.name


class VoiceService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _providers(self, provider: str | None) -> list[str]:
        configured = configured_providers(self.engine.settings)
        if provider is None:
            return configured
        if provider not in PROVIDER_NAMES:
            raise ValidationFailed(
                f"unknown TTS provider '{provider}'; valid providers: {', '.join(PROVIDER_NAMES)}"
            )
        if provider not in configured:
            raise ValidationFailed(
                f"the TTS provider '{provider}' is not configured: set {KEY_SETTINGS[provider]}"
            )
        return [provider]

    async def list(self, provider: str | None, base_url: str) -> VoiceList:
        """Voices of one provider, or of every configured one (``local`` first)."""
        items: list[VoiceOut] = []
        for name in self._providers(provider):
            tts = get_provider(name, self.engine)
            try:
                voices = await tts.voices()
            except PipelineError as exc:
                # The provider's message is already safe to show (no key in it).
                raise ServiceUnavailable(
                    f"could not list the {name} voices: {exc.message}"
                ) from exc
            for voice in voices:
                if name == "local":
                    sample = await self._local_sample_url(tts, voice, base_url)
                else:
                    sample = voice.preview_url
                items.append(
                    VoiceOut(
                        id=voice.id,
                        name=voice.name,
                        provider=voice.provider,
                        language=voice.language,
                        gender=voice.gender,
                        sample_url=sample,
                    )
                )
        return VoiceList(items=items)

    async def _local_sample_url(self, tts: TTSProvider, voice: Voice, base_url: str) -> str | None:
        storage = self.engine.storage
        path = sample_path(voice)
        try:
            if not await storage.exists(SAMPLE_BUCKET, path):
                lock = _render_locks.setdefault(path, asyncio.Lock())
                async with lock:
                    if not await storage.exists(SAMPLE_BUCKET, path):
                        await self._render_sample(tts, voice, path)
        except PipelineError as exc:
            # A missing sample must not hide the voice itself.
            log.warning("no sample for voice %s: %s", voice.id, exc.message)
            return None
        signed = await storage.signed_url(
            SAMPLE_BUCKET,
            path,
            expires_in=self.engine.settings.signed_url_ttl_seconds,
            base_url=base_url,
        )
        return signed.url

    async def _render_sample(self, tts: TTSProvider, voice: Voice, path: str) -> None:
        tmp_root = self.engine.settings.data_path / "tmp"
        workdir = Path(
            await asyncio.to_thread(_mkdtemp, tmp_root, f"voice-{voice.provider_voice}-")
        )
        try:
            text = SAMPLE_TEXT.format(name=spoken_name(voice))
            spoken = await tts.synthesize(text, voice.id, workdir)
            mp3 = workdir / "sample.mp3"
            await run_ffmpeg(
                ["-i", str(spoken.path), "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", str(mp3)]
            )
            await self.engine.storage.put_file(SAMPLE_BUCKET, path, mp3, "audio/mpeg")
            log.info("rendered the sample of voice %s", voice.id)
        finally:
            await asyncio.to_thread(shutil.rmtree, workdir, True)


def _mkdtemp(root: Path, prefix: str) -> str:
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=root)
