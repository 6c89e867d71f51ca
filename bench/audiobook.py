"""Audiobook rendering, end to end: the corpus book through the engine's API and one worker.

Run it from the repository root::

    .venv/bin/python bench/audiobook.py                     # whole book, both scenarios
    .venv/bin/python bench/audiobook.py --quick             # first 3 chapters
    .venv/bin/python bench/audiobook.py --chapters 6 --scenario local --json out.json
    .venv/bin/python bench/audiobook.py --dual              # piper reads the dialogue
    .venv/bin/python bench/audiobook.py --profile prof/     # py-spy the worker as well

Scenario 1, ``local`` (hibari, offline):

1. Raw model speed, first, in this process: the same chapters planned as the
   pipeline plans them, every unit's text spoken one after another through
   ``LocalTTSProvider(threads=1, concurrency=1)`` (model load excluded):
   characters per second.
2. End to end: ``soundstage api`` plus ONE ``soundstage worker`` (subprocesses,
   a fresh data dir and embedded Postgres), the book uploaded and submitted as an
   ``audiobook`` job (single voice ``local:hibari-us-female``, MP3 and M4B) and
   polled until it ends. The worker's RSS (its own and with its children, the
   ffmpeg processes) is sampled every 0.2 s with psutil.
3. The stage timeline comes from the database: the plan checkpoint opens
   synthesis, the last unit's checkpoint closes it; the first ``Mastering ...``
   stage event ends the loudness pass and the first M4B stage (``Joining the
   M4B``, or ``Encoding the M4B`` before the mastering rework) ends the chapters'
   mastering and encoding (event times are the worker's 0.5 s heartbeat ticks).
   The worker's CPU (with its ffmpeg children) and the machine's are sampled
   with the RSS, so each phase's CPU seconds and cores are reported too. Audio
   seconds are the chapter durations of ``report.json``.

Targets on 2 cores (issue 17): end-to-end characters/s at least 0.9x the raw
one-process model speed (MP3 + M4B, ACX mastering); the wall time at most 1.15x
the two-core bound the run computes from its own measurements (the worker's CPU
seconds, ffmpeg children included, over 2 cores: no schedule on two cores does
better); everything after the last unit at most 10% of the wall time (chapters
are mastered while later ones synthesise); the progress bar never still for
more than 10% of the wall; the worker's peak RSS (with children) under 600 MB.

Scenario 2, ``remote``: the same book through ``provider: openai`` against
``bench/fake_openai_tts.py`` (1 s per request, 429 beyond 8 requests in flight,
real MP3s lasting ``len(input) / 15`` s) with ``SOUNDSTAGE_OPENAI_CONCURRENCY=8``.
Ideal = requests / 8 x 1 s; the synthesis stage and the whole job are compared
with it (target at most 1.2x), and the server counts requests over the limit.

Wall time runs from ``POST /v1/jobs`` (admission included) to the job's
``finished_at``. ``--json FILE`` saves everything, ``--strict`` exits 1 when a
target is missed. Everything started is stopped at the end, the embedded
Postgres with ``soundstage db stop``, and the temporary dir removed (``--keep``
keeps it). The engine sees the caller's ``SOUNDSTAGE_*`` variables (for
example ``SOUNDSTAGE_LOCAL_TTS_THREADS``; ``--tts-threads`` sets it for the
worker) except the data dir, storage, quota and OpenAI ones, which the benchmark
sets; ``DATABASE_URL``, ``OPENAI_API_KEY`` and ``SUPABASE_*`` are dropped and no
``.env`` is read. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from checks import Check
from engine_proc import HOST, Server, engine_env, free_port, mint_token, soundstage, stop_database
from procstat import cpu_model, machine_busy_seconds

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_BOOK = (
    Path(__file__).resolve().parents[1]
    / "tests" / "data" / "corpus" / "little-colonels-hero" / "15122-8.txt"
)  # fmt: skip
EMAIL = "bench-audiobook@example.com"
NARRATOR = "local:hibari-us-female"
DIALOGUE = "local:piper-joe"
REMOTE_VOICE = "openai:alloy"
TERMINAL = ("succeeded", "failed", "canceled")
RSS_INTERVAL = 0.2
MB = 1024 * 1024

TARGET_SPEEDUP = 0.9  # end to end, with MP3 + M4B and ACX mastering, vs the raw model
TARGET_BOUND = 1.15  # wall time vs the two-core bound (the run's own CPU seconds / 2)
TARGET_STALL = 0.10  # the progress bar never sits still for more than this share of the wall
TARGET_POST_SHARE = 0.10
TARGET_RSS_MB = 600.0
TARGET_RSS_DUAL_MB = 900.0
TARGET_IDLE_RSS_MB = 300.0
TARGET_REMOTE_RATIO = 1.2
# The engine's storage and quota, whatever the caller's environment says.
ENGINE_ENV = {"SOUNDSTAGE_STORAGE": "local", "SOUNDSTAGE_QUOTA_MONTHLY_CHARACTERS": "0"}


# --------------------------------------------------------------------------- results


@dataclass
class RawRun:
    """The TTS model alone: one process, one unit at a time."""

    voices: list[str]
    threads: int
    units: int
    characters: int
    seconds: float
    audio_seconds: float
    chars_per_s: float
    realtime_x: float
    cpu_s: float
    cpu_cores: float | None
    other_cpu_cores: float | None
    load_avg: list[float]
    process_peak_rss_mb: float  # this process (the benchmark itself included)


@dataclass
class JobRun:
    """One audiobook job through the API and one worker."""

    scenario: str
    provider: str
    voices: list[str]
    job_id: str
    chapters: int
    units: int
    characters: int
    wall_s: float
    audio_s: float
    chars_per_s: float
    realtime_x: float
    phases: dict[str, float | None]
    phase_cpu: dict[str, dict[str, float] | None]
    post_s: float | None
    post_share: float | None
    peak_rss_mb: float
    peak_worker_rss_mb: float
    max_children: int
    biggest_child_mb: float
    biggest_child: str
    worker_cpu_s: float | None
    worker_cpu_cores: float | None
    other_cpu_cores: float | None
    load_avg_start: list[float]
    load_avg_end: list[float]
    timeline_source: str
    worker_env: dict[str, str]
    report_passed: bool | None
    profile_top: list[tuple[str, float]] = field(default_factory=list)
    # the worker's RSS with children once idle (its local voices unloaded)
    idle_rss_mb: float | None = None
    # the two-core bound: no schedule on two cores beats (all the CPU the job
    # needs: synthesis + mastering + encoding, children included) / 2
    two_core_bound_s: float | None = None
    bound_ratio: float | None = None
    max_stall_s: float | None = None
    max_stall_share: float | None = None
    encoded_chapters: int | None = None


@dataclass
class RemoteStats:
    """What the fake OpenAI server saw during the remote job."""

    limit: int
    latency_s: float
    requests: int
    planned_requests: int
    violations: int
    max_in_flight: int
    ideal_s: float
    request_span_s: float | None
    slot_utilisation: float | None
    synthesis_ratio: float | None
    job_ratio: float
    span_ratio: float | None


@dataclass
class Report:
    machine: dict[str, Any]
    settings: dict[str, Any]
    raw: RawRun | None = None
    local: JobRun | None = None
    remote: JobRun | None = None
    remote_stats: RemoteStats | None = None
    checks: list[Check] = field(default_factory=list)


# --------------------------------------------------------------------------- machine


def tree_cpu_seconds(pid: int) -> float | None:
    """user + system CPU of a process and its reaped children (ffmpeg)."""
    try:
        t = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return None
    return float(t.user + t.system + t.children_user + t.children_system)


def load_avg() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def machine_info() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model() or "unknown",
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit or None,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_avg_start": load_avg(),
    }


# --------------------------------------------------------------------------- processes


def audiobook_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The engine's environment: ENGINE_ENV, then ``extra``. OpenAI settings come from
    ``extra`` alone (the fake server), never from the caller's environment."""
    return engine_env(
        data_dir,
        {**ENGINE_ENV, **(extra or {})},
        drop=("OPENAI_API_KEY",),
        drop_prefixes=("SOUNDSTAGE_OPENAI_",),
    )


