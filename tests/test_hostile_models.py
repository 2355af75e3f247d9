"""Hostile model files: the fuzzer of scripts/fuzz_models.py, a smaller run in the suite.

The full run (10 000 cases, in docs/reliability.md) is ``python scripts/fuzz_models.py``.
Here 550 cases, 50 of each mutation, must keep the same four promises: only
ModelFormatError, never different weights, never any code run, bounded memory.
"""

from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet.errors import ModelFormatError

pytestmark = pytest.mark.timeout(120)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz_models.py"


@pytest.fixture(scope="module")
def fuzz_models():
    spec = importlib.util.spec_from_file_location("fuzz_models", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_550_mutated_model_files_keep_every_promise(fuzz_models, tmp_path):
    lines: list[str] = []
    ok = fuzz_models.fuzz(cases=50 * len(fuzz_models.KINDS), seed=12345, keep=tmp_path / "bad",
                          max_rss_growth_mb=150.0, report=lines.append)
    report = "\n".join(lines)
    assert ok, report
    assert "exceptions other than ModelFormatError: 0" in report
    assert "files loaded with different weights: 0" in report
    assert "code executed (marker file created): 0" in report
    for kind in fuzz_models.KINDS:  # every mutation kind really ran
        assert any(line.startswith(f"{kind} ") and "   50  " in line for line in lines), kind


def test_the_pickle_payload_is_live_but_never_runs(fuzz_models, tmp_path):
    """The no-code check means something: unpickling the payload does create the marker."""
    marker = tmp_path / "pwned"
    payload = pickle.dumps(fuzz_models.Marker(str(marker)))
    pickle.loads(payload)  # noqa: S301 - our own bytes, on purpose
    assert marker.exists()
    marker.unlink()

    good = tmp_path / "good.npz"
    glassnet.save(glassnet.Network([64, 32, 10]), good)
    fuzzer = fuzz_models.Fuzzer(good.read_bytes(), b"{}", marker, np.random.default_rng(0))
    for case in range(30):
        path = tmp_path / f"pickle-{case}.npz"
        path.write_bytes(fuzzer.pickle())
        with pytest.raises(ModelFormatError):
            glassnet.load(path)
    assert not marker.exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(fuzz_models, tmp_path):
    good = tmp_path / "good.npz"
    glassnet.save(glassnet.Network([64, 32, 10]), good)
    fuzzer = fuzz_models.Fuzzer(good.read_bytes(), b"{}", tmp_path / "m", np.random.default_rng(0))
    bomb = tmp_path / "bomb.npz"
    bomb.write_bytes(fuzzer.bomb)
    assert bomb.stat().st_size < 2_000_000  # 200 MB of zeros, deflated
    before = fuzz_models.peak_rss_mb()
    with pytest.raises(ModelFormatError, match="declare 209,720,328 bytes in total"):
        glassnet.load(bomb)
    assert fuzz_models.peak_rss_mb() - before < 100  # never inflated to 200 MB


# ---------------------------------------------------------------------- text that is no text
def hand_built_model(path: Path, edit, *, escaped: bool = True) -> Path:
    """A model file built member by member, its metadata changed by ``edit(meta)`` and
    its checksum made to match, so that only the new rule can refuse it."""
    import io
    import json
    import zipfile

    from glassnet.store import modelfile

    source = path.with_name("source.npz")
    modelfile.save(glassnet.Network([64, 8, 3], classes=["cat", "dog", "emu"]), source)
    with np.load(source, allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
        arrays = [archive[name] for name in modelfile.array_names(2)]
    edit(meta)
    meta["sha256"] = modelfile.model_checksum(arrays, meta)
    # As a JSON escape ("\ud800" in the text) or as the code point itself in the array.
    text = json.dumps(meta, ensure_ascii=escaped)

    def npy(array: np.ndarray) -> bytes:
        buffer = io.BytesIO()
        np.save(buffer, array)
        return buffer.getvalue()

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta.npy", npy(np.array(text, dtype=f"<U{len(text)}")))
        for name, array in zip(modelfile.array_names(2), arrays, strict=True):
            archive.writestr(f"{name}.npy", npy(array))
    return path


@pytest.mark.parametrize("escaped", [True, False], ids=["json-escape", "code-point"])
def test_class_labels_that_are_not_unicode_text_are_refused(tmp_path, escaped):
    """A lone surrogate as a label once loaded, then broke `predict` and `export`."""
    from click.testing import CliRunner

    from glassnet.cli import main

    def surrogate_label(meta):
        meta["classes"][1] = "\ud800"

    path = hand_built_model(tmp_path / "surrogate.npz", surrogate_label, escaped=escaped)
    with pytest.raises(ModelFormatError, match=r"not valid Unicode at classes\[1\]"):
        glassnet.load(path)
    runner = CliRunner()
    for command in (["predict", str(path), ",".join(["0.5"] * 64)],
                    ["export", str(path), "--json", str(tmp_path / "out.json")]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines()[-1].startswith("Error: cannot load")


def test_text_that_is_not_unicode_anywhere_in_the_metadata_is_refused(tmp_path):
    def surrogate_in_training(meta):
        meta["training"] = {"notes": {"\udfff": "a key that is no text"}}

    path = hand_built_model(tmp_path / "key.npz", surrogate_in_training)
    with pytest.raises(ModelFormatError, match="not valid Unicode at a key in training.notes"):
        glassnet.load(path)
    with pytest.raises(ModelFormatError, match="not valid Unicode"):
        glassnet.store.modelfile.read_metadata(path)


def test_a_json_export_with_a_surrogate_label_is_refused(tmp_path):
    import json

    network = glassnet.Network([64, 8, 3], classes=["cat", "dog", "emu"])
    exported = glassnet.store.modelfile.export_json(network, tmp_path / "model.json")
    document = json.loads(exported.read_text())
    document["classes"][0] = "\ud800"
    exported.write_text(json.dumps(document))  # ASCII, with the escape \ud800
    with pytest.raises(ModelFormatError, match=r"not valid Unicode at classes\[0\]"):
        glassnet.store.modelfile.load_json(exported)
