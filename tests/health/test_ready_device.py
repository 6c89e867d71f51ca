"""``GET /ready`` and ``GET /metrics`` say where this process's torch models run."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from soundstage.config import Settings
from soundstage.providers import torch_device


async def test_ready_and_metrics_report_the_torch_device(
    client: httpx.AsyncClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # no torch model configured: nothing to report (and torch is not imported)
    body = (await client.get("/ready")).json()
    assert body == {"status": "ready", "torch_device": None, "torch_dtype": None}

    pytest.importorskip("torch")
    torch_device.placement_for.cache_clear()
    monkeypatch.setattr(settings, "demucs_model_dir", tmp_path)
    monkeypatch.setattr(settings, "torch_device", "cpu")
    monkeypatch.setattr(settings, "torch_dtype", "bfloat16")
    body = (await client.get("/ready")).json()
    assert body == {"status": "ready", "torch_device": "cpu", "torch_dtype": "bfloat16"}
    text = (await client.get("/metrics")).text
    assert 'soundstage_torch_device_info{device="cpu",dtype="bfloat16"} 1.0' in text
