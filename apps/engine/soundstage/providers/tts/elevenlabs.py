"""``elevenlabs``: ElevenLabs' text-to-speech API, through its SDK's async client
(``AsyncElevenLabs``, its retries off, on the shared base's client).

``POST {base}/v1/text-to-speech/{voice_id}?output_format=mp3_44100_128`` with the
``xi-api-key`` header and ``{text, model_id, previous_text, next_text,
previous_request_ids}`` returns audio; its ``request-id`` header is what the next
chunk passes as ``previous_request_ids`` ("request stitching") so the joins between
chunks keep one prosody. Voices: ``GET {base}/v1/voices``.

A 429 says why in ``detail.status``: ``too_many_concurrent_requests`` (this plan's
limit on requests in flight: try again in a moment) or ``system_busy`` (ElevenLabs
is overloaded: back off for longer).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from elevenlabs.client import AsyncElevenLabs
from elevenlabs.core.api_error import ApiError
from elevenlabs.core.request_options import RequestOptions

from soundstage.audio.wav import write_pcm16_bytes
from soundstage.errors import PermanentError, PipelineError, RetryableError
from soundstage.providers.base import provider_call
from soundstage.providers.http import api_message, rebuild_response
from soundstage.providers.loops import PerLoop
from soundstage.providers.tts.base import (
    Synthesis,
    Voice,
    check_text,
    new_output_path,
    strip_prefix,
)
from soundstage.providers.tts.remote import RemoteTTSProvider

# Characters per request, per model (ElevenLabs' published limits).
MODEL_MAX_CHARS = {
    "eleven_v3": 5_000,
    "eleven_multilingual_v2": 10_000,
    "eleven_multilingual_v1": 10_000,
    "eleven_monolingual_v1": 10_000,
    "eleven_flash_v2_5": 40_000,
    "eleven_turbo_v2_5": 40_000,
    "eleven_flash_v2": 30_000,
    "eleven_turbo_v2": 30_000,
}
UNKNOWN_MODEL_MAX_CHARS = 5_000  # the smallest current limit: safe for a new model
# USD per million characters, pay-as-you-go list price (plans with included
# credits cost less per character).
PRICES = {
    "eleven_v3": 100.0,
    "eleven_multilingual_v2": 100.0,
    "eleven_flash_v2_5": 50.0,
    "eleven_turbo_v2_5": 50.0,
    "eleven_flash_v2": 50.0,
    "eleven_turbo_v2": 50.0,
}
# ElevenLabs accepts at most three previous request ids.
MAX_PREVIOUS_REQUEST_IDS = 3
# Without a Retry-After: a slot frees within seconds; an overloaded service
# deserves a longer pause than the queue's first backoff step.
CONCURRENCY_RETRY_SECONDS = 2.0
BUSY_RETRY_SECONDS = 15.0
# Every SDK call: the base's retry policy is the only one.
NO_RETRIES: RequestOptions = {"max_retries": 0}


def parse_output_format(fmt: str) -> tuple[str, int | None]:
    """``mp3_44100_128`` -> ("mp3", 44100); ``pcm_24000`` -> ("pcm", 24000)."""
    codec, _, rest = fmt.partition("_")
    rate = rest.split("_", 1)[0]
    return codec, int(rate) if rate.isdigit() else None


class ElevenLabsTTSProvider(RemoteTTSProvider):
    name = "elevenlabs"
    label = "ElevenLabs"
    key_env = "SOUNDSTAGE_ELEVENLABS_API_KEY"

    def __init__(
        self,
        *,
        api_key: str,
        model: str = "eleven_multilingual_v2",
        output_format: str = "mp3_44100_128",
        base_url: str = "https://api.elevenlabs.io",
        timeout: float = 120.0,
        concurrency: int = 2,
        retry_wait: float = 0.5,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            concurrency=concurrency,
            retry_wait=retry_wait,
        )
        self.model = model
        self.output_format = output_format
        self.max_chars = MODEL_MAX_CHARS.get(model, UNKNOWN_MODEL_MAX_CHARS)
        # Long requests drift in pace and tone; stitching makes short ones seamless.
        self.preferred_chars = min(2_000, self.max_chars)
        self._sdk = PerLoop(self._new_sdk)

    def _new_sdk(self) -> AsyncElevenLabs:
        client = self.http_client()
        return AsyncElevenLabs(
            api_key=self._api_key,
            base_url=self.base_url,
            # The SDK passes this to every request, overriding the client's own;
            # annotated as a float (which would stretch the 10 s connect timeout to
            # the whole one), it is handed to httpx as is, so the client's
            # httpx.Timeout goes through unchanged.
            timeout=client.timeout,  # type: ignore[arg-type]
            httpx_client=client,
        )

    def failure_of(self, exc: Exception) -> httpx.Response | httpx.TransportError | None:
        # The SDK lets httpx's transport errors through and keeps only the status,
        # headers and parsed body of an error answer.
        if isinstance(exc, ApiError) and exc.status_code is not None:
            return rebuild_response(exc.status_code, exc.headers, exc.body)
        return super().failure_of(exc)

    async def _fetch_voices(self) -> list[Voice]:
        sdk = self._sdk.get()
        # The SDK builds its models without validating them: a voice lacking a
        # field reads as None here instead of failing the whole catalogue.
        listing = await self.call(lambda: sdk.voices.get_all(request_options=NO_RETRIES))
        voices: list[Voice] = []
        for item in listing.voices or []:
            voice_id = getattr(item, "voice_id", None)
            if not voice_id:
                continue
            labels = item.labels if isinstance(item.labels, dict) else {}
            verified = item.verified_languages or []
            first = verified[0] if verified else None
            language = (
                labels.get("language")
                or (first.locale if first else None)
                or (first.language if first else None)
            )
            gender = labels.get("gender")
            voices.append(
                Voice(
                    id=f"elevenlabs:{voice_id}",
                    name=str(item.name or voice_id),
                    provider=self.name,
                    # ElevenLabs voices speak every language of a multilingual model.
                    language=str(language or "multilingual"),
                    gender=str(gender).lower() if gender else None,
                    preview_url=item.preview_url or None,
                )
            )
        return voices

    async def synthesize(
        self,
        text: str,
        voice: str,
        out_dir: Path,
        *,
        previous_text: str | None = None,
        next_text: str | None = None,
        previous_request_ids: list[str] | None = None,
        instructions: str | None = None,
    ) -> Synthesis:
        voice = strip_prefix(self.name, voice)
        check_text(self.label, text, self.max_chars)
        if not voice:
            raise PermanentError("ElevenLabs needs a voice id")
        # Only what is set: the SDK would send an explicit None as JSON null.
        stitching: dict[str, Any] = {}
        if previous_text:
            stitching["previous_text"] = previous_text
        if next_text:
            stitching["next_text"] = next_text
        if previous_request_ids and not self.model.startswith("eleven_v3"):
            # v3 does not stitch by request id; the others take the last three.
            stitching["previous_request_ids"] = previous_request_ids[-MAX_PREVIOUS_REQUEST_IDS:]
        sdk = self._sdk.get()

        async def speak() -> tuple[bytes, str | None]:
            # The SDK puts the voice id into the path as it is: quoted here so an
            # id like "../user" cannot reach another endpoint.
            async with sdk.text_to_speech.with_raw_response.convert(
                quote(voice, safe=""),
                text=text,
                model_id=self.model,
                output_format=self.output_format,
                request_options=NO_RETRIES,
                **stitching,
            ) as raw:
                # request-id is what the next chunk stitches to; the SDK's plain
                # convert() yields only the bytes, hence the raw response.
                content = b"".join([chunk async for chunk in raw.data])
                return content, raw.headers.get("request-id")

        async with self.slots(), provider_call(self.name):
            content, request_id = await self.call(speak, voice=voice)
        if not content:
            raise RetryableError("ElevenLabs answered without audio; will try again")
        codec, rate = parse_output_format(self.output_format)
        if codec == "pcm":
            target = new_output_path(out_dir, self.name, "wav")
            await asyncio.to_thread(write_pcm16_bytes, target, content, rate or 44_100)
        else:
            target = new_output_path(out_dir, self.name, codec)
            await asyncio.to_thread(target.write_bytes, content)
        return Synthesis(target, rate, request_id)

    def _classify(self, resp: httpx.Response, body: Any, voice: str | None) -> PipelineError | None:
        detail = body.get("detail") if isinstance(body, dict) else None
        detail = detail if isinstance(detail, dict) else {}
        # "status" is the legacy field, "code" the current one; both are sent today.
        reason = str(detail.get("code") or detail.get("status") or "")
        legacy = str(detail.get("status") or "")
        reasons = {reason, legacy}
        message = self.scrub(api_message(body, resp))
        status = resp.status_code
        if status == 429:
            wait = self.retry_after(resp)
            if "too_many_concurrent_requests" in reasons:
                return RetryableError(
                    "ElevenLabs: this plan's limit on requests in flight was reached; will "
                    "try again (lower SOUNDSTAGE_ELEVENLABS_CONCURRENCY if it keeps happening)",
                    retry_after=wait if wait is not None else CONCURRENCY_RETRY_SECONDS,
                )
            if "system_busy" in reasons:
                return RetryableError(
                    "ElevenLabs is overloaded (system_busy); will try again",
                    retry_after=wait if wait is not None else BUSY_RETRY_SECONDS,
                )
            return None
        if "voice_not_found" in reasons or (status == 404 and voice and "voice" in message.lower()):
            return self.unknown_voice(voice or "?")
        if "quota_exceeded" in reasons:
            return PermanentError(
                "the ElevenLabs account has too few characters left for this request "
                "(quota_exceeded)"
            )
        if status == 401 and reason and reason != "invalid_api_key":
            # e.g. missing_permissions: a valid key without text-to-speech access
            return PermanentError(f"{self.key_refused().message} ({reason}: {message})")
        if reasons & {"model_not_found", "invalid_model"}:
            return PermanentError(
                f"ElevenLabs cannot use the model '{self.model}': check SOUNDSTAGE_ELEVENLABS_MODEL"
            )
        if reasons & {"max_character_limit_exceeded", "text_too_long"}:
            return PermanentError(f"ElevenLabs refused the text as too long: {message}")
        return None

    def cost_per_million_chars(self) -> float | None:
        return PRICES.get(self.model)
