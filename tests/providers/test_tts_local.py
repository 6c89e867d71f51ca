"""The local provider for real: hibari and (when installed) piper speak, offline."""

from __future__ import annotations

import asyncio
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from soundstage.errors import PermanentError
from soundstage.providers.tts import local_piper, pick_dual_voices
from soundstage.providers.tts.local import LocalTTSProvider

SENTENCE = "The quick brown fox jumps over the lazy dog, and then it runs home for supper."
needs_piper = pytest.mark.skipif(not local_piper.available(), reason="piper extra not installed")


@pytest.fixture(scope="module")
def local() -> LocalTTSProvider:
    return LocalTTSProvider(threads=1, concurrency=2)


def _read(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)  # 16-bit mono PCM
        rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return samples.astype(np.float64) / 32768.0, rate


def _median_pitch(samples: np.ndarray, rate: int) -> float:
    """Median f0 over clearly voiced 40 ms frames, by autocorrelation (70-400 Hz)."""
    frame, hop = int(0.04 * rate), int(0.01 * rate)
    lo, hi = rate // 400, rate // 70
    loud = np.sqrt(np.mean(samples**2)) * 0.5
    pitches = []
    for start in range(0, len(samples) - frame, hop):
        x = samples[start : start + frame]
        if np.sqrt(np.mean(x**2)) < loud:
            continue
        x = x - x.mean()
        ac = np.correlate(x, x, mode="full")[frame - 1 :]
        if ac[0] <= 0:
            continue
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] / ac[0] > 0.5:
            pitches.append(rate / lag)
    assert len(pitches) > 20, "too few voiced frames to judge pitch"
    return float(np.median(pitches))


def _check_speech(samples: np.ndarray, rate: int, text: str) -> None:
    seconds = len(samples) / rate
    # Narration runs at roughly 12-20 characters a second.
    assert len(text) / 30 < seconds < len(text) / 6, seconds
    rms = float(np.sqrt(np.mean(samples**2)))
    assert rms > 0.01, f"too quiet to be speech: rms {rms:.4f}"
    assert np.max(np.abs(samples)) < 1.0  # never clipped to full scale


async def test_lists_the_offline_voices(local: LocalTTSProvider) -> None:
    voices = await local.voices()
    assert voices[0].id == "local:hibari-us-female"
    assert (voices[0].gender, voices[0].language, voices[0].provider) == (
        "female",
        "en-US",
        "local",
    )
    if local_piper.available():
        assert voices[1].id == "local:piper-joe" and voices[1].gender == "male"
        first, second, note = pick_dual_voices(voices)
        assert (first.id, second.id, note) == ("local:hibari-us-female", "local:piper-joe", None)
    assert local.cost_per_million_chars() == 0.0


async def test_hibari_speaks(local: LocalTTSProvider, out_dir: Path) -> None:
    result = await local.synthesize(SENTENCE, "local:hibari-us-female", out_dir)
    assert result.path.parent == out_dir and result.path.suffix == ".wav"
    assert result.sample_rate == 24_000 and result.request_id is None
    samples, rate = _read(result.path)
    assert rate == 24_000
    _check_speech(samples, rate, SENTENCE)


async def test_calls_in_parallel_give_what_one_call_alone_gives(
    local: LocalTTSProvider, out_dir: Path
) -> None:
    """Only hibari's phonemizer is serialised: two chunks rendered at once on
    the provider's two threads are each bit-identical to the same chunk
    rendered alone (the fixed noise seed), so a retried chunk sounds the same."""
    texts = [SENTENCE, "A second sentence, spoken while the first one renders. And a third."]
    voice = "local:hibari-us-female"
    alone = [
        _read((await local.synthesize(t, voice, out_dir / f"alone-{i}")).path)[0]
        for i, t in enumerate(texts)
    ]
    together = await asyncio.gather(
        *(local.synthesize(t, voice, out_dir / f"together-{i}") for i, t in enumerate(texts))
    )
    for a, t in zip(alone, together, strict=True):
        assert np.array_equal(a, _read(t.path)[0])


@needs_piper
async def test_piper_calls_in_parallel_both_speak(local: LocalTTSProvider, out_dir: Path) -> None:
    # (piper's VITS noise is not seeded: its renders differ call to call anyway)
    texts = [SENTENCE, "A second sentence, spoken while the first one renders. And a third."]
    results = await asyncio.gather(
        *(local.synthesize(t, "local:piper-joe", out_dir / f"p-{i}") for i, t in enumerate(texts))
    )
    for text, result in zip(texts, results, strict=True):
        samples, rate = _read(result.path)
        _check_speech(samples, rate, text)


