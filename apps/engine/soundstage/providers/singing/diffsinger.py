"""``diffsinger``: a DiffSinger-style singing server over HTTP.

DiffSinger (and OpenUtau/NNSVS-style engines) sing a *note sequence*: one entry
per note with its lyric, pitch and duration, rests included, notes that continue
the previous syllable marked as slurs. Any server that takes this shape works
(see docs/vocals.md, "A DiffSinger-style server"):

* ``POST {url}/sing`` with JSON::

      {"voice": "...", "sample_rate": 44100, "seed": 0,
       "notes": [{"lyric": "hel", "pitch": 60, "note": "C4", "start_s": 0.5,
                  "duration_s": 0.35, "slur": false, "rest": false}, ...]}

  ``notes`` is contiguous from 0 s: gaps are ``{"lyric": "SP", "rest": true,
  "pitch": null, ...}``; a melisma's later notes repeat the lyric with
  ``"slur": true`` (DiffSinger's ``note_slur``).
* The answer is either the audio itself (``200``, ``audio/*``), or a task
  (``200``/``202`` JSON ``{"task_id": "..."}``) polled with
  ``GET {url}/sing/{task_id}`` -> ``{"status": "queued" | "running" |
  "succeeded" | "failed", "audio_url": "...", "error": "..."}``, the audio then
  fetched from ``audio_url`` (absolute or relative to ``url``).
* ``Authorization: Bearer <key>`` when ``SOUNDSTAGE_DIFFSINGER_API_KEY`` is set.

Errors as for the other remote providers: 429 (with ``Retry-After``), 408, 5xx
and timeouts are retryable; 401/403 name the key setting; other 4xx are
permanent with the server's own message (an unknown voice, a note out of range).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from soundstage.audio.singing import note_name
from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.base import provider_call
from soundstage.providers.music.remote import RemoteMusicProvider, response_json
from soundstage.providers.singing.base import (
    SingingRequest,
    SingingResult,
    default_syllables,
    new_output_path,
)

_REST_MIN_S = 0.01  # shorter gaps are timing noise, not rests


def note_sequence(request: SingingRequest) -> list[dict[str, Any]]:
    """The request as DiffSinger-style contiguous notes, rests included."""
    notes: list[dict[str, Any]] = []
    now = 0.0
    for a in request.assignments:
        for k, note in enumerate(a.notes):
            gap = note.start_s - now
            if gap > _REST_MIN_S:
                notes.append(
                    {"lyric": "SP", "pitch": None, "note": "rest", "start_s": round(now, 4),
                     "duration_s": round(gap, 4), "slur": False, "rest": True}
                )  # fmt: skip
            notes.append(
                {
                    "lyric": a.syllable.text.lower(),
                    "pitch": note.pitch,
                    "note": note_name(note.pitch),
                    "start_s": round(note.start_s, 4),
                    "duration_s": round(note.end_s - note.start_s, 4),
                    "slur": k > 0,
                    "rest": False,
                }
            )
            now = note.end_s
    return notes


class DiffSingerProvider(RemoteMusicProvider):
    name = "diffsinger"
    label: ClassVar[str] = "The DiffSinger server"
    key_env: ClassVar[str] = "SOUNDSTAGE_DIFFSINGER_API_KEY"
    draft = False

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    def payload(self, request: SingingRequest) -> dict[str, Any]:
        return {
            "voice": request.voice,
            "sample_rate": request.sample_rate,
            "seed": request.seed,
            "notes": note_sequence(request),
        }

    async def sing(self, request: SingingRequest, out_dir: Path) -> SingingResult:
        async with self.slots(), provider_call(self.name):
            resp = await self.send(
                "POST", f"{self.base_url}/sing", json=self.payload(request), voice=request.voice
            )
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            meta: dict[str, Any] = {"provider": self.name, "draft": False}
            if ctype.startswith("audio/"):
                if not resp.content:
                    raise RetryableError(f"{self.label} sent an empty audio file; will try again")
                path = new_output_path(out_dir, self.name, _suffix(ctype))
                path.write_bytes(resp.content)
            else:
                body = response_json(self, resp)
                task_id = body.get("task_id") if isinstance(body, dict) else None
                if not task_id:
                    raise self.task_failed("the server sent neither audio nor a task id")
                task = quote(str(task_id), safe="")
                done = await self.wait_for(lambda: self._check(task), "the vocals")
                url = str(done.get("audio_url") or "")
                if not url:
                    raise self.task_failed("the finished task has no audio_url")
                path = await self.download(url, out_dir)
                meta["task_id"] = str(task_id)
        return SingingResult(
            path=path, sample_rate=request.sample_rate, syllables=default_syllables(request),
            metadata=meta,
        )  # fmt: skip

    async def _check(self, task: str) -> dict[str, Any] | None:
        resp = await self.send("GET", f"{self.base_url}/sing/{task}", ok_statuses=(404,))
        if resp.status_code == 404:
            raise RetryableError(
                f"{self.label} lost the task (it may have restarted); will submit it again"
            )
        body = response_json(self, resp)
        if not isinstance(body, dict):
            return None
        status = str(body.get("status", "")).lower()
        if status == "failed":
            raise self.task_failed(str(body.get("error") or ""))
        if status == "succeeded":
            return body
        return None

    def task_failed(self, message: str) -> PermanentError:
        text = self.scrub(message) if message else "no reason given"
        return PermanentError(f"{self.label} could not sing the vocals: {text}")


def _suffix(content_type: str) -> str:
    return {
        "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/flac": "flac", "audio/x-flac": "flac",
        "audio/ogg": "ogg",
    }.get(content_type, "wav")  # fmt: skip
