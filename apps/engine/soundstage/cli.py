"""``soundstage``: run the engine, its worker, migrations, and development tokens."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError
from pydantic_settings import SettingsError

from soundstage.config import Settings

if TYPE_CHECKING:
    from soundstage.pipelines import Pipelines
    from soundstage.providers.torch_device import TorchPlacement


def _settings() -> Settings:
    # one line naming the variable, the problem and a good value; no traceback
    from soundstage.settings_errors import load_settings

    return load_settings()


async def _migrate(settings: Settings) -> str:
    from soundstage.db.migrate import migrate
    from soundstage.engine import resolve_dsn

    dsn = await resolve_dsn(settings)
    applied = await migrate(dsn)
    if applied:
        logging.getLogger("soundstage").info("applied migrations: %s", ", ".join(applied))
    if settings.storage == "supabase":
        # Supabase Storage buckets are part of the schema: private, with limits.
        from soundstage.storage.supabase import ensure_supabase_buckets

        buckets = await ensure_supabase_buckets(settings)
        logging.getLogger("soundstage").info(
            "storage buckets: %s", ", ".join(f"{k} {v}" for k, v in buckets.items())
        )
    return dsn


def cmd_migrate(args: argparse.Namespace) -> None:
    asyncio.run(_migrate(_settings()))
    print("migrations up to date", file=sys.stderr)


def _serve(args: argparse.Namespace, *, with_worker: bool) -> None:
    import uvicorn

    from soundstage.app import create_app

    settings = _settings()
    logging.getLogger("soundstage.access").disabled = not args.access_log
    if not args.no_migrate:
        asyncio.run(_migrate(settings))
    app = create_app(settings, with_worker=with_worker, pipelines=args.pipelines)
    if settings.is_development:
        where = f"http://{args.host}:{args.port}"
        # the token must come from the same data dir (its secret and database)
        env = (
            ""
            if settings.data_dir == Path(".data")
            else f"SOUNDSTAGE_DATA_DIR={settings.data_dir} "
        )
        print(
            f"\nSoundstage is starting on {where} (data in {settings.data_path})\n"
            f"Dashboard:    {where}/app\n"
            f"Get a token:  {env}.venv/bin/soundstage token --email you@example.com\n"
            f'Then:         curl -H "Authorization: Bearer $TOKEN" {where}/v1/jobs\n'
            f"API docs:     {where}/docs\n",
            file=sys.stderr,
            flush=True,
        )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level=args.log_level,
        # logging is ours (configured in main), and so is the access log: the
        # middleware's lines carry the request id and never a query string,
        # where signed download URLs keep their token
        log_config=None,
        access_log=False,
    )


def cmd_run(args: argparse.Namespace) -> None:
    from soundstage.worker.memory import limit_malloc_arenas

    limit_malloc_arenas()  # a worker runs in this process
    _require_torch_device(_settings(), "run")
    _serve(args, with_worker=True)


def cmd_api(args: argparse.Namespace) -> None:
    _serve(args, with_worker=False)


def cmd_worker(args: argparse.Namespace) -> None:
    from soundstage.engine import open_engine, resolve_dsn
    from soundstage.worker import Worker
    from soundstage.worker.memory import limit_malloc_arenas

    limit_malloc_arenas()
    settings = _settings()
    kinds_filter = _kind_filter(args, settings)
    where = _require_torch_device(settings)
    if settings.worker_metrics_port is not None:
        from soundstage.observability.metrics import serve_worker_metrics

        serve_worker_metrics(settings.worker_metrics_port)

    async def main() -> None:
        dsn = await resolve_dsn(settings)
        async with open_engine(settings, dsn, args.pipelines) as engine:
            worker = Worker(
                engine.db,
                engine.storage,
                settings,
                dsn=dsn,
                concurrency=args.concurrency,
                pipelines=engine.pipelines,
                kinds=kinds_filter[0],
                exclude_kinds=kinds_filter[1],
            )
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, worker.stop)
            logging.getLogger("soundstage").info(
                "worker %s started (concurrency %d, kinds %s, torch %s)",
                worker.id,
                worker.concurrency,
                worker.kinds_description(),
                f"{where.device} {where.dtype}" if where else "not configured",
            )
            await worker.run(
                grace_seconds=settings.worker_grace_seconds if args.grace is None else args.grace
            )

    asyncio.run(main())


def _require_torch_device(settings: Settings, command: str = "worker") -> TorchPlacement | None:
    """The torch placement, or exit with one line: a worker set to a device it
    does not have must not start and fail every torch job."""
    from soundstage.providers.torch_device import DeviceUnavailable, require_device

    try:
        where = require_device(settings)
    except DeviceUnavailable as exc:
        sys.exit(f"soundstage {command}: {exc}")
    if where is not None:
        from soundstage.observability.metrics import set_torch_device

        set_torch_device(where.device, where.dtype)
    return where


def _kind_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _kind_filter(
    args: argparse.Namespace, settings: Settings
) -> tuple[frozenset[str] | None, frozenset[str]]:
    """``--kinds``/``--exclude-kinds`` (else their settings), checked against the
    kinds this engine has: a typo would otherwise leave a pool idle forever."""
    from soundstage import kinds

    include = _kind_list(args.kinds)
    exclude = _kind_list(args.exclude_kinds)
    if include is None:
        include = settings.worker_kinds
    if exclude is None:
        exclude = settings.worker_exclude_kinds
    known = set((args.pipelines or kinds.pipelines()).kinds())
    unknown = sorted({*(include or ()), *(exclude or ())} - known)
    if unknown:
        sys.exit(
            f"soundstage worker: unknown job kind {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    if include is not None and not set(include) - set(exclude or ()):
        sys.exit("soundstage worker: --kinds and --exclude-kinds leave no kind to claim")
    return (frozenset(include) if include is not None else None), frozenset(exclude or ())


def cmd_token(args: argparse.Namespace) -> None:
    settings = _settings()
    if not settings.is_development:
        sys.exit(
            "soundstage token is a development command; in production users sign in "
            "through Supabase Auth"
        )
    from soundstage.auth.tokens import mint_local_token

    async def ensure_user() -> uuid.UUID:
        import asyncpg

        from soundstage.auth.repository import ensure_user as upsert_user

        dsn = await _migrate(settings)
        conn = await asyncpg.connect(dsn)
        try:
            # the same row the dashboard's development sign-in creates
            return await upsert_user(conn, args.email)
        finally:
            await conn.close()

    user_id = asyncio.run(ensure_user())
    print(mint_local_token(settings, user_id, args.email.lower(), ttl_seconds=args.ttl))


def cmd_db_stop(args: argparse.Namespace) -> None:
    from soundstage.db.embedded import stop_embedded

    settings = _settings()
    stopped = stop_embedded(settings.data_path)
    print("embedded database stopped" if stopped else "embedded database was not running")


def cmd_db_types(args: argparse.Namespace) -> None:
    from soundstage.db.migrate import migrate
    from soundstage.db.typegen import EXPOSED_SCHEMAS, UnsupportedSchema, generate
    from soundstage.engine import resolve_dsn

    async def run() -> str:
        # the configured database (the embedded one by default), migrated first,
        # so the types are those of supabase/migrations as they stand
        dsn = await resolve_dsn(_settings())
        await migrate(dsn)
        schemas = args.schema or list(EXPOSED_SCHEMAS)
        return await generate(dsn, schemas, postgrest_version=args.postgrest_version)

    try:
        text = asyncio.run(run())
    except UnsupportedSchema as exc:
        sys.exit(f"soundstage db types: {exc}")
    if args.output is None:
        sys.stdout.write(text)
        return
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


def cmd_openapi(args: argparse.Namespace) -> None:
    from soundstage.openapi_ts import build_document, render_json, write_clients

    if args.json is None and args.typescript is None:
        sys.stdout.write(render_json(build_document()))
        return
    for path in write_clients(json_path=args.json, typescript_path=args.typescript):
        print(f"wrote {path}", file=sys.stderr)


def _email(value: str) -> str:
    local, _, domain = value.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in value) or len(value) > 254:
        raise argparse.ArgumentTypeError(f"not an email address: {value!r}")
    return value


def cmd_demo(args: argparse.Namespace) -> None:
    from soundstage.demo import CORPUS_BOOK, render_demo

    settings = _settings()
    if not settings.is_development:
        sys.exit("soundstage demo is a development command")
    manuscript = Path(args.manuscript) if args.manuscript else CORPUS_BOOK
    if not manuscript.is_file():
        sys.exit(f"soundstage demo: no manuscript at {manuscript}; pass --manuscript PATH")
    files = asyncio.run(
        render_demo(
            settings, manuscript, Path(args.out), chapter=args.chapter, dual=not args.single
        )
    )
    print("\n".join(["Your files:", *(f"  {f.resolve()}" for f in files)]))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="soundstage", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    for name, fn, help_ in (
        ("run", cmd_run, "API and one worker in one process (the embedded default)"),
        ("api", cmd_api, "the HTTP API only"),
    ):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--log-level", default="info")
        p.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
        p.add_argument("--no-migrate", action="store_true", help="skip applying migrations")
        p.add_argument(
            "--forwarded-allow-ips",
            default="127.0.0.1",
            help="proxies whose X-Forwarded-* headers are trusted ('*' behind Railway)",
        )
        p.set_defaults(fn=fn)

    p = sub.add_parser("worker", help="claim and run jobs")
    p.add_argument("--concurrency", type=int, default=None)
    p.add_argument(
        "--kinds",
        default=None,
        help="claim only these job kinds, comma-separated (a GPU pool: music,stems,"
        "hum_to_beat; default SOUNDSTAGE_WORKER_KINDS, else every kind)",
    )
    p.add_argument(
        "--exclude-kinds",
        default=None,
        help="never claim these job kinds, comma-separated (default "
        "SOUNDSTAGE_WORKER_EXCLUDE_KINDS)",
    )
    # debug adds the routine "job started" / "job succeeded" lines
    p.add_argument("--log-level", default="info")
    p.add_argument(
        "--grace",
        type=float,
        default=None,
        help="seconds to finish running jobs on SIGTERM (default SOUNDSTAGE_WORKER_GRACE_SECONDS)",
    )
    p.set_defaults(fn=cmd_worker)

    p = sub.add_parser("migrate", help="apply supabase/migrations")
    p.set_defaults(fn=cmd_migrate)

    p = sub.add_parser("token", help="print a development access token for an email")
    p.add_argument("--email", required=True, type=_email)
    p.add_argument("--ttl", type=int, default=24 * 3600, help="lifetime in seconds")
    p.set_defaults(fn=cmd_token)

    p = sub.add_parser("demo", help="render a chapter of the corpus book with the local voices")
    p.add_argument("--manuscript", help="a manuscript file (default: the corpus book)")
    p.add_argument("--chapter", type=int, default=1, help="chapter number (default 1)")
    p.add_argument("--single", action="store_true", help="one voice instead of two")
    p.add_argument("--out", default="demo-output", help="where to put the files")
    p.set_defaults(fn=cmd_demo)

    p = sub.add_parser("db", help="the embedded database")
    dbsub = p.add_subparsers(dest="db_command", required=True)
    stop = dbsub.add_parser("stop", help="stop the embedded Postgres server")
    stop.set_defaults(fn=cmd_db_stop)
    types = dbsub.add_parser(
        "types",
        help="print the TypeScript types of the Data API's schemas, as "
        "`supabase gen types typescript` does (migrates the database first)",
    )
    types.add_argument(
        "--schema",
        action="append",
        default=None,
        help="a schema to include; repeat for more (default: soundstage)",
    )
    types.add_argument(
        "--output", type=Path, default=None, help="e.g. apps/web/src/lib/database.types.ts"
    )
    types.add_argument(
        "--postgrest-version",
        default=None,
        help="adds __InternalSupabase.PostgrestVersion, as the CLI does when it knows it",
    )
    types.set_defaults(fn=cmd_db_types)

    p = sub.add_parser(
        "openapi",
        help="write the OpenAPI document and its TypeScript definition (JSON to stdout "
        "without options)",
    )
    p.add_argument("--json", type=Path, default=None, help="e.g. clients/openapi.json")
    p.add_argument(
        "--typescript", type=Path, default=None, help="e.g. clients/typescript/soundstage.d.ts"
    )
    p.set_defaults(fn=cmd_openapi)
    return parser


def _log_format() -> Literal["json", "console"]:
    # An invalid configuration is reported by the command itself, in plain text.
    try:
        return Settings().effective_log_format
    except (ValidationError, SettingsError):
        return "console"


def main(argv: list[str] | None = None, *, pipelines: Pipelines | None = None) -> None:
    """The command line; ``pipelines`` are the job kinds this engine runs (by
    default the built-in ones, :mod:`soundstage.kinds`). A team's own entry
    point passes ``kinds.pipelines([...its own...])``."""
    from soundstage.observability.logs import configure_logging

    args = build_parser().parse_args(argv)
    args.pipelines = pipelines
    # structlog over the standard library: uvicorn's lines and ours in one format
    configure_logging(_log_format(), getattr(args, "log_level", "info"))
    args.fn(args)


if __name__ == "__main__":
    main()
