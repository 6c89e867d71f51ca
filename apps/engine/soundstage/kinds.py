"""Every job kind the engine runs, in one plain list (as polar's ``tasks.py``).

Adding a kind: write its ``Pipeline`` beside its domain and list it here.

A team with kinds of its own imports them in its own entry point and hands them
to the command line, statically, as this module does (nothing is loaded by a
name from the environment)::

    # myteam/engine.py
    from soundstage import kinds
    from soundstage.cli import main

    from myteam.pipelines import TRANSCRIBE_PIPELINE

    def run() -> None:
        main(pipelines=kinds.pipelines([TRANSCRIBE_PIPELINE]))

with ``myteam-engine = "myteam.engine:run"`` in its ``[project.scripts]``; then
``myteam-engine api`` / ``myteam-engine worker`` run the engine with them.
"""

from __future__ import annotations

from collections.abc import Iterable

from soundstage.audiobooks.pipeline import AUDIOBOOK_PIPELINE
from soundstage.music.pipelines_music import MUSIC_PIPELINE
from soundstage.music.pipelines_songs import HUM_TO_BEAT_PIPELINE, SONG_PIPELINE, STEMS_PIPELINE
from soundstage.music.pipelines_tools import ANALYSIS_PIPELINE, EFFECTS_PIPELINE
from soundstage.music.pipelines_vocals import VOCALS_PIPELINE
from soundstage.pipelines import Pipeline, Pipelines
from soundstage.tone import TONE_PIPELINE
from soundstage.video.pipeline import VIDEO_PIPELINE

BUILTIN: tuple[Pipeline, ...] = (
    TONE_PIPELINE,
    AUDIOBOOK_PIPELINE,
    MUSIC_PIPELINE,
    SONG_PIPELINE,
    STEMS_PIPELINE,
    HUM_TO_BEAT_PIPELINE,
    ANALYSIS_PIPELINE,
    EFFECTS_PIPELINE,
    VOCALS_PIPELINE,
    VIDEO_PIPELINE,
)


def pipelines(extra: Iterable[Pipeline] = ()) -> Pipelines:
    """The built-in kinds plus a team's own."""
    return Pipelines([*BUILTIN, *extra])
