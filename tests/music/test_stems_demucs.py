"""Demucs for ``stems``: the real loading (a local model repository, never the
network) and separation code on a tiny, randomly initialised HDemucs saved
here, alone and through the API and a real worker. Skipped unless the optional
``demucs`` package (and torch) is installed."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf

from soundstage.audio.stems import STEMS, load_demucs, separate_wav
from soundstage.config import Settings
from soundstage.errors import PermanentError
from soundstage.worker import Worker
from support import MakeUser, wait_for_status

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("demucs") is None or importlib.util.find_spec("torch") is None,
    reason="the optional demucs package (and torch) is not installed",
)

SR = 44_100


def save_tiny_demucs(repo: Path, sources: list[str], bag: str | None = "htdemucs") -> Path:
    """An HDemucs of about 600k parameters, saved as Demucs' own repositories
    hold models: ``<signature>.th`` (class, arguments, weights) and, for a bag,
    ``<name>.yaml`` listing the signatures."""
    import torch
    from demucs.hdemucs import HDemucs

    repo.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model = HDemucs(channels=4, sources=sources)
    args, kwargs = model._init_args_kwargs
    package = {"klass": HDemucs, "args": args, "kwargs": kwargs, "state": model.state_dict()}
    torch.save(package, repo / "0tiny123.th")
    if bag is not None:
        (repo / f"{bag}.yaml").write_text("models: ['0tiny123']\n")
    return repo


@pytest.fixture(scope="module")
def tiny_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_demucs(tmp_path_factory.mktemp("demucs"), ["drums", "bass", "other", "vocals"])


def _mix(seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    bass = 0.3 * np.sin(2 * np.pi * 55 * t)
    pad = 0.2 * np.sin(2 * np.pi * 440 * t)
    clicks = (np.sin(2 * np.pi * 2 * t) > 0.999).astype(float) * 0.8
    return np.stack([bass + pad + clicks, bass + 0.5 * pad + clicks]).astype(np.float32)


def _wav(path: Path, audio: np.ndarray) -> Path:
    sf.write(str(path), audio.T, SR, subtype="FLOAT")
    return path


def test_separation_with_a_local_demucs_model(tiny_repo: Path, tmp_path: Path) -> None:
    result = separate_wav(_wav(tmp_path / "mix.wav", _mix()), tmp_path / "out",
                          demucs_model_dir=tiny_repo)  # fmt: skip
    assert result.method == "demucs:htdemucs" and result.notes == []
    assert json.loads((tmp_path / "out" / "stems.json").read_text())["method"] == "demucs:htdemucs"
    for name in STEMS:
        audio, sr = sf.read(str(tmp_path / "out" / f"{name}.wav"), always_2d=True)
        assert sr == SR and audio.shape == (3 * SR, 2)
    assert load_demucs(tiny_repo)[0] is load_demucs(tiny_repo)[0]  # loaded once


def test_a_single_model_and_extra_sources(tmp_path: Path) -> None:
    # no bag: the one .th file; a 6-source model's guitar and piano go into other
    repo = save_tiny_demucs(
        tmp_path / "six", ["drums", "bass", "other", "vocals", "guitar", "piano"], bag=None
    )
    result = separate_wav(_wav(tmp_path / "mono.wav", _mix(2.0)[:1]), tmp_path / "out",
                          demucs_model_dir=repo)  # fmt: skip
    assert result.method == "demucs:0tiny123" and result.channels == 1
    assert result.notes == [
        "demucs source 'guitar' is in other",
        "demucs source 'piano' is in other",
    ]
    audio, _ = sf.read(str(tmp_path / "out" / "other.wav"), always_2d=True)
    assert audio.shape == (2 * SR, 1)


def test_a_directory_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    mix = _wav(tmp_path / "mix.wav", _mix(1.0))
    (tmp_path / "empty").mkdir()
    for repo, needle in ((tmp_path / "empty", "found 0 bags"), (tmp_path / "gone", "not a dir")):
        with pytest.raises(PermanentError, match="SOUNDSTAGE_DEMUCS_MODEL_DIR") as caught:
            separate_wav(mix, tmp_path / "out", demucs_model_dir=repo)
        assert needle in caught.value.message


async def test_stems_job_uses_demucs_where_configured(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    settings: Settings,
    tiny_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "demucs_model_dir", tiny_repo)
    user = await make_user()
    buf = io.BytesIO()
    sf.write(buf, _mix().T, SR, format="WAV", subtype="PCM_16")
    r = await client.post("/v1/uploads", files={"file": ("mix.wav", buf.getvalue(), "audio/wav")},
                          headers=user.headers)  # fmt: skip
    assert r.status_code == 201, r.text
    body = {"kind": "stems", "params": {"upload_id": r.json()["id"]}}
    r = await client.post("/v1/jobs", json=body, headers=user.headers)
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=120)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[attr-defined]
    assert set(outputs) == {f"{name}.wav" for name in STEMS} | {"stems.json"}
    report = (await client.get(outputs["stems.json"]["url"])).json()
    assert report["method"] == "demucs:htdemucs" and report["seconds"] == pytest.approx(3.0)
