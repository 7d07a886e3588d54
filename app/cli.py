"""The `mission-facts` command: serve, migrate, seed, import, token."""

import argparse
import gc
import sys
from collections.abc import Sequence

from app.settings import get_settings


def _migrate(args: argparse.Namespace) -> int:
    from app.db.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url, args.revision)
    print(f"database at revision {args.revision}")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from app.writes.seed_files import SeedError, read_seed

    settings = get_settings()
    try:
        if args.check:
            seed = read_seed(settings.seed_dir)
            citations = sum(len(f.spans) for f in seed.facts)
            print(
                f"seed is valid: {len(seed.sources)} source(s), {len(seed.facts_file.missions)} "
                f"missions, {len(seed.facts_file.actors)} actors, {len(seed.facts)} facts, "
                f"{citations} fact citations; every quote found in its source"
            )
            return 0
        from app.db.engine import make_engine
        from app.writes.seed import load_seed

        report = load_seed(make_engine(settings.database_url), settings.seed_dir)
    except SeedError as exc:
        print(f"seed refused, nothing written:\n{exc}", file=sys.stderr)
        return 1
    print(f"seed loaded: {report}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.db.engine import make_engine
    from app.db.migrate import startup_lock, upgrade
    from app.writes.imports import check_import, import_folder
    from app.writes.seed_files import SeedError

    folder = Path(args.folder)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        if not args.check:
            with startup_lock(engine):  # as `serve` does: the schema at head first
                upgrade(settings.database_url)
        if args.check:
            seed = check_import(engine, folder)
            print(
                f"{folder.name} is valid: {len(seed.sources)} source(s), "
                f"{len(seed.facts_file.missions)} missions, {len(seed.facts_file.actors)} actors, "
                f"{len(seed.facts)} facts; every quote found in its source; nothing written"
            )
            return 0
        report = import_folder(engine, folder, editor=args.editor)
    except SeedError as exc:
        print(f"import refused, nothing written:\n{exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if not report.changed:
        print(f"nothing changed: the database already holds {folder.name} ({report})")
    else:
        print(f"imported {folder.name} as {args.editor!r}: {report}")
    return 0


def _token(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from app.api.auth import all_tokens, create_token, revoke_token
    from app.db.engine import make_engine

    engine = make_engine(get_settings().database_url)
    with Session(engine) as session, session.begin():
        if args.action == "create":
            try:
                token = create_token(session, name=args.name, scope=args.scope)
            except ValueError as error:
                print(f"token not created: {error}", file=sys.stderr)
                return 1
            print(token)
            print(
                f"token {args.name!r} ({args.scope}) created. It is shown once and only its "
                "hash is stored: keep it now.",
                file=sys.stderr,
            )
        elif args.action == "list":
            print(f"{'id':<13} {'name':<29} {'scope':<6} {'created':<26} revoked")
            for row in all_tokens(session):
                revoked = row.revoked_at.isoformat(timespec="seconds") if row.revoked_at else "-"
                created = row.created_at.isoformat(timespec="seconds")
                print(f"{row.id:<13} {row.name:<29} {row.scope:<6} {created:<26} {revoked}")
        else:
            found = revoke_token(session, token_id=args.id, name=args.name)
            if found is None:
                which = f"with id {args.id!r}" if args.id is not None else f"named {args.name!r}"
                print(f"no token {which}", file=sys.stderr)
                return 1
            print(f"token {found.name!r} revoked: it can no longer write")
    return 0


def prepare_database() -> bool:
    """Migrate to head and seed an empty database (or index the records of one upgraded from
    before search): what `serve` does before it listens. False, having said why, when the
    seed is refused."""
    from app.db.engine import make_engine
    from app.db.migrate import at_head, startup_lock, upgrade
    from app.writes.start_checks import database_is_empty, index_records_written_before_search

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with startup_lock(engine):
            if not at_head(engine):
                upgrade(settings.database_url)
            if database_is_empty(engine):
                # Only an empty database needs the seed's reader.
                from app.writes.seed import load_seed
                from app.writes.seed_files import SeedError

                try:
                    print(f"seeded an empty database: {load_seed(engine, settings.seed_dir)}")
                except SeedError as exc:
                    print(f"seed refused, not serving:\n{exc}", file=sys.stderr)
                    return False
            elif index_records_written_before_search(engine):
                print("indexed the records written before full-text search existed")
    finally:
        engine.dispose()
    return True


def raise_open_file_limit() -> None:
    """Let the server open as many files as the system allows it (the soft limit up to the
    hard one): every connection and every database connection holds one."""
    import contextlib
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        with contextlib.suppress(ValueError, OSError):  # else keep the limit there is
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _serve(args: argparse.Namespace) -> int:
    # Starting builds objects that live as long as the process (modules, models, routes): the
    # cyclic collector, walking them again and again as they pile up, took a tenth to a fifth
    # of the time to the first answer. It waits until the app's lifespan has collected once
    # and frozen them (app.main), and runs from then on.
    gc.disable()
    import uvicorn

    from app.http_server import PROTOCOL
    from app.logs import log_config
    from app.memory import limit_arenas

    if get_settings().read_only:
        print("read-only: serving the database as it is, without migrating or seeding")
    elif not prepare_database():
        return 1
    settings = get_settings()
    raise_open_file_limit()
    limit_arenas()
    if args.workers > 1:
        gc.enable()  # this process only watches the workers, which start interpreters of their own
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # Request heads have a deadline, and running out of file handles pauses accepting
        # instead of spinning (see app.http_server).
        http=PROTOCOL,
        loop="app.http_server:event_loop",
        # X-Forwarded-For is believed only from the proxies named; by default from nobody.
        proxy_headers=bool(settings.forwarded_allow_ips.strip()),
        forwarded_allow_ips=settings.forwarded_allow_ips.strip() or None,
        # No `Server: uvicorn` banner: the software and its version are nobody's business.
        server_header=False,
        # The app logs each request itself, with its request id (app.access).
        access_log=False,
        # Idle connections stay open longer than clients keep them (httpx 5 s, aiohttp 15 s),
        # so the client is the one to close: at uvicorn's default of 5 s, a request sent on
        # a connection the server is closing at that moment is lost without an answer.
        timeout_keep_alive=settings.keep_alive_timeout,
        log_config=log_config(),
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mission-facts",
        description="Mission Facts API: citable facts about international security missions. "
        "Configuration comes from environment variables (DATABASE_URL).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="migrate, seed an empty database, then serve the API",
        description="Bring the database to the latest schema, seed it if it is empty, and "
        "serve the API over HTTP.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser(
        "migrate",
        help="apply database migrations",
        description="Apply Alembic migrations up to a revision (default: head).",
    )
    migrate.add_argument("revision", nargs="?", default="head", help="target (default head)")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser(
        "seed",
        help="load or refresh the curated seed",
        description="Validate the seed files and write them in one transaction. Re-running "
        "changes nothing; edited facts get a new version, removed ones are retracted.",
    )
    seed.add_argument(
        "--check", action="store_true", help="validate the seed files only; write nothing"
    )
    seed.set_defaults(handler=_seed)

    imported = commands.add_parser(
        "import",
        help="bring in a new source and its facts from a folder",
        description="Bring the database to the latest schema, validate a folder in the seed's "
        "format (sources.yaml, facts.yaml and the text) and write it through the write API's "
        "rules in one transaction, under a named "
        "editor, in the history and the change feed. Importing it again changes nothing; "
        "records it does not mention are left as they are.",
    )
    imported.add_argument("folder", help="the folder holding sources.yaml and facts.yaml")
    imported.add_argument(
        "--editor",
        default="import",
        help="the name the records are written under (default: import)",
    )
    imported.add_argument(
        "--check", action="store_true", help="validate against the database only; write nothing"
    )
    imported.set_defaults(handler=_import)

    token = commands.add_parser(
        "token",
        help="create, list or revoke API tokens for the write API",
        description="Writes need `Authorization: Bearer <token>`. A token is printed once, "
        "when created; only its hash is stored. Rotate by creating a new token, then revoking "
        "the old one.",
    )
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a token and print it once")
    create.add_argument("--name", required=True, help="who or what uses it (shown in history)")
    create.add_argument(
        "--scope", choices=["write", "read"], default="write", help="write (default) or read"
    )
    actions.add_parser("list", help="list tokens (never their secrets)")
    revoke = actions.add_parser(
        "revoke", help="revoke a token, named by --id or --name (one of them, never a guess)"
    )
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", help="the token's id (the part after mft_, see `token list`)")
    which.add_argument("--name", help="the token's name")
    token.set_defaults(handler=_token)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
