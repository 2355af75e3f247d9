"""docs/how-it-works.md names the code behind each idea; every name must exist.

The page maps the article's ideas to ``file.py: Name.attribute`` references. A
renamed or moved function would leave the page pointing at nothing, and a student
reading it beside the code would be lost, so each reference is looked up here.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "how-it-works.md"
#: `core/network.py: Network.backward` or `core/speed.py: row_max, row_sum`
REFERENCE = re.compile(r"`([a-z_/]+)\.py: ([^`]+)`")


def references() -> list[tuple[str, str]]:
    found = []
    for path, names in REFERENCE.findall(DOC.read_text(encoding="utf-8")):
        module = "glassnet." + path.replace("/", ".").removesuffix(".__init__")
        for name in re.sub(r"\(.*?\)", "", names).split(","):  # drop "(args)"
            found.append((module, name.strip()))
    return sorted(set(found))


def test_the_page_names_code_at_all():
    assert len(references()) > 40


@pytest.mark.parametrize(("module", "name"), references())
def test_every_named_function_exists(module, name):
    target = importlib.import_module(module)
    for part in name.split("."):
        assert hasattr(target, part), f"docs/how-it-works.md names {module}: {name}"
        target = getattr(target, part)
