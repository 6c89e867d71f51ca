"""The embedded default: a private PostgreSQL server from the ``pgserver`` wheel.

Used when ``DATABASE_URL`` is unset. The server lives under
``{data_dir}/pg`` and keeps running after the engine exits, so the next start
is a fast reconnect rather than a cold boot (``soundstage db stop`` stops it).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from pathlib import Path
from urllib.parse import quote

import asyncpg

DATABASE_NAME = "soundstage"

log = logging.getLogger(__name__)


def _server_uri(data_path: Path, *, stop_on_exit: bool) -> str:
    # Imported lazily: production never needs the wheel's binaries.
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless
        warnings.simplefilter("ignore")
        import pgserver  # type: ignore[attr-defined,unused-ignore]

    pgdata = data_path / "pg"
    data_path.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(  # type: ignore[attr-defined,unused-ignore]
        pgdata, cleanup_mode="stop" if stop_on_exit else None
    )
    uri: str = server.get_uri()
    return uri


async def ensure_embedded(data_path: Path, *, stop_on_exit: bool = False) -> str:
    """Start (or reuse) the embedded server; return a URL for the engine's database."""
    admin_uri = await asyncio.to_thread(_server_uri, data_path, stop_on_exit=stop_on_exit)
    conn = await asyncpg.connect(admin_uri)
    try:
        exists = await conn.fetchval("select 1 from pg_database where datname = $1", DATABASE_NAME)
        if not exists:
            log.info("creating database %s", DATABASE_NAME)
            await conn.execute(f'create database "{DATABASE_NAME}"')
    finally:
        await conn.close()
    # pgserver's URI is postgresql://postgres:@/postgres?host=<socket dir>
    base, _, query = admin_uri.partition("?")
    base = base.rsplit("/", 1)[0]
    return f"{base}/{quote(DATABASE_NAME)}?{query}"


def stop_embedded(data_path: Path) -> bool:
    """Stop the embedded server if it runs. Returns whether one was running."""
    import os
    import subprocess

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same platformdirs warning as above
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined,unused-ignore]

    pgdata = data_path / "pg"
    if not (pgdata / "postmaster.pid").exists():
        return False
    # pgserver runs postgres as the system user "pgserver" when we are root.
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        return False
    return True
