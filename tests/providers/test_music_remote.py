"""ACE-Step and DiffRhythm providers against fakes that speak their HTTP protocols:
slow polling, 429 with Retry-After, 5xx, timeouts, failed tasks, API keys; and
the ``song`` job on each, through the API, the queue and a real worker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from soundstage.audio.analysis import read_audio
from soundstage.config import Settings
from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.music.acestep import AceStepProvider
from soundstage.providers.music.base import MusicRequest
from soundstage.providers.music.diffrhythm import DiffRhythmProvider
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status

ACE = "http://ace.test:8001"
DR = "http://diffrhythm.test:8000"
KEY = "dr-secret-key-0123456789"
REQUEST = MusicRequest(
    prompt="lofi piano", duration_s=12, bpm=90, key="A minor", mood="chill", seed=7
)


def ace(**kwargs: Any) -> AceStepProvider:
    options: dict[str, Any] = {
        "base_url": ACE, "api_key": None, "timeout": 2.0, "concurrency": 1,
        "poll_seconds": 0.01, "max_wait_seconds": 5.0, "retry_wait": 0.01,
    }  # fmt: skip
    options.update(kwargs)
    return AceStepProvider(**options)


def diffrhythm(**kwargs: Any) -> DiffRhythmProvider:
    options: dict[str, Any] = {
        "base_url": DR, "api_key": KEY, "timeout": 2.0, "concurrency": 1,
        "poll_seconds": 0.01, "max_wait_seconds": 5.0, "retry_wait": 0.01,
    }  # fmt: skip
    options.update(kwargs)
    return DiffRhythmProvider(**options)


def envelope(data: Any, code: int = 200, error: str | None = None) -> dict[str, Any]:
    return {"data": data, "code": code, "error": error, "timestamp": 1700000000000, "extra": None}


class FakeAceStep:
    """``/release_task``, ``/query_result`` (status 0 for ``running_polls`` answers,
    then 1 or 2) and ``/v1/audio``, as the ACE-Step API server answers them."""

    def __init__(self, audio: bytes, running_polls: int = 3, fail: str | None = None) -> None:
        self.audio = audio
        self.running_polls = running_polls
        self.fail = fail
        self.submitted: list[dict[str, Any]] = []
        self.polls = 0

    def mount(self, router: respx.MockRouter) -> None:
        router.post(f"{ACE}/release_task").mock(side_effect=self.release)
        router.post(f"{ACE}/query_result").mock(side_effect=self.query)
        router.get(f"{ACE}/v1/audio").mock(side_effect=self.audio_file)

    def release(self, request: httpx.Request) -> httpx.Response:
        self.submitted.append(json.loads(request.content))
        return httpx.Response(
            200, json=envelope({"task_id": "t-1", "status": "queued", "queue_position": 1})
        )

    def query(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body == {"task_id_list": ["t-1"]}
        self.polls += 1
        if self.polls <= self.running_polls:
            entry = {"task_id": "t-1", "status": 0, "result": "", "progress_text": "Generating..."}
        elif self.fail:
            entry = {"task_id": "t-1", "status": 2, "result": "", "error": self.fail}
        else:
            files = [{"file": "/v1/audio?path=%2Ftmp%2Fapi_audio%2Fabc.mp3", "status": 1,
                      "seed_value": "7", "bpm": 90, "keyscale": "A minor"}]  # fmt: skip
            entry = {"task_id": "t-1", "status": 1, "result": json.dumps(files)}
        return httpx.Response(200, json=envelope([entry]))

    def audio_file(self, request: httpx.Request) -> httpx.Response:
        assert request.url.params["path"] == "/tmp/api_audio/abc.mp3"
        return httpx.Response(200, content=self.audio, headers={"content-type": "audio/mpeg"})


async def test_acestep_submits_polls_slowly_and_downloads(mp3_bytes: bytes, tmp_path: Path) -> None:
    fake = FakeAceStep(mp3_bytes, running_polls=4)
    with respx.mock(assert_all_called=True) as router:
        fake.mount(router)
        tracks = await ace().generate(REQUEST, tmp_path)
    assert fake.polls == 5
    [track] = tracks
    assert track.path.suffix == ".mp3" and track.path.read_bytes() == mp3_bytes
    assert track.metadata["task_id"] == "t-1" and track.metadata["keyscale"] == "A minor"
    sent = fake.submitted[0]
    assert sent["audio_duration"] == 12 and sent["bpm"] == 90 and sent["key_scale"] == "A minor"
    assert sent["seed"] == 7 and sent["use_random_seed"] is False
    assert "lofi piano" in sent["prompt"] and sent["instrumental"] is True


async def test_acestep_sends_lyrics_and_bearer_key(mp3_bytes: bytes, tmp_path: Path) -> None:
    fake = FakeAceStep(mp3_bytes, running_polls=0)
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        req = MusicRequest(prompt="pop", duration_s=30, lyrics="[verse]\nhello")
        await ace(api_key="ace-key-123").generate(req, tmp_path)
        assert router.calls[0].request.headers["authorization"] == "Bearer ace-key-123"
    assert fake.submitted[0]["lyrics"] == "[verse]\nhello"
    assert fake.submitted[0]["instrumental"] is False


async def test_acestep_failed_task_is_permanent_with_the_servers_words(
    mp3_bytes: bytes, tmp_path: Path
) -> None:
    fake = FakeAceStep(mp3_bytes, running_polls=1, fail="CUDA out of memory")
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        with pytest.raises(PermanentError, match="CUDA out of memory"):
            await ace().generate(REQUEST, tmp_path)


async def test_acestep_full_queue_429_is_retryable_with_retry_after(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{ACE}/release_task").respond(
            429, json={"detail": "Server busy: queue is full"}, headers={"Retry-After": "17"}
        )
        with pytest.raises(RetryableError) as caught:
            await ace().generate(REQUEST, tmp_path)
    assert caught.value.retry_after == 17


async def test_acestep_5xx_on_submit_is_retried_then_retryable(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.post(f"{ACE}/release_task").respond(503)
        with pytest.raises(RetryableError, match="HTTP 503"):
            await ace().generate(REQUEST, tmp_path)
    assert route.call_count == 3  # the quick in-call retries for blips


async def test_acestep_poll_survives_a_429_and_a_502(mp3_bytes: bytes, tmp_path: Path) -> None:
    fake = FakeAceStep(mp3_bytes, running_polls=1)
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "0.01"}),
            httpx.Response(502),
            httpx.Response(502),
            httpx.Response(502),
        ]
    )

    def flaky(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or fake.query(request)

    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        router.post(f"{ACE}/query_result").mock(side_effect=flaky)
        [track] = await ace().generate(REQUEST, tmp_path)
    assert track.path.read_bytes() == mp3_bytes


async def test_acestep_timeout_is_retryable(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{ACE}/release_task").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(RetryableError, match="did not answer"):
            await ace().generate(REQUEST, tmp_path)


async def test_acestep_task_that_never_finishes_gives_up(mp3_bytes: bytes, tmp_path: Path) -> None:
    fake = FakeAceStep(mp3_bytes, running_polls=10_000)
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        with pytest.raises(RetryableError, match="did not finish"):
            await ace(max_wait_seconds=0.2).generate(REQUEST, tmp_path)
    assert fake.polls >= 3


class FakeDiffRhythm:
    """The DiffRhythm backend: ``/api/v1/generate`` (202), ``/api/v1/status/{id}``
    (queued, processing..., completed|failed), ``/api/v1/download/{id}``; X-API-Key."""

    def __init__(self, audio: bytes, running_polls: int = 3, fail: str | None = None) -> None:
        self.audio = audio
        self.running_polls = running_polls
        self.fail = fail
        self.submitted: list[dict[str, Any]] = []
        self.polls = 0

    def mount(self, router: respx.MockRouter) -> None:
        router.post(f"{DR}/api/v1/generate").mock(side_effect=self.generate)
        router.get(url__regex=rf"{DR}/api/v1/status/.+").mock(side_effect=self.status)
        router.get(url__regex=rf"{DR}/api/v1/download/.+").mock(side_effect=self.download)

    @staticmethod
    def refused(request: httpx.Request) -> httpx.Response | None:
        if request.headers.get("x-api-key") != KEY:
            return httpx.Response(401, json={"error": "Invalid or missing API key", "details": {}})
        return None

    def generate(self, request: httpx.Request) -> httpx.Response:
        if (no := self.refused(request)) is not None:
            return no
        self.submitted.append(json.loads(request.content))
        return httpx.Response(
            202, json={"job_id": "j-9", "status": "queued", "queue_position": 0,
                       "estimated_wait_minutes": 0, "message": "Job queued successfully."},
        )  # fmt: skip

    def status(self, request: httpx.Request) -> httpx.Response:
        if (no := self.refused(request)) is not None:
            return no
        if not request.url.path.endswith("/j-9"):
            return httpx.Response(404, json={"error": "Job not found"})
        self.polls += 1
        body: dict[str, Any] = {"job_id": "j-9", "error": None, "output_file": None}
        if self.polls <= self.running_polls:
            body["status"] = "queued" if self.polls == 1 else "processing"
        elif self.fail:
            body.update(status="failed", error=self.fail)
        else:
            body.update(status="completed", output_file="j-9/output_fixed.wav")
        return httpx.Response(200, json=body)

    def download(self, request: httpx.Request) -> httpx.Response:
        if (no := self.refused(request)) is not None:
            return no
        return httpx.Response(200, content=self.audio, headers={"content-type": "audio/wav"})


async def test_diffrhythm_happy_path_with_key_and_slow_polling(
    wav_bytes: bytes, tmp_path: Path
) -> None:
    fake = FakeDiffRhythm(wav_bytes, running_polls=4)
    with respx.mock(assert_all_called=True) as router:
        fake.mount(router)
        req = MusicRequest(prompt="rock", duration_s=120, lyrics="[00:01.00]hey")
        [track] = await diffrhythm().generate(req, tmp_path)
    assert fake.polls == 5
    assert track.path.suffix == ".wav" and track.path.read_bytes() == wav_bytes
    assert track.metadata["output_file"] == "j-9/output_fixed.wav"
    assert fake.submitted == [
        {"lyrics": "[00:01.00]hey", "style_prompt": "rock", "audio_length": 285, "batch_size": 1}
    ]


async def test_diffrhythm_short_request_asks_for_95_s(wav_bytes: bytes, tmp_path: Path) -> None:
    fake = FakeDiffRhythm(wav_bytes, running_polls=0)
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        await diffrhythm().generate(REQUEST, tmp_path)
    assert fake.submitted[0]["audio_length"] == 95
    assert fake.submitted[0]["lyrics"] == ""


async def test_diffrhythm_wrong_key_is_permanent_and_names_the_setting(
    wav_bytes: bytes, tmp_path: Path
) -> None:
    fake = FakeDiffRhythm(wav_bytes)
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        with pytest.raises(PermanentError, match="SOUNDSTAGE_DIFFRHYTHM_API_KEY") as caught:
            await diffrhythm(api_key="wrong-key-000000").generate(REQUEST, tmp_path)
    assert "wrong-key" not in caught.value.message


async def test_diffrhythm_failed_job_is_permanent(wav_bytes: bytes, tmp_path: Path) -> None:
    fake = FakeDiffRhythm(wav_bytes, running_polls=2, fail="lyrics could not be aligned")
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        with pytest.raises(PermanentError, match="lyrics could not be aligned"):
            await diffrhythm().generate(REQUEST, tmp_path)


async def test_diffrhythm_rate_limit_and_bad_request(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DR}/api/v1/generate").respond(
            429, json={"error": "Rate limit exceeded"}, headers={"Retry-After": "3600"}
        )
        with pytest.raises(RetryableError) as caught:
            await diffrhythm().generate(REQUEST, tmp_path)
        assert caught.value.retry_after == 3600
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DR}/api/v1/generate").respond(
            400, json={"error": "audio_length must be 95 or 285"}
        )
        with pytest.raises(PermanentError, match="audio_length must be 95 or 285"):
            await diffrhythm().generate(REQUEST, tmp_path)


async def test_diffrhythm_forgotten_job_and_timeout_are_retryable(
    wav_bytes: bytes, tmp_path: Path
) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DR}/api/v1/generate").respond(202, json={"job_id": "gone"})
        router.get(f"{DR}/api/v1/status/gone").respond(404, json={"error": "Job not found"})
        with pytest.raises(RetryableError, match="lost the job"):
            await diffrhythm().generate(REQUEST, tmp_path)
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{DR}/api/v1/generate").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(RetryableError, match="did not answer"):
            await diffrhythm().generate(REQUEST, tmp_path)


# ------------------------------------------- the song job through the worker

LYRICS = "[ti:Test]\n[00:01.00] Lights on the water\n[00:06.50] Singing along"


@pytest.fixture
def remote_music(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The suite's settings (shared by the app and the worker) pointing at the fakes."""
    for name, value in {
        "diffrhythm_url": DR, "diffrhythm_api_key": SecretStr(KEY), "acestep_url": ACE,
        "music_poll_seconds": 0.01, "music_max_wait_seconds": 10.0, "music_timeout_seconds": 5.0,
    }.items():  # fmt: skip
        monkeypatch.setattr(settings, name, value)
    return settings


