"""The engine's long-lived resources, as routes, services and pipelines see them.

Opened and closed by :mod:`soundstage.engine` (assembly); this module only
describes them, so every layer may use the type."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import Request

from soundstage.auth.tokens import TokenVerifier
from soundstage.config import Settings
from soundstage.db import Database
from soundstage.pipelines import Pipelines
from soundstage.storage import Storage


@dataclass
class Engine:
    settings: Settings
    db: Database
    storage: Storage
    verifier: TokenVerifier
    http: httpx.AsyncClient
    # the job kinds this engine accepts (soundstage.kinds)
    pipelines: Pipelines

    def base_url(self, request: Request) -> str:
        """Where signed URLs point: the configured public URL or this request's."""
        return self.settings.public_url or str(request.base_url)


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine
