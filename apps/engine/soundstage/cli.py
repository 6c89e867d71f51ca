"""``soundstage``: run the engine, its worker, migrations, and development tokens."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import uuid
from pathlib import Path

from pydantic import ValidationError

from soundstage.config import Settings


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        sys.exit(f"soundstage: invalid configuration: {problems}")


async def _migrate(settings: Settings) -> str:
    from soundstage.app import resolve_dsn
    from soundstage.db.migrate import migrate

    dsn = await resolve_dsn(settings)
    applied = await migrate(dsn)
    if applied:
        logging.getLogger("soundstage").info("applied migrations: %s", ", ".join(applied))
    return dsn


def cmd_migrate(args: argparse.Namespace) -> None:
    asyncio.run(_migrate(_settings()))
    print("migrations up to date", file=sys.stderr)


def _serve(args: argparse.Namespace, *, with_worker: bool) -> None:
    import uvicorn

    from soundstage.app import create_app

    settings = _settings()
    if not args.no_migrate:
        asyncio.run(_migrate(settings))
    app = create_app(settings, with_worker=with_worker)
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
        access_log=args.access_log,
    )


def cmd_run(args: argparse.Namespace) -> None:
    _serve(args, with_worker=True)


def cmd_api(args: argparse.Namespace) -> None:
    _serve(args, with_worker=False)


def cmd_worker(args: argparse.Namespace) -> None:
    from soundstage.app import open_engine, resolve_dsn
    from soundstage.pipelines import load_modules
    from soundstage.worker import Worker

    settings = _settings()
    load_modules(settings.pipeline_modules)

    async def main() -> None:
        dsn = await resolve_dsn(settings)
        async with open_engine(settings, dsn) as engine:
            worker = Worker(
                engine.db, engine.storage, settings, dsn=dsn, concurrency=args.concurrency
            )
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, worker.stop)
            logging.getLogger("soundstage").info(
                "worker %s started (concurrency %d)", worker.id, worker.concurrency
            )
            await worker.run(
                grace_seconds=settings.worker_grace_seconds if args.grace is None else args.grace
            )

    asyncio.run(main())


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

        dsn = await _migrate(settings)
        conn = await asyncpg.connect(dsn)
        try:
            user_id: uuid.UUID = await conn.fetchval(
                """
                insert into auth.users (email) values (lower($1))
                on conflict (email) do update set updated_at = now()
                returning id
                """,
                args.email,
            )
        finally:
            await conn.close()
        return user_id

    user_id = asyncio.run(ensure_user())
    print(mint_local_token(settings, user_id, args.email.lower(), ttl_seconds=args.ttl))


def cmd_db_stop(args: argparse.Namespace) -> None:
    from soundstage.db.embedded import stop_embedded

    settings = _settings()
    stopped = stop_embedded(settings.data_path)
    print("embedded database stopped" if stopped else "embedded database was not running")


def _email(value: str) -> str:
    local, _, domain = value.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in value) or len(value) > 254:
        raise argparse.ArgumentTypeError(f"not an email address: {value!r}")
    return value


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

    p = sub.add_parser("db", help="the embedded database")
    dbsub = p.add_subparsers(dest="db_command", required=True)
    stop = dbsub.add_parser("stop", help="stop the embedded Postgres server")
    stop.set_defaults(fn=cmd_db_stop)
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # pgserver logs every command it runs; keep the console for what matters.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
