"""``inworld``: Inworld's text-to-speech API.

``POST {base}/tts/v1/voice`` with ``Authorization: Basic <credential>`` and
``{text, voiceId, modelId, audioConfig: {audioEncoding, sampleRateHertz}}``
answers ``{"audioContent": <base64>, "usage": ...}``; at most 2,000 characters per
request. Voices: ``GET {base}/tts/v1/voices`` (``{"voices": [{voiceId, displayName,
languages, tags}]}``). Errors come in the gRPC-gateway shape ``{code, message}``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from pathlib import Path
from typing import Any

import httpx

from soundstage.errors import PipelineError, RetryableError
from soundstage.providers.base import provider_call
from soundstage.providers.http import api_message
from soundstage.providers.tts.base import (
    Synthesis,
    Voice,
    check_text,
    new_output_path,
    strip_prefix,
)
from soundstage.providers.tts.remote import RemoteTTSProvider

# USD per million characters at list price.
PRICES = {
    "inworld-tts-1": 5.0,
    "inworld-tts-1-max": 10.0,
    "inworld-tts-1.5-mini": 5.0,
    "inworld-tts-1.5-max": 10.0,
}
SAMPLE_RATE = 48_000
_GENDERS = ("female", "male")


def basic_credential(key: str) -> str:
    """Inworld's portal hands out the Base64 of ``key:secret``; accept the raw pair too
    (Base64 never contains ':')."""
    if ":" in key:
        return base64.b64encode(key.encode()).decode()
    return key


def _language(item: dict[str, Any]) -> str:
    langs = item.get("languages")
    if isinstance(langs, list) and langs and isinstance(langs[0], str):
        return langs[0]
    code = item.get("langCode")  # newer catalogues: "EN_US"
    if isinstance(code, str) and code:
        head, _, tail = code.partition("_")
        return f"{head.lower()}-{tail.upper()}" if tail else head.lower()
    return "en"


class InworldTTSProvider(RemoteTTSProvider):
    name = "inworld"
    label = "Inworld"
    key_env = "SOUNDSTAGE_INWORLD_API_KEY"
    max_chars = 2000
    preferred_chars = 1500

    def __init__(
        self,
        *,
        api_key: str,
        model: str = "inworld-tts-1.5-max",
        base_url: str = "https://api.inworld.ai",
        timeout: float = 120.0,
        concurrency: int = 2,
        retry_wait: float = 0.5,
    ) -> None:
        super().__init__(
            api_key=basic_credential(api_key),
            base_url=base_url,
            timeout=timeout,
            concurrency=concurrency,
            retry_wait=retry_wait,
        )
        self.model = model

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Basic {self._api_key}"}

    async def _fetch_voices(self) -> list[Voice]:
        resp = await self.send("GET", f"{self.base_url}/tts/v1/voices")
        body = resp.json()
        voices: list[Voice] = []
        for item in body.get("voices", []) if isinstance(body, dict) else []:
            if not isinstance(item, dict) or not item.get("voiceId"):
                continue
            tags = [str(t).lower() for t in item.get("tags") or [] if isinstance(t, str)]
            gender = next((g for g in _GENDERS if g in tags), None)
            voices.append(
                Voice(
                    id=f"inworld:{item['voiceId']}",
                    name=str(item.get("displayName") or item["voiceId"]),
                    provider=self.name,
                    language=_language(item),
                    gender=gender,
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
        body = {
            "text": text,
            "voiceId": voice,
            "modelId": self.model,
            "audioConfig": {"audioEncoding": "MP3", "sampleRateHertz": SAMPLE_RATE},
        }
        async with self.slots(), provider_call(self.name):
            resp = await self.send("POST", f"{self.base_url}/tts/v1/voice", voice=voice, json=body)
        try:
            payload = resp.json()
            audio = base64.b64decode(payload["audioContent"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise RetryableError("Inworld answered without readable audio; will try again") from exc
        if not audio:
            raise RetryableError("Inworld answered with empty audio; will try again")
        target = new_output_path(out_dir, self.name, "mp3")
        await asyncio.to_thread(target.write_bytes, audio)
        return Synthesis(target, SAMPLE_RATE, None)

    def _classify(self, resp: httpx.Response, body: Any, voice: str | None) -> PipelineError | None:
        message = self.scrub(api_message(body, resp))
        status = resp.status_code
        if voice and (status == 404 or (status == 400 and "voice" in message.lower())):
            return self.unknown_voice(voice, message)
        return None

    def cost_per_million_chars(self) -> float | None:
        return PRICES.get(self.model)
