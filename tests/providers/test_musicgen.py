"""The musicgen provider's real loading and generation code on a tiny, randomly
initialised MusicGen built here (nothing is downloaded). Skipped without the
musicgen extra (torch + transformers)."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from soundstage.errors import PermanentError
from soundstage.providers.music.base import MusicRequest
from soundstage.providers.music.musicgen import MusicgenProvider, extra_installed
from torch_models import build_tiny_musicgen

pytestmark = pytest.mark.skipif(
    not extra_installed(), reason="the musicgen extra (torch, transformers) is not installed"
)

SAMPLE_RATE = 16000


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_musicgen(tmp_path_factory.mktemp("musicgen") / "tiny")


async def test_tiny_musicgen_generates_about_a_second_of_wav(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    provider = MusicgenProvider(tiny_model_dir)
    request = MusicRequest(prompt="calm piano music", duration_s=1.0, bpm=90, seed=3)
    [track] = await provider.generate(request, tmp_path)
    with wave.open(str(track.path)) as w:
        assert w.getframerate() == SAMPLE_RATE
        seconds = w.getnframes() / w.getframerate()
    assert 0.9 <= seconds <= 1.3
    assert track.metadata["seed"] == 3 and "90 bpm" in track.metadata["prompt"]
    # Seeded: the same request gives the same audio.
    [again] = await provider.generate(request, tmp_path)
    assert again.path.read_bytes() == track.path.read_bytes()


async def test_missing_model_dir_is_a_clear_permanent_error(tmp_path: Path) -> None:
    provider = MusicgenProvider(tmp_path / "nothing-here")
    with pytest.raises(PermanentError, match="SOUNDSTAGE_MUSICGEN_MODEL_DIR"):
        await provider.generate(MusicRequest(prompt="x", duration_s=1.0), tmp_path)
