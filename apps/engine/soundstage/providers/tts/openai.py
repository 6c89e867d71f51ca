"""``openai``: OpenAI's speech API, or any server that speaks it, through the
official SDK (``AsyncOpenAI``, its retries off, on the shared base's client).

``POST {base_url}/audio/speech`` with ``{model, input, voice, response_format,
instructions}`` and a bearer key returns the audio bytes. ``base_url`` may point at
an OpenAI-compatible server (Kokoro-FastAPI and the like); for those the voice
list comes from their ``GET {base_url}/audio/voices`` when they have one.

OpenAI has announced that ``tts-1``, ``tts-1-hd`` and ``gpt-4o-mini-tts`` stop on
2027-01-06, which is why this is never the default provider.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import openai

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

# Built-in voices; tts-1 and tts-1-hd know only the first nine. OpenAI publishes
# no gender for them, so none is claimed here.
VOICES_ALL = (
    "alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer",
    "ballad", "verse", "marin", "cedar",
)  # fmt: skip
VOICES_TTS1 = VOICES_ALL[:9]
# USD per million input characters at list price. gpt-4o-mini-tts is billed by
# tokens (about $0.015 a minute of speech), which works out near $15.
PRICES = {"tts-1": 15.0, "tts-1-hd": 30.0, "gpt-4o-mini-tts": 15.0}
SAMPLE_RATE = 24_000  # OpenAI's speech output rate, whatever the format


class OpenAITTSProvider(RemoteTTSProvider):
    name = "openai"
    label = "OpenAI"
    key_env = "SOUNDSTAGE_OPENAI_API_KEY"
    max_chars = 4096  # the API's documented input limit
    preferred_chars = 1500

    def __init__(
        self,
        *,
        api_key: str,
        model: str = "gpt-4o-mini-tts",
        base_url: str = "https://api.openai.com/v1",
        instructions: str | None = None,
        timeout: float = 120.0,
        concurrency: int = 4,
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
        self.instructions = instructions
        self._sdk = PerLoop(self._new_sdk)

    def _new_sdk(self) -> openai.AsyncOpenAI:
        # On this loop's shared httpx client, so the SDK's requests share its pool,
        # limits and timeouts (the SDK takes the client's timeout when none is
        # given) and the same HTTP fakes answer them. openai 3 runs on httpx2 by
        # default and takes an httpx client as a supported "legacy" one; its
        # annotations name httpx2 only. Its own retries are off: the base's
        # policy is the only one.
        return openai.AsyncOpenAI(
            api_key=self._api_key,
            base_url=self.base_url,
            max_retries=0,
            http_client=self.http_client(),  # type: ignore[arg-type]
        )

    def failure_of(self, exc: Exception) -> httpx.Response | httpx.TransportError | None:
        if isinstance(exc, openai.APIStatusError):
            # Already read by the SDK, so error_for sees the body. An httpx client
            # answers with httpx responses, whatever the annotation says.
            resp: object = exc.response
            if isinstance(resp, httpx.Response):
                return resp
            return rebuild_response(
                exc.status_code, dict(exc.response.headers), exc.response.content
            )
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__
            if isinstance(cause, httpx.TransportError):
                return cause
            if isinstance(exc, openai.APITimeoutError):
                return httpx.ReadTimeout(str(exc))
            return httpx.TransportError(type(cause).__name__ if cause else "connection error")
        return super().failure_of(exc)

    @property
    def is_openai(self) -> bool:
        """api.openai.com itself, rather than a compatible server."""
        return urlsplit(self.base_url).hostname == "api.openai.com"

    def _takes_instructions(self) -> bool:
        # tts-1 and tts-1-hd refuse the field; compatible servers usually ignore it.
        return not self.model.startswith("tts-1")

    def _static_voices(self) -> list[Voice]:
        names = VOICES_TTS1 if self.model.startswith("tts-1") else VOICES_ALL
        return [Voice(f"openai:{n}", n.title(), self.name, "multilingual", None) for n in names]

    async def _fetch_voices(self) -> list[Voice]:
        if self.is_openai:
            return self._static_voices()  # OpenAI has no endpoint listing them
        # A compatible server without a catalogue answers 404 or 405: offer OpenAI's
        # names, which most of them accept. A refused key still raises here.
        sdk = self._sdk.get()

        async def fetch() -> httpx.Response | None:
            try:
                return await sdk.get("/audio/voices", cast_to=httpx.Response)
            except openai.APIStatusError as exc:
                if exc.status_code in (404, 405):
                    return None
                raise

        resp = await self.call(fetch)
        if resp is None:
            return self._static_voices()
        return self._parse_catalogue(resp) or self._static_voices()

    def _parse_catalogue(self, resp: httpx.Response) -> list[Voice]:
        try:
            body = resp.json()
        except ValueError:
            return []
        items = body.get("voices") if isinstance(body, dict) else body
        voices: list[Voice] = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str):
                voice_id, name = item, item
            elif isinstance(item, dict) and isinstance(item.get("id") or item.get("name"), str):
                voice_id = str(item.get("id") or item.get("name"))
                name = str(item.get("name") or voice_id)
            else:
                continue
            voices.append(Voice(f"openai:{voice_id}", name, self.name, "multilingual", None))
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
        steer = instructions or self.instructions
        extra: dict[str, Any] = {}
        if steer and self._takes_instructions():
            extra["instructions"] = steer
        sdk = self._sdk.get()

        async def speak() -> bytes:
            audio = await sdk.audio.speech.create(
                model=self.model, input=text, voice=voice, response_format="mp3", **extra
            )
            return audio.content

        async with self.slots(), provider_call(self.name):
            content = await self.call(speak, voice=voice)
        if not content:
            raise RetryableError(f"{self.label} answered without audio; will try again")
        target = new_output_path(out_dir, self.name, "mp3")
        await asyncio.to_thread(target.write_bytes, content)
        return Synthesis(target, SAMPLE_RATE if self.is_openai else None, None)

    def _classify(self, resp: httpx.Response, body: Any, voice: str | None) -> PipelineError | None:
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        code = str(error.get("code") or error.get("type") or "")
        message = self.scrub(api_message(body, resp))
        status = resp.status_code
        if status == 429 and code == "insufficient_quota":
            # A 429 that waiting does not cure: the account is out of credit.
            return PermanentError(
                "OpenAI refused the request: the account's quota is used up "
                "(insufficient_quota); add credit or use another provider"
            )
        if status in (400, 404, 422) and voice:
            if error.get("param") == "voice" or "voice" in message.lower():
                return self.unknown_voice(voice, message)
        if status in (400, 404) and "model" in message.lower():
            return PermanentError(
                f"OpenAI cannot use the model '{self.model}' ({message}): "
                "check SOUNDSTAGE_OPENAI_TTS_MODEL"
            )
        return None

    def cost_per_million_chars(self) -> float | None:
        if not self.is_openai:
            return None  # a self-hosted or third-party server prices its own way
        # Longest name first: "tts-1-hd" must not be priced as a dated "tts-1".
        for model in sorted(PRICES, key=len, reverse=True):
            if self.model == model or self.model.startswith(f"{model}-"):
                return PRICES[model]
        return None
