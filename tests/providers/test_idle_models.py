"""Local models leave memory when idle: the cache drops what no job uses, and
never a model a synthesis is using."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from soundstage.providers import idle
from soundstage.providers.idle import IdleModels, unload_idle
from soundstage.providers.tts import local_hibari


def test_a_model_in_use_is_never_dropped() -> None:
    loads: list[str] = []
    cache: IdleModels[str, object] = IdleModels("test")

    def load() -> object:
        loads.append("x")
        return object()

    with cache.use("a", load) as first:
        assert cache.drop_idle(0) == 0  # in use
        with cache.use("a", load) as again:
            assert again is first
    assert loads == ["x"]
    assert cache.drop_idle(60) == 0  # used just now
    assert cache.drop_idle(0) == 1
    with cache.use("a", load):
        pass
    assert loads == ["x", "x"]  # loaded again after it went


def test_the_local_voice_is_unloaded_after_idle_and_reloads_on_use(tmp_path: Path) -> None:
    voice = local_hibari.available()[0]
    assert local_hibari.synthesize_to(tmp_path / "a.wav", "Hello there.", voice, 1) > 0
    assert len(local_hibari._models) >= 1
    time.sleep(0.05)
    assert unload_idle(0.01) >= 1
    assert len(local_hibari._models) == 0
    # a synthesis in another thread keeps its model while this one unloads
    started, release = threading.Event(), threading.Event()
    original = local_hibari._speak

    def slow_speak(*args: object) -> int:
        started.set()
        release.wait(10)
        return original(*args)  # type: ignore[arg-type]

    local_hibari._speak = slow_speak  # type: ignore[assignment]
    try:
        t = threading.Thread(
            target=local_hibari.synthesize_to, args=(tmp_path / "b.wav", "Again.", voice, 1)
        )
        t.start()
        assert started.wait(30)
        assert unload_idle(0) == 0
        release.set()
        t.join(30)
    finally:
        local_hibari._speak = original  # type: ignore[assignment]
    assert (tmp_path / "b.wav").stat().st_size > 1000
    assert idle._CACHES  # the TTS caches registered themselves