async def _song(
    client: httpx.AsyncClient, user: User, **params: Any
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    body = {"kind": "song", "params": {"lyrics": LYRICS, "style": "dreamy synth pop", **params}}
    r = await client.post("/v1/jobs", json=body, headers=user.headers)
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=120)
    return done, {o["name"]: o for o in done["outputs"]}  # type: ignore[attr-defined]


async def _seconds(client: httpx.AsyncClient, output: dict[str, Any], tmp_path: Path) -> float:
    r = await client.get(output["url"])
    assert r.status_code == 200
    path = tmp_path / output["name"]
    path.write_bytes(r.content)
    audio, sr = read_audio(path, sr=22050)
    return len(audio) / sr


async def test_diffrhythm_song_job_gives_batch_size_songs(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, remote_music: Settings,
    wav_bytes: bytes, tmp_path: Path,
) -> None:  # fmt: skip
    user = await make_user()
    fake = FakeDiffRhythm(wav_bytes, running_polls=2)
    with respx.mock(assert_all_called=True) as router:
        fake.mount(router)
        done, outputs = await _song(client, user, provider="diffrhythm", batch_size=3, seed=40)
    assert done["status"] == "succeeded", done
    assert set(outputs) == {"song-1.mp3", "song-2.mp3", "song-3.mp3", "song.json"}
    assert all(o["content_type"] == "audio/mpeg" for n, o in outputs.items() if n != "song.json")
    # one request per song, each with the lyrics, the style and DiffRhythm's 95 s
    assert len(fake.submitted) == 3
    for sent in fake.submitted:
        assert sent["lyrics"] == LYRICS and "dreamy synth pop" in sent["style_prompt"]
        assert (sent["audio_length"], sent["batch_size"]) == (95, 1)
    report = (await client.get(outputs["song.json"]["url"])).json()
    assert report["draft"] is False and report["provider"] == "diffrhythm"
    assert report["seconds"] == 95
    assert [s["seed"] for s in report["songs"]] == [40, 41, 42]
    assert all(s["task_id"] == "j-9" for s in report["songs"])
    # the server's half second, padded to the song's length by the encoder
    assert await _seconds(client, outputs["song-2.mp3"], tmp_path) == pytest.approx(95, abs=0.2)


