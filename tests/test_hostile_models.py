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
