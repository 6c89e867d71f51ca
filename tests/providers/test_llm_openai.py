"""The OpenAI-compatible script writer against a real HTTP server that speaks the
chat completions protocol, with its real failures: 429 with Retry-After, 5xx,
a reset connection, a slow answer, a refused key, an unusable script."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fake_http import FakeServer, Reply, serve
from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.llm import ScriptCharacter, ScriptRequest
from soundstage.providers.llm.openai import OpenAIScriptWriter

PATH = "/v1/chat/completions"
REQUEST = ScriptRequest(
    topic="The Vanishing Lighthouse", story_type="scary_horror", image_style="cinematic",
    hook_intensity="extreme", pacing="dynamic", num_scenes=3, duration_s=60,
    characters=(ScriptCharacter("Sarah", "25 years old, brown hair"),),
)  # fmt: skip


@pytest.fixture
def api() -> Iterator[FakeServer]:
    yield from serve()


def _script(n: int = 3) -> dict[str, Any]:
    return {"title": "The Vanishing Lighthouse", "scenes": [
        {"title": f"Part {i}", "narration": f"Scene {i} of the story, where Sarah waits.",
         "image_prompt": f"a lighthouse at night, shot {i}, Sarah (25 years old, brown hair)",
         "characters": ["Sarah", "Nobody"]} for i in range(1, n + 1)]}  # fmt: skip


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }  # fmt: skip


def _writer(api: FakeServer, timeout: float = 5.0) -> OpenAIScriptWriter:
    return OpenAIScriptWriter(api_key="sk-test-secret-key-123456", base_url=f"{api.url}/v1",
                              model="gpt-4o-mini", timeout=timeout)  # fmt: skip


async def test_asks_for_json_scenes_under_a_schema_and_validates(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(body=_completion(json.dumps(_script(4)))))
    script = await _writer(api).write(REQUEST)
    assert script.writer == "openai:gpt-4o-mini"
    assert [s.title for s in script.scenes] == ["Part 1", "Part 2", "Part 3"]  # 4th dropped
    assert script.notes and "4 scenes" in script.notes[0]
    assert script.scenes[0].characters == ("Sarah",)  # unknown names dropped
    (sent,) = api.requests("POST", PATH)
    assert sent.headers["authorization"] == "Bearer sk-test-secret-key-123456"
    body = sent.json()
    assert body["model"] == "gpt-4o-mini"
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["required"] == ["title", "scenes"]
    prompt = body["messages"][1]["content"]
    assert "The Vanishing Lighthouse" in prompt and "exactly 3" in prompt
    assert "Sarah: 25 years old, brown hair" in prompt


async def test_an_unusable_script_gets_one_repair_round(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(body=_completion(json.dumps(_script(2)))),
              Reply(body=_completion(json.dumps(_script(3)))))  # fmt: skip
    script = await _writer(api).write(REQUEST)
    assert len(script.scenes) == 3
    second = api.requests("POST", PATH)[1].json()["messages"]
    assert "expected 3 scenes, got 2" in second[-1]["content"]


async def test_a_script_still_unusable_after_repair_is_permanent(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(body=_completion("not json at all")))
    with pytest.raises(PermanentError, match="unusable script: not JSON"):
        await _writer(api).write(REQUEST)
    assert len(api.requests("POST", PATH)) == 2


async def test_a_server_without_json_schema_gets_plain_json_mode(api: FakeServer) -> None:
    refusal = {"error": {"message": "response_format json_schema is not supported",
                         "type": "invalid_request_error"}}  # fmt: skip
    api.route("POST", PATH, Reply(400, refusal), Reply(body=_completion(json.dumps(_script()))))
    script = await _writer(api).write(REQUEST)
    assert len(script.scenes) == 3
    formats = [s.json()["response_format"]["type"] for s in api.requests("POST", PATH)]
    assert formats == ["json_schema", "json_object"]


async def test_429_with_a_short_retry_after_is_retried_in_the_call(api: FakeServer) -> None:
    limited = Reply(429, {"error": {"message": "Rate limit reached"}}, {"Retry-After": "0.2"})
    api.route("POST", PATH, limited, Reply(body=_completion(json.dumps(_script()))))
    assert len((await _writer(api).write(REQUEST)).scenes) == 3
    assert len(api.requests("POST", PATH)) == 2


async def test_429_with_a_long_retry_after_goes_to_the_queue(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "120"}))
    with pytest.raises(RetryableError) as caught:
        await _writer(api).write(REQUEST)
    assert caught.value.retry_after == 120
    assert len(api.requests("POST", PATH)) == 1


async def test_5xx_and_resets_are_retried_then_succeed(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(503, "upstream down"), Reply(reset=True),
              Reply(body=_completion(json.dumps(_script()))))  # fmt: skip
    assert len((await _writer(api).write(REQUEST)).scenes) == 3
    assert len(api.requests("POST", PATH)) == 3


async def test_a_server_that_keeps_failing_is_retryable(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(502, "bad gateway"))
    with pytest.raises(RetryableError, match="HTTP 502"):
        await _writer(api).write(REQUEST)
    assert len(api.requests("POST", PATH)) == 3  # the call and two quick retries


async def test_a_slow_server_times_out_as_retryable(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(body=_completion(json.dumps(_script())), delay=1.5))
    writer = OpenAIScriptWriter(api_key="k", base_url=f"{api.url}/v1", model="m", timeout=0.3,
                                quick_retries=0)  # fmt: skip
    with pytest.raises(RetryableError, match="did not answer"):
        await writer.write(REQUEST)


async def test_a_refused_key_is_permanent_and_not_echoed(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(401, {"error": {"message": "Incorrect API key provided",
                                                  "code": "invalid_api_key"}}))  # fmt: skip
    with pytest.raises(PermanentError, match="SOUNDSTAGE_LLM_API_KEY") as caught:
        await _writer(api).write(REQUEST)
    assert "sk-test-secret-key-123456" not in caught.value.message


async def test_an_unknown_model_is_permanent(api: FakeServer) -> None:
    api.route("POST", PATH, Reply(404, {"error": {"message": "model 'm' not found"}}))
    with pytest.raises(PermanentError, match="SOUNDSTAGE_LLM_MODEL"):
        await _writer(api).write(REQUEST)
