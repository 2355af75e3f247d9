"""The optional parts of glassnet, and the one message for a part that is missing.

glassnet's core needs only NumPy (and click, tqdm, Pillow, matplotlib for its command
line). Three windows need more, installed as "extras":

- ``web``: the explorer (starlette, uvicorn);
- ``sklearn``: the scikit-learn estimator ``GlassnetClassifier``;
- ``cluster``: sweeps on local cores or a Dask cluster (joblib, dask.distributed).

``make run`` installs all three. When one is missing, the window that needs it
raises ``MissingExtraError`` from ``require_extra``, so that the message (how to
install it, in a source checkout or for an installed glassnet) is written once, here.
Standard library only.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import MissingExtraError

#: Each extra: who needs it (the start of the message), and the modules it brings.
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "web": ("the explorer needs", ("starlette", "uvicorn")),
    "sklearn": ("the scikit-learn estimator needs", ("sklearn",)),
    "cluster": ("sweeps need", ("joblib", "distributed")),
}


def install_hint(extra: str) -> str:
    """How to install ``extra``, in words that work wherever glassnet came from."""
    return (
        f"run `make run` in the glassnet source folder (or `.venv/bin/pip install -e "
        f"'.[{extra}]'` there), or `pip install 'glassnet[{extra}]'` for an installed glassnet"
    )


def require_extra(extra: str, module: str | None = None) -> ModuleType:
    """Import ``module`` (default: the extra's first module), or say how to install it.

    Parameters
    ----------
    extra : str
        A name in ``EXTRAS``: "web", "sklearn" or "cluster".
    module : str, optional
        The module to import; any module the extra brings.

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    MissingExtraError
        If the module (or one it needs) cannot be imported. It is also an
        ``ImportError``, so ``except ImportError`` keeps working.
    """
    who_needs, modules = EXTRAS[extra]
    name = module or modules[0]
    try:
        return importlib.import_module(name)
    except ImportError as error:
        missing = error.name or name
        raise MissingExtraError(
            f"{who_needs} the '{extra}' extra ({missing} is not installed): "
            f"{install_hint(extra)}",
            name=missing,
        ) from None


def require_all(extra: str) -> None:
    """Import every module ``extra`` brings (see ``require_extra``)."""
    for module in EXTRAS[extra][1]:
        require_extra(extra, module)


__all__ = ["EXTRAS", "install_hint", "require_extra", "require_all"]