class ProcessSampler:
    """Every ``interval`` s: the RSS of a process, alone and with all its descendants
    (peaks kept), its CPU seconds with its reaped children, and the machine's busy
    CPU seconds (for the CPU each phase of a job used).

    A child caught between fork and exec still runs the worker's command line and
    shows the worker's RSS (pages it shares with the worker); it is not counted."""

    def __init__(self, pid: int, interval: float = RSS_INTERVAL) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_total = 0
        self.peak_self = 0
        self.max_children = 0
        self.biggest_child: tuple[int, str] = (0, "")  # RSS, command line
        self.forks_seen = 0
        self.samples: list[tuple[float, float, float]] = []  # (time, process CPU, machine busy)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def start(self) -> None:
        self._sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        try:
            proc = psutil.Process(self.pid)
            own = proc.memory_info().rss
            children = proc.children(recursive=True)
            times = proc.cpu_times()
            argv = proc.cmdline()
        except psutil.Error:
            return
        cpu = times.user + times.system + times.children_user + times.children_system
        total = own
        for child in children:
            with contextlib.suppress(psutil.Error):
                if child.cmdline() == argv:
                    # forked, not yet exec'd (asyncio starting ffmpeg): the worker's own pages
                    self.forks_seen += 1
                    continue
                rss = child.memory_info().rss
                total += rss
                if rss > self.biggest_child[0]:
                    self.biggest_child = (rss, " ".join(child.cmdline())[:300])
        self.peak_self = max(self.peak_self, own)
        self.peak_total = max(self.peak_total, total)
        self.max_children = max(self.max_children, len(children))
        now = time.time()
        if (busy := machine_busy_seconds()) is not None:
            self.samples.append((now, cpu, busy))

    def _at(self, when: float) -> tuple[float, float] | None:
        """Process CPU and machine busy seconds at ``when``, interpolated."""
        s = self.samples
        if not s or when < s[0][0] or when > s[-1][0]:
            return None
        for (t0, c0, b0), (t1, c1, b1) in itertools.pairwise(s):
            if t0 <= when <= t1:
                f = (when - t0) / (t1 - t0) if t1 > t0 else 0.0
                return c0 + f * (c1 - c0), b0 + f * (b1 - b0)
        return s[-1][1], s[-1][2]

    def between(self, start: float | None, end: float | None) -> dict[str, float] | None:
        """CPU seconds the process used between two times, and the cores it and the
        rest of the machine used on average."""
        if start is None or end is None or end <= start:
            return None
        a, b = self._at(start), self._at(end)
        if a is None or b is None:
            return None
        cpu, busy, wall = b[0] - a[0], b[1] - a[1], end - start
        return {
            "cpu_s": round(cpu, 1),
            "cores": round(cpu / wall, 2),
            "other_cores": round(max(0.0, busy - cpu) / wall, 2),
        }


