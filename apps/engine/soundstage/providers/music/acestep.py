"""``acestep``: an ACE-Step API server (``python -m acestep.api_server``).

The protocol, as the server speaks it:

* ``POST /release_task`` with JSON (``prompt``, ``lyrics``, ``audio_duration``,
  ``bpm``, ``key_scale``, ``time_signature``, ``seed``/``use_random_seed``,
  ``audio_format``, ``batch_size``, ...) answers
  ``{"data": {"task_id", "status": "queued", ...}, "code": 200, "error": null, ...}``;
* ``POST /query_result`` with ``{"task_id_list": [id]}`` answers ``{"data": [{"task_id",
  "status": 0 | 1 | 2, "result": "<JSON list of {file, ...}>", ...}], ...}`` where 0 is
  queued or running, 1 succeeded and 2 failed;
* ``GET /v1/audio?path=...`` serves a result's ``file``.

An API key, when the server has one (``ACESTEP_API_KEY``), goes in
``Authorization: Bearer``; set ``SOUNDSTAGE_ACESTEP_API_KEY``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import httpx

from soundstage.errors import PipelineError, RetryableError
from soundstage.providers.base import provider_call
from soundstage.providers.music.base import GeneratedTrack, MusicRequest
from soundstage.providers.music.remote import RemoteMusicProvider, response_json

RUNNING, SUCCEEDED, FAILED = 0, 1, 2


class AceStepProvider(RemoteMusicProvider):
    name = "acestep"
    label: ClassVar[str] = "ACE-Step"
    key_env: ClassVar[str] = "SOUNDSTAGE_ACESTEP_API_KEY"

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    def _classify(self, resp: httpx.Response, body: Any, voice: str | None) -> PipelineError | None:
        if resp.status_code == 429:
            # The server's own queue is full (ACESTEP_QUEUE_MAXSIZE).
            return RetryableError(
                "ACE-Step's queue is full; will try again", retry_after=self.retry_after(resp)
            )
        return None

    def payload(self, request: MusicRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "prompt": request.description(),
            "lyrics": request.lyrics or "",
            "instrumental": not request.lyrics,
            "audio_duration": round(request.duration_s, 2),
            "time_signature": "4",
            "audio_format": "wav",
            "batch_size": 1,
            "thinking": False,
            "use_random_seed": request.seed is None,
        }
        if request.seed is not None:
            body["seed"] = request.seed
        if request.bpm:
            body["bpm"] = request.bpm
        if request.key:
            body["key_scale"] = request.key
        return body

    async def generate(self, request: MusicRequest, out_dir: Path) -> list[GeneratedTrack]:
        async with self.slots(), provider_call(self.name):
            resp = await self.send(
                "POST", f"{self.base_url}/release_task", json=self.payload(request)
            )
            data = self._unwrap(response_json(self, resp))
            task_id = data.get("task_id") if isinstance(data, dict) else None
            if not task_id:
                raise self.task_failed(f"the server gave no task id ({_short(data)})")
            entry = await self.wait_for(lambda: self._check(str(task_id)), "the task")
            files = _result_files(entry)
            if not files:
                raise self.task_failed("the task succeeded without an audio file")
            tracks = []
            for item in files:
                ref = str(item["file"])
                if ref.startswith(("/v1/audio", "http://", "https://")):
                    path = await self.download(ref, out_dir)
                else:  # a bare server-side path
                    path = await self.download("/v1/audio", out_dir, params={"path": ref})
                meta = {"task_id": task_id, "provider": self.name}
                for k in ("seed_value", "bpm", "keyscale", "duration"):
                    if item.get(k) not in (None, ""):
                        meta[k] = item[k]
                tracks.append(GeneratedTrack(path=path, metadata=meta))
            return tracks

    def _unwrap(self, body: object) -> Any:
        """``data`` from the server's ``{"data", "code", "error"}`` envelope."""
        if isinstance(body, dict) and "data" in body:
            code = body.get("code", 200)
            if body.get("error") or (isinstance(code, int) and code >= 400):
                message = str(body.get("error") or f"code {code}")
                if isinstance(code, int) and (code == 429 or code >= 500):
                    raise RetryableError(f"ACE-Step failed ({message}); will try again")
                raise self.task_failed(message)
            return body["data"]
        return body

    async def _check(self, task_id: str) -> dict[str, Any] | None:
        resp = await self.send(
            "POST", f"{self.base_url}/query_result", json={"task_id_list": [task_id]}
        )
        data = self._unwrap(response_json(self, resp))
        entries = [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []
        entry = next((e for e in entries if str(e.get("task_id", task_id)) == task_id), None)
        if entry is None:
            return None  # not visible yet: the server registers tasks asynchronously
        status = entry.get("status")
        if status == FAILED or status == "failed":
            raise self.task_failed(_failure_message(entry))
        if status == SUCCEEDED or status in ("succeeded", "success"):
            return entry
        return None


def _parse_result(entry: dict[str, Any]) -> list[dict[str, Any]]:
    result = entry.get("result")
    if isinstance(result, str) and result.strip():
        try:
            result = json.loads(result)
        except ValueError:
            return []
    if isinstance(result, dict):
        result = [result]
    return [r for r in result if isinstance(r, dict)] if isinstance(result, list) else []


def _result_files(entry: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in _parse_result(entry) if r.get("file")]


def _failure_message(entry: dict[str, Any]) -> str:
    for item in [entry, *_parse_result(entry)]:
        for key in ("error", "message", "status_message", "progress_text"):
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return ""


def _short(value: object) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text[:120]