@needs_piper
async def test_piper_speaks(local: LocalTTSProvider, out_dir: Path) -> None:
    result = await local.synthesize(SENTENCE, "piper-joe", out_dir)  # prefix optional
    samples, rate = _read(result.path)
    assert rate == result.sample_rate == 22_050
    _check_speech(samples, rate, SENTENCE)


@needs_piper
async def test_the_two_voices_differ(local: LocalTTSProvider, out_dir: Path) -> None:
    her = await local.synthesize(SENTENCE, "local:hibari-us-female", out_dir)
    him = await local.synthesize(SENTENCE, "local:piper-joe", out_dir)
    f0_her = _median_pitch(*_read(her.path))
    f0_him = _median_pitch(*_read(him.path))
    assert 140 < f0_her < 350, f0_her
    assert 70 < f0_him < 180, f0_him
    assert f0_her > f0_him * 1.3, (f0_her, f0_him)


async def test_unspeakable_text_still_gives_audio(local: LocalTTSProvider, out_dir: Path) -> None:
    # A scene break must not leave a hole in the chunk sequence.
    result = await local.synthesize("* * *", "local:hibari-us-female", out_dir)
    samples, _ = _read(result.path)
    assert len(samples) > 0


async def test_refuses_what_no_call_could_do(local: LocalTTSProvider, out_dir: Path) -> None:
    with pytest.raises(PermanentError, match=r"no local voice 'local:nobody'.*hibari-us-female"):
        await local.synthesize("Hello.", "local:nobody", out_dir)
    with pytest.raises(PermanentError, match="at most 1000 characters"):
        await local.synthesize("word " * 300, "local:hibari-us-female", out_dir)
    with pytest.raises(PermanentError, match="empty"):
        await local.synthesize("  \n", "local:hibari-us-female", out_dir)


async def test_synthesis_leaves_the_event_loop_free(local: LocalTTSProvider, out_dir: Path) -> None:
    # The worker's lease heartbeat runs on the same loop as the synthesis.
    text = " ".join([SENTENCE] * 11)[:990]
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    await local.synthesize(text, "local:hibari-us-female", out_dir)
    elapsed = time.perf_counter() - started
    done.set()
    await task
    assert len(gaps) >= 5, (len(gaps), elapsed)
    assert max(gaps) < 0.25, max(gaps)


async def test_voices_in_hibaris_cache_are_offered(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, out_dir: Path
) -> None:
    from hibari import voices as hv

    # A voice hibari downloaded earlier (here: a stand-in file under its name) is
    # used; one that was never downloaded is not offered and never fetched.
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))
    (tmp_path / hv.VOICES["kore"]["file"]).symlink_to(hv.voice_path("heart"))
    local = LocalTTSProvider(threads=1)
    ids = [v.id for v in await local.voices()]
    assert "local:hibari-kore" in ids and "local:hibari-emma" not in ids
    result = await local.synthesize("Hello there.", "local:hibari-kore", out_dir)
    assert result.sample_rate == 24_000


async def test_without_piper_only_hibari_is_offered(
    monkeypatch: pytest.MonkeyPatch, out_dir: Path
) -> None:
    monkeypatch.setattr(local_piper, "available", lambda: False)
    local = LocalTTSProvider(threads=1)
    voices = await local.voices()
    assert [v.id for v in voices] == ["local:hibari-us-female"]
    first, second, note = pick_dual_voices(voices)
    assert first == second and note is not None and "piper" in note
    with pytest.raises(PermanentError, match=r"piper extra: pip install 'soundstage\[piper\]'"):
        await local.synthesize("Hello.", "local:piper-joe", out_dir)


def test_long_piper_sentences_are_spoken_clause_by_clause() -> None:
    """Piper's memory grows with the audio of one call: a long sentence is cut
    after its last clause mark (else a word break) inside each window."""
    words = list("it was late, the road was long; we ran home and ate")
    pieces = local_piper.split_phonemes(words, 20)
    assert all(len(p) <= 20 for p in pieces)
    assert "".join("".join(p) for p in pieces).replace(" ", "") == "".join(words).replace(" ", "")
    assert "".join(pieces[0]) == "it was late,"
    assert "".join(pieces[1]) == "the road was long;"
    assert local_piper.split_phonemes(list("short"), 20) == [list("short")]
    assert local_piper.split_phonemes([" ", " "], 20) == []