class PySpy:
    """``py-spy record`` of one process into a raw (collapsed stacks) file."""

    def __init__(self, pid: int, out: Path) -> None:
        exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        self.out = out
        self.proc = subprocess.Popen(
            [exe, "record", "--pid", str(pid), "--rate", "50", "--format", "raw",
             "--nonblocking", "--output", str(out)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip

    def stop(self) -> list[tuple[str, float]]:
        """Stop recording; the leaf functions with their share of the samples."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.returncode not in (0, None) and not self.out.exists():
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
            print(f"py-spy failed: {err.strip()}", file=sys.stderr)
            return []
        return top_leaves(self.out)


def top_leaves(path: Path, limit: int = 12) -> list[tuple[str, float]]:
    counts: Counter[str] = Counter()
    with contextlib.suppress(OSError):
        for line in path.read_text(errors="replace").splitlines():
            stack, _, n = line.rpartition(" ")
            if not stack or not n.isdigit():
                continue
            leaf = stack.rsplit(";", 1)[-1]
            # "function (file.py:123)" -> "function (file.py)"
            if ":" in leaf and leaf.endswith(")"):
                leaf = leaf[: leaf.rfind(":")] + ")"
            counts[leaf] += int(n)
    total = sum(counts.values()) or 1
    return [(name, round(n / total, 4)) for name, n in counts.most_common(limit)]


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class PlannedUnit:
    text: str
    voice: str


def plan_units(
    book: Path, numbers: list[int], *, narrator: str, dialogue: str | None, provider: str
) -> list[PlannedUnit]:
    """The units the pipeline sends to the provider, as it plans them (no lexicon)."""
    from soundstage.audiobooks.manuscript import parse_manuscript
    from soundstage.audiobooks.plan import plan_chapter

    if provider == "local":
        from soundstage.providers.tts.local import LocalTTSProvider

        max_chars, preferred = LocalTTSProvider.max_chars, LocalTTSProvider.preferred_chars
    else:
        from soundstage.providers.tts.openai import OpenAITTSProvider

        max_chars, preferred = OpenAITTSProvider.max_chars, OpenAITTSProvider.preferred_chars
    manuscript = parse_manuscript(book, book.suffix.lstrip(".").lower() or "txt")
    units: list[PlannedUnit] = []
    for n in numbers:
        planned = plan_chapter(
            manuscript.chapters[n - 1],
            n,
            narrator=narrator,
            dialogue=dialogue,
            max_chars=max_chars,
            preferred_chars=preferred,
            lexicon={},
        )
        units += [PlannedUnit(u.text, u.voice) for u in planned.units if u.speaks]
    return units


def chapter_count(book: Path) -> int:
    from soundstage.audiobooks.manuscript import parse_manuscript

    return len(parse_manuscript(book, book.suffix.lstrip(".").lower() or "txt").chapters)


# --------------------------------------------------------------------------- raw model speed


async def _raw(units: list[PlannedUnit], threads: int, workdir: Path) -> tuple[float, float]:
    from soundstage.audio.master import wav_seconds
    from soundstage.providers.tts.local import LocalTTSProvider

    provider = LocalTTSProvider(threads=threads, concurrency=1)
    for voice in sorted({u.voice for u in units}):  # load every model first: not timed
        warm = await provider.synthesize("Warm up.", voice, workdir)
        warm.path.unlink()
    audio = 0.0
    start = time.perf_counter()
    for unit in units:
        result = await provider.synthesize(unit.text, unit.voice, workdir)
        audio += wav_seconds(result.path)
        result.path.unlink()
    return time.perf_counter() - start, audio


def measure_raw(units: list[PlannedUnit], threads: int, workdir: Path) -> RawRun:
    characters = sum(len(u.text) for u in units)
    print(
        f"Raw model speed: {len(units)} units, {characters:,} characters, one at a time ...",
        file=sys.stderr,
        flush=True,
    )
    workdir.mkdir(parents=True, exist_ok=True)
    busy0, cpu0, t0 = machine_busy_seconds(), sum(os.times()[:2]), time.monotonic()
    seconds, audio = asyncio.run(_raw(units, threads, workdir))
    wall = time.monotonic() - t0
    cpu = sum(os.times()[:2]) - cpu0
    busy1 = machine_busy_seconds()
    busy = None if busy0 is None or busy1 is None else busy1 - busy0
    run = RawRun(
        voices=sorted({u.voice for u in units}),
        threads=threads,
        units=len(units),
        characters=characters,
        seconds=round(seconds, 2),
        audio_seconds=round(audio, 1),
        chars_per_s=round(characters / seconds, 1),
        realtime_x=round(audio / seconds, 1),
        cpu_s=round(cpu, 1),
        cpu_cores=round(cpu / wall, 2),
        other_cpu_cores=None if busy is None else round(max(0.0, busy - cpu) / wall, 2),
        load_avg=load_avg(),
        process_peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    print(f"  {run.chars_per_s:,.0f} characters/s in {run.seconds:.1f} s", file=sys.stderr)
    return run


# --------------------------------------------------------------------------- the engine


class Api:
    """The engine's HTTP API with a development token."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )

    def close(self) -> None:
        self.client.close()

    def upload(self, path: Path) -> str:
        with path.open("rb") as f:
            resp = self.client.post(
                "/v1/uploads",
                files={"file": (path.name, f, "text/plain")},
                data={"category": "manuscript"},
            )
        if resp.status_code != 201:
            raise RuntimeError(f"upload answered {resp.status_code}: {resp.text}")
        upload_id: str = resp.json()["id"]
        return upload_id

    def submit(self, params: dict[str, Any]) -> dict[str, Any]:
        resp = self.client.post("/v1/jobs", json={"kind": "audiobook", "params": params})
        if resp.status_code != 202:
            raise RuntimeError(f"POST /v1/jobs answered {resp.status_code}: {resp.text}")
        job: dict[str, Any] = resp.json()
        return job

    def job(self, job_id: str) -> dict[str, Any]:
        resp = self.client.get(f"/v1/jobs/{job_id}")
        resp.raise_for_status()
        job: dict[str, Any] = resp.json()
        return job

    def fetch_json(self, url: str) -> Any:
        resp = httpx.get(url, timeout=60)  # a signed URL: no token needed
        resp.raise_for_status()
        return resp.json()


def _epoch(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


async def _db_timeline(data_dir: Path, job_id: str) -> dict[str, Any]:
    """Stage events and checkpoint times of a job, read directly from the embedded database."""
    import asyncpg

    from soundstage.db.embedded import ensure_embedded

    dsn = await ensure_embedded(data_dir)
    conn = await asyncpg.connect(dsn)
    try:
        events = await conn.fetch(
            "select id, created_at, type, data::text as data from soundstage.job_events "
            "where job_id = $1 union all "
            "select id, created_at, 'progress', data::text from soundstage.job_progress_events "
            "where job_id = $1 order by id",
            uuid.UUID(job_id),
        )
        checkpoints = await conn.fetch(
            "select unit, created_at from soundstage.job_checkpoints where job_id = $1 order by "
            "created_at",
            uuid.UUID(job_id),
        )
    finally:
        await conn.close()
    return {
        "stages": [
            (e["created_at"].timestamp(), json.loads(e["data"]).get("stage"))
            for e in events
            if e["type"] in ("progress", "status")
        ],
        "plan": next(
            (c["created_at"].timestamp() for c in checkpoints if c["unit"] == "plan"), None
        ),
        "last_unit": max(
            (c["created_at"].timestamp() for c in checkpoints if c["unit"] != "plan"), default=None
        ),
    }


def _first(stages: list[tuple[float, str | None]], *prefixes: str) -> float | None:
    return next((t for t, s in stages if s and s.startswith(prefixes)), None)


def _span(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(b - a, 2)


def run_job(
    api: Api,
    worker: Server,
    params: dict[str, Any],
    *,
    scenario: str,
    units: list[PlannedUnit],
    chapters: int,
    data_dir: Path,
    worker_env: dict[str, str],
    timeout: float,
    profile: Path | None,
) -> JobRun:
    sampler = ProcessSampler(worker.pid)
    sampler.start()
    spy = PySpy(worker.pid, profile / f"worker-{scenario}.txt") if profile else None
    load0 = load_avg()
    cpu0, busy0 = tree_cpu_seconds(worker.pid), machine_busy_seconds()
    submitted = time.time()
    job = api.submit(params)
    job_id = job["id"]
    print(f"  job {job_id} submitted", file=sys.stderr, flush=True)
    polled: list[tuple[float, str | None]] = []
    progress_seen: list[tuple[float, int]] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            job = api.job(job_id)
            stage = job.get("stage")
            if not progress_seen or progress_seen[-1][1] != job["progress"]:
                progress_seen.append((time.time(), job["progress"]))
            if not polled or polled[-1][1] != stage:
                polled.append((time.time(), stage))
                print(
                    f"  {time.time() - submitted:7.1f} s  {job['progress']:3d}%  {stage}",
                    file=sys.stderr,
                    flush=True,
                )
            if job["status"] in TERMINAL:
                break
            if not worker.alive():
                raise RuntimeError(f"the worker died:\n{worker.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"job {job_id} still {job['status']} after {timeout:.0f} s")
            time.sleep(0.5)
    finally:
        cpu1, busy1 = tree_cpu_seconds(worker.pid), machine_busy_seconds()
        sampler.stop()
        top = spy.stop() if spy else []
    if job["status"] != "succeeded":
        raise RuntimeError(f"job {job_id} {job['status']}: {job.get('error')}\n{worker.log_tail()}")

    started, finished = _epoch(job.get("started_at")), _epoch(job.get("finished_at"))
    assert finished is not None
    wall = finished - submitted
    try:
        db = asyncio.run(_db_timeline(data_dir, job_id))
        stages, plan, last_unit, source = db["stages"], db["plan"], db["last_unit"], "database"
    except Exception as exc:  # noqa: BLE001 - the polled stages are a fair fallback
        print(f"  (database timeline unavailable: {exc!r}; using polled stages)", file=sys.stderr)
        stages, source = polled, "polling"
        plan = _first(stages, "Synthesising")
        last_unit = _first(stages, "Measuring loudness")
    loudness = _first(stages, "Measuring loudness")
    mastering = _first(stages, "Mastering")
    m4b = _first(stages, "Joining the M4B", "Encoding the M4B")
    phases: dict[str, float | None] = {
        "admission": _span(submitted, _epoch(job.get("created_at"))),
        "queue": _span(_epoch(job.get("created_at")), started),
        "prepare": _span(started, plan),
        "synthesis": _span(plan, last_unit),
        "loudness": _span(last_unit, mastering or loudness),
        "chapters": _span(mastering, m4b or finished),
        "m4b": _span(m4b, finished) if m4b else None,
    }
    post = _span(last_unit, finished)

    outputs = {o["name"]: o["url"] for o in job.get("outputs", [])}
    report = api.fetch_json(outputs["report.json"]) if "report.json" in outputs else {}
    audio = sum(c["duration_seconds"] for c in report.get("chapters", []))
    characters = sum(len(u.text) for u in units)
    cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    busy = None if busy0 is None or busy1 is None else busy1 - busy0
    # The longest the bar sat on one value (polled every 0.5 s, from submission
    # to the end): what a user watching it sees.
    marks = [submitted] + [t for t, _ in progress_seen[1:]] + [finished]
    stall = max(b - a for a, b in itertools.pairwise(marks)) if len(marks) > 1 else None
    cores = min(2, os.cpu_count() or 1)
    bound = None if cpu is None else cpu / cores
    return JobRun(
        two_core_bound_s=None if bound is None else round(bound, 1),
        bound_ratio=None if bound is None or bound <= 0 else round(wall / bound, 3),
        max_stall_s=None if stall is None else round(stall, 1),
        max_stall_share=None if stall is None else round(stall / wall, 3),
        encoded_chapters=len(report.get("encoded_chapters", [])) or None,
        scenario=scenario,
        provider=params["provider"],
        voices=sorted({u.voice for u in units}),
        job_id=job_id,
        chapters=chapters,
        units=len(units),
        characters=characters,
        wall_s=round(wall, 2),
        audio_s=round(audio, 1),
        chars_per_s=round(characters / wall, 1),
        realtime_x=round(audio / wall, 1),
        phases=phases,
        phase_cpu={
            "synthesis": sampler.between(plan, last_unit),
            "after the last unit": sampler.between(last_unit, finished),
            "  loudness": sampler.between(last_unit, mastering),
            "  chapters": sampler.between(mastering, m4b or finished),
            "  M4B + transcript": sampler.between(m4b, finished) if m4b else None,
        },
        post_s=post,
        post_share=None if post is None else round(post / wall, 4),
        peak_rss_mb=round(sampler.peak_total / MB, 1),
        peak_worker_rss_mb=round(sampler.peak_self / MB, 1),
        max_children=sampler.max_children,
        biggest_child_mb=round(sampler.biggest_child[0] / MB, 1),
        biggest_child=sampler.biggest_child[1],
        worker_cpu_s=None if cpu is None else round(cpu, 1),
        worker_cpu_cores=None if cpu is None else round(cpu / wall, 2),
        other_cpu_cores=(
            None if cpu is None or busy is None else round(max(0.0, busy - cpu) / wall, 2)
        ),
        load_avg_start=load0,
        load_avg_end=load_avg(),
        timeline_source=source,
        worker_env=worker_env,
        report_passed=report.get("passed"),
        profile_top=top,
    )


def idle_rss_mb(worker: Server, idle_seconds: float) -> float:
    """The worker's RSS (with its children) once its local voices are unloaded:
    after the idle time and a maintenance pass (every lease/3 s, 30 s leases)."""
    time.sleep(idle_seconds + 10.0 + 3.0)
    proc = psutil.Process(worker.pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return round(total / MB, 1)


def start_worker(
    name: str, env: dict[str, str], logs: Path, cwd: Path, grace: float = 5.0
) -> Server:
    worker = Server(
        name, soundstage("worker", "--grace", str(grace)), env, logs / f"{name}.log", cwd
    )
    if not worker.wait_log("started (concurrency", timeout=90):
        print(f"  ({name} did not log its start within 90 s; going on)", file=sys.stderr)
    return worker


# --------------------------------------------------------------------------- checks and report


def evaluate(report: Report) -> None:
    raw, local, remote, stats = report.raw, report.local, report.remote, report.remote_stats
    if raw and local:
        ratio = local.chars_per_s / raw.chars_per_s
        report.checks.append(
            Check(
                "local: end-to-end / raw model characters/s",
                round(ratio, 3),
                f">= {TARGET_SPEEDUP}x",
                ratio >= TARGET_SPEEDUP,
            )
        )
    if local:
        if local.bound_ratio is not None:
            report.checks.append(
                Check(
                    "local: wall / two-core bound (worker CPU s with children / 2)",
                    local.bound_ratio,
                    f"<= {TARGET_BOUND}x",
                    local.bound_ratio <= TARGET_BOUND,
                )
            )
        if local.max_stall_share is not None:
            report.checks.append(
                Check(
                    "local: longest the progress bar stood still, share of wall",
                    local.max_stall_share,
                    f"<= {TARGET_STALL:.0%}",
                    local.max_stall_share <= TARGET_STALL,
                )
            )
        if local.post_share is not None:
            report.checks.append(
                Check(
                    "local: assembly, mastering, encoding share of wall time",
                    local.post_share,
                    f"<= {TARGET_POST_SHARE:.0%}",
                    local.post_share <= TARGET_POST_SHARE,
                )
            )
        peak_target = TARGET_RSS_DUAL_MB if len(local.voices) > 1 else TARGET_RSS_MB
        report.checks.append(
            Check(
                "local: worker peak RSS with children (MB)",
                local.peak_rss_mb,
                f"< {peak_target:.0f} MB",
                local.peak_rss_mb < peak_target,
            )
        )
        if local.idle_rss_mb is not None:
            report.checks.append(
                Check(
                    "local: worker idle RSS with children, voices unloaded (MB)",
                    local.idle_rss_mb,
                    f"< {TARGET_IDLE_RSS_MB:.0f} MB",
                    local.idle_rss_mb < TARGET_IDLE_RSS_MB,
                )
            )
    if remote and stats:
        if stats.synthesis_ratio is not None:
            report.checks.append(
                Check(
                    "remote: synthesis stage / ideal",
                    stats.synthesis_ratio,
                    f"<= {TARGET_REMOTE_RATIO}x",
                    stats.synthesis_ratio <= TARGET_REMOTE_RATIO,
                )
            )
        report.checks.append(
            Check(
                "remote: whole job / ideal",
                stats.job_ratio,
                f"<= {TARGET_REMOTE_RATIO}x",
                stats.job_ratio <= TARGET_REMOTE_RATIO,
            )
        )
        report.checks.append(
            Check(
                "remote: requests over the concurrency limit",
                stats.violations,
                "0",
                stats.violations == 0,
            )
        )


def _f(value: float | None, fmt: str = ",.1f", unit: str = "") -> str:
    return "-" if value is None else f"{value:{fmt}}{unit}"


def _job_lines(run: JobRun) -> list[str]:
    p = run.phases
    out = [
        f"  timeline ({run.timeline_source}): admission {_f(p['admission'])} s, queue "
        f"{_f(p['queue'])} s, prepare {_f(p['prepare'])} s, synthesis {_f(p['synthesis'])} s, "
        f"loudness {_f(p['loudness'])} s, chapters (assemble, limiter, check, MP3, AAC) "
        f"{_f(p['chapters'])} s, M4B + transcript {_f(p['m4b'])} s",
        f"  after the last unit: {_f(run.post_s)} s = {_f(run.post_share, '.1%')} of the wall time",
        f"  two-core bound (worker CPU s with children / 2): {_f(run.two_core_bound_s)} s; "
        f"wall / bound = {_f(run.bound_ratio, '.2f')}x; progress bar still at most "
        f"{_f(run.max_stall_s)} s = {_f(run.max_stall_share, '.1%')} of the wall",
        *(
            f"  {name}: worker {c['cpu_s']:,.1f} CPU s ({1000 * c['cpu_s'] / run.characters:.2f} "
            f"per 1,000 characters), {c['cores']:.2f} cores; rest of the machine "
            f"{c['other_cores']:.2f} cores"
            for name, c in run.phase_cpu.items()
            if c is not None
        ),
        f"  worker peak RSS {run.peak_rss_mb:,.0f} MB with children "
        f"({run.peak_worker_rss_mb:,.0f} MB the worker alone, up to {run.max_children} "
        f"children, the largest {run.biggest_child_mb:,.0f} MB: "
        f"{run.biggest_child[:120] or '-'}); worker CPU "
        f"{_f(run.worker_cpu_cores, '.2f')} cores, rest of the machine "
        f"{_f(run.other_cpu_cores, '.2f')} cores; load average {run.load_avg_start[0]:.2f} -> "
        f"{run.load_avg_end[0]:.2f}",
        *(
            [f"  worker idle RSS {run.idle_rss_mb:,.0f} MB with children (local voices unloaded)"]
            if run.idle_rss_mb is not None
            else []
        ),
    ]
    if run.worker_env:
        out.append("  worker settings: " + ", ".join(f"{k}={v}" for k, v in run.worker_env.items()))
    if run.report_passed is not None:
        out.append(f"  report.json passed: {run.report_passed}")
    if run.profile_top:
        out.append("  py-spy, leaf functions (share of samples):")
        out += [f"    {share:6.1%}  {name}" for name, share in run.profile_top]
    return out


def render(report: Report) -> str:
    m, s = report.machine, report.settings
    out = [
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB, Python {m['python']}, "
        f"commit {m['commit']}, {m['date']}; load average at start {m['load_avg_start']}",
        f"Book: {s['book']} - chapters {s['chapters_label']}",
        "",
        f"{'':<34}{'units':>7}{'characters':>12}{'wall s':>9}{'chars/s':>9}{'x realtime':>12}"
        f"{'CPU s':>8}{'CPU cores':>11}{'other CPU':>11}",
    ]
    raw, local, remote = report.raw, report.local, report.remote
    if raw:
        out.append(
            f"{'raw model, 1 process, 1 at a time':<34}{raw.units:>7}{raw.characters:>12,}"
            f"{raw.seconds:>9,.1f}{raw.chars_per_s:>9,.0f}{raw.realtime_x:>12,.1f}"
            f"{raw.cpu_s:>8,.0f}{_f(raw.cpu_cores, '.2f'):>11}{_f(raw.other_cpu_cores, '.2f'):>11}"
        )
    for label, run in (
        ("local, API + 1 worker", local),
        ("remote (fake OpenAI), 1 worker", remote),
    ):
        if run:
            out.append(
                f"{label:<34}{run.units:>7}{run.characters:>12,}{run.wall_s:>9,.1f}"
                f"{run.chars_per_s:>9,.0f}{run.realtime_x:>12,.1f}"
                f"{_f(run.worker_cpu_s, ',.0f'):>8}{_f(run.worker_cpu_cores, '.2f'):>11}"
                f"{_f(run.other_cpu_cores, '.2f'):>11}"
            )
    if raw and local:
        out.append(f"{'  ratio end-to-end / raw':<34}{local.chars_per_s / raw.chars_per_s:>37.2f}x")
        synthesis = local.phases["synthesis"]
        if synthesis:
            stage = local.characters / synthesis
            out.append(
                f"{'  synthesis stage alone':<34}{'':>28}{stage:>9,.0f}   = "
                f"{stage / raw.chars_per_s:.2f}x raw"
            )
        out.append(
            "  (CPU s: this process for the raw model; the worker with its ffmpeg children "
            "for the jobs. other CPU: the rest of the machine, in cores)"
        )
        out.append(
            f"  raw model process peak RSS {raw.process_peak_rss_mb:,.0f} MB (the benchmark's "
            "own imports included)"
        )
    if local:
        out += ["", f"Local ({', '.join(local.voices)}):", *_job_lines(local)]
    if remote and report.remote_stats:
        st = report.remote_stats
        out += [
            "",
            f"Remote ({REMOTE_VOICE} via the fake server: {st.latency_s:g} s per request, limit "
            f"{st.limit}):",
            f"  requests {st.requests} (planned {st.planned_requests}), over the limit "
            f"{st.violations}, most in flight {st.max_in_flight}; ideal {st.ideal_s:.1f} s",
            f"  synthesis stage {_f(remote.phases['synthesis'])} s = "
            f"{_f(st.synthesis_ratio, '.2f')}x ideal; first request to last answer "
            f"{_f(st.request_span_s)} s = {_f(st.span_ratio, '.2f')}x, slots busy "
            f"{_f(st.slot_utilisation, '.0%')}; whole job {remote.wall_s:.1f} s = "
            f"{st.job_ratio:.2f}x",
            *_job_lines(remote),
        ]
    if report.checks:
        out += ["", "Targets"]
        for c in report.checks:
            out.append(
                f"  {'PASS' if c.passed else 'FAIL'}  {c.name}: {_f(c.value, ',.3g')} "
                f"(target {c.target})"
            )
    return "\n".join(out)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Audiobook rendering speed, end to end.")
    p.add_argument("--book", type=Path, default=DEFAULT_BOOK, help="the manuscript (txt, md, ...)")
    p.add_argument("--chapters", type=int, default=None, help="the first N chapters (default all)")
    p.add_argument("--quick", action="store_true", help="the first 3 chapters")
    p.add_argument("--scenario", choices=("local", "remote", "both"), default="both")
    p.add_argument("--dual", action="store_true", help=f"dual mode: {DIALOGUE} reads dialogue")
    p.add_argument(
        "--idle-seconds",
        type=float,
        default=5.0,
        help="SOUNDSTAGE_MODEL_IDLE_SECONDS for the worker; its idle RSS is read after it",
    )
    p.add_argument("--no-raw", action="store_true", help="skip the raw model measurement")
    p.add_argument(
        "--tts-threads",
        type=int,
        default=None,
        help="SOUNDSTAGE_LOCAL_TTS_THREADS for the worker (local calls in flight = cores // this)",
    )
    p.add_argument("--latency", type=float, default=1.0, help="fake server: seconds per request")
    p.add_argument("--limit", type=int, default=8, help="fake server: requests in flight")
    p.add_argument(
        "--openai-concurrency",
        type=int,
        default=None,
        help="SOUNDSTAGE_OPENAI_CONCURRENCY (default: --limit)",
    )
    p.add_argument(
        "--fake-chars-per-second",
        type=float,
        default=15.0,
        help="fake server: audio seconds = characters / this",
    )
    p.add_argument("--timeout", type=float, default=3600, help="seconds per job")
    p.add_argument("--profile", type=Path, metavar="DIR", help="py-spy the worker, stacks here")
    p.add_argument("--json", type=Path, help="save the results here")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = p.parse_args(argv)
    if args.quick and args.chapters is None:
        args.chapters = 3
    if not args.book.is_file():
        p.error(f"no such book: {args.book}")
    return args


def _terminate(signum: int, frame: Any) -> None:
    print(f"signal {signal.Signals(signum).name} received", file=sys.stderr, flush=True)
    raise KeyboardInterrupt


def run(args: argparse.Namespace, root: Path, report: Report) -> None:
    total = chapter_count(args.book)
    n = min(args.chapters or total, total)
    numbers = list(range(1, n + 1))
    dialogue = DIALOGUE if args.dual else None
    data_dir, logs = root / "data", root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    local = args.scenario in ("local", "both")
    remote = args.scenario in ("remote", "both")
    local_units = plan_units(
        args.book, numbers, narrator=NARRATOR, dialogue=dialogue, provider="local"
    )
    remote_units = plan_units(
        args.book, numbers, narrator=REMOTE_VOICE, dialogue=None, provider="openai"
    )

    if local and not args.no_raw:
        # First, alone: nothing of ours runs meanwhile.
        report.raw = measure_raw(local_units, 1, root / "raw")

    servers: list[Server] = []
    api: Api | None = None
    openai_env: dict[str, str] = {}
    fake_url = ""
    try:
        if remote:
            fake_port = free_port()
            fake = Server(
                "fake-openai",
                [
                    sys.executable, str(BENCH_DIR / "fake_openai_tts.py"), "--port", str(fake_port),
                    "--latency", str(args.latency), "--limit", str(args.limit),
                    "--chars-per-second", str(args.fake_chars_per_second),
                ],
                dict(os.environ),
                logs / "fake-openai.log",
                root,
            )  # fmt: skip
            servers.append(fake)
            fake_url = f"http://{HOST}:{fake_port}"
            fake.wait_ready(f"{fake_url}/health")
            openai_env = {
                "SOUNDSTAGE_OPENAI_API_KEY": "fake",
                "SOUNDSTAGE_OPENAI_BASE_URL": f"{fake_url}/v1",
                "SOUNDSTAGE_OPENAI_CONCURRENCY": str(args.openai_concurrency or args.limit),
            }

        env = audiobook_env(data_dir, openai_env)
        print(f"Starting the engine in {data_dir} ...", file=sys.stderr, flush=True)
        token = mint_token(EMAIL, env, root)
        port = free_port()
        engine = Server(
            "api",
            soundstage("api", "--host", HOST, "--port", str(port), "--log-level", "warning",
                       "--no-access-log", "--no-migrate"),
            env,
            logs / "api.log",
            root,
        )  # fmt: skip
        servers.append(engine)
        engine.wait_ready(f"http://{HOST}:{port}/ready")
        api = Api(f"http://{HOST}:{port}", token)
        upload_id = api.upload(args.book)
        base: dict[str, Any] = {"upload_id": upload_id, "formats": ["mp3", "m4b"]}
        if n < total:
            base["chapters"] = numbers

        if local:
            worker_extra = {
                **(
                    {"SOUNDSTAGE_LOCAL_TTS_THREADS": str(args.tts_threads)}
                    if args.tts_threads
                    else {}
                ),
                # short, so the idle figure below is read after the unload
                "SOUNDSTAGE_MODEL_IDLE_SECONDS": str(args.idle_seconds),
            }
            shown = {
                "SOUNDSTAGE_LOCAL_TTS_THREADS": os.environ.get("SOUNDSTAGE_LOCAL_TTS_THREADS", "1"),
                **worker_extra,
            }
            worker = start_worker("worker-local", audiobook_env(data_dir, worker_extra), logs, root)
            servers.append(worker)
            params = {
                **base,
                "provider": "local",
                "mode": "dual" if args.dual else "single",
                "narrator_voice": NARRATOR,
                **({"dialogue_voice": DIALOGUE} if args.dual else {}),
            }
            print("Local scenario ...", file=sys.stderr, flush=True)
            report.local = run_job(
                api,
                worker,
                params,
                scenario="local",
                units=local_units,
                chapters=n,
                data_dir=data_dir,
                worker_env=shown,
                timeout=args.timeout,
                profile=args.profile,
            )
            report.local.idle_rss_mb = idle_rss_mb(worker, args.idle_seconds)
            worker.stop()

        if remote:
            httpx.post(f"{fake_url}/stats/reset", timeout=10).raise_for_status()
            worker = start_worker("worker-remote", audiobook_env(data_dir, openai_env), logs, root)
            servers.append(worker)
            params = {
                **base,
                "provider": "openai",
                "mode": "single",
                "narrator_voice": REMOTE_VOICE,
            }
            print("Remote scenario ...", file=sys.stderr, flush=True)
            job = run_job(
                api,
                worker,
                params,
                scenario="remote",
                units=remote_units,
                chapters=n,
                data_dir=data_dir,
                worker_env={k: v for k, v in openai_env.items() if "KEY" not in k},
                timeout=args.timeout,
                profile=args.profile,
            )
            worker.stop()
            stats = httpx.get(f"{fake_url}/stats", timeout=10).json()
            report.remote = job
            ideal = stats["requests"] / args.limit * args.latency
            span = (
                stats["last_end"] - stats["first_start"]
                if stats["first_start"] is not None
                else None
            )
            synthesis = job.phases["synthesis"]
            report.remote_stats = RemoteStats(
                limit=args.limit,
                latency_s=args.latency,
                requests=stats["requests"],
                planned_requests=len(remote_units),
                violations=stats["violations"],
                max_in_flight=stats["max_in_flight"],
                ideal_s=round(ideal, 2),
                request_span_s=None if span is None else round(span, 2),
                slot_utilisation=(
                    round(stats["busy_seconds"] / (args.limit * span), 3) if span else None
                ),
                synthesis_ratio=None if synthesis is None else round(synthesis / ideal, 3),
                job_ratio=round(job.wall_s / ideal, 3),
                span_ratio=None if span is None else round(span / ideal, 3),
            )
    finally:
        if api is not None:
            api.close()
        for server in reversed(servers):
            server.stop()
        if data_dir.exists():
            stop_database(audiobook_env(data_dir), root)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    total = chapter_count(args.book)
    n = min(args.chapters or total, total)
    report = Report(
        machine=machine_info(),
        settings={
            "book": str(args.book),
            "chapters": n,
            "chapters_label": f"1-{n} of {total}",
            "scenario": args.scenario,
            "dual": args.dual,
            "tts_threads": args.tts_threads,
            "latency": args.latency,
            "limit": args.limit,
            "openai_concurrency": args.openai_concurrency or args.limit,
            "fake_chars_per_second": args.fake_chars_per_second,
        },
    )
    root = Path(tempfile.mkdtemp(prefix="soundstage-bench-audiobook-"))
    failed: str | None = None
    try:
        run(args, root, report)
    except KeyboardInterrupt:
        failed = "interrupted"
    except RuntimeError as exc:
        failed = f"failed: {exc}"
    finally:
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    report.machine["load_avg_end"] = load_avg()
    if failed:
        # What finished before is still worth having.
        print(f"{failed}; the scenarios that finished follow", file=sys.stderr)
        report.machine["incomplete"] = failed
    evaluate(report)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n")
        print(f"\nsaved {args.json}")
    if failed:
        return 130 if failed == "interrupted" else 1
    if args.strict and not all(c.passed for c in report.checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
