"""Tiny, randomly initialised torch models for tests (nothing is downloaded):
the real architectures at a few thousand parameters, saved as the providers
load them. Needs the musicgen extra (torch, transformers)."""

from __future__ import annotations

from pathlib import Path

WORDS = ["<pad>", "</s>", "<unk>", "calm", "happy", "music", "piano", "drums", "bpm", "in", "mood"]
SAMPLE_RATE = 16000


def build_tiny_musicgen(out: Path) -> Path:
    """A MusicGen of about 70k parameters (T5 text encoder, EnCodec, 4-codebook
    decoder), with a T5 tokenizer made from a handful of words."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (
        EncodecConfig,
        EncodecFeatureExtractor,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        MusicgenProcessor,
        T5Config,
        T5TokenizerFast,
    )

    unigram = Tokenizer(models.Unigram([(w, -float(i)) for i, w in enumerate(WORDS)], unk_id=2))
    unigram.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer = T5TokenizerFast(
        tokenizer_object=unigram,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        extra_ids=0,
    )
    codes = 32
    config = MusicgenConfig(
        text_encoder=T5Config(
            vocab_size=len(WORDS), d_model=16, d_kv=4, d_ff=32, num_layers=1, num_heads=2,
            decoder_start_token_id=0, pad_token_id=0, eos_token_id=1,
        ),
        audio_encoder=EncodecConfig(
            hidden_size=codes, compress=1, num_filters=2, codebook_size=codes, codebook_dim=codes,
            num_lstm_layers=1, sampling_rate=SAMPLE_RATE, target_bandwidths=[2.2],
            upsampling_ratios=[8, 5, 4, 2], audio_channels=1,
        ),
        decoder=MusicgenDecoderConfig(
            vocab_size=codes, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
            ffn_dim=32, num_codebooks=4, pad_token_id=codes, decoder_start_token_id=codes,
            bos_token_id=codes, max_position_embeddings=512,
        ),
    )  # fmt: skip
    torch.manual_seed(0)
    MusicgenForConditionalGeneration(config).save_pretrained(str(out))
    feature_extractor = EncodecFeatureExtractor(feature_size=1, sampling_rate=SAMPLE_RATE)
    MusicgenProcessor(feature_extractor=feature_extractor, tokenizer=tokenizer).save_pretrained(
        str(out)
    )
    return out
