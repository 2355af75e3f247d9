"""``glassnet explore``: start the web explorer."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import shown
from ..store.paths import DEFAULT_DATABASE_PATH

if TYPE_CHECKING:
    pass
from .evaluate import load_model
from .group import CONTEXT_SETTINGS, main
from .options import WholeRange


def _is_host(host: str) -> bool:
    """An IP address (IPv6 with or without brackets) or a host name of letters, digits,
    dots and hyphens: what a server can listen on."""
    try:
        ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
        return True
    except ValueError:
        return bool(_HOST_NAME.fullmatch(host))


_HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                        r"(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("model", required=False, type=click.Path(path_type=Path))
@click.option("--port", "-p", type=WholeRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Anything but this machine needs --allow-remote.")
@click.option("--allow-remote", is_flag=True,
              help="Allow --host to be an address other machines can reach.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_DATABASE_PATH, show_default=True,
              help="The runs database where live trainings are recorded.")
def explore(model: Path | None, port: int, host: str, allow_remote: bool, db: Path) -> None:
    """Open the explorer: draw a digit and watch it flow through the network.

    Serves a web page on this machine (http://127.0.0.1:8000/ by default) where you
    draw a digit and see the 64 numbers the network gets, every neuron's value, the
    guess; click a neuron to see its weights and its arithmetic; train a network
    live; follow one weight's slope downhill; and set the 0-vs-1 weights by hand.
    A new visitor starts with its Lesson view: the article's ideas in ten steps.
    Without MODEL it first trains a small network (a few seconds).
    """
    from ..app.extras import require_all

    require_all("web")
    from ..web.app import create_app, find_free_port, serve
    from ..web.security import is_loopback
    if not _is_host(host):
        raise click.BadParameter(f"{shown(host, str)} is not a host name or an IP address",
                                 param_hint="'--host'")
    host = host.removeprefix("[").removesuffix("]")  # [::1], as in a URL, binds as ::1
    if not is_loopback(host):
        if not allow_remote:
            raise click.UsageError(
                f"--host {host} would let other machines reach the explorer; add --allow-remote "
                "if you mean it"
            )
        click.echo(
            f"warning: listening on {host}: anyone who can reach this machine on port {port} can "
            "use the explorer (it has no login)",
            err=True,
        )
    from ..store.atomicfile import writable_target

    # The live trainings are recorded there: a FIFO or a read-only file is refused now,
    # not after the first training.
    writable_target(db, what="runs database")
    port = port or find_free_port(host)
    check_port_free(host, port)
    network = None  # create_app trains its default network (and can say how)
    if model is None:
        click.echo("no model given: training a small 64-32-10 network first (a few seconds)...")
    else:
        network, _ = load_model(model)
    app = create_app(network, db_path=db, host=host, port=port)
    address = f"[{host}]" if ":" in host else host
    click.echo(f"glassnet explorer: http://{address}:{port}/   (Ctrl-C to stop)")
    serve(app, host=host, port=port)


def check_port_free(host: str, port: int) -> None:
    """Fail with a clear message when the port is taken (instead of a server traceback)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        # As uvicorn binds: a port whose last connections linger in TIME_WAIT (a
        # restart within a minute) is free to listen on again.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise click.ClickException(
                f"cannot listen on {host}:{port} ({error.strerror or error}); "
                "choose another port with --port"
            ) from None
