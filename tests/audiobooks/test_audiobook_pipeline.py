"""The audiobook job end to end: real manuscript parsing, real local voices,
real ffmpeg mastering, through the API and a real worker."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from soundstage.audio.master import measure, read_chapters
from soundstage.worker import Worker
from support import MakeUser, wait_for_status

BOOK = """# Chapter One

Lloyd walked down the lane at 5 o'clock. "Are you coming?" she asked.
"Yes," said Tom, "in a minute."

The mill stood by the river, as it had since 1850.

# Chapter Two

It was the 21st of June. Mr. Sherman paid $12.50 for the ribbons, and went home.
"""


async def _download(client: httpx.AsyncClient, output: dict[str, Any], target: Path) -> Path:
    r = await client.get(output["url"])
    assert r.status_code == 200
    await asyncio.to_thread(target.write_bytes, r.content)
    return target


async def test_pasted_dual_voice_book_renders_chapters_m4b_vtt_and_report(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path, dsn: str
) -> None:
    user = await make_user()
    params = {"text": BOOK, "title": "The Lane", "author": "A. Writer", "mode": "dual"}
    r = await client.post("/v1/audiobooks/preview", json=params, headers=user.headers)
    assert r.status_code == 200, r.text
    preview = r.json()
    assert [c["title"] for c in preview["chapters"]] == ["Chapter One", "Chapter Two"]
    assert 0 < preview["dialogue_share"] < 1
    assert preview["costs"][0] == {"provider": "local", "usd": 0.0}

    r = await client.post(
        "/v1/jobs", json={"kind": "audiobook", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    job = r.json()
    done = await wait_for_status(client, user, job["id"], {"succeeded", "failed"}, within=120)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[union-attr]
    assert set(outputs) == {
        "01-chapter-one.mp3", "02-chapter-two.mp3", "the-lane.m4b", "transcript.vtt", "report.json",
    }  # fmt: skip

    m4b = await _download(client, outputs["the-lane.m4b"], tmp_path / "book.m4b")
    chapters = await read_chapters(m4b)
    assert [c[2] for c in chapters] == ["Chapter One", "Chapter Two"]

    report = json.loads(
        (await _download(client, outputs["report.json"], tmp_path / "r.json")).read_text()
    )
    assert report["passed"], report
    assert report["flagged"] == [] and report["chapters_consistent"]
    assert report["chapters_rms_spread_db"] <= 1.0
    assert report["voices"]["narrator"] != report["voices"]["dialogue"]
    for chapter in report["chapters"]:
        assert -23 <= chapter["rms_db"] <= -18 and chapter["peak_db"] <= -3
        assert -75 <= chapter["noise_floor_db"] <= -65  # room tone, not digital silence

    # measured independently of the report, on the delivered MP3
    mp3 = await _download(client, outputs["01-chapter-one.mp3"], tmp_path / "c1.mp3")
    levels = await measure([mp3])
    assert -23.5 <= levels.rms_db <= -17.5 and levels.peak_db <= -2.5

    vtt = (await _download(client, outputs["transcript.vtt"], tmp_path / "t.vtt")).read_text()
    assert vtt.startswith("WEBVTT") and "five o'clock" in vtt and "twelve dollars" in vtt

    # dialogue went to the dialogue voice: its units are checkpointed with that voice
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "select unit, data from soundstage.job_checkpoints where job_id = $1 and unit like "
            "'c0%'",
            job["id"],
        )
    finally:
        await conn.close()
    by_text = {
        json.loads(r["data"])["fingerprint"]["text"]: json.loads(r["data"])["fingerprint"]["voice"]
        for r in rows
    }
    assert by_text['"Are you coming?"'] == report["voices"]["dialogue"]
    assert by_text["she asked."] == report["voices"]["narrator"]


async def test_regenerate_renders_only_the_named_chunk_and_masters_only_its_chapter(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, dsn: str, tmp_path: Path
) -> None:
    user = await make_user()
    r = await client.post(
        "/v1/jobs",
        json={"kind": "audiobook", "params": {"text": BOOK, "formats": ["mp3"]}},
        headers=user.headers,
    )
    job = r.json()
    await wait_for_status(client, user, job["id"], {"succeeded"}, within=120)
    conn = await asyncpg.connect(dsn)
    try:
        before = {
            r["unit"]: r["created_at"]
            for r in await conn.fetch(
                "select unit, created_at from soundstage.job_checkpoints where job_id = $1",
                job["id"],
            )
        }
        r = await client.post(
            f"/v1/jobs/{job['id']}/regenerate",
            json={"chapter": 1, "chunk": 1, "text": "Lloyd walked slowly down the lane."},
            headers=user.headers,
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "queued"
        await wait_for_status(client, user, job["id"], {"succeeded"}, within=120)
        after = {
            r["unit"]: r["created_at"]
            for r in await conn.fetch(
                "select unit, created_at from soundstage.job_checkpoints where job_id = $1",
                job["id"],
            )
        }
    finally:
        await conn.close()
    changed = {u for u in before if u != "plan" and after[u] != before[u]}
    # the unit, and the one chapter it is in: chapter two was not encoded again
    assert changed == {"c001-00001", "chapter-001"}
    done = await wait_for_status(client, user, job["id"], {"succeeded"}, within=5)
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[union-attr]
    report = json.loads(
        (await _download(client, outputs["report.json"], tmp_path / "r.json")).read_text()
    )
    assert report["encoded_chapters"] == [1]
    assert {"01-chapter-one.mp3", "02-chapter-two.mp3"} <= set(outputs)

    bad = await client.post(
        f"/v1/jobs/{job['id']}/regenerate", json={"chapter": 9, "chunk": 0}, headers=user.headers
    )
    assert bad.status_code == 422 and "chapter 9" in bad.json()["error"]["message"]


async def test_quota_is_checked_before_any_job_exists(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_user()
    monkeypatch.setattr(settings, "quota_monthly_characters", 100)
    r = await client.post(
        "/v1/jobs", json={"kind": "audiobook", "params": {"text": BOOK}}, headers=user.headers
    )
    assert r.status_code == 402, r.text
    assert r.json()["error"]["code"] == "quota_exceeded"
    r = await client.get("/v1/jobs", headers=user.headers)
    assert r.json()["items"] == []


async def test_bad_audiobook_params_are_422(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = await make_user()
    for params, needle in (
        ({}, "exactly one of upload_id or text"),
        ({"text": "x", "upload_id": "00000000-0000-0000-0000-000000000000"}, "exactly one"),
        ({"text": BOOK, "provider": "openai"}, "not configured"),
        ({"text": BOOK, "narrator_voice": "nope"}, "<provider>:<voice>"),
        ({"upload_id": "00000000-0000-0000-0000-000000000000"}, "no such upload"),
        ({"text": BOOK, "chapters": [7]}, "no chapter 7"),
    ):
        r = await client.post(
            "/v1/jobs", json={"kind": "audiobook", "params": params}, headers=user.headers
        )
        assert r.status_code == 422, (params, r.text)
        body = json.dumps(r.json())
        assert needle in body, (needle, body)


async def test_usage_counts_audiobook_characters_against_the_quota(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    r = await client.post(
        "/v1/jobs", json={"kind": "audiobook", "params": {"text": BOOK}}, headers=user.headers
    )
    assert r.status_code == 202
    r = await client.get("/v1/usage", headers=user.headers)
    assert r.status_code == 200, r.text
    items = {i["name"]: i for i in r.json()["items"]}
    chars = items["audiobook_characters"]
    assert 0 < chars["used"] < len(BOOK) and chars["remaining"] == chars["limit"] - chars["used"]
    assert items["queued_jobs"]["used"] == 1


CAST_BOOK = """# The Tea Party

