"""Every job kind the engine runs, in one plain list (as polar's ``tasks.py``).

Adding a kind: write its ``Pipeline`` beside its domain and list it here. Teams
with kinds of their own name their modules in ``SOUNDSTAGE_PIPELINE_MODULES``;
each such module exports ``PIPELINES``, a list of :class:`Pipeline`.
"""

from __future__ import annotations

import importlib
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


def pipelines(extra_modules: Iterable[str] = ()) -> Pipelines:
    """The built-in kinds plus those of a team's own modules."""
    extra: list[Pipeline] = []
    for name in extra_modules:
        module = importlib.import_module(name)
        extra.extend(module.PIPELINES)
    return Pipelines([*BUILTIN, *extra])
