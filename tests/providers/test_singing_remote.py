"""The DiffSinger-style singing provider against a fake that speaks its HTTP
protocol (docs/vocals.md): audio answered at once or through a polled task,
429 with Retry-After, 5xx, timeouts, refused keys, permanent 4xx with the
server's words; and the ``vocals`` job on it through the API and a real worker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from soundstage.audio import singing
from soundstage.audio.singing import MelodyNote
from soundstage.config import Settings
from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.singing.base import SingingRequest
from soundstage.providers.singing.diffsinger import DiffSingerProvider, note_sequence
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status

DS = "http://diffsinger.test:9266"
KEY = "ds-secret-key-0123456789"
NOTES = [MelodyNote(0.5, 1.0, 60), MelodyNote(1.0, 1.5, 62), MelodyNote(2.0, 2.5, 64),
         MelodyNote(2.5, 3.0, 65)]  # fmt: skip
REQUEST = SingingRequest(singing.align(singing.syllabify("hello sun"), NOTES), "opencpop", seed=3)


def diffsinger(**kwargs: Any) -> DiffSingerProvider:
    options: dict[str, Any] = {
        "base_url": DS, "api_key": KEY, "timeout": 2.0, "concurrency": 1,
        "poll_seconds": 0.01, "max_wait_seconds": 5.0, "retry_wait": 0.01,
    }  # fmt: skip
    options.update(kwargs)
    return DiffSingerProvider(**options)


class FakeDiffSinger:
    """``POST /sing`` (audio at once, or a task when ``tasks``), ``GET
    /sing/{id}`` (queued, running..., succeeded | failed), ``GET /files/{id}.wav``."""

    def __init__(
        self, audio: bytes, *, tasks: bool = False, running_polls: int = 2, fail: str = ""
    ) -> None:
        self.audio = audio
        self.tasks = tasks
        self.running_polls = running_polls
        self.fail = fail
        self.submitted: list[dict[str, Any]] = []
        self.headers: list[httpx.Headers] = []
        self.polls = 0

    def mount(self, router: respx.MockRouter) -> None:
        router.post(f"{DS}/sing").mock(side_effect=self.sing)
        router.get(f"{DS}/sing/t-7").mock(side_effect=self.poll)
        router.get(f"{DS}/files/t-7.wav").mock(side_effect=self.file)

    def sing(self, request: httpx.Request) -> httpx.Response:
        self.submitted.append(json.loads(request.content))
        self.headers.append(request.headers)
        if self.tasks:
            return httpx.Response(202, json={"task_id": "t-7", "status": "queued"})
        return httpx.Response(200, content=self.audio, headers={"content-type": "audio/wav"})

    def poll(self, request: httpx.Request) -> httpx.Response:
        self.polls += 1
        if self.polls <= self.running_polls:
            return httpx.Response(200, json={"task_id": "t-7", "status": "running"})
        if self.fail:
            return httpx.Response(200, json={"task_id": "t-7", "status": "failed",
                                             "error": self.fail})  # fmt: skip
        return httpx.Response(
            200, json={"task_id": "t-7", "status": "succeeded", "audio_url": "/files/t-7.wav"}
        )

    def file(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=self.audio, headers={"content-type": "audio/wav"})


def test_the_note_sequence_has_rests_and_slurs() -> None:
    # "hello sun": hel (0.5-1.0), lo (1.0-1.5), sun on a melisma 2.0-3.0
    [rest0, hel, lo, rest1, sun, slur] = note_sequence(REQUEST)
    assert rest0 == {"lyric": "SP", "pitch": None, "note": "rest", "start_s": 0.0,
                     "duration_s": 0.5, "slur": False, "rest": True}  # fmt: skip
    assert (hel["lyric"], hel["pitch"], hel["note"], hel["slur"]) == ("hel", 60, "C4", False)
    assert (lo["lyric"], lo["start_s"], lo["duration_s"]) == ("lo", 1.0, 0.5)
    assert rest1["rest"] and rest1["duration_s"] == 0.5
    assert (sun["lyric"], sun["note"], sun["slur"]) == ("sun", "E4", False)
    assert (slur["lyric"], slur["note"], slur["slur"]) == ("sun", "F4", True)


async def test_audio_answered_at_once_with_the_key(wav_bytes: bytes, tmp_path: Path) -> None:
    fake = FakeDiffSinger(wav_bytes)
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        result = await diffsinger().sing(REQUEST, tmp_path)
    assert result.path.read_bytes() == wav_bytes and result.path.suffix == ".wav"
    sent = fake.submitted[0]
    assert (sent["voice"], sent["sample_rate"], sent["seed"]) == ("opencpop", 44100, 3)
    assert len(sent["notes"]) == 6
    assert fake.headers[0]["authorization"] == f"Bearer {KEY}"
    # the alignment is the one asked: remote servers report no timing of their own
    assert [s.syllable.text for s in result.syllables] == ["hel", "lo", "sun"]
    assert result.syllables[2].note_indices == (2, 3)
    assert result.metadata["draft"] is False


async def test_a_task_is_polled_then_downloaded(wav_bytes: bytes, tmp_path: Path) -> None:
    fake = FakeDiffSinger(wav_bytes, tasks=True, running_polls=3)
    with respx.mock(assert_all_called=True) as router:
        fake.mount(router)
        result = await diffsinger(api_key=None).sing(REQUEST, tmp_path)
    assert fake.polls == 4 and result.metadata["task_id"] == "t-7"
    assert result.path.read_bytes() == wav_bytes
    assert "authorization" not in fake.headers[0]


async def test_a_failed_task_is_permanent_with_the_servers_words(
    wav_bytes: bytes, tmp_path: Path
) -> None:
    fake = FakeDiffSinger(wav_bytes, tasks=True, running_polls=1, fail="note B7 out of range")
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        with pytest.raises(PermanentError, match="could not sing the vocals: note B7 out of range"):
            await diffsinger().sing(REQUEST, tmp_path)


async def test_429_is_retryable_with_retry_after(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DS}/sing").respond(
            429, json={"detail": "queue full"}, headers={"Retry-After": "23"}
        )
        with pytest.raises(RetryableError, match="rate limiting") as caught:
            await diffsinger().sing(REQUEST, tmp_path)
    assert caught.value.retry_after == 23


async def test_5xx_is_retried_quickly_then_retryable(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.post(f"{DS}/sing").respond(502)
        with pytest.raises(RetryableError, match="HTTP 502"):
            await diffsinger().sing(REQUEST, tmp_path)
    assert route.call_count == 3  # the call and its two quick retries


async def test_a_blip_then_audio_succeeds(wav_bytes: bytes, tmp_path: Path) -> None:
    answers = iter([httpx.Response(503), httpx.ConnectError("reset")])

    def flaky(request: httpx.Request) -> httpx.Response:
        answer = next(answers, None)
        if isinstance(answer, Exception):
            raise answer
        return answer or httpx.Response(200, content=wav_bytes,
                                         headers={"content-type": "audio/wav"})  # fmt: skip

    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DS}/sing").mock(side_effect=flaky)
        result = await diffsinger().sing(REQUEST, tmp_path)
    assert result.path.read_bytes() == wav_bytes


async def test_timeout_is_retryable(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DS}/sing").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(RetryableError, match="did not answer"):
            await diffsinger().sing(REQUEST, tmp_path)


async def test_permanent_4xx_and_refused_key(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DS}/sing").respond(
            422, json={"detail": [{"msg": "unknown voice 'opencpop'"}]}
        )
        with pytest.raises(PermanentError, match=r"HTTP 422\): unknown voice 'opencpop'"):
            await diffsinger().sing(REQUEST, tmp_path)
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DS}/sing").respond(401, json={"detail": f"bad key {KEY}"})
        with pytest.raises(PermanentError, match="SOUNDSTAGE_DIFFSINGER_API_KEY") as caught:
            await diffsinger().sing(REQUEST, tmp_path)
    assert KEY not in caught.value.message


# ------------------------------------------ the vocals job through the worker

INLINE = [{"pitch": "C4", "start": 1, "beats": 1}, {"pitch": 62, "start": 2, "beats": 1},
          {"pitch": "E4", "start": 4, "beats": 2}]  # fmt: skip


@pytest.fixture
def remote_singer(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in {
        "diffsinger_url": DS, "diffsinger_api_key": SecretStr(KEY),
        "music_poll_seconds": 0.01, "music_max_wait_seconds": 10.0, "music_timeout_seconds": 5.0,
    }.items():  # fmt: skip
        monkeypatch.setattr(settings, name, value)
    return settings


async def _vocals(client: httpx.AsyncClient, user: User, **params: Any) -> dict[str, Any]:
    body = {"kind": "vocals", "params": {"lyrics": "hello sun", "melody": INLINE, "bpm": 120,
                                         "voice": "diffsinger:opencpop", **params}}  # fmt: skip
    r = await client.post("/v1/jobs", json=body, headers=user.headers)
    assert r.status_code == 202, r.text
    return await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=60)


async def test_vocals_job_on_the_remote_singer(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, remote_singer: Settings,
    wav_bytes: bytes,
) -> None:  # fmt: skip
    user = await make_user()
    fake = FakeDiffSinger(wav_bytes, tasks=True, running_polls=1)
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        done = await _vocals(client, user)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}
    assert set(outputs) == {"vocals.wav", "alignment.json"}
    notes = fake.submitted[0]["notes"]
    assert [(n["lyric"], n["note"], n["start_s"]) for n in notes if not n["rest"]] == [
        ("hel", "C4", 0.5), ("lo", "D4", 1.0), ("sun", "E4", 2.0),
    ]  # fmt: skip
    report = (await client.get(outputs["alignment.json"]["url"])).json()
    assert report["draft"] is False and report["provider"]["task_id"] == "t-7"
    assert [s["text"] for s in report["syllables"]] == ["hel", "lo", "sun"]


async def test_a_4xx_fails_the_vocals_job_at_once(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, remote_singer: Settings
) -> None:
    user = await make_user()
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DS}/sing").respond(400, json={"detail": "voice opencpop is not loaded"})
        done = await _vocals(client, user)
    assert done["status"] == "failed" and done["attempts"] == 1
    assert "voice opencpop is not loaded" in str(done["error"])


async def test_a_429_is_retried_by_the_queue(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, remote_singer: Settings,
    wav_bytes: bytes,
) -> None:  # fmt: skip
    user = await make_user()
    fake = FakeDiffSinger(wav_bytes)
    answers = iter([httpx.Response(429, headers={"Retry-After": "0"})])

    def busy_then_free(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or fake.sing(request)

    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DS}/sing").mock(side_effect=busy_then_free)
        done = await _vocals(client, user)
    assert done["status"] == "succeeded", done
    assert done["attempts"] == 2


async def test_diffsinger_voice_needs_its_server(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    body = {"kind": "vocals", "params": {"lyrics": "hi", "melody": INLINE,
                                         "voice": "diffsinger:x"}}  # fmt: skip
    r = await client.post("/v1/jobs", json=body, headers=user.headers)
    assert r.status_code == 422
    assert "set SOUNDSTAGE_DIFFSINGER_URL" in r.json()["error"]["message"]
