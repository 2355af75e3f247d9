"""The tour notebook: committed clean, and executed top to bottom by a real Jupyter kernel.

The kernel runs this very interpreter (a kernelspec written to a temporary folder
points at ``sys.executable``), so it imports the glassnet under test, and it talks to
the test over loopback only. Under CI=true the notebook must run: a kernel that cannot
start is a failure there. Elsewhere that one case is skipped, with the reason.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from glassnet import tour

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "how-neural-networks-work.ipynb"
KERNEL_NAME = "glassnet-tour-test"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _cannot_run(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"the notebook must run under CI, but {reason}")
    pytest.skip(reason)


def _code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_notebook_is_committed_without_outputs_or_absolute_paths():
    text = NOTEBOOK.read_text(encoding="utf-8")
    notebook = json.loads(text)
    cells = _code_cells(notebook)
    assert cells
    for cell in cells:
        assert cell["outputs"] == [], "clear the outputs before committing"
        assert cell["execution_count"] is None
    assert not re.search(r"(/home/|/Users/|/tmp/|/work/|[A-Za-z]:\\\\)", text)


def test_notebook_holds_no_copy_of_the_tour_logic():
    """The notebook calls glassnet.tour; the teaching code lives only there."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in _code_cells(notebook)]
    code = "\n".join(sources)
    assert not re.search(r"^\s*(def|class) ", code, flags=re.MULTILINE)
    for call in ("import glassnet.train", "experiment.run", "Network("):
        assert call not in code
    called = set(re.findall(r"tour\.(step_\d_\w+)", code))
    assert called == {step.__name__ for step in tour.STEPS}
    assert any("%matplotlib inline" in source for source in sources)


@pytest.fixture
def kernel_manager(tmp_path):
    """A kernel manager for this interpreter's ipykernel, bound to 127.0.0.1."""
    try:
        import ipykernel  # noqa: F401
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError as error:
        _cannot_run(f"the Jupyter kernel packages are missing ({error})")
    spec_folder = tmp_path / "kernels" / KERNEL_NAME
    spec_folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "glassnet tour test",
        "language": "python",
        # Keep the kernel's IPython profile and matplotlib cache out of the home folder.
        "env": {"IPYTHONDIR": str(tmp_path / "ipython"), "MPLCONFIGDIR": str(tmp_path / "mpl")},
    }
    (spec_folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    assert specs.get_kernel_spec(KERNEL_NAME).argv[0] == sys.executable
    manager = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
    manager.ip = "127.0.0.1"
    manager.transport = "tcp"
    manager.connection_file = str(tmp_path / "connection.json")
    return manager


@pytest.mark.notebook
@pytest.mark.timeout(240)
def test_notebook_runs_top_to_bottom(kernel_manager, tmp_path):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbclient.util import run_sync

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        km=kernel_manager,
        timeout=120,
        startup_timeout=60,
        allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working folder
    )
    try:
        try:
            client.start_new_kernel()
            client.start_new_kernel_client()
        except Exception as error:  # any failure to start: no kernel here
            _cannot_run(f"the Jupyter kernel could not start: {type(error).__name__}: {error}")
        try:
            client.execute()
        except CellExecutionError as error:
            pytest.fail(f"a notebook cell failed:\n{error}")
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
        if kernel_manager.has_kernel:
            run_sync(kernel_manager.shutdown_kernel)(now=True)

    outputs = [output for cell in _code_cells(notebook) for output in cell["outputs"]]
    streams = [output for output in outputs if output["output_type"] == "stream"]
    text = "".join(output["text"] for output in streams)
    for number in range(1, 10):
        assert f"Step {number} of 9: " in text
    pictures = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(pictures) >= 9, "every step shows at least one picture inline"
    assert not any(output["output_type"] == "error" for output in outputs)
