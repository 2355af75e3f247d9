"""The ``glassnet`` group: its one way of turning errors into a line, and shared constants."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import click

from ..app.settings import RunSettings
from ..errors import GlassnetError
from ..store.version import __version__

if TYPE_CHECKING:
    pass


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: Characters from white to black, for pictures made of text (0 = " ", 1 = "@").
SHADES = " .:-=+*#%@"

_DEBUG_KEY = "glassnet.debug"
#: Every setting's default, read from ``RunSettings``' fields: making ``RunSettings()``
#: would check its names against the core's registries, and so import NumPy.
_DEFAULTS: dict[str, Any] = {field.name: field.default for field in dataclasses.fields(RunSettings)}

def error_message(error: BaseException) -> str:
    """The one line shown for an error: the core's sentence, or what the OS said about a file."""
    if isinstance(error, OSError) and not isinstance(error, GlassnetError):
        if error.filename is not None and error.strerror:
            return f"{error.filename}: {error.strerror}"
        return error.strerror or str(error)
    return str(error) or type(error).__name__


class GlassnetGroup(click.Group):
    """A click group that turns glassnet's errors into one line, ``Error: ...``, exit status 1.

    Done once here, so no command needs its own ``try``. With ``glassnet --debug``
    the error is raised as it is, with its traceback, for whoever is debugging.
    """

    def invoke(self, ctx: click.Context) -> Any:
        import numpy as np  # here, not at the top: ``glassnet --help`` never comes here

        try:
            # Overflow to inf or NaN is caught by the core's own checks and reported as
            # an error; NumPy's warnings about it would only clutter the terminal.
            with np.errstate(over="ignore", invalid="ignore"):
                return super().invoke(ctx)
        except BrokenPipeError:
            raise  # the reader went away (| head): click exits quietly
        except (GlassnetError, OSError) as error:
            if ctx.find_root().meta.get(_DEBUG_KEY):
                raise
            from .text import printable  # (text imports this module: not at the top)

            raise click.ClickException(printable(error_message(error))) from error


def _remember_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[_DEBUG_KEY] = bool(value)
    return value


@click.group(cls=GlassnetGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="glassnet")
@click.option(
    "--debug",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_remember_debug,
    help="Show the full traceback when something fails.",
)
def main() -> None:
    """glassnet: a neural network you can see through.

    Train a small network on the 8x8 handwritten digits, look inside it, and
    compare runs. Start with:

    \b
      glassnet show 0          a digit as the 64 numbers the network sees
      glassnet train           train a 64-32-10 network (about 98% on test images)
      glassnet predict runs/model-1.npz my_digit.png
      glassnet runs            every training run so far
    """
