"""One settings object for the whole engine.

Supabase's own variable names are used where they exist (``SUPABASE_URL``,
``SUPABASE_JWT_SECRET``, ``SUPABASE_SERVICE_ROLE_KEY``, ``DATABASE_URL``);
everything else is ``SOUNDSTAGE_*``. Every field is documented in
``.env.example`` and ``docs/configuration.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The compatibility surfaces (``SOUNDSTAGE_COMPAT_APIS``): each is the HTTP API
# of one backend Soundstage replaces, served on top of ``/v1`` so that
# backend's frontend works unchanged (routers in ``soundstage.compat``).
COMPAT_SURFACES: tuple[str, ...] = ("video", "projects", "song", "audiobook", "studio")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class StorageBackend(StrEnum):
    LOCAL = "local"
    SUPABASE = "supabase"


# Settings that hold lists: each accepts "a,b" as well as '["a", "b"]'.
LIST_SETTINGS = (
    "compat_apis",
    "cors_origins",
    "worker_kinds",
    "worker_exclude_kinds",
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SOUNDSTAGE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path(".data")

    # Supabase names, read without the SOUNDSTAGE_ prefix.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    supabase_url: str | None = Field(default=None, validation_alias="SUPABASE_URL")
    supabase_jwt_secret: SecretStr | None = Field(
        default=None, validation_alias="SUPABASE_JWT_SECRET"
    )
    supabase_service_role_key: SecretStr | None = Field(
        default=None, validation_alias="SUPABASE_SERVICE_ROLE_KEY"
    )
    # Public by design (browsers send it to Supabase Auth): the dashboard's sign-in.
    supabase_anon_key: str | None = Field(default=None, validation_alias="SUPABASE_ANON_KEY")

    # Where signed URLs point. Unset: the URL the request came in on.
    public_url: str | None = None
    storage: StorageBackend = StorageBackend.LOCAL
    signed_url_ttl_seconds: int = Field(default=3600, ge=10, le=7 * 24 * 3600)
    # Direct uploads (POST /v1/uploads/sign): lifetime of the local backend's
    # signed upload URLs. Supabase Storage uses its project setting (2 h default).
    upload_url_ttl_seconds: int = Field(default=7200, ge=60, le=24 * 3600)

    # Auth.
    jwt_audience: str = "authenticated"
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    jwks_cache_seconds: int = Field(default=600, ge=10, le=600)
    # The database role a user's request runs as (write grants, same per-user RLS).
    api_db_role: str = "soundstage_api"

    # Database pool.
    db_pool_min: int = Field(default=2, ge=0)
    db_pool_max: int = Field(default=10, ge=1)
    # Supabase's transaction pooler (port 6543) allows no prepared statements and
    # no LISTEN; "auto" decides from the port of DATABASE_URL.
    db_pooler_mode: Literal["auto", "session", "transaction"] = "auto"

    # Limits.
    max_json_bytes: int = Field(default=1_000_000, ge=1024)
    max_upload_bytes_manuscript: int = Field(default=50_000_000, ge=1)
    max_upload_bytes_audio: int = Field(default=200_000_000, ge=1)
    max_upload_bytes_midi: int = Field(default=2_000_000, ge=1)
    max_upload_bytes_image: int = Field(default=10_000_000, ge=1)
    # Audio and MIDI uploads are decoded on arrival; longer ones are refused (422).
    max_audio_seconds: float = Field(default=600.0, gt=0, le=86_400)

    # Worker.
    worker_concurrency: int = Field(default=2, ge=1, le=256)
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    # LISTEN/NOTIFY wake-ups; off for Supabase's transaction pooler (polling only).
    worker_listen: bool = True
    worker_grace_seconds: float = Field(default=30.0, ge=0)
    lease_seconds: int = Field(default=30, ge=3)
    max_attempts: int = Field(default=3, ge=1, le=20)
    # Retry backoff: full jitter over base * 2^(attempt-1), capped; Retry-After wins.
    retry_base_seconds: float = Field(default=5.0, ge=0)
    retry_max_seconds: float = Field(default=600.0, ge=0)
    # Per-user queue limits (defaults for every user; per-plan values go in
    # soundstage.jobs.limits.limits_for).
    queue_max_running_per_user: int = Field(default=2, ge=1)
    queue_max_queued_per_user: int = Field(default=50, ge=1)

    # Comma-separated or JSON, like every list setting (see _comma_separated).
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Drop-in APIs for the frontends of the backends Soundstage replaces, by
    # surface name (soundstage.compat.SURFACES), as a comma-separated list or
    # JSON. Unset: every surface in development, none in production.
    compat_apis: Annotated[list[str] | None, NoDecode] = None
    # Development only: calls without credentials on the compatibility routes
    # act as this user (created on first use), so a frontend that sends no
    # token runs unchanged on a laptop. Refused in production.
    compat_anonymous_email: str | None = None
    # The song surface (/api/v1): its backend's 10 requests an hour per caller
    # on POST /generate (0: off), and the `song` provider its jobs use.
    compat_song_generate_per_hour: int = Field(default=10, ge=0)
    compat_song_provider: Literal["local", "diffrhythm", "acestep"] = "local"
    # The studio surface (/api): its backend's per-route limits per caller and
    # minute (uploads 20, everything else RATE_LIMIT_PER_MIN's 60; 0: off) and
    # its MAX_CONTENT_LENGTH_MB for uploads.
    compat_studio_uploads_per_minute: int = Field(default=20, ge=0)
    compat_studio_jobs_per_minute: int = Field(default=60, ge=0)
    compat_studio_max_upload_mb: int = Field(default=32, ge=1, le=1024)

    # Rate limits, requests per minute per user and per client address; 0 turns
    # one off. Kept in Postgres (soundstage_private.rate_limits), so API replicas share them.
    rate_limit_jobs_per_minute: int = Field(default=60, ge=0)
    rate_limit_jobs_per_ip_per_minute: int = Field(default=120, ge=0)
    rate_limit_uploads_per_minute: int = Field(default=20, ge=0)
    rate_limit_uploads_per_ip_per_minute: int = Field(default=40, ge=0)
    rate_limit_previews_per_minute: int = Field(default=30, ge=0)
    rate_limit_previews_per_ip_per_minute: int = Field(default=60, ge=0)

    # Observability. Log format unset: console in development, json in production.
    log_format: Literal["json", "console"] | None = None
    # Bearer token for GET /metrics; unset: open in development, 404 in production.
    metrics_token: SecretStr | None = None
    # `soundstage worker` serves its own /metrics on this port when set.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)

    # TTS providers. "local" (hibari, plus piper when the extra is installed) needs
    # no key and is the default; a remote provider is offered only once its key is
    # set. Keys are secrets: never logged, never echoed in errors.
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SOUNDSTAGE_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    # Any OpenAI-compatible server (Kokoro-FastAPI and the like) works here.
    openai_base_url: str = "https://api.openai.com/v1"
    openai_tts_model: str = "gpt-4o-mini-tts"
    # Delivery instructions, sent to models that take them (gpt-4o-mini-tts only).
    openai_tts_instructions: str | None = None
    openai_concurrency: int = Field(default=4, ge=1, le=64)
    elevenlabs_api_key: SecretStr | None = None
    elevenlabs_base_url: str = "https://api.elevenlabs.io"
    elevenlabs_model: str = "eleven_multilingual_v2"
    elevenlabs_output_format: str = Field(
        default="mp3_44100_128", pattern=r"^(mp3_\d+_\d+|pcm_\d+|wav_\d+)$"
    )
    # ElevenLabs plans allow 2 (free) to 15 requests in flight.
    elevenlabs_concurrency: int = Field(default=2, ge=1, le=64)
    # The Base64 "Basic" credential as Inworld's portal issues it.
    inworld_api_key: SecretStr | None = None
    inworld_base_url: str = "https://api.inworld.ai"
    inworld_model: str = "inworld-tts-1.5-max"
    inworld_concurrency: int = Field(default=2, ge=1, le=64)
    tts_timeout_seconds: float = Field(default=120.0, gt=0, le=900)
    # onnxruntime threads per local synthesis; local calls in flight = cores // this.
    local_tts_threads: int = Field(default=1, ge=1, le=64)
    # A worker drops local models (voices) no job has used for this long and
    # gives the memory back; 0 keeps them loaded for the process's life.
    model_idle_seconds: float = Field(default=300.0, ge=0)

    # Story videos (the `video` job kind). Script writing: any OpenAI-compatible
    # chat server (OpenAI, Ollama, llama.cpp) once a base URL or key is set; the
    # local template writer otherwise.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = Field(default=120.0, gt=0, le=900)
    # Scene images: "local" (Pillow scene art, no key), "openai" (OpenAI images or a
    # compatible endpoint; the key falls back to SOUNDSTAGE_OPENAI_API_KEY) or
    # "stability". Stock search (image_mode stock/mixed) uses Pexels, then Pixabay.
    image_provider: Literal["local", "openai", "stability"] = "local"
    image_base_url: str | None = None
    image_api_key: SecretStr | None = None
    image_model: str = "gpt-image-1"
    image_timeout_seconds: float = Field(default=180.0, gt=0, le=900)
    image_concurrency: int = Field(default=3, ge=1, le=32)
    stability_api_key: SecretStr | None = None
    stability_base_url: str = "https://api.stability.ai"
    pexels_api_key: SecretStr | None = None
    pexels_base_url: str = "https://api.pexels.com"
    pixabay_api_key: SecretStr | None = None
    pixabay_base_url: str = "https://pixabay.com"
    # x264 preset of the final encode (speed against file size).
    video_preset: Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium"] = (
        "veryfast"
    )

    # Audiobooks. Characters per user per calendar month (UTC), checked before a
    # job is created; 0 means no limit.
    quota_monthly_characters: int = Field(default=5_000_000, ge=0)
    # Manuscript parsing budgets (soundstage.audiobooks.manuscript.budget): each
    # upload is parsed in a child process with these limits, so a small file that
    # inflates into a huge book is refused (422) instead of taking the server down.
    manuscript_max_chars: int = Field(default=5_000_000, ge=1000)
    manuscript_max_member_bytes: int = Field(default=16 * 1024 * 1024, ge=1024 * 1024)
    manuscript_parse_seconds: float = Field(default=20.0, gt=0, le=600)
    manuscript_parse_memory_mb: int = Field(default=512, ge=64, le=65536)
    manuscript_parse_concurrency: int = Field(default=2, ge=1, le=64)

    # Music providers (the `music` job kind). "procedural" needs nothing and is the
    # default; "musicgen" needs the musicgen extra and a local model directory
    # (a Hugging Face MusicGen checkpoint, never downloaded by the engine);
    # "acestep" and "diffrhythm" are remote servers, offered once their URL is set.
    musicgen_model_dir: Path | None = None
    # hum_to_beat: a MusicGen-melody checkpoint (same extra, never downloaded); when
    # set, the beat is generated around the hummed melody instead of procedurally.
    musicgen_melody_model_dir: Path | None = None
    acestep_url: str | None = None
    acestep_api_key: SecretStr | None = None
    diffrhythm_url: str | None = None
    diffrhythm_api_key: SecretStr | None = None
    # Per HTTP request to a music server; the whole task may take much longer.
    music_timeout_seconds: float = Field(default=60.0, gt=0, le=900)
    # Polling a remote task: first wait, growing 1.5x up to 10 s, given up after max.
    music_poll_seconds: float = Field(default=2.0, gt=0, le=60)
    music_max_wait_seconds: float = Field(default=1800.0, gt=0)
    music_remote_concurrency: int = Field(default=2, ge=1, le=64)
    # Singing (the `vocals` kind): voices "local:*" need nothing; "diffsinger:*" go
    # to a DiffSinger-style server (docs/vocals.md), offered once its URL is set.
    # Timeouts, polling and concurrency are the music_* settings above.
    diffsinger_url: str | None = None
    diffsinger_api_key: SecretStr | None = None
    # Stems: Demucs runs only when its optional package is installed and this
    # directory holds its weights (never downloaded); otherwise a DSP separation.
    demucs_model_dir: Path | None = None

    # Torch models (MusicGen, MusicGen-melody, Demucs): where they run and in
    # what precision, resolved in soundstage.providers.torch_device. auto: CUDA,
    # else Apple MPS, else the CPU; an explicit device that is missing stops the
    # worker at start. auto precision is float32 (see docs/scaling.md).
    torch_device: str = Field(default="auto", pattern=r"^(auto|cpu|mps|cuda(:\d+)?)$")
    torch_dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"
    # Concurrent MusicGen jobs with the same model and duration bucket share one
    # batched generate() call, up to this many; the first request of a batch
    # waits this long for company. 1 turns batching off.
    musicgen_max_batch: int = Field(default=8, ge=1, le=64)
    musicgen_batch_window_seconds: float = Field(default=0.05, ge=0, le=5)
    # torch.compile the MusicGen decoder step (CUDA pools; off by default until
    # bench/gpu.py shows a gain on the GPU in use).
    musicgen_compile: bool = False

    # Webhooks (soundstage.webhooks, docs/webhooks.md). Workers deliver them
    # (off: this worker leaves deliveries to others). Each attempt may take
    # webhook_timeout_seconds; failures are retried with exponential backoff and
    # jitter (base * 2^(attempt-1), capped) until webhook_retry_window_seconds
    # after the event, then the webhook is disabled with the reason.
    webhook_delivery: bool = True
    webhook_concurrency: int = Field(default=16, ge=1, le=256)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    webhook_retry_base_seconds: float = Field(default=5.0, ge=0)
    webhook_retry_max_seconds: float = Field(default=7200.0, ge=0)
    webhook_retry_window_seconds: float = Field(default=86400.0, gt=0)
    # after a secret rotation the old secret also signs for this long
    webhook_secret_overlap_seconds: float = Field(default=86400.0, ge=0)
    # finished messages (and their attempts) are deleted after this many days
    webhook_log_retention_days: int = Field(default=30, ge=1, le=3650)
    # webhooks per user (POST /v1/webhooks answers 422 beyond it)
    webhook_max_per_user: int = Field(default=20, ge=1, le=1000)

    # Kind-routed worker pools: a worker claims only these kinds (all when
    # unset) and never the excluded ones; `soundstage worker --kinds/--exclude-kinds`
    # override them. Comma-separated or JSON.
    worker_kinds: Annotated[list[str] | None, NoDecode] = None
    worker_exclude_kinds: Annotated[list[str] | None, NoDecode] = None

    @model_validator(mode="after")
    def _production_needs_secrets(self) -> Self:
        # Production never falls back to generated secrets or the embedded server.
        if self.env is Environment.PRODUCTION:
            missing = [
                name
                for name, value in (
                    ("DATABASE_URL", self.database_url),
                    ("SUPABASE_URL", self.supabase_url),
                )
                if not value
            ]
            if self.storage is StorageBackend.LOCAL and self.supabase_jwt_secret is None:
                # local storage signs download URLs with it
                missing.append("SUPABASE_JWT_SECRET")
            if self.storage is StorageBackend.SUPABASE and self.supabase_service_role_key is None:
                missing.append("SUPABASE_SERVICE_ROLE_KEY")
            if missing:
                raise ValueError(f"production requires {', '.join(missing)}")
        if self.storage is StorageBackend.SUPABASE:
            # Supabase Storage is reached with the service key (server-side only).
            needs = [
                name
                for name, value in (
                    ("SUPABASE_URL", self.supabase_url),
                    ("SUPABASE_SERVICE_ROLE_KEY", self.supabase_service_role_key),
                )
                if not value
            ]
            if needs:
                raise ValueError(f"SOUNDSTAGE_STORAGE=supabase requires {', '.join(needs)}")
        if self.compat_apis is not None:
            unknown = sorted(set(self.compat_apis) - set(COMPAT_SURFACES))
            if unknown:
                raise ValueError(
                    f"SOUNDSTAGE_COMPAT_APIS: unknown surface {', '.join(unknown)}; "
                    f"known: {', '.join(COMPAT_SURFACES)}"
                )
        if self.compat_anonymous_email and self.env is Environment.PRODUCTION:
            raise ValueError("SOUNDSTAGE_COMPAT_ANONYMOUS_EMAIL is for development only")
        if "*" in self.cors_origins and self.env is Environment.PRODUCTION:
            raise ValueError("SOUNDSTAGE_CORS_ORIGINS may not contain '*' in production")
        if os.environ.get("SOUNDSTAGE_PIPELINE_MODULES", "").strip() not in ("", "[]"):
            # Removed: kinds are imported statically. Say so rather than
            # silently running without a team's kinds.
            raise ValueError(
                "SOUNDSTAGE_PIPELINE_MODULES is no longer read: pass your job kinds to "
                "soundstage.cli.main(pipelines=kinds.pipelines([...])) from your own entry "
                "point (see soundstage/kinds.py)"
            )
        return self

    @field_validator(*LIST_SETTINGS, mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """``a,b`` as well as ``["a", "b"]``: the first is what people type
        (Railway's and Render's variable pages), the second what pydantic-settings
        reads by default. Every list setting is ``NoDecode`` and comes here."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"not a JSON list ({exc.msg})") from None
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @property
    def compat_surfaces(self) -> frozenset[str]:
        """The compatibility surfaces this engine serves."""
        if self.compat_apis is None:
            return frozenset(COMPAT_SURFACES) if self.is_development else frozenset()
        return frozenset(self.compat_apis)

    @property
    def transaction_pooler(self) -> bool:
        if self.db_pooler_mode != "auto":
            return self.db_pooler_mode == "transaction"
        return bool(self.database_url) and urlsplit(self.database_url or "").port == 6543

    @property
    def is_development(self) -> bool:
        return self.env is Environment.DEVELOPMENT

    @property
    def effective_log_format(self) -> Literal["json", "console"]:
        if self.log_format is not None:
            return self.log_format
        return "console" if self.is_development else "json"

    @cached_property
    def data_path(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def storage_root(self) -> Path:
        return self.data_path / "storage"

    @property
    def jwt_issuer(self) -> str | None:
        return f"{self.supabase_url.rstrip('/')}/auth/v1" if self.supabase_url else None

    def local_jwt_secret(self) -> str:
        """The HS256 secret for development tokens and signed URLs.

        Generated once per data dir and kept there (mode 0600), so tokens survive
        restarts and several engines with different data dirs stay separate.
        """
        if self.supabase_jwt_secret is not None:
            return self.supabase_jwt_secret.get_secret_value()
        path = self.data_path / "jwt_secret"
        if not path.exists():
            if not self.is_development:
                raise RuntimeError("SUPABASE_JWT_SECRET is required outside development")
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".jwt_secret.{secrets.token_hex(6)}")
            tmp.write_text(secrets.token_urlsafe(48))
            tmp.chmod(0o600)
            # link() fails if another process won the race; then both read theirs.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
            tmp.unlink()
        return path.read_text().strip()


def get_settings() -> Settings:
    return Settings()
