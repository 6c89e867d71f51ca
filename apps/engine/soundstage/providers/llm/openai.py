"""``openai``: scripts from OpenAI's chat API or any OpenAI-compatible server
(Ollama, llama.cpp's server, vLLM) through the official SDK with ``base_url``.

The answer is asked for as JSON under a schema (structured outputs); a server
that refuses ``json_schema`` is asked again with plain JSON mode, and the reply
is validated by :func:`~soundstage.providers.llm.base.parse_script` either way.
One repair round tells the model what was wrong before the job fails.

Failures: quick blips (a reset connection, a 5xx or 429 with a short
``Retry-After``) are retried in the call with tenacity, honouring the header;
anything longer becomes a :class:`RetryableError` carrying ``retry_after`` so
the job queue waits instead of a worker slot. A refused key, an unknown model
or a rejected request is a :class:`PermanentError`.
"""

from __future__ import annotations

import json
from typing import Any

import openai
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from soundstage.errors import PermanentError, PipelineError, RetryableError
from soundstage.providers.base import provider_call
from soundstage.providers.http import parse_retry_after
from soundstage.providers.llm.base import (
    SCRIPT_SCHEMA,
    Script,
    ScriptInvalid,
    ScriptRequest,
    parse_script,
)

# Waits longer than this are the queue's business, not a held worker slot's.
QUICK_WAIT_MAX = 5.0

TONES = {
    "scary_horror": "slow-burning dread, concrete sensory details, a final twist",
    "mystery": "clues planted early, suspicion shifting, a satisfying reveal",
    "bedtime": "gentle, warm and calm, soft repetition, a peaceful ending",
    "documentary": "factual, vivid and clear, one idea per scene, a closing reflection",
    "motivational": "direct second person, rising energy, a call to action at the end",
    "sci_fi": "a sense of wonder and scale, one strange rule of the world, a reveal",
    "fairy_tale": "once-upon-a-time voice, a wish, a trial, a kind resolution",
}
HOOKS = {
    "low": "open calmly and simply",
    "medium": "open with an intriguing question",
    "high": "open with a startling statement in the first sentence",
    "extreme": "open with the most shocking moment of the story, then rewind",
}
PACING = {
    "slow": "long, flowing sentences",
    "steady": "sentences of even, medium length",
    "dynamic": "short punchy sentences mixed with longer ones",
}


class _Transient(Exception):
    def __init__(self, error: PipelineError, retry_after: float | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


def _quick(exc: BaseException) -> bool:
    return isinstance(exc, _Transient) and (
        exc.retry_after is None or exc.retry_after <= QUICK_WAIT_MAX
    )


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, _Transient) and exc.retry_after is not None:
        return float(exc.retry_after)
    return float(min(QUICK_WAIT_MAX, 0.5 * 2.0 ** (state.attempt_number - 1)))


