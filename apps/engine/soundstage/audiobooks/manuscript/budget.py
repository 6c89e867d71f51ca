"""Parsing an uploaded manuscript within budgets.

A small file can be a large book: an EPUB whose chapters inflate to hundreds
of MiB of ``<p>a</p>``, a PDF whose content stream inflates to 70 MB of text,
a DOCX of a million empty paragraphs. Parsed in the serving process, each took
minutes and gigabytes. Here a parse:

* runs in a child process forked from a small fork server that has only the
  manuscript package imported, with an address-space limit
  (``RLIMIT_AS``): a document that needs more memory fails in the child,
  whatever parser it hits, and the server process never grows;
* is killed after a wall-time limit;
* may not yield more than ``max_chars`` characters of text, nor inflate any
  archive member beyond ``max_member_bytes`` (checked from the declared size
  before reading, and again while reading, for archives that lie);
* waits its turn: at most ``concurrency`` parses run at once in a process.

Every refusal is a :class:`ManuscriptError` (a 422 in the API, a permanent
failure in a job) with a message a person can act on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import threading
from dataclasses import dataclass
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

from soundstage.audiobooks.manuscript._model import Manuscript, ManuscriptError


@dataclass(frozen=True)
class ParseBudget:
    max_chars: int = 5_000_000
    max_member_bytes: int = 16 * 1024 * 1024
    seconds: float = 20.0
    memory_bytes: int = 512 * 1024 * 1024
    concurrency: int = 2

    @classmethod
    def from_settings(cls, settings: Any) -> ParseBudget:
        return cls(
            max_chars=settings.manuscript_max_chars,
            max_member_bytes=settings.manuscript_max_member_bytes,
            seconds=settings.manuscript_parse_seconds,
            memory_bytes=settings.manuscript_parse_memory_mb * 1024 * 1024,
            concurrency=settings.manuscript_parse_concurrency,
        )


_context: ForkServerContext | None = None
_context_lock = threading.Lock()
_turns: dict[int, threading.BoundedSemaphore] = {}


def _forkserver() -> ForkServerContext:
    """The fork server starts on first use with the manuscript package (and its
    parsers) imported, so each parse is a cheap fork of a small process rather
    than of the engine (threads, sockets, a database pool) or a fresh
    interpreter."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(
                [
                    "soundstage.audiobooks.manuscript",
                    "soundstage.audiobooks.manuscript._epub",
                    "soundstage.audiobooks.manuscript._docx",
                    "soundstage.audiobooks.manuscript._pdf",
                ]
            )
            _context = ctx
        return _context


def _turn(concurrency: int) -> threading.BoundedSemaphore:
    with _context_lock:
        if concurrency not in _turns:
            _turns[concurrency] = threading.BoundedSemaphore(concurrency)
        return _turns[concurrency]


def _status(field: str) -> int:
    """A size from /proc/self/status in bytes (VmSize, VmPeak)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(
    conn: multiprocessing.connection.Connection, path: str, fmt: str, budget: ParseBudget
) -> None:
    import resource

    from soundstage.audiobooks import manuscript
    from soundstage.audiobooks.manuscript import _docx, _epub

    limit = 2**63
    try:
        # What the parsers may inflate, per member; in this child only.
        _epub._MAX_MEMBER = min(_epub._MAX_MEMBER, budget.max_member_bytes)
        _epub._MAX_COVER = min(_epub._MAX_COVER, budget.max_member_bytes)
        _docx._MAX_MEMBER = budget.max_member_bytes
        _pdf_limits(budget.max_member_bytes)
        limit = _status("VmSize") + budget.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        result = manuscript.parse_manuscript(Path(path), fmt)
        characters = sum(len(c.text) for c in result.chapters)
        if characters > budget.max_chars:
            raise ManuscriptError(
                f"the book has more than {budget.max_chars:,} characters of text; "
                "split it into parts"
            )
        conn.send(("ok", result))
    except ManuscriptError as exc:
        # Parsers report an allocation that failed under the limit as they
        # report a bad file (lxml: "unknown error"); the peak tells them apart.
        near_limit = _status("VmPeak") > limit - 16 * 1024 * 1024
        conn.send(("refused", _too_big(budget) if near_limit else str(exc)))
    except MemoryError:
        with contextlib.suppress(Exception):
            conn.send(("refused", _too_big(budget)))
    except Exception:  # noqa: BLE001 - a parser's crash is a bad document, not ours
        with contextlib.suppress(Exception):
            conn.send(("refused", "the manuscript cannot be read"))
    finally:
        conn.close()


def _pdf_limits(member_bytes: int) -> None:
    """pypdf's own decompression limits (75 MB by default), down to the budget's
    per-member size: a content stream is an archive member by another name."""
    import pypdf

    limit = {
        name: member_bytes
        for name in (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "brotli_maximum_output_length",
            "array_based_stream_maximum_output_length",
            "maximum_declared_stream_length",
        )
        if hasattr(pypdf.Configuration, name)
    }
    pypdf.overwrite_configuration(None, **limit)


def _too_big(budget: ParseBudget) -> str:
    return (
        f"the manuscript needs more than {budget.memory_bytes // (1024 * 1024)} MB "
        "of memory to read; it is too large or malformed"
    )


def parse_within_budget(path: Path, fmt: str, budget: ParseBudget) -> Manuscript:
    """:func:`parse_manuscript` in a limited child process. Blocking: call it
    with ``asyncio.to_thread``."""
    with _turn(budget.concurrency):
        ctx = _forkserver()
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_child, args=(send, str(path), fmt, budget), daemon=True)
        process.start()
        send.close()
        try:
            # Read before joining: a large result fills the pipe and the child
            # would wait for us forever.
            if not receive.poll(budget.seconds):
                raise ManuscriptError(
                    f"reading the manuscript took longer than {budget.seconds:g} s; "
                    "it is too large or malformed"
                )
            try:
                outcome, value = receive.recv()
            except EOFError:
                # died without a word: the memory limit hit inside C code, or a signal
                raise ManuscriptError(_too_big(budget)) from None
        finally:
            if process.is_alive():
                process.kill()
            process.join(5)
            receive.close()
            with contextlib.suppress(ValueError):
                process.close()
    if outcome != "ok":
        raise ManuscriptError(str(value))
    assert isinstance(value, Manuscript)
    return value


__all__ = ["ParseBudget", "parse_within_budget"]
