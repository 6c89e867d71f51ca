"""The dashboard in a real headless Chromium against a real engine process.

`soundstage run` starts on a free port with its own data directory (its own
embedded Postgres, worker and storage), exactly as a newcomer's `make run`;
Debian's Chromium is driven by Playwright. Screenshots go to
test-artifacts/dashboard/. Without Chromium or the playwright package the
module is skipped and says which is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, Field

from live_engine import live_engine

CHROMIUM = Path(os.environ.get("SOUNDSTAGE_TEST_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )
async_api = pytest.importorskip(
    "playwright.async_api",
    reason="the playwright package is not installed (pip install playwright)",
)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "dashboard"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # a test presses play from script; a person's click needs no such flag
    "--autoplay-policy=no-user-gesture-required",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

Page = Any  # playwright's Page; typed loosely so mypy needs no stubs for it


@pytest.fixture(scope="module")
def engine_url() -> Iterator[str]:
    """A real `soundstage run` (API + worker) on its own data dir and port. Its
    test_steps jobs (tests/pipelines_for_tests.py) run as long as asked, with
    steady progress; one running job per user keeps the next one queued."""
    root = Path(tempfile.mkdtemp(prefix="soundstage-dashboard-"))
    try:
        with live_engine(root, {"SOUNDSTAGE_QUEUE_MAX_RUNNING_PER_USER": "1"}) as url:
            yield url
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_api.async_playwright() as p:
        b = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            await b.close()


class Watch:
    """What the page said that a person would not see: console errors (CSP
    refusals among them), uncaught exceptions, and which URLs it fetched."""

    def __init__(self, page: Page) -> None:
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def assert_clean(self) -> None:
        assert not self.errors, self.errors
        refused = [c for c in self.console if "Content Security Policy" in c or "Refused" in c]
        assert not refused, refused


@contextlib.asynccontextmanager
async def _page(browser: Any, viewport: dict[str, int]) -> AsyncIterator[tuple[Page, Watch]]:
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    # generous: CI machines are small, and a loaded one is slow to paint
    page.set_default_timeout(60_000)
    watch = Watch(page)
    try:
        yield page, watch
    finally:
        await context.close()


async def _shot(page: Page, name: str) -> None:
    # from the top: a full-page capture of a scrolled page paints the sticky
    # header where the scroll left it
    await page.evaluate("() => window.scrollTo(0, 0)")
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def _sign_in(page: Page, url: str, email: str) -> None:
    await page.goto(f"{url}/app")
    await page.get_by_label("Email").fill(email)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.locator("#create-job").wait_for()
    assert await page.locator("#session .who").inner_text() == email


async def _create(page: Page, kind: str, fields: dict[str, str]) -> dict[str, Any]:
    """Fill the form generated for ``kind`` (by label) and submit it."""
    await page.get_by_label("Kind").select_option(kind)
    await page.locator(f"#form-{kind}").wait_for()
    for label, value in fields.items():
        await page.get_by_label(label, exact=True).fill(value)
    async with page.expect_response(
        lambda r: r.url.endswith("/v1/jobs") and r.request.method == "POST"
    ) as info:
        await page.get_by_role("button", name="Create job").click()
    response = await info.value
    assert response.status == 202, await response.text()
    job: dict[str, Any] = await response.json()
    assert job["kind"] == kind
    return job


def _create_tone(page: Page, seconds: float) -> Any:
    return _create(page, "tone", {"Seconds": str(seconds)})


def _row(page: Page, job_id: str) -> Any:
    return page.locator(f'li.job[data-job-id="{job_id}"]')


async def _no_raw_json(page: Page) -> None:
    text = await page.locator("body").inner_text()
    assert '{"' not in text and '"error"' not in text and '":' not in text, text


async def test_sign_in_create_watch_play_cancel_and_see_upload_errors(
    engine_url: str, browser: Any
) -> None:
    async with _page(browser, DESKTOP) as (page, watch):
        await page.goto(f"{engine_url}/app")
        await page.locator("#dev-sign-in").wait_for()
        await _shot(page, "01-sign-in")
        await _sign_in(page, engine_url, "browser@example.com")

        # The form is generated from the tone params schema.
        await page.get_by_label("Kind").select_option("tone")
        assert await page.get_by_label("Frequency Hz").input_value() == "440"
        assert await page.get_by_label("Format").locator("option").all_inner_texts() == [
            "wav",
            "mp3",
        ]

        # A short tone: created from the form, followed live, succeeded.
        job = await _create_tone(page, 2)
        row = _row(page, job["id"])
        await row.and_(page.locator("[data-status=succeeded]")).wait_for(timeout=30_000)
        assert await row.locator("progress").get_attribute("value") == "100"
        assert await row.locator(".stage").inner_text() == "done"
        assert f"{engine_url}/v1/jobs/{job['id']}/events" in watch.requests  # SSE, not polling

        # Its page: a player per output, a download link; it really plays.
        await row.get_by_role("link", name="Open").click()
        audio = page.locator("audio[data-output='tone.mp3']")
        await audio.wait_for()
        href = await page.get_by_role("link", name="Download").get_attribute("href")
        assert href and "/storage/v1/object/sign/renders/" in href
        await audio.evaluate("a => a.play()")
        await page.wait_for_function(
            "() => { const a = document.querySelector('audio');"
            " return a && !a.paused && a.currentTime > 0 && a.duration > 1.5 }",
            timeout=15_000,
        )
        duration = await audio.evaluate("a => a.duration")
        assert 1.9 < duration < 2.2, duration
        await _shot(page, "02-job-playing")
        await audio.evaluate("a => a.pause()")
        await page.get_by_role("link", name="All jobs").click()

        # A long job of another kind (its form is generated too): live progress.
        steps = await _create(page, "test_steps", {"Steps": "30", "Step Seconds": "1"})
        steps_row = _row(page, steps["id"])
        await steps_row.and_(page.locator("[data-status=running]")).wait_for(timeout=30_000)
        progress = "li.job[data-job-id='{}'] progress".format(steps["id"])
        await page.wait_for_function(
            "sel => Number(document.querySelector(sel).value) > 0", arg=progress
        )
        first = int(await steps_row.locator("progress").get_attribute("value") or 0)
        await page.wait_for_function(
            "([sel, v]) => Number(document.querySelector(sel).value) > v", arg=[progress, first]
        )
        assert (await steps_row.locator(".stage").inner_text()).startswith("step ")

        # A long tone waits (one running job per user here); cancel it, then the
        # running one (running -> canceling -> canceled by the worker).
        tone = await _create_tone(page, 600)
        tone_row = _row(page, tone["id"])
        await tone_row.and_(page.locator("[data-status=queued]")).wait_for()
        assert await tone_row.locator(".stage").inner_text() == "waiting for a worker"
        await _shot(page, "03-running-and-queued")
        await tone_row.get_by_role("button", name="Cancel").click()
        await tone_row.and_(page.locator("[data-status=canceled]")).wait_for()
        assert await tone_row.locator(".badge").inner_text() == "canceled"
        assert await tone_row.get_by_role("button", name="Retry").is_visible()
        await steps_row.get_by_role("button", name="Cancel").click()
        await steps_row.and_(page.locator("[data-status=canceled]")).wait_for(timeout=30_000)
        progress_left = int(await steps_row.locator("progress").get_attribute("value") or 0)
        assert 0 < progress_left < 100

        # A bad upload: the API's own message, in the alert region.
        junk = bytes((i * 7919) % 251 for i in range(4096))
        token = await page.evaluate(
            "() => JSON.parse(localStorage.getItem('soundstage.session')).access_token"
        )
        async with httpx.AsyncClient(base_url=engine_url) as http:
            direct = await http.post(
                "/v1/uploads",
                files={"file": ("x.txt", junk, "text/plain")},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert direct.status_code == 415
        message = direct.json()["error"]["message"]
        await page.locator("#upload-file").set_input_files(
            files=[{"name": "x.txt", "mimeType": "text/plain", "buffer": junk}]
        )
        alert = page.get_by_role("alert")
        await alert.get_by_text(message).wait_for()
        assert (await alert.locator(".alert-text").inner_text()) == f"Upload failed: {message}"
        await _no_raw_json(page)
        await _shot(page, "04-bad-upload")

        # Bad params: the API's validation message, next to the field too.
        await page.get_by_label("Frequency Hz").fill("5")
        await page.get_by_role("button", name="Create job").click()
        await alert.get_by_text("invalid params for 'tone'").wait_for()
        field_error = page.locator("[data-field=frequency_hz] .field-error")
        assert "greater than or equal to 20" in await field_error.inner_text()
        await _no_raw_json(page)
        await _shot(page, "05-validation-error")
        watch.assert_clean()


async def test_phone_width_layout_and_job_page(engine_url: str, browser: Any) -> None:
    async with _page(browser, PHONE) as (page, watch):
        await _sign_in(page, engine_url, "phone@example.com")
        job = await _create_tone(page, 1)
        row = _row(page, job["id"])
        await row.and_(page.locator("[data-status=succeeded]")).wait_for(timeout=30_000)
        await page.wait_for_timeout(300)
        # Nothing wider than the phone: no sideways scrolling.
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        await _shot(page, "06-phone-home")
        await row.get_by_role("link", name="Open").click()
        await page.locator("audio").wait_for()
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        await _shot(page, "07-phone-job")
        watch.assert_clean()


async def test_pasted_token_signs_in_and_a_bad_one_is_refused_with_a_message(
    engine_url: str, browser: Any
) -> None:
    async with httpx.AsyncClient(base_url=engine_url) as http:
        r = await http.post("/v1/dev/token", json={"email": "pasted@example.com"})
    token = r.json()["access_token"]
    async with _page(browser, DESKTOP) as (page, watch):
        await page.goto(f"{engine_url}/app")
        await page.get_by_text("Paste an access token").click()
        await page.get_by_label("Access token").fill("not.a.token")
        await page.get_by_role("button", name="Use this token").click()
        refused = "That token was refused: malformed token"
        await page.get_by_role("alert").get_by_text(refused).wait_for()
        await _no_raw_json(page)
        await page.get_by_label("Access token").fill(f"Bearer {token}")
        await page.get_by_role("button", name="Use this token").click()
        await page.locator("#create-job").wait_for()
        assert await page.locator("#session .who").inner_text() == "pasted@example.com"
        # Signing out returns to the sign-in page and forgets the token.
        await page.get_by_role("button", name="Sign out").click()
        await page.locator("#dev-sign-in").wait_for()
        assert await page.evaluate("() => localStorage.getItem('soundstage.session')") is None

        # A stored token the engine refuses: back to sign-in, saying why.
        await page.evaluate(
            "t => localStorage.setItem('soundstage.session',"
            " JSON.stringify({access_token: t + 'x', email: 'pasted@example.com'}))",
            token,
        )
        await page.reload()
        await (
            page.locator(".signin .callout")
            .get_by_text("You were signed out: invalid token.")
            .wait_for()
        )
        await _no_raw_json(page)
        watch.assert_clean()


class _Format(enum.StrEnum):
    MP3 = "mp3"
    M4B = "m4b"


class _Loudness(BaseModel):
    target_lufs: float = Field(default=-18.0, ge=-30, le=-10)


class _BookParams(BaseModel):
    """Shaped like an audiobook's params (that kind is being built elsewhere):
    an upload or pasted text, voices, an enum, a bound, a nested model."""

    upload_id: uuid.UUID | None = Field(default=None, description="a manuscript")
    text: str | None = Field(default=None, max_length=100_000)
    voice: str = "narrator-a"
    voices: list[str] = Field(default_factory=list)
    speed: float = Field(default=1.0, ge=0.5, le=2.0)
    format: _Format = _Format.MP3
    chapters: bool = True
    loudness: _Loudness = Field(default_factory=_Loudness)


async def _token(page: Page) -> str:
    token: str = await page.evaluate(
        "() => JSON.parse(localStorage.getItem('soundstage.session')).access_token"
    )
    return token


async def test_forms_for_audiobook_shaped_params_previews_reports_and_the_sse_parser(
    engine_url: str, browser: Any
) -> None:
    """The parts whose endpoints other engineers are still building, exercised
    in the browser against a real pydantic schema and real engine files."""
    async with _page(browser, DESKTOP) as (page, watch):
        await _sign_in(page, engine_url, "components@example.com")
        headers = {"Authorization": f"Bearer {await _token(page)}"}
        async with httpx.AsyncClient(base_url=engine_url, headers=headers) as http:
            r = await http.post("/v1/jobs", json={"kind": "tone", "params": {"seconds": 0.5}})
            job_id = r.json()["id"]
            for _ in range(200):
                job = (await http.get(f"/v1/jobs/{job_id}")).json()
                if job["status"] == "succeeded":
                    break
                await asyncio.sleep(0.1)
        sample_url = job["outputs"][0]["url"]
        voices = [
            {"id": "narrator-a", "name": "Ada", "language": "en-GB", "sample_url": sample_url},
            {"id": "narrator-b", "name": "Bo", "language": "en-US", "sample_url": sample_url},
            {"id": "narrator-c", "name": "Cy"},  # no sample: no play button
        ]
        await page.evaluate(
            """async ([schema, voices]) => {
              const forms = await import("/app/static/js/schema_form.js");
              const { buildParamsForm, normalizeVoices } = forms;
              const { api } = await import("/app/static/js/api.js");
              const query = (c) => `/v1/uploads?limit=100${c ? `&category=${c}` : ""}`;
              const uploads = {
                list: async (c) => (await api(query(c))).items,
                upload: (file, c) => {
                  const form = new FormData();
                  form.append("file", file, file.name);
                  if (c) form.append("category", c);
                  return api("/v1/uploads", { method: "POST", form });
                },
              };
              window.__form = buildParamsForm(
                { kind: "book", params_schema: schema },
                { uploads, voices: normalizeVoices({ items: voices }) },
              );
              const host = document.createElement("section");
              host.className = "card";
              host.id = "component";
              host.append(window.__form.element);
              document.getElementById("main").replaceChildren(host);
            }""",
            [_BookParams.model_json_schema(), voices],
        )
        form = page.locator("#component")
        # upload or text: one toggle, the upload first
        assert await form.get_by_label("Upload a file").is_checked()
        assert not await form.get_by_label("Text", exact=True).is_visible()
        await form.get_by_label("Upload a new manuscript").set_input_files(
            files=[{"name": "book.txt", "mimeType": "text/plain", "buffer": b"Chapter One\n\nA"}]
        )
        picker = form.get_by_label("Upload Id")
        await page.wait_for_function(
            "() => document.querySelector('#p-book-upload_id').value !== ''"
        )
        assert "book.txt (txt" in await picker.locator("option:checked").inner_text()
        params = await page.evaluate("() => window.__form.read()")
        # nothing picked in the multi-voice list: left out, so the server default applies
        expected_keys = {"upload_id", "voice", "speed", "format", "chapters", "loudness"}
        assert set(params) == expected_keys
        assert params["loudness"] == {"target_lufs": -18}
        assert params["format"] == "mp3" and params["voice"] == "narrator-a"

        await form.get_by_label("Paste text").check()
        await form.get_by_label("Text", exact=True).fill("Chapter One\n\nIt was a bright day.")
        await form.locator("[data-field=voice]").get_by_text("Bo").click()
        await form.locator("[data-field=voices]").get_by_text("Cy").click()
        # fields that point at a definition are labelled by their own name
        assert await form.locator("legend").all_inner_texts() == [
            "Source",
            "Voice",
            "Voices",
            "Loudness",
        ]
        await form.get_by_label("Format", exact=True).select_option("m4b")
        await form.get_by_label("Speed").fill("1.25")
        params = await page.evaluate("() => window.__form.read()")
        assert "upload_id" not in params
        assert params["text"].startswith("Chapter One")
        assert params["voice"] == "narrator-b" and params["voices"] == ["narrator-c"]
        assert params["format"] == "m4b" and params["speed"] == 1.25

        # each voice with a sample has a play button, and the sample plays
        voice_field = form.locator("[data-field=voice]")
        assert await voice_field.get_by_role("button").count() == 2
        play = voice_field.get_by_role("button", name="Play a sample of Bo")
        await play.click()
        await page.wait_for_function(
            "b => b.getAttribute('aria-pressed') === 'true'", arg=await play.element_handle()
        )
        # back to Play once the sample ended by itself: it really played
        await page.wait_for_function(
            "b => b.textContent === 'Play'", arg=await play.element_handle(), timeout=15_000
        )
        await page.evaluate(
            "() => window.__form.markErrors([{loc: ['body', 'params', 'loudness', 'target_lufs'],"
            " msg: 'Input should be less than or equal to -10'}])"
        )
        nested_error = form.locator("[data-field='loudness.target_lufs'] .field-error")
        assert await nested_error.inner_text() == "Input should be less than or equal to -10"
        await _shot(page, "08-generated-audiobook-form")

        # preview and quality report: tables, never JSON
        await page.evaluate(
            """async () => {
              const { renderPreview } = await import("/app/static/js/audiobook.js");
              const { renderData } = await import("/app/static/js/report.js");
              const host = document.getElementById("component");
              host.replaceChildren(
                renderPreview({
                  chapters: [
                    { title: "One", words: 1200, estimated_seconds: 480 },
                    { title: "Two", words: 900, estimated_seconds: 360 },
                  ],
                  estimated_duration_seconds: 3725,
                  estimated_cost: { amount: 1.25, currency: "USD" },
                  voice: "narrator-b",
                }),
                renderData({
                  integrated_lufs: -18.04,
                  true_peak_db: -1.5,
                  clipping: false,
                  chapters: [{ title: "One", start_seconds: 0, duration_seconds: 480.2 }],
                  warnings: [],
                }),
              );
            }"""
        )
        text = await page.locator("#component").inner_text()
        expected = [
            "Chapters\n2",  # the preview's summary
            "1 h 02 min",
            "1.25 USD",
            "Estimated seconds",  # the chapters table's column
            "narrator-b",
            "Integrated lufs",  # the report
            "-18.04",
            "8 min 00 s",
        ]
        for piece in expected:
            assert piece in text, (piece, text)
        await _no_raw_json(page)
        await _shot(page, "09-preview-and-report")

        # the SSE parser: chunks split anywhere, CRLF, comments, retry, multi-line data
        events = await page.evaluate(
            """async () => {
              const { parseEvents } = await import("/app/static/js/sse.js");
              const seen = [];
              const parser = parseEvents((e) => seen.push(e));
              const stream = 'retry: 1500\\r\\n\\r\\n: keep-alive\\n\\nid: 7\\nevent: progr'
                + 'ess\\ndata: {"progress":\\ndata: 42}\\n\\nid: 8\\r\\nevent: status\\r\\ndata: '
                + '{"status":"succeeded"}\\r\\n\\r\\ndata: plain\\n\\n';
              for (let i = 0; i < stream.length; i += 5) parser.feed(stream.slice(i, i + 5));
              return { seen, retry: parser.state.retry };
            }"""
        )
        assert events["retry"] == 1500
        assert events["seen"] == [
            {"id": "7", "type": "progress", "data": {"progress": 42}},
            {"id": "8", "type": "status", "data": {"status": "succeeded"}},
            {"id": None, "type": "message", "data": "plain"},
        ]
        watch.assert_clean()


async def test_defaults_queue_wording_live_list_uploads_preview_and_editors(
    engine_url: str, browser: Any
) -> None:
    """Issue 19's dashboard points: a useful default kind, plain queue wording,
    jobs created elsewhere appearing live, the uploads card refreshing, a
    readable preview, and structured editors instead of JSON boxes."""
    async with _page(browser, DESKTOP) as (page, watch):
        await _sign_in(page, engine_url, "issue19@example.com")
        # the default kind is what a newcomer came for, not a tool
        assert await page.get_by_label("Kind").input_value() == "audiobook"
        # an idle queue says so, instead of "0 running on 0 workers"
        queue_line = page.locator(".queue-line")
        await queue_line.wait_for()
        assert "0 worker" not in await queue_line.inner_text()

        # a job created elsewhere (the API, another tab) appears without a reload
        headers = {"Authorization": f"Bearer {await _token(page)}"}
        async with httpx.AsyncClient(base_url=engine_url, headers=headers) as http:
            r = await http.post("/v1/jobs", json={"kind": "tone", "params": {"seconds": 0.5}})
            assert r.status_code == 202, r.text
            elsewhere = r.json()["id"]
        await _row(page, elsewhere).wait_for(timeout=20_000)
        await (
            _row(page, elsewhere)
            .and_(page.locator("[data-status=succeeded]"))
            .wait_for(timeout=30_000)
        )

        # an upload through the form's own picker shows in the uploads card too
        form = page.locator("#form-audiobook")
        await form.get_by_label("Upload a new manuscript").set_input_files(
            files=[{"name": "lane.txt", "mimeType": "text/plain", "buffer": b"Chapter One\n\nA."}]
        )
        await page.locator(".card-uploads li.upload", has_text="lane.txt").wait_for()

        # structured editors: a chapter's voice and a replacement, no JSON
        assert await form.locator("textarea.mono").count() == 0
        await form.get_by_label("Paste text").check()
        await form.get_by_label("Text", exact=True).fill(
            "# Chapter One\n\nThe lane was quiet and long.\n\n"
            "# Chapter Two\n\nThe end came soon after that."
        )
        voices = form.locator("[data-field=chapter_voices]")
        await voices.get_by_role("button", name="Add chapter").click()
        await voices.get_by_label("Chapter (row 1)").fill("2")
        options = await voices.get_by_label("Voice (row 1)").locator("option").all()
        voice_id = await options[1].get_attribute("value")
        assert voice_id
        await voices.get_by_label("Voice (row 1)").select_option(voice_id)
        replacements = form.locator("[data-field=replacements]")
        await replacements.get_by_role("button", name="Add a row").click()
        await replacements.get_by_label("Chapter (row 1)").fill("1")
        await replacements.get_by_label("Chunk (row 1)").fill("0")
        await replacements.get_by_label("Text (row 1)").fill("The lane was very quiet.")
        async with page.expect_request(lambda r: r.url.endswith("/v1/audiobooks/preview")) as sent:
            await page.get_by_role("button", name="Preview").click()
        params = (await sent.value).post_data_json
        assert params["chapter_voices"] == {"2": voice_id}
        assert params["replacements"] == [
            {"chapter": 1, "chunk": 0, "text": "The lane was very quiet."}
        ]

        # the preview reads as a summary and a table, words whole
        preview = page.locator(".preview-box")
        await preview.locator("table.preview-chapters").wait_for()
        text = await preview.inner_text()
        for piece in ("Chapters\n2", "Length", "Cost", "Chapter One", "Chapter Two"):
            assert piece in text, (piece, text)
        wrap = await preview.locator("td").first.evaluate(
            "td => getComputedStyle(td).overflowWrap + ' ' + getComputedStyle(td).wordBreak"
        )
        assert "anywhere" not in wrap and "break-all" not in wrap, wrap
        await _no_raw_json(page)
        await _shot(page, "10-issue19-editors-and-preview")
        watch.assert_clean()
