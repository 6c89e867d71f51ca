"""Script writers for story videos: any OpenAI-compatible chat server, or the
local template writer when none is configured."""

from soundstage.providers.llm.base import (
    STORY_TYPES,
    Script,
    ScriptCharacter,
    ScriptRequest,
    ScriptScene,
    ScriptWriter,
    parse_script,
)
from soundstage.providers.llm.registry import get_script_writer

__all__ = [
    "STORY_TYPES",
    "Script",
    "ScriptCharacter",
    "ScriptRequest",
    "ScriptScene",
    "ScriptWriter",
    "get_script_writer",
    "parse_script",
]
