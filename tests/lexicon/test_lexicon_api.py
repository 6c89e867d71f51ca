from __future__ import annotations

import httpx

from soundstage.lexicon.repository import lexicon_for_user
from soundstage.resources import Engine
from support import MakeUser


async def test_lexicon_add_replace_list_delete(
    client: httpx.AsyncClient, make_user: MakeUser, engine: Engine
) -> None:
    alice, bob = await make_user(), await make_user()
    r = await client.post(
        "/v1/lexicon", json={"term": "Lloyd", "replacement": "Loyd"}, headers=alice.headers
    )
    assert r.status_code == 201, r.text
    entry = r.json()
    # the same term in another case replaces the spelling, same entry
    r = await client.post(
        "/v1/lexicon", json={"term": "LLOYD", "replacement": "Loid"}, headers=alice.headers
    )
    assert r.status_code == 200 and r.json()["id"] == entry["id"]
    assert r.json()["replacement"] == "Loid"

    r = await client.get("/v1/lexicon", headers=alice.headers)
    assert [(e["term"], e["replacement"]) for e in r.json()["items"]] == [("LLOYD", "Loid")]
    r = await client.get("/v1/lexicon", headers=bob.headers)
    assert r.json()["items"] == []

    async with engine.db.privileged() as conn:
        assert await lexicon_for_user(conn, alice.id) == {"LLOYD": "Loid"}

    # another user's entry is 404, and stays
    r = await client.delete(f"/v1/lexicon/{entry['id']}", headers=bob.headers)
    assert r.status_code == 404
    r = await client.delete(f"/v1/lexicon/{entry['id']}", headers=alice.headers)
    assert r.status_code == 204
    r = await client.delete(f"/v1/lexicon/{entry['id']}", headers=alice.headers)
    assert r.status_code == 404


async def test_lexicon_rejects_blank_and_overlong_terms(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    for body in (
        {"term": "   ", "replacement": "x"},
        {"term": "x" * 101, "replacement": "y"},
        {"term": "ok", "replacement": ""},
        {"term": "ok", "replacement": "y", "extra": 1},
    ):
        r = await client.post("/v1/lexicon", json=body, headers=user.headers)
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == "validation_error"
