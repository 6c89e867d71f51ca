"""The script-writer registry (see :mod:`soundstage.providers.registry`):
``local`` (the template writer) is always there; ``openai`` (OpenAI or any
OpenAI-compatible server) once ``SOUNDSTAGE_LLM_BASE_URL`` or
``SOUNDSTAGE_LLM_API_KEY`` is set, and then it is the one a video job gets."""

from __future__ import annotations

import hashlib

from soundstage.config import Settings
from soundstage.providers.llm.base import ScriptWriter
from soundstage.providers.registry import Family, ProviderRegistry, secret_value

PROVIDER_NAMES = ("local", "openai")
SETTING_FOR = {"openai": "SOUNDSTAGE_LLM_BASE_URL or SOUNDSTAGE_LLM_API_KEY"}


def llm_configured(settings: Settings) -> bool:
    return bool(settings.llm_base_url or secret_value(settings.llm_api_key))


def _configured(name: str, s: Settings) -> bool:
    return name == "local" or llm_configured(s)


def _fingerprint(name: str, s: Settings) -> tuple[object, ...]:
    if name == "local":
        return (name,)
    digest = hashlib.sha256(secret_value(s.llm_api_key).encode()).hexdigest()
    return (name, digest, s.llm_base_url, s.llm_model, s.llm_timeout_seconds)


def _build(name: str, s: Settings) -> ScriptWriter:
    if name == "local":
        from soundstage.providers.llm.local import TemplateScriptWriter

        return TemplateScriptWriter()
    from soundstage.providers.llm.openai import OpenAIScriptWriter

    return OpenAIScriptWriter(
        # Local servers (Ollama, llama.cpp) take any key; the SDK insists on one.
        api_key=secret_value(s.llm_api_key) or "not-needed",
        base_url=s.llm_base_url,
        model=s.llm_model,
        timeout=s.llm_timeout_seconds,
    )


REGISTRY: ProviderRegistry[ScriptWriter] = ProviderRegistry(
    Family(
        label="LLM",
        names=PROVIDER_NAMES,
        default="local",
        setting_for=SETTING_FOR,
        configured=_configured,
        fingerprint=_fingerprint,
        build=_build,
    )
)

get_provider = REGISTRY.get
registered_instances = REGISTRY.instances


def get_script_writer(settings: Settings) -> ScriptWriter:
    """The configured model when there is one, else the template writer."""
    return get_provider("openai" if llm_configured(settings) else "local", settings)
