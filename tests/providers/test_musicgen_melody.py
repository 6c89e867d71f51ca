"""MusicGen-melody for ``hum_to_beat``: the real loading, chroma and generation
code on a tiny, randomly initialised MusicgenMelody built here (nothing is
downloaded), alone and through the API and a real worker. Skipped without the
musicgen extra (torch + transformers)."""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf

from soundstage.audio.analysis import read_audio
from soundstage.config import Settings
from soundstage.errors import PermanentError
from soundstage.providers.music.musicgen import extra_installed
from soundstage.providers.music.musicgen_melody import (
    ChromaConfig,
    MusicgenMelody,
    melody_chroma,
    melody_model,
)
from soundstage.worker import Worker
from support import MakeUser, wait_for_status

pytestmark = pytest.mark.skipif(
    not extra_installed(), reason="the musicgen extra (torch, transformers) is not installed"
)

WORDS = ["<pad>", "</s>", "<unk>", "calm", "happy", "beat", "music", "bpm", "in", "mood", "major"]
SAMPLE_RATE = 16000
CHROMA = ChromaConfig()


def build_tiny_musicgen_melody(out: Path) -> Path:
    """A MusicgenMelody of about 70k parameters (T5 text encoder, EnCodec, a
    4-codebook decoder that also reads 12 chroma bins), with a T5 tokenizer made
    from a handful of words. No preprocessor config: the engine's defaults apply."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (
        EncodecConfig,
        MusicgenMelodyConfig,
        MusicgenMelodyDecoderConfig,
        MusicgenMelodyForConditionalGeneration,
        T5Config,
        T5TokenizerFast,
    )

    unigram = Tokenizer(models.Unigram([(w, -float(i)) for i, w in enumerate(WORDS)], unk_id=2))
    unigram.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer = T5TokenizerFast(
        tokenizer_object=unigram, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
        extra_ids=0,
    )  # fmt: skip
    codes = 32
    config = MusicgenMelodyConfig(
        text_encoder=T5Config(
            vocab_size=len(WORDS), d_model=16, d_kv=4, d_ff=32, num_layers=1, num_heads=2,
            decoder_start_token_id=0, pad_token_id=0, eos_token_id=1,
        ),
        audio_encoder=EncodecConfig(
            hidden_size=codes, compress=1, num_filters=2, codebook_size=codes, codebook_dim=codes,
            num_lstm_layers=1, sampling_rate=SAMPLE_RATE, target_bandwidths=[2.2],
            upsampling_ratios=[8, 5, 4, 2], audio_channels=1,
        ),
        decoder=MusicgenMelodyDecoderConfig(
            vocab_size=codes, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
            ffn_dim=32, num_codebooks=4, pad_token_id=codes, decoder_start_token_id=codes,
            bos_token_id=codes, max_position_embeddings=512,
        ),
        num_chroma=12,
        chroma_length=235,
    )  # fmt: skip
    torch.manual_seed(0)
    model = MusicgenMelodyForConditionalGeneration(config)
    with torch.no_grad():
        # A fresh EnCodec's codebooks are zeros (every code decodes alike) and a
        # fresh decoder's logits near uniform: random codebooks and sharper heads
        # make the audio depend on the tokens, and the tokens on the melody.
        for layer in model.audio_encoder.quantizer.layers:
            layer.codebook.embed.normal_()
        for head in model.decoder.lm_heads:
            head.weight.mul_(50)
        model.audio_enc_to_dec_proj.weight.mul_(20)
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_musicgen_melody(tmp_path_factory.mktemp("musicgen-melody") / "tiny")


def _tones(pitches: list[int], seconds_each: float, sr: int) -> np.ndarray:
    t = np.arange(int(seconds_each * sr)) / sr
    parts = [0.3 * np.sin(2 * np.pi * 440.0 * 2 ** ((p - 69) / 12) * t) for p in pitches]
    return np.concatenate(parts).astype(np.float32)


def test_chroma_is_one_hot_on_the_sounding_pitch_class() -> None:
    # A4 for 2 s, then C5 for 2 s (at 22.05 kHz: resampled to the model's 32 kHz)
    audio = _tones([69, 72], 2.0, 22050)
    chroma = melody_chroma(audio, 22050, CHROMA)
    frames = 1 + int(4.0 * CHROMA.sampling_rate) // CHROMA.hop_length
    assert chroma.shape == (frames, 12) and chroma.dtype == np.float32
    assert np.all(chroma.sum(axis=1) == 1.0)
    winners = chroma.argmax(axis=1)
    # well inside each note (the 16384-sample window spans half a second)
    assert set(winners[3:12]) == {9} and set(winners[-12:-3]) == {0}


def test_chroma_reads_at_most_the_models_chunk() -> None:
    short = ChromaConfig(chunk_length=2)
    chroma = melody_chroma(_tones([60], 5.0, 32000), 32000, short)
    assert len(chroma) == 1 + 2 * 32000 // short.hop_length


async def test_tiny_model_follows_the_melody_and_the_seed(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    model = MusicgenMelody(tiny_model_dir)
    melody = _tones([60, 64, 67, 72], 0.5, 32000)
    track = await model.generate(melody, 32000, "calm beat", 1.0, 7, tmp_path)
    with wave.open(str(track.path)) as w:
        assert w.getframerate() == SAMPLE_RATE
        seconds = w.getnframes() / w.getframerate()
    assert 0.9 <= seconds <= 1.3
    assert track.metadata["seed"] == 7 and track.metadata["chroma_frames"] == 16
    again = await model.generate(melody, 32000, "calm beat", 1.0, 7, tmp_path)
    assert again.path.read_bytes() == track.path.read_bytes()  # seeded
    # The chroma reaches the decoder: another melody, the same seed, other audio.
    other = await model.generate(
        _tones([61, 66, 70, 73], 0.5, 32000), 32000, "calm beat", 1.0, 7, tmp_path
    )
    assert other.path.read_bytes() != track.path.read_bytes()


async def test_missing_model_dir_is_a_clear_permanent_error(tmp_path: Path) -> None:
    model = MusicgenMelody(tmp_path / "nothing-here")
    with pytest.raises(PermanentError, match="SOUNDSTAGE_MUSICGEN_MELODY_MODEL_DIR"):
        await model.generate(_tones([60], 1.0, 32000), 32000, "beat", 1.0, 0, tmp_path)


def _hum(pitches: list[int], bpm: float, sr: int = 22050) -> bytes:
    """A sung-like line: one note a beat, harmonics, vibrato, a breath between notes."""
    beat = 60 / bpm
    parts = []
    for p in pitches:
        n, voiced = int(beat * sr), int(beat * sr * 0.85)
        t = np.arange(voiced) / sr
        f = 440.0 * 2 ** ((p - 69 + 0.25 * np.sin(2 * np.pi * 5.5 * t)) / 12)
        phase = 2 * np.pi * np.cumsum(f) / sr
        tone = sum(np.sin(h * phase) / h**1.5 for h in range(1, 6))
        env = np.minimum(1, t / 0.03) * np.minimum(1, (voiced - np.arange(voiced)) / (0.03 * sr))
        note = np.zeros(n)
        note[:voiced] = 0.3 * tone * env
        parts.append(note)
    buf = io.BytesIO()
    sf.write(buf, np.concatenate(parts).astype(np.float32), sr, format="WAV", subtype="PCM_16")
    return buf.getvalue()


async def test_hum_to_beat_uses_the_melody_model_where_installed(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    settings: Settings,
    tiny_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    user = await make_user()
    r = await client.post(
        "/v1/uploads",
        files={"file": ("hum.wav", _hum([60, 62, 64, 65, 67, 64], 100.0), "audio/wav")},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    upload_id = r.json()["id"]

    async def hum_job(**params: object) -> httpx.Response:
        body = {"kind": "hum_to_beat", "params": {"upload_id": upload_id, "bpm": 100, **params}}
        return await client.post("/v1/jobs", json=body, headers=user.headers)

    # not configured: asking for the model by name is refused before any job exists
    r = await hum_job(renderer="musicgen_melody")
    assert r.status_code == 422, r.text
    assert "SOUNDSTAGE_MUSICGEN_MELODY_MODEL_DIR" in r.json()["error"]["message"]

    monkeypatch.setattr(settings, "musicgen_melody_model_dir", tiny_model_dir)
    r = await hum_job(prompt="happy beat", mood="happy", seed=3)  # renderer auto
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=120)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[attr-defined]
    assert set(outputs) == {"beat.mp3", "beat.mid", "hum.json"}
    report = (await client.get(outputs["hum.json"]["url"])).json()
    assert report["musicgen_melody"] is True and "MusicGen-melody" in report["method"]
    assert [n["pitch"] for n in report["notes"]] == [60, 62, 64, 65, 67, 64]
    assert report["model"]["name"] == "musicgen_melody" and report["model"]["seed"] == 3
    assert "happy beat" in report["model"]["prompt"] and "100 bpm" in report["model"]["prompt"]
    # the quantised line (six beats of 0.6 s, the last cut by its breath) plus half a second
    assert 3.9 <= report["seconds"] <= 4.15
    mp3 = tmp_path / "beat.mp3"
    mp3.write_bytes((await client.get(outputs["beat.mp3"]["url"])).content)
    audio, sr = read_audio(mp3, sr=22050)
    assert len(audio) / sr == pytest.approx(report["seconds"], abs=0.1)

    # "procedural" still picks the arrangement, with the model installed
    r = await hum_job(renderer="procedural")
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=120)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[attr-defined]
    report = json.loads((await client.get(outputs["hum.json"]["url"])).content)
    assert report["musicgen_melody"] is False


def test_one_model_instance_per_directory(tiny_model_dir: Path) -> None:
    assert melody_model(tiny_model_dir) is melody_model(tiny_model_dir)
