"""One registry shape for every provider family (TTS, music, and later image,
LLM, singing): provider names to shared instances.

Instances are cached per process and per configuration, so every job and request
in a process shares one concurrency limit (and one HTTP client, or one loaded
model) per provider. A family says which names it has, which one needs nothing
configured, what each needs, what an instance is built from, and how to build it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from soundstage.config import Settings
from soundstage.errors import ProviderNotConfigured, ValidationFailed

P = TypeVar("P")


class HasSettings(Protocol):
    @property
    def settings(self) -> Settings: ...


@dataclass(frozen=True)
class Family(Generic[P]):
    label: str  # in messages: "TTS", "music"
    names: tuple[str, ...]
    default: str  # always available, never a paid remote API
    # name -> the setting that switches it on (every name but the default)
    setting_for: Mapping[str, str]
    configured: Callable[[str, Settings], bool]
    # what an instance is built from; a hash stands in for any key
    fingerprint: Callable[[str, Settings], tuple[object, ...]]
    build: Callable[[str, Settings], P]


@dataclass
class ProviderRegistry(Generic[P]):
    family: Family[P]
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _instances: dict[tuple[object, ...], P] = field(default_factory=dict)

    def configured_providers(self, settings: Settings) -> list[str]:
        """The default first, then each provider whose setting is there."""
        return [n for n in self.family.names if self.family.configured(n, settings)]

    def unknown(self, name: str) -> ValidationFailed:
        return ValidationFailed(
            f"unknown {self.family.label} provider '{name}'; "
            f"valid providers: {', '.join(self.family.names)}"
        )

    def get(self, name: str, source: HasSettings | Settings) -> P:
        """The shared provider called ``name``; a 422 for an unknown or
        unconfigured one, naming the fix."""
        settings = source if isinstance(source, Settings) else source.settings
        family = self.family
        if name not in family.names:
            raise self.unknown(name)
        if not family.configured(name, settings):
            raise ProviderNotConfigured(
                f"the {family.label} provider '{name}' is not configured: "
                f"set {family.setting_for[name]}"
            )
        fingerprint = family.fingerprint(name, settings)
        with self._lock:
            provider = self._instances.get(fingerprint)
            if provider is None:
                provider = self._instances[fingerprint] = family.build(name, settings)
        return provider

    def for_job(self, name: str, settings: Settings) -> P:
        """:meth:`get` inside a job. The API admitted the job with its own
        settings; a worker configured differently fails the job naming the fix
        (``provider_not_configured``), not as an internal error."""
        try:
            return self.get(name, settings)
        except ProviderNotConfigured as exc:
            raise ProviderNotConfigured(f"on this worker, {exc.message}") from exc

    def instances(self) -> list[P]:
        """Every provider built so far in this process (for closing at shutdown)."""
        with self._lock:
            return list(self._instances.values())


def secret_value(value: object) -> str:
    """A ``SecretStr`` setting's value, stripped; "" when unset."""
    getter = getattr(value, "get_secret_value", None)
    return str(getter()).strip() if getter else ""