def build_messages(request: ScriptRequest) -> list[dict[str, str]]:
    cast = "\n".join(f"- {c.name}: {c.description or 'no description'}" for c in request.characters)
    system = (
        "You write scripts for narrated short story videos. Answer with JSON only: "
        '{"title", "scenes": [{"title", "narration", "image_prompt", "characters"}]}. '
        "narration is exactly what the narrator says (no stage directions, no scene numbers). "
        "image_prompt describes one still picture for the scene in the requested art style; "
        "whenever a character appears, repeat that character's full description in the prompt "
        "so every picture shows them the same way. characters lists the names of the "
        "characters who appear in the scene. title is an on-screen title of 2-6 words."
    )
    user = (
        f"Topic: {request.topic}\n"
        f"Story type: {request.story_type} ({TONES.get(request.story_type, '')})\n"
        f"Hook: {HOOKS.get(request.hook_intensity, '')}\n"
        f"Pacing: {PACING.get(request.pacing, '')}\n"
        f"Art style for image prompts: {request.image_style}\n"
        f"Scenes: exactly {request.num_scenes}, about {request.words_per_scene} words of "
        f"narration each ({request.words_total} words in all)\n"
        + (f"Characters:\n{cast}\n" if cast else "Characters: invent none beyond the topic's\n")
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


class OpenAIScriptWriter:
    name = "openai"

    def __init__(
        self, *, api_key: str, base_url: str | None, model: str, timeout: float,
        quick_retries: int = 2,
    ) -> None:  # fmt: skip
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self._timeout = timeout
        self._quick_retries = quick_retries
        self._json_schema = True  # until a server says it cannot

    def __repr__(self) -> str:  # never the key
        return f"OpenAIScriptWriter(base_url={self.base_url!r}, model={self.model!r})"

    def _client(self) -> openai.AsyncOpenAI:
        # One client per call: a writer is used once per job, and a client bound to
        # a finished event loop would fail in the next one.
        return openai.AsyncOpenAI(
            api_key=self._api_key,
            base_url=self.base_url,
            timeout=self._timeout,
            max_retries=0,  # ours, below, honour Retry-After and the job queue
        )

    async def write(self, request: ScriptRequest) -> Script:
        messages = build_messages(request)
        async with self._client() as client:
            content = await self._complete(client, messages)
            try:
                return self._parse(content, request)
            except ScriptInvalid as first:
                # One repair round: models usually fix what they are told is wrong.
                messages += [
                    {"role": "assistant", "content": content},
                    {"role": "user", "content": f"That answer is not usable ({first}). "
                     f"Answer again: JSON only, exactly {request.num_scenes} scenes."},
                ]  # fmt: skip
                content = await self._complete(client, messages)
                try:
                    return self._parse(content, request)
                except ScriptInvalid as second:
                    raise PermanentError(
                        f"the script writer ({self.model}) returned an unusable script: {second}"
                    ) from second

    def _parse(self, content: str, request: ScriptRequest) -> Script:
        try:
            raw = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ScriptInvalid(f"not JSON ({exc.msg})") from exc
        return parse_script(raw, request, f"openai:{self.model}")

    async def _complete(self, client: openai.AsyncOpenAI, messages: list[dict[str, str]]) -> str:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._quick_retries + 1),
            wait=_wait,
            retry=retry_if_exception(_quick),
            reraise=True,
        )
        try:
            result: str = await retrying(self._once, client, messages)
        except _Transient as exc:
            err = exc.error
            if isinstance(err, RetryableError) and err.retry_after is None:
                err.retry_after = exc.retry_after
            raise err from None
        return result

    async def _once(self, client: openai.AsyncOpenAI, messages: list[dict[str, str]]) -> str:
        fmt: dict[str, Any] = (
            {"type": "json_schema",
             "json_schema": {"name": "story_script", "schema": SCRIPT_SCHEMA, "strict": True}}
            if self._json_schema else {"type": "json_object"}
        )  # fmt: skip
        try:
            async with provider_call("llm"):
                reply = await client.chat.completions.create(  # type: ignore[call-overload]
                    model=self.model, messages=messages, response_format=fmt, temperature=0.8
                )
        except openai.BadRequestError as exc:
            text = str(exc).lower()
            if self._json_schema and ("response_format" in text or "json_schema" in text):
                # An older compatible server: plain JSON mode, same validation.
                self._json_schema = False
                return await self._once(client, messages)
            raise PermanentError(f"the script writer refused the request: {_msg(exc)}") from exc
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise PermanentError(
                f"the LLM API key was refused: check SOUNDSTAGE_LLM_API_KEY ({_msg(exc)})"
            ) from exc
        except openai.NotFoundError as exc:
            raise PermanentError(
                f"the LLM server has no model {self.model!r}: check SOUNDSTAGE_LLM_MODEL"
            ) from exc
        except openai.RateLimitError as exc:
            wait = _retry_after(exc.response)
            raise _Transient(
                RetryableError("the LLM server is rate limiting requests; will try again",
                               retry_after=wait), wait) from exc  # fmt: skip
        except openai.APITimeoutError as exc:
            raise _Transient(
                RetryableError(f"the LLM server did not answer within {self._timeout:g} s"), None
            ) from exc
        except openai.APIConnectionError as exc:
            raise _Transient(
                RetryableError("the LLM server could not be reached; will try again"), None
            ) from exc
        except openai.APIStatusError as exc:
            wait = _retry_after(exc.response)
            if exc.status_code >= 500 or exc.status_code == 408:
                raise _Transient(
                    RetryableError(f"the LLM server failed with HTTP {exc.status_code}",
                                   retry_after=wait), wait) from exc  # fmt: skip
            raise PermanentError(
                f"the LLM server refused the request (HTTP {exc.status_code}): {_msg(exc)}"
            ) from exc
        choice = reply.choices[0] if reply.choices else None
        content = choice.message.content if choice else None
        if not content:
            refusal = getattr(choice.message, "refusal", None) if choice else None
            raise PermanentError(
                f"the script writer returned no script{f': {refusal}' if refusal else ''}"
            )
        return str(content)


def _retry_after(resp: Any) -> float | None:
    ms = resp.headers.get("retry-after-ms")
    if ms is not None and (value := parse_retry_after(ms)) is not None:
        return value / 1000.0
    return parse_retry_after(resp.headers.get("retry-after"))


def _msg(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])[:300]
        if isinstance(inner, str):
            return inner[:300]
    return str(exc.message)[:300]
