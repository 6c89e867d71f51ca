"""Which script writer a job gets: the configured OpenAI-compatible server, or
the local template writer when none is configured."""

from __future__ import annotations

from soundstage.config import Settings
from soundstage.providers.llm.base import ScriptWriter


def llm_configured(settings: Settings) -> bool:
    key = settings.llm_api_key.get_secret_value().strip() if settings.llm_api_key else ""
    return bool(settings.llm_base_url or key)


def get_script_writer(settings: Settings) -> ScriptWriter:
    if not llm_configured(settings):
        from soundstage.providers.llm.local import TemplateScriptWriter

        return TemplateScriptWriter()
    from soundstage.providers.llm.openai import OpenAIScriptWriter

    key = settings.llm_api_key.get_secret_value().strip() if settings.llm_api_key else ""
    return OpenAIScriptWriter(
        # Local servers (Ollama, llama.cpp) take any key; the SDK insists on one.
        api_key=key or "not-needed",
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        timeout=settings.llm_timeout_seconds,
    )
