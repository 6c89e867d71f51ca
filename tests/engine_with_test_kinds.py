"""The engine's command line with the test-only job kinds: what a team's own
entry point looks like (``soundstage/kinds.py``). Tests run their API and
worker subprocesses through it::

    python tests/engine_with_test_kinds.py worker --concurrency 1
"""

from __future__ import annotations

from pipelines_for_tests import TEST_KINDS
from soundstage.cli import main

if __name__ == "__main__":
    main(pipelines=TEST_KINDS)
