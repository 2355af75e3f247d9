"""A missing extra is one clear message that says how to install it, in every window."""

from __future__ import annotations

import importlib
import socket
import sys

import pytest
from click.testing import CliRunner

from glassnet.app.extras import EXTRAS, install_hint, require_extra
from glassnet.cli import main
from glassnet.cli.explore import check_port_free
from glassnet.errors import GlassnetError, MissingExtraError


def hide(monkeypatch, *modules: str, reimport: tuple[str, ...] = ()) -> None:
    """Make ``import NAME`` fail for each module, as if it were not installed.

    The ``reimport`` modules (glassnet's own) are forgotten, so that they are imported
    again, without the hidden ones.
    """
    for name in (*modules, *reimport):
        for loaded in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
            monkeypatch.delitem(sys.modules, loaded)
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_a_missing_extra_names_itself_and_how_to_install_it(monkeypatch, extra):
    who_needs, modules = EXTRAS[extra]
    hide(monkeypatch, modules[0])
    with pytest.raises(MissingExtraError) as caught:
        require_extra(extra)
    message = str(caught.value)
    assert message.startswith(f"{who_needs} the '{extra}' extra ({modules[0]} is not installed)")
    assert "make run" in message  # a source checkout
    assert f".venv/bin/pip install -e '.[{extra}]'" in message
    assert f"pip install 'glassnet[{extra}]'" in message  # an installed wheel
    assert isinstance(caught.value, ImportError) and isinstance(caught.value, GlassnetError)


def test_an_installed_extra_is_simply_imported():
    assert require_extra("sklearn") is importlib.import_module("sklearn")


def test_the_estimator_without_scikit_learn_says_how_to_install_it(monkeypatch):
    hide(monkeypatch, "sklearn", reimport=("glassnet.estimator",))
    import glassnet

    # Forget a cached lazy import (delattr would ask __getattr__, which imports it).
    monkeypatch.delitem(vars(glassnet), "GlassnetClassifier", raising=False)

    with pytest.raises(MissingExtraError, match=r"the scikit-learn estimator needs the 'sklearn'"):
        glassnet.GlassnetClassifier  # noqa: B018 - the lazy import is what is tested


def test_explore_without_the_web_extra_is_one_line_and_exit_1(monkeypatch):
    hide(monkeypatch, "uvicorn", reimport=("glassnet.web",))
    result = CliRunner().invoke(main, ["explore"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: the explorer needs the 'web' extra (uvicorn is not installed): "
        f"{install_hint('web')}"
    ]


def test_sweep_without_the_cluster_extra_is_one_line_and_exit_1(monkeypatch, tmp_path):
    hide(monkeypatch, "joblib")
    result = CliRunner().invoke(main, ["sweep", "--hidden", "8", "--seeds", "1", "--epochs", "1",
                                       "--db", str(tmp_path / "runs.db")])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        f"Error: sweeps need the 'cluster' extra (joblib is not installed): "
        f"{install_hint('cluster')}"
    ]


def test_the_port_probe_accepts_a_port_whose_connections_linger_in_time_wait():
    """Restarting the explorer on the same port within a minute works (SO_REUSEADDR)."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        port = server.getsockname()[1]
        server.listen()
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        accepted.close()  # the server side closes first: its end waits in TIME_WAIT
        client.close()
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # what the old probe did: "Address already in use"
    check_port_free("127.0.0.1", port)  # no error


def test_the_port_probe_still_refuses_a_port_in_use():
    import click

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with pytest.raises(click.ClickException, match="choose another port"):
            check_port_free("127.0.0.1", server.getsockname()[1])
