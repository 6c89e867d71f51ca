"""Assembly and mastering on real audio through real ffmpeg; levels are read
back independently with ffmpeg's ebur128/astats."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_mastering import apply_gain, check_chapter, encode_m4b, encode_mp3
from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.audio.master import (
    Cue,
    Piece,
    assemble,
    master_chapter,
    measure,
    plan_gain,
    read_chapters,
    rms_db,
    to_pcm,
    wav_seconds,
    write_vtt,
)


async def speechlike(path: Path, seconds: float, level: float, freq: int = 180) -> Path:
    """A voiced-sounding test signal: a buzzy tone with syllable-rate amplitude
    modulation, at a chosen level (quiet, as raw TTS often is)."""
    src = path.with_suffix(".src.wav")
    await run_ffmpeg(
        [
            "-f", "lavfi",
            "-i", f"sine=frequency={freq}:duration={seconds}:sample_rate=24000",
            "-af", f"aeval=val(0)*{level}*(0.55+0.45*sin(2*PI*4*t)),"
                   "aformat=sample_fmts=s16",
            str(src),
        ]
    )  # fmt: skip
    await to_pcm(src, path)
    return path


async def test_assemble_places_pieces_with_pauses_and_room_tone(tmp_path: Path) -> None:
    a = await speechlike(tmp_path / "a.wav", 1.0, 0.2)
    b = await speechlike(tmp_path / "b.wav", 2.0, 0.2)
    c = await speechlike(tmp_path / "c.wav", 0.5, 0.2)
    out = tmp_path / "chapter.wav"
    placed = await assemble(
        [Piece(a, 0.3), Piece(b, 0.8), Piece(c, 0.0)], out, tmp_path,
        head_seconds=0.75, tail_seconds=2.0,
    )  # fmt: skip
    assert wav_seconds(out) == pytest.approx(0.75 + 1.0 + 0.3 + 2.0 + 0.8 + 0.5 + 2.0, abs=0.01)
    assert [round(p.start, 2) for p in placed] == [0.75, 2.05, 4.85]
    # the head is room tone: quiet, but not digital silence
    head = await measure([out], seconds=0.7)
    assert -90 < head.rms_db < -60


@pytest.mark.parametrize("target", ["acx", "podcast"])
async def test_mastering_meets_the_target_measured_independently(
    tmp_path: Path, target: str
) -> None:
    speech = [
        # one voice renders chapters within a dB or two of each other, quietly
        await speechlike(tmp_path / f"s{i}.wav", 12.0, level, freq=160 + 40 * i)
        for i, level in enumerate((0.4, 0.5))
    ]
    gain = await plan_gain(speech, target)  # type: ignore[arg-type]
    assert gain > 10  # a big gain, so the room tone must be compensated
    for i, s in enumerate(speech):
        raw = tmp_path / f"raw{i}.wav"
        await assemble(
            [Piece(s, 0.0)], raw, tmp_path, head_seconds=0.75, tail_seconds=1.5, gain_db=gain
        )
        mastered = tmp_path / f"m{i}.wav"
        await apply_gain(raw, mastered, gain, target)  # type: ignore[arg-type]
        report = await check_chapter(i, f"Chapter {i + 1}", mastered, target, head_seconds=0.7)  # type: ignore[arg-type]
        assert report.peak_db <= (-3.0 if target == "acx" else -1.0)
        if target == "acx":
            assert -23 <= report.rms_db <= -18, report
            assert report.noise_floor_db <= -60, report
        else:
            assert report.true_peak_db <= -1.0, report
    if target == "podcast":
        whole = await measure([tmp_path / "m0.wav", tmp_path / "m1.wav"])
        assert whole.integrated_lufs == pytest.approx(-16.0, abs=1.0)


async def test_rms_from_piece_statistics_equals_ffmpegs_over_the_whole(tmp_path: Path) -> None:
    paths = [tmp_path / f"p{i}.wav" for i in range(3)]
    stats = []
    for i, path in enumerate(paths):
        src = tmp_path / f"p{i}.src.wav"
        await run_ffmpeg(
            ["-f", "lavfi",
             "-i", f"sine=frequency={200 + 50 * i}:duration={1 + i}:sample_rate=24000",
             "-af", f"volume={0.1 * (i + 1)}", str(src)]
        )  # fmt: skip
        stats.append(await to_pcm(src, path))
    assert sum(s.frames for s in stats) == pytest.approx(6 * 44100, abs=10)
    whole = await measure(paths)
    assert rms_db(stats) == pytest.approx(whole.rms_db, abs=0.05)
    assert max(s.peak for s in stats) == pytest.approx(10 ** (whole.peak_db / 20), rel=0.01)


@pytest.mark.parametrize("target", ["acx", "podcast"])
async def test_one_pass_mastering_encodes_what_it_measured(tmp_path: Path, target: str) -> None:
    speech = tmp_path / "s.wav"
    await speechlike(speech, 15.0, 0.45)
    stats = await to_pcm(speech, tmp_path / "s44.wav")
    gain = await plan_gain([speech], target, stats=[stats])  # type: ignore[arg-type]
    raw = tmp_path / "raw.wav"
    await assemble([Piece(speech, 0.0)], raw, tmp_path, gain_db=gain)
    mp3, aac = tmp_path / "c.mp3", tmp_path / "c.m4a"
    report = await master_chapter(
        raw, gain, target,  # type: ignore[arg-type]
        index=1, title="One", head_seconds=0.7, mp3=(mp3, {"title": "One"}), aac=aac,
    )  # fmt: skip
    assert report.passed, report
    assert report.duration_seconds == pytest.approx(0.75 + 15.0 + 2.0, abs=0.02)
    # the same mastering, the old way (a WAV, measured apart), agrees with the report
    reference = tmp_path / "ref.wav"
    await apply_gain(raw, reference, gain, target)  # type: ignore[arg-type]
    levels = await measure([reference], true_peak=target == "podcast")
    assert report.rms_db == pytest.approx(levels.rms_db, abs=0.05)
    assert report.integrated_lufs == pytest.approx(levels.integrated_lufs, abs=0.05)
    # both encodings hold that signal: read back independently, on target
    for encoded in (mp3, aac):
        back = await measure([encoded])
        if target == "acx":
            assert -23 <= back.rms_db <= -18, (encoded.name, back)
        else:
            assert back.integrated_lufs == pytest.approx(-16.0, abs=1.0), (encoded.name, back)
    assert mp3.read_bytes()[:3] == b"ID3"
    assert 17.75 * 192_000 / 8 * 0.9 < mp3.stat().st_size < 17.75 * 192_000 / 8 * 1.1


async def test_m4b_has_chapter_markers_titles_tags_and_cover(tmp_path: Path, corpus: Path) -> None:
    one = await speechlike(tmp_path / "one.wav", 2.0, 0.2)
    two = await speechlike(tmp_path / "two.wav", 3.0, 0.2)
    out = tmp_path / "book.m4b"
    cover = corpus / "little-colonels-hero" / "cover.png"
    await encode_m4b(
        [(one, "Chapter One"), (two, "Chapter Two: The Mill")],
        out,
        tmp_path,
        tags={"title": "A Book", "artist": "An Author", "album": "A Book", "genre": "Audiobook"},
        cover=cover if cover.exists() else None,
    )
    chapters = await read_chapters(out)
    assert [c[2] for c in chapters] == ["Chapter One", "Chapter Two: The Mill"]
    assert chapters[0][0] == 0 and chapters[0][1] == pytest.approx(2.0, abs=0.05)
    assert chapters[1][1] == pytest.approx(5.0, abs=0.1)


async def test_mp3_is_cbr_192k_mono_with_id3_tags(tmp_path: Path) -> None:
    src = await speechlike(tmp_path / "x.wav", 2.0, 0.2)
    out = tmp_path / "x.mp3"
    await encode_mp3(src, out, {"title": "Chapter 1", "album": "Book", "artist": "Me", "track": 1})
    data = out.read_bytes()
    assert data[:3] == b"ID3"
    assert b"Chapter 1" in data[:2000] and b"Book" in data[:2000]
    # ~192 kbps: 2 s of audio plus room for tags
    assert 40_000 < len(data) < 60_000


def test_vtt_is_well_formed(tmp_path: Path) -> None:
    out = tmp_path / "t.vtt"
    write_vtt([Cue(0.75, 2.0, "Hello  there."), Cue(3661.5, 3662.0, "A --> B")], out)
    assert out.read_text().splitlines() == [
        "WEBVTT", "", "1", "00:00:00.750 --> 00:00:02.000", "Hello there.", "",
        "2", "01:01:01.500 --> 01:01:02.000", "A -> B",
    ]  # fmt: skip
