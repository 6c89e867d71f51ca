"""``diffrhythm``: a server speaking the DiffRhythm backend API.

* ``POST /api/v1/generate`` with ``{"lyrics", "style_prompt", "audio_length",
  "batch_size"}`` answers 202 ``{"job_id", "status": "queued", "queue_position", ...}``;
* ``GET /api/v1/status/{job_id}`` answers ``{"job_id", "status": "queued" |
  "processing" | "completed" | "failed", "error", "output_file", ...}``;
* ``GET /api/v1/download/{job_id}`` serves the WAV.

``X-API-Key`` is sent when ``SOUNDSTAGE_DIFFRHYTHM_API_KEY`` is set. DiffRhythm
makes songs of 95 s (base model) or 285 s (full model); we ask for the shorter
one that covers the request and the pipeline trims to the length asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from soundstage.errors import RetryableError
from soundstage.providers.base import provider_call
from soundstage.providers.music.base import GeneratedTrack, MusicRequest
from soundstage.providers.music.remote import RemoteMusicProvider, response_json

LENGTHS = (95, 285)


class DiffRhythmProvider(RemoteMusicProvider):
    name = "diffrhythm"
    label: ClassVar[str] = "DiffRhythm"
    key_env: ClassVar[str] = "SOUNDSTAGE_DIFFRHYTHM_API_KEY"

    def _auth_headers(self) -> dict[str, str]:
        return {"X-API-Key": self._api_key} if self._api_key else {}

    def payload(self, request: MusicRequest) -> dict[str, Any]:
        length = next((n for n in LENGTHS if n >= request.duration_s), LENGTHS[-1])
        return {
            "lyrics": request.lyrics or "",
            "style_prompt": request.description(),
            "audio_length": length,
            "batch_size": 1,
        }

    async def generate(self, request: MusicRequest, out_dir: Path) -> list[GeneratedTrack]:
        async with self.slots(), provider_call(self.name):
            resp = await self.send(
                "POST", f"{self.base_url}/api/v1/generate", json=self.payload(request)
            )
            body = response_json(self, resp)
            job_id = body.get("job_id") if isinstance(body, dict) else None
            if not job_id:
                raise self.task_failed("the server gave no job id")
            job = quote(str(job_id), safe="")
            done = await self.wait_for(lambda: self._check(job), "the song")
            path = await self.download(f"/api/v1/download/{job}", out_dir)
            meta: dict[str, Any] = {"task_id": job_id, "provider": self.name}
            if done.get("output_file"):
                meta["output_file"] = done["output_file"]
            return [GeneratedTrack(path=path, metadata=meta)]

    async def _check(self, job: str) -> dict[str, Any] | None:
        resp = await self.send("GET", f"{self.base_url}/api/v1/status/{job}", ok_statuses=(404,))
        if resp.status_code == 404:
            # Servers keep jobs in memory: a restart forgets them. Submitting again
            # is the only way on, and that is the queue's retry.
            raise RetryableError(
                "DiffRhythm lost the job (the server may have restarted); will submit it again"
            )
        body = response_json(self, resp)
        status = str(body.get("status", "")).lower() if isinstance(body, dict) else ""
        if status == "failed":
            assert isinstance(body, dict)
            raise self.task_failed(str(body.get("error") or ""))
        if status == "completed":
            assert isinstance(body, dict)
            return body
        return None
