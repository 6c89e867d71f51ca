"""Compositing arithmetic: frame sizes, segments on the frame grid, ASS styling,
caption timing."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from soundstage.audio.master import Cue
from soundstage.audio.video import Encoding, Shot, filter_graph, frame_size, segments, write_ass
from soundstage.errors import PermanentError
from soundstage.video.pipeline import caption_cues


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [("9:16", "1080p", (1080, 1920)), ("16:9", "1080p", (1920, 1080)),
     ("1:1", "1080p", (1080, 1080)), ("9:16", "720p", (720, 1280)),
     ("16:9", "480p", (854, 480)), ("9:16", "480p", (480, 854)), ("1:1", "480p", (480, 480))],
)  # fmt: skip
def test_frame_sizes(aspect: str, resolution: str, size: tuple[int, int]) -> None:
    assert frame_size(aspect, resolution) == size


def test_segments_overlap_by_the_crossfade_and_add_up_to_the_video() -> None:
    shots = [Shot(Path("a"), 0, 4.01), Shot(Path("b"), 4.01, 9.5), Shot(Path("c"), 9.5, 12.34)]
    enc = Encoding(480, 854, fade=0.6)
    segs = segments(shots, 12.34, enc)
    fade = 18  # frames
    assert segs[0] == (0, 120 + fade // 2)
    for (a0, n0), (a1, _) in itertools.pairwise(segs):
        assert a0 + n0 - a1 == fade  # each crossfade overlaps both neighbours
    last_start, last_count = segs[-1]
    assert last_start + last_count == round(12.34 * 30)
    graph = filter_graph(shots, 12.34, enc, None, "anull")
    assert graph.count("xfade=") == 2 and "zoompan" not in graph
    assert f"offset={segs[1][0] / 30:.4f}" in graph


def test_a_scene_shorter_than_its_crossfades_is_refused() -> None:
    shots = [Shot(Path("a"), 0, 3), Shot(Path("b"), 3, 3.2), Shot(Path("c"), 3.2, 6)]
    with pytest.raises(PermanentError, match="scene 2"):
        segments(shots, 6, Encoding(480, 854, fade=0.6))


def test_ass_is_styled_for_the_frame(tmp_path: Path) -> None:
    out = write_ass([Cue(1.0, 2.5, "Hello {there}"), Cue(61.25, 63.0, "a\\b")],
                    tmp_path / "s.ass", 1080, 1920)  # fmt: skip
    text = out.read_text()
    assert "PlayResX: 1080" in text and "PlayResY: 1920" in text
    assert "Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,Hello (there)" in text
    assert "0:01:01.25,0:01:03.00" in text and "a\\b" not in text


def test_caption_cues_cover_the_speech_in_order() -> None:
    text = "The lighthouse keeper vanished on a night without wind. Nobody knew why, or how."
    cues = caption_cues(text, 2.0, 8.0, max_words=6)
    assert cues[0].start == 2.0 and abs(cues[-1].end - 8.0) < 1e-9
    assert all(len(c.text.split()) <= 6 for c in cues)
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(cues))
    assert " ".join(c.text for c in cues) == text
    assert any(c.text.endswith("wind.") for c in cues)  # broken after punctuation