"Have some wine," the March Hare said.

"I don't see any wine," said Alice.

"There isn't any," said the March Hare.

"Your hair wants cutting," said the Hatter. Alice frowned at him.

"You should not make personal remarks," Alice said; "it's very rude."

"Why is a raven like a writing-desk?" asked the Hatter.
"""


async def test_cast_preview_and_a_book_with_a_voice_per_character(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, dsn: str
) -> None:
    user = await make_user()
    params: dict[str, Any] = {"text": CAST_BOOK, "mode": "cast", "formats": ["mp3"]}
    r = await client.post("/v1/audiobooks/preview", json=params, headers=user.headers)
    assert r.status_code == 200, r.text
    cast = {c["name"]: c for c in r.json()["cast"]}
    assert set(cast) == {"Alice", "the March Hare", "the Hatter"}
    assert cast["Alice"]["lines"] == 3 and cast["Alice"]["gender"] == "female"
    assert cast["Alice"]["samples"] and all(c["proposed_voice"] for c in cast.values())

    # two local voices: the narrator one, the two humans of the party the other
    params["narrator_voice"] = "local:piper-joe"
    params["cast"] = {"the Hatter": "local:hibari-us-female", "Alice": "local:hibari-us-female"}
    r = await client.post(
        "/v1/jobs", json={"kind": "audiobook", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    job = r.json()
    done = await wait_for_status(client, user, job["id"], {"succeeded", "failed"}, within=120)
    assert done["status"] == "succeeded", done
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "select data from soundstage.job_checkpoints where job_id = $1 and unit like 'c0%'",
            job["id"],
        )
    finally:
        await conn.close()
    voice_of = {
        json.loads(r["data"])["fingerprint"]["text"]: json.loads(r["data"])["fingerprint"]["voice"]
        for r in rows
    }

    # every line of a character in that character's one voice
    def voice(line: str) -> str:
        (found,) = {v for t, v in voice_of.items() if line in t}
        return found

    assert voice('"I don\'t see any wine,"') == "local:hibari-us-female"
    assert voice('"Your hair wants cutting,"') == "local:hibari-us-female"
    assert voice('"Why is a raven like a writing-desk?"') == "local:hibari-us-female"
    assert voice("said the March Hare.") == "local:piper-joe"  # narration
    hare = {v for t, v in voice_of.items() if "Have some wine" in t or "There isn't any" in t}
    assert len(hare) == 1

    bad = await client.post(
        "/v1/jobs",
        json={"kind": "audiobook", "params": {**params, "cast": {"Alice": "openai:alloy"}}},
        headers=user.headers,
    )
    assert bad.status_code == 422 and "cast['Alice']" in bad.text


async def test_podcast_loudness_per_chapter_and_one_gain_per_book_on_request(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    gains: dict[str, list[float]] = {}
    for gain in ("chapter", "book"):
        params = {"text": BOOK, "formats": ["mp3"], "loudness": "podcast", "gain": gain}
        r = await client.post(
            "/v1/jobs", json={"kind": "audiobook", "params": params}, headers=user.headers
        )
        assert r.status_code == 202, r.text
        done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, 120)
        assert done["status"] == "succeeded", done
        outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[union-attr]
        report = json.loads(
            (await _download(client, outputs["report.json"], tmp_path / f"{gain}.json")).read_text()
        )
        assert report["gain"] == gain
        gains[gain] = [c["integrated_lufs"] for c in report["chapters"]]
        assert all(c["true_peak_db"] <= -1.0 for c in report["chapters"]), report
    # each chapter at -16 LUFS on its own; one gain for the book keeps their difference
    assert all(abs(v - -16.0) <= 1.0 for v in gains["chapter"]), gains
    assert abs(sum(gains["book"]) / 2 - -16.0) <= 1.5, gains
