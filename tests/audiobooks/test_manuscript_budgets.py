"""Decompression and parse budgets: each bomb of issue 13, built here, is
refused with a 422 without the serving process growing; a parse that is too
slow or too hungry is stopped in its child process; admission reads the stored
character counts instead of parsing the book again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from manuscript_bombs import docx_bomb, epub_bomb, pdf_bomb
from soundstage.audiobooks.manuscript import ManuscriptError
from soundstage.audiobooks.manuscript.budget import ParseBudget, parse_within_budget
from support import User

MakeUser = Callable[[], Awaitable[User]]

BOMBS = {
    "epub": (epub_bomb, "application/epub+zip"),
    "docx": (
        docx_bomb,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pdf": (pdf_bomb, "application/pdf"),
}


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


async def _upload(client: httpx.AsyncClient, user: User, path: Path, content_type: str) -> str:
    r = await client.post(
        "/v1/uploads",
        files={"file": (path.name, await asyncio.to_thread(path.read_bytes), content_type)},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    upload_id: str = r.json()["id"]
    return upload_id


@pytest.mark.parametrize("fmt", list(BOMBS))
async def test_each_bomb_is_refused_without_the_server_growing(
    client: httpx.AsyncClient, make_user: MakeUser, tmp_path: Path, fmt: str
) -> None:
    build, content_type = BOMBS[fmt]
    path = await asyncio.to_thread(build, tmp_path / f"bomb.{fmt}")
    assert path.stat().st_size < 400_000
    user = await make_user()
    upload_id = await _upload(client, user, path, content_type)
    before = _rss_mb()
    # twice at once, as in the report: both refused, neither grows the server
    answers = await asyncio.gather(
        *(
            client.post(
                "/v1/audiobooks/preview", json={"upload_id": upload_id}, headers=user.headers
            )
            for _ in range(2)
        )
    )
    for r in answers:
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "validation_error"
    r = await client.post(
        "/v1/jobs",
        json={"kind": "audiobook", "params": {"upload_id": upload_id}},
        headers=user.headers,
    )
    assert r.status_code == 422, r.text
    assert _rss_mb() - before < 200


def test_too_many_characters_are_refused(tmp_path: Path) -> None:
    book = tmp_path / "long.txt"
    book.write_text("Chapter 1\n\n" + "All work and no play. " * 1000)
    with pytest.raises(ManuscriptError, match="more than 5,000 characters"):
        parse_within_budget(book, "txt", ParseBudget(max_chars=5_000))
    ok = parse_within_budget(book, "txt", ParseBudget(max_chars=100_000))
    assert ok.chapters


def test_the_memory_budget_stops_a_hungry_parse(tmp_path: Path) -> None:
    # 450,000 paragraphs fit the per-member limit; their DOM does not fit 64 MB
    path = docx_bomb(tmp_path / "many.docx", paragraphs=450_000)
    with pytest.raises(ManuscriptError, match=r"memory|too large"):
        parse_within_budget(path, "docx", ParseBudget(memory_bytes=64 * 1024 * 1024))


def test_the_wall_time_budget_stops_a_slow_parse(tmp_path: Path) -> None:
    path = pdf_bomb(tmp_path / "slow.pdf", text_bytes=8_000_000)
    with pytest.raises(ManuscriptError, match=r"longer than 0\.5 s"):
        parse_within_budget(path, "pdf", ParseBudget(seconds=0.5))


async def test_admission_uses_the_stored_counts_not_a_second_parse(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = await make_user()
    book = tmp_path / "book.txt"
    book.write_text("Chapter 1\n\nThe mill stood by the river.\n\nChapter 2\n\nIt rained.\n")
    upload_id = await _upload(client, user, book, "text/plain")
    r = await client.post(
        "/v1/audiobooks/preview", json={"upload_id": upload_id}, headers=user.headers
    )
    assert r.status_code == 200, r.text

    from soundstage.audiobooks import service

    def no_parse(*_: object) -> None:
        raise AssertionError("admission parsed the manuscript again")

    monkeypatch.setattr(service, "parse_within_budget", no_parse)
    r = await client.post(
        "/v1/jobs",
        json={"kind": "audiobook", "params": {"upload_id": upload_id, "chapters": [2]}},
        headers=user.headers,
    )
    assert r.status_code == 202, r.text
    r = await client.post(
        "/v1/jobs",
        json={"kind": "audiobook", "params": {"upload_id": upload_id, "chapters": [3]}},
        headers=user.headers,
    )
    assert r.status_code == 422 and "no chapter 3" in r.text
