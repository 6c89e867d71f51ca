"""Fixtures the upload tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

BOOK = "little-colonels-hero/15122-8.txt"


@pytest.fixture(scope="session")
def book(corpus: Path) -> bytes:
    """The corpus book's Latin-1 plain text, as a user would upload it."""
    return (corpus / BOOK).read_bytes()
