"""The one rule for text read back from a file: it must be real Unicode text.

Python strings can hold things no file, terminal or web page can: *lone surrogates*,
the code points U+D800 to U+DFFF that UTF-16 uses in pairs and that mean nothing on
their own. JSON lets anyone write one (``"\\ud800"``), NumPy's unicode arrays can
store one, and a SQLite column of bytes that are not UTF-8 turns into them when it is
read with ``errors="surrogateescape"``. Nothing goes wrong while such a string sits
in memory; it fails later and far away, when ``click.echo`` prints a class label or
an export writes it as UTF-8 (``UnicodeEncodeError``). So every reader in
``glassnet.store`` (model files, checkpoints, the runs database) asks ``broken_text``
about what it read, and refuses it at once with its own typed error, naming where
the broken text is.

This module imports nothing but the standard library, so that the runs database,
which does not need NumPy, can use it too.
"""

from __future__ import annotations

from typing import Any

from ..errors import shown


def is_text(value: Any) -> bool:
    """True if ``value`` is a string that can be written as UTF-8 (no lone surrogates).

    >>> is_text("café"), is_text("\\ud800"), is_text(3)
    (True, False, False)
    """
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def broken_text(value: Any, where: str = "") -> str | None:
    """Where in a parsed JSON value the first string that is not valid text is, or None.

    Keys count as much as values: a dict key is printed as often as a value is.

    Parameters
    ----------
    value : Any
        What ``json.loads`` gave (dicts, lists, strings, numbers, booleans, None).
    where : str
        The name of ``value`` itself, to begin the answer with.

    Returns
    -------
    str or None
        A path such as ``classes[1]`` or ``training.settings.data`` (``where`` alone
        for ``value`` itself; ``"the text"`` if that is empty), or None if every
        string is valid.

    >>> broken_text({"classes": ["a", "\\ud800"]})
    'classes[1]'
    >>> broken_text({"x": [1, 2.5, None, True, {"y": "ok"}]}) is None
    True
    """
    # An explicit stack rather than recursion: a hostile document may nest deeply.
    pending: list[tuple[str, Any]] = [(where, value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if not is_text(item):
                return shown(path, str) or "the text"
        elif isinstance(item, dict):
            for key, inner in reversed(list(item.items())):
                inner_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not is_text(key):
                    return f"a key in {shown(path, str)}" if path else "a key"
                pending.append((inner_path, inner))
        elif isinstance(item, list | tuple):
            pending.extend((f"{path}[{index}]", inner)
                           for index, inner in reversed(list(enumerate(item))))
    return None


__all__ = ["broken_text", "is_text"]
