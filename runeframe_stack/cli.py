"""The `runeframe-stack` command: start the whole stack, or serve one service."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from .core.errors import StackError
from .core.settings import SERVICES, StackSettings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="The RuneFrameOS reference services: api, distilera, hoardwell, mercatrix, jonar.",
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="YAML file of stack settings.", dir_okay=False)
]


@app.command()
def up(
    port_offset: Annotated[
        int | None, typer.Option(help="Shift every service's port (8000-8004) by N.")
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Where the embedded databases live; a fresh temporary folder if unset."),
    ] = None,
    config: ConfigOption = None,
    only: Annotated[
        list[str] | None, typer.Option(help="Start only this service (repeatable).")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(envvar="DATABASE_URL", help="PostgreSQL instead of SQLite files."),
    ] = None,
    redis_url: Annotated[
        str | None,
        typer.Option(envvar="REDIS_URL", help="Redis for shared rate limits and fan-out."),
    ] = None,
    temporary: Annotated[
        bool,
        typer.Option(
            help="Keep nothing: remove the data folder and, on PostgreSQL, the services' "
            "schemas when the stack stops (the default without --data-dir)."
        ),
    ] = False,
    tls_cert: Annotated[
        Path | None,
        typer.Option(help="Serve HTTPS with this certificate chain (PEM).", dir_okay=False),
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="The certificate's private key (PEM).", dir_okay=False)
    ] = None,
    tls_client_ca: Annotated[
        Path | None,
        typer.Option(
            help="Mutual TLS: require client certificates signed by this CA.", dir_okay=False
        ),
    ] = None,
    ca_bundle: Annotated[
        Path | None,
        typer.Option(
            help="The CAs the services trust when they call each other over https.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Start the services, each in its own process, and keep them running until Ctrl-C."""
    from setproctitle import setproctitle

    from .supervisor import Supervisor

    setproctitle(" ".join(["runeframe-stack", *sys.argv[1:]]))  # `ps` names it, warm or cold
    temporary = temporary or data_dir is None
    folder = Path(tempfile.mkdtemp(prefix="runeframe-stack-")) if data_dir is None else data_dir
    settings: StackSettings | None = None
    services = only or list(SERVICES)
    try:
        settings = StackSettings.load(
            config,
            port_offset=port_offset,
            data_dir=folder.resolve(),
            database_url=database_url,
            redis_url=redis_url,
            tls=_tls(tls_cert, tls_key, tls_client_ca),
            ca_bundle=ca_bundle.resolve() if ca_bundle else None,
        )
        settings = settings.with_service_tokens()
        unknown = sorted(set(services) - set(SERVICES))
        if unknown:
            raise StackError(f"unknown service {unknown[0]!r}; one of {', '.join(SERVICES)}")
        settings.require_data_dir().mkdir(parents=True, exist_ok=True)
        supervisor = Supervisor(settings, services)
        supervisor.start()
        urls = " ".join(f"{name}={settings.url(name)}" for name in services)
        print(f"runeframe-stack ready: {urls} data={folder}", flush=True)
        supervisor.watch()
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
            if settings is not None and settings.database_url:
                from .core.postgres import drop_schemas

                schemas = [settings.schema_of(s) for s in services if s != "api"]
                asyncio.run(drop_schemas(settings.database_url, schemas))


def _tls(cert: Path | None, key: Path | None, client_ca: Path | None) -> dict[str, Path] | None:
    """The TLS settings the command line gives, every file read before a service starts."""
    if cert is None and key is None and client_ca is None:
        return None
    if cert is None or key is None:
        raise StackError("--tls-cert and --tls-key go together")
    named = {"cert": cert, "key": key, **({"client_ca": client_ca} if client_ca else {})}
    for option, path in named.items():
        if not path.is_file():
            raise StackError(f"--tls-{option.replace('_', '-')} {path}: no such file")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        raise StackError(f"--tls-cert {cert} with --tls-key {key}: {exc.reason}") from None
    return {option: path.resolve() for option, path in named.items()}


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help="One of: " + ", ".join(SERVICES))],
    port: Annotated[
        int | None, typer.Option(help="Listen here instead of the service's port.")
    ] = None,
    config: ConfigOption = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where the embedded database lives.")
    ] = None,
    release: Annotated[
        str | None, typer.Option(help="Serve as this release (one the settings know).")
    ] = None,
    plain: Annotated[
        bool, typer.Option(help="Serve plain HTTP even when the settings name TLS.")
    ] = False,
) -> None:
    """Serve one service in this process (settings from the supervisor, a file or flags)."""
    from .serve import serve as run

    settings = StackSettings.from_env()
    if config is not None or data_dir is not None:
        settings = StackSettings.load(config, data_dir=data_dir)
    if release is not None and release not in settings.jonar.releases:
        known = ", ".join(settings.jonar.releases)
        raise StackError(f"no release {release} of {service} (known releases: {known})")
    run(service, settings, port, plain=plain)


def main() -> None:
    try:
        app()
    except StackError as exc:
        print(f"runeframe-stack: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
