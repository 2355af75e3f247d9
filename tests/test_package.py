"""The package (glassnet/__init__.py): public names that load lazily, and all still work."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import glassnet


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_glassnet_imports_none_of_its_modules_and_no_numpy():
    loaded = run_python(
        "import sys, glassnet\n"
        "print(sorted(name for name in sys.modules\n"
        "             if name.startswith('glassnet') or name.split('.')[0] == 'numpy'))\n"
    )
    assert loaded.strip() == "['glassnet']"


@pytest.mark.parametrize("name", glassnet.__all__)
def test_every_public_name_resolves_to_what_its_module_defines(name):
    value = getattr(glassnet, name)
    namespace: dict[str, object] = {}
    exec(f"from glassnet import {name}", namespace)
    assert namespace[name] is value
    if name not in ("__version__", "load"):
        module = importlib.import_module(f"glassnet.{glassnet._LAZY_NAMES[name]}")
        assert getattr(module, name) is value


def test_the_lazy_table_holds_exactly_the_public_names():
    assert set(glassnet._LAZY_NAMES) | {"__version__", "load"} == set(glassnet.__all__)


def test_type_checkers_see_the_same_names_where_they_live():
    """The ``if TYPE_CHECKING:`` imports (what editors read) match the lazy table."""
    tree = ast.parse(Path(glassnet.__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body
                 if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING")
    seen: dict[str, str] = {}
    for statement in block.body:
        assert isinstance(statement, ast.ImportFrom) and statement.level == 1
        seen.update({alias.name: statement.module for alias in statement.names})
    assert seen == glassnet._LAZY_NAMES


def test_dir_lists_every_public_name_before_it_is_used():
    listed = run_python("import glassnet\nprint(' '.join(dir(glassnet)))").split()
    assert set(glassnet.__all__) <= set(listed)
    assert set(glassnet.__all__) <= set(dir(glassnet))


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        glassnet.no_such_thing  # noqa: B018
    assert not hasattr(glassnet, "no_such_thing")


def test_gradcheck_is_the_function_after_its_module_is_imported():
    """The module lives in glassnet.core, so importing it never hides the function."""
    output = run_python(
        "import glassnet, glassnet.core.optimizers, glassnet.core.gradcheck\n"
        "print(glassnet.gradcheck.__module__, glassnet.gradcheck.__name__)\n"
        "from glassnet import gradcheck\n"
        "print(gradcheck is glassnet.core.gradcheck.gradcheck)\n"
    )
    assert output.split() == ["glassnet.core.gradcheck", "gradcheck", "True"]
