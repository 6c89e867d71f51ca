"""A storage write that fails (the local disk full) fails the attempt as
retryable; the job succeeds on a later attempt and no half-written object is
ever listed as an output."""

from __future__ import annotations

import errno
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from soundstage.resources import Engine
from soundstage.storage.local import LocalStorage
from soundstage.worker import Worker
from support import User, wait_for_status

MakeUser = Callable[[], Awaitable[User]]


async def test_a_full_disk_is_a_retry_and_leaves_no_partial_output(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = LocalStorage.put_file
    failures = {"left": 2}

    async def full_disk(
        self: LocalStorage, bucket: str, path: str, source: Path, content_type: str
    ) -> int:
        if bucket == "renders" and failures["left"] > 0:
            failures["left"] -= 1
            # what a full disk does to copyfile: part of the file, then ENOSPC
            target = self.resolve(bucket, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            (target.parent / f".{target.name}.part").write_bytes(b"half")
            raise OSError(errno.ENOSPC, "No space left on device")
        return await real(self, bucket, path, source, content_type)

    monkeypatch.setattr(LocalStorage, "put_file", full_disk)
    user = await make_user()
    r = await client.post(
        "/v1/jobs", json={"kind": "tone", "params": {"seconds": 0.5}}, headers=user.headers
    )
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, 60)
    assert done["status"] == "succeeded", done
    assert done["attempts"] == 3  # two failed writes, each a retry
    assert len(done["outputs"]) == 1
    body = (await client.get(done["outputs"][0]["url"])).content
    assert len(body) == done["outputs"][0]["bytes"] > 1000
