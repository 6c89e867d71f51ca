"""Which script writer a video job gets."""

from __future__ import annotations

from soundstage.config import Settings
from soundstage.providers.llm import get_script_writer
from soundstage.providers.llm.local import TemplateScriptWriter
from soundstage.providers.llm.openai import OpenAIScriptWriter


def _settings(**kw: object) -> Settings:
    return Settings(_env_file=None, **kw)  # type: ignore[call-arg,arg-type]


def test_local_templates_unless_a_model_is_configured() -> None:
    assert isinstance(get_script_writer(_settings()), TemplateScriptWriter)
    ollama = get_script_writer(_settings(llm_base_url="http://127.0.0.1:11434/v1",
                                         llm_model="llama3.1"))  # fmt: skip
    assert isinstance(ollama, OpenAIScriptWriter)
    assert (ollama.base_url, ollama.model) == ("http://127.0.0.1:11434/v1", "llama3.1")
    openai = get_script_writer(_settings(llm_api_key="sk-x"))
    assert isinstance(openai, OpenAIScriptWriter) and openai.base_url is None
    assert "sk-x" not in repr(openai)
    # one shared instance per configuration
    assert get_script_writer(_settings(llm_api_key="sk-x")) is openai
