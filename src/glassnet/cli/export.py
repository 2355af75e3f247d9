"""``glassnet export``: a readable JSON copy of a model file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass
from .evaluate import load_model
from .group import CONTEXT_SETTINGS, main


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("model", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "json_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The JSON file to write.",
)
def export(model: Path, json_path: Path) -> None:
    """Write a readable JSON copy of MODEL: every weight, bias and setting.

    predict and evaluate accept the JSON copy too, and it reads back bit for bit.
    """
    from ..store.modelfile import export_json

    if json_path.suffix.lower() == ".npz":  # e.g. --json model.npz: would replace the model
        raise click.BadParameter(
            "the JSON copy needs its own name ending in .json (e.g. runs/model-1.json), "
            "not .npz, which is a model file's", param_hint="'--json'",
        )
    network, meta = load_model(model)
    written = export_json(network, json_path, training=meta.get("training"))
    click.echo(
        f"wrote {written} ({written.stat().st_size:,} bytes): "
        f"{'-'.join(map(str, network.sizes))} network, {network.n_parameters:,} numbers"
    )
