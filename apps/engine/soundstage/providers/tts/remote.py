"""What the remote TTS providers add to the shared remote base: a cached voice
catalogue."""

from __future__ import annotations

import time
from typing import ClassVar

from soundstage.providers.http import RemoteProvider
from soundstage.providers.tts.base import Voice


class RemoteTTSProvider(RemoteProvider):
    """Subclasses implement ``_fetch_voices`` besides the base's hooks."""

    catalogue_ttl_seconds: ClassVar[float] = 600.0
    _catalogue: tuple[float, list[Voice]] | None = None

    async def _fetch_voices(self) -> list[Voice]:
        raise NotImplementedError

    async def voices(self) -> list[Voice]:
        """The provider's voices, fetched with the configured key and kept for
        ``catalogue_ttl_seconds`` (failures are not cached)."""
        state = self._state.get()
        async with state.lock:  # a burst of requests shares one fetch
            cached = self._catalogue
            if cached and time.monotonic() - cached[0] < self.catalogue_ttl_seconds:
                return list(cached[1])
            voices = await self._fetch_voices()
            self._catalogue = (time.monotonic(), voices)
            return list(voices)
