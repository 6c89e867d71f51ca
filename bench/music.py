"""Music speed targets, measured outside the test suite.

    .venv/bin/python bench/music.py [section ...]

Sections: ``stems`` (target: DSP separation at least 5x real time),
``procedural`` (target: compose + render + WAV at least 50x real time, one core),
``analysis`` (target: at most 2 s per minute of audio), ``effects`` (reported).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import numpy as np


def bench_stems() -> None:
    from soundstage.audio.stems import SAMPLE_RATE, separate

    seconds = 60.0
    rng = np.random.default_rng(1)
    n = int(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    # A stand-in for a stereo song: noise hits on the beat, a bass, a chord.
    hits = np.zeros(n)
    for start in range(0, n - 4000, SAMPLE_RATE // 2):
        hits[start : start + 4000] = rng.normal(size=4000) * np.exp(-np.arange(4000) / 800)
    tonal = 0.3 * np.sin(2 * np.pi * 55 * t) + 0.1 * np.sin(2 * np.pi * 440 * t)
    mix = np.stack([hits + tonal, hits + 0.8 * tonal]).astype(np.float32)
    separate(mix[:, : SAMPLE_RATE * 2], SAMPLE_RATE)  # warm-up: librosa's JIT
    started = time.perf_counter()
    separate(mix, SAMPLE_RATE)
    took = time.perf_counter() - started
    speed = seconds / took
    verdict = "ok" if speed >= 5 else "BELOW TARGET"
    print(f"stems (dsp-hpss, stereo 44.1 kHz): {seconds:.0f} s of audio in {took:.2f} s")
    print(f"  = {speed:.1f}x real time (target >= 5x): {verdict}")


def bench_procedural() -> None:
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from soundstage.audio.compose import compose
    from soundstage.audio.midi import write_midi
    from soundstage.audio.render import render_arrangement
    from soundstage.audio.wav import write_wav

    seconds = 120.0
    for mood, bpm in (("energetic", 150), ("calm", 90), ("happy", 120)):
        with TemporaryDirectory() as tmp:
            started, cpu = time.perf_counter(), time.process_time()
            arrangement = compose(bpm, seconds, mood, None, seed=1)
            audio = render_arrangement(arrangement)
            write_wav(Path(tmp) / "m.wav", audio, 44100)
            write_midi(arrangement, Path(tmp) / "m.mid")
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
        # CPU time is the one-core figure; wall time also counts a busy machine.
        speed = seconds / cpu
        verdict = "ok" if speed >= 50 else "BELOW TARGET"
        print(f"procedural ({mood}, {bpm} BPM, stereo 44.1 kHz): {seconds:.0f} s of audio")
        print(f"  in {cpu:.2f} s CPU = {speed:.0f}x real time (target >= 50x): {verdict}")
        print(f"  in {took:.2f} s wall = {seconds / took:.0f}x")


def _song(tmp: str, seconds: float) -> tuple[str, str]:
    """A composed stereo song as WAV (44.1 kHz) and MP3, for analysis and effects."""
    import subprocess
    from pathlib import Path

    from soundstage.audio.compose import compose
    from soundstage.audio.ffmpeg import ffmpeg_exe
    from soundstage.audio.render import render_arrangement
    from soundstage.audio.wav import write_wav

    wav = Path(tmp) / "song.wav"
    write_wav(wav, render_arrangement(compose(120, seconds, "happy", None, seed=3)), 44100)
    mp3 = wav.with_suffix(".mp3")
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-i", str(wav), "-b:a", "192k", str(mp3)], check=True
    )
    return str(wav), str(mp3)


def bench_analysis() -> None:
    """Target: analysis at most 2 s per minute of audio (wall time, warm)."""
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from soundstage.audio.analysis import analyze_file

    seconds = 180.0
    with TemporaryDirectory() as tmp:
        wav, mp3 = _song(tmp, seconds)
        started = time.perf_counter()
        analyze_file(Path(wav))  # cold: imports librosa (and JIT-compiles on a fresh install)
        cold = time.perf_counter() - started
        print(f"analysis cold start (first call in a process): {cold:.2f} s")
        for label, path in (("wav 44.1 kHz stereo", wav), ("mp3 192k", mp3)):
            started, cpu = time.perf_counter(), _cpu()
            a = analyze_file(Path(path))
            took, cpu = time.perf_counter() - started, _cpu() - cpu
            minutes = seconds / 60
            verdict = "ok" if took / minutes <= 2 else "BELOW TARGET (see CPU on a busy machine)"
            print(f"analysis ({label}, {seconds:.0f} s): {a.tempo_bpm} BPM, {a.key} {a.mode}")
            print(
                f"  wall {took:.2f} s = {took / minutes:.2f} s per minute (target <= 2): {verdict}"
            )
            print(f"  CPU {cpu:.2f} s (with ffmpeg children) = {cpu / minutes:.2f} s per minute")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the ffmpeg runs)."""
    import resource

    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bench_effects() -> None:
    """No target in the issue: reported as times real time for a typical chain."""
    import asyncio
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from soundstage.audio.effects import EffectChain, build_filter
    from soundstage.audio.ffmpeg import run_ffmpeg

    seconds = 180.0
    chains = {
        "eq+compressor+reverb+fade": [
            {"type": "eq", "kind": "lowshelf", "freq_hz": 120, "gain_db": 3},
            {"type": "compressor", "threshold_db": -20, "ratio": 3},
            {"type": "reverb", "room": 0.6, "wet": 0.3},
            {"type": "fade", "in_s": 1, "out_s": 3},
        ],
        "loudnorm": [{"type": "loudnorm", "target_lufs": -14}],
        "pitch_shift (rubberband when present)": [{"type": "pitch_shift", "semitones": 3}],
        "time_stretch": [{"type": "time_stretch", "rate": 1.1}],
    }
    with TemporaryDirectory() as tmp:
        wav, _ = _song(tmp, seconds)
        for label, chain in chains.items():
            graph = build_filter(
                EffectChain.model_validate({"chain": chain}), sample_rate=44100, duration_s=seconds
            )
            out = Path(tmp) / "out.wav"
            started = time.perf_counter()
            asyncio.run(run_ffmpeg(["-i", wav, "-af", graph, str(out)]))
            took = time.perf_counter() - started
            print(f"effects {label} ({seconds:.0f} s stereo): {took:.2f} s = "
                  f"{seconds / took:.0f}x real time")  # fmt: skip


SECTIONS: dict[str, Callable[[], None]] = {
    "stems": bench_stems,
    "procedural": bench_procedural,
    "analysis": bench_analysis,
    "effects": bench_effects,
}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument(
        "sections", nargs="*", metavar="section",
        help=f"what to measure: {', '.join(SECTIONS)} (default: all)",
    )  # fmt: skip
    sections = parser.parse_args(argv).sections or list(SECTIONS)
    if unknown := [name for name in sections if name not in SECTIONS]:
        parser.error(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    for name in sections:
        SECTIONS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