async def test_diffrhythm_5xx_is_retried_by_the_queue_then_succeeds(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, remote_music: Settings,
    wav_bytes: bytes,
) -> None:  # fmt: skip
    user = await make_user()
    fake = FakeDiffRhythm(wav_bytes, running_polls=1)
    answers = iter([httpx.Response(503)] * 3)  # the first attempt's call and its 2 quick retries

    def down_then_up(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or fake.generate(request)

    with respx.mock(assert_all_called=True) as router:
        fake.mount(router)
        router.post(f"{DR}/api/v1/generate").mock(side_effect=down_then_up)
        done, outputs = await _song(client, user, provider="diffrhythm")
    assert done["status"] == "succeeded", done
    assert done["attempts"] == 2  # the first attempt failed retryably and was requeued
    assert set(outputs) == {"song-1.mp3", "song.json"}


async def test_acestep_song_job_up_to_600_s_with_batch(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, remote_music: Settings,
    mp3_bytes: bytes, tmp_path: Path,
) -> None:  # fmt: skip
    user = await make_user()
    fake = FakeAceStep(mp3_bytes, running_polls=2)
    with respx.mock(assert_all_called=True) as router:
        fake.mount(router)
        done, outputs = await _song(client, user, provider="acestep", seconds=20, batch_size=2)
    assert done["status"] == "succeeded", done
    assert set(outputs) == {"song-1.mp3", "song-2.mp3", "song.json"}
    assert [sent["audio_duration"] for sent in fake.submitted] == [20, 20]
    assert all(sent["lyrics"] == LYRICS and sent["instrumental"] is False
               for sent in fake.submitted)  # fmt: skip
    assert [sent["seed"] for sent in fake.submitted] == [0, 1]
    report = (await client.get(outputs["song.json"]["url"])).json()
    assert report["provider"] == "acestep" and len(report["songs"]) == 2
    assert report["songs"][0]["keyscale"] == "A minor"
    assert await _seconds(client, outputs["song-1.mp3"], tmp_path) == pytest.approx(20, abs=0.2)


async def test_acestep_4xx_fails_the_song_job_at_once_with_the_servers_words(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, remote_music: Settings,
) -> None:  # fmt: skip
    user = await make_user()
    with respx.mock(assert_all_called=True) as router:
        route = router.post(f"{ACE}/release_task").respond(
            400, json={"detail": "lyrics too long for the model"}
        )
        done, outputs = await _song(client, user, provider="acestep", seconds=30)
    assert done["status"] == "failed" and done["attempts"] == 1, done
    assert route.call_count == 1  # permanent: neither retried in the call nor requeued
    error = done["error"]
    assert isinstance(error, dict) and error["code"] == "permanent_error"
    assert "lyrics too long for the model" in error["message"]
    assert outputs == {}


async def test_remote_song_needs_its_server_configured(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    assert settings.diffrhythm_url is None and settings.acestep_url is None
    user = await make_user()
    for provider, setting in (
        ("diffrhythm", "SOUNDSTAGE_DIFFRHYTHM_URL"),
        ("acestep", "SOUNDSTAGE_ACESTEP_URL"),
    ):
        body = {"kind": "song", "params": {"lyrics": LYRICS, "style": "pop", "provider": provider}}
        r = await client.post("/v1/jobs", json=body, headers=user.headers)
        assert r.status_code == 422, r.text
        assert setting in r.json()["error"]["message"]
