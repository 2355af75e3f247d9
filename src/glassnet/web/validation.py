"""Checking the JSON a browser sends, before any of it reaches the network.

Everything that arrives over HTTP is untrusted: a number may be a string, a list may
be ragged or a million long, a float may be NaN. Each helper here takes one field of
a decoded JSON object, checks its type, its shape and its range, and returns a plain
Python or NumPy value, or raises ``InvalidInput`` with a message that names the field
and says what was expected. The app turns ``InvalidInput`` (a ``ConfigError``, so a
``GlassnetError``) into a 422 response.

Booleans are refused where numbers are expected: JSON ``true`` is not the number 1.
"""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, shown

_MISSING: Any = object()

MAX_DEPTH = 32
"""The deepest nesting of lists and objects a body may have (a drawing needs 2)."""

MAX_INTEGER_DIGITS = 309
"""No whole number with more digits fits in a float (the largest is about 1.8e308)."""


class InvalidInput(ConfigError):
    """A request body field is missing, of the wrong type, shape or range (HTTP 422)."""


def decode_json_object(body: bytes) -> dict[str, Any]:
    """Decode a request body that must be one JSON object.

    This is the one place a number is read, so every number the checks below see
    is a finite float or a whole number that fits in one: NaN and Infinity (which
    Python's json accepts but JSON does not have) are refused, and so are numbers
    too big for a float (``1e999``, or 400 digits, which would make ``float()``
    overflow later). So is nesting deeper than ``MAX_DEPTH``.

    Raises
    ------
    InvalidInput
        If the body is empty, not UTF-8 JSON, not an object, nested too deeply, or
        holds NaN, Infinity or a number too big for a float.
    """
    if not body.strip():
        return {}
    if body.startswith(codecs.BOM_UTF8):
        raise InvalidInput("the body starts with a byte order mark; send JSON as plain UTF-8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the body is not UTF-8 text; send JSON as UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_one_each,
                           parse_int=_parse_int, parse_float=_parse_float)
    except InvalidInput:
        raise
    except ValueError as error:
        raise InvalidInput(f"the body is not valid JSON: {error}") from None
    except RecursionError:
        raise InvalidInput(_TOO_DEEP) from None
    if not isinstance(value, dict):
        raise InvalidInput(f"the body must be a JSON object, got {_json_kind(value)}")
    _check_depth(value)
    return value


def _json_kind(value: Any) -> str:
    """What JSON calls a decoded value's type: "an array", not Python's "list"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    kinds = {dict: "an object", list: "an array", str: "a string", int: "a number",
             float: "a number", type(None): "null"}
    return kinds.get(type(value), type(value).__name__)


_TOO_DEEP = f"the JSON is nested too deeply (at most {MAX_DEPTH} levels)"


def _one_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, refused if it names a key twice: which one was meant is anyone's guess."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise InvalidInput(f"the JSON gives {_show(key)} twice; give each field once")
        seen.add(key)
    return dict(pairs)


def _refuse_constant(name: str) -> float:
    raise InvalidInput(f"{name} is not a number JSON allows; send finite numbers only")


def _refuse_huge(text: str) -> None:
    spelled = text if len(text) <= 24 else f"{text[:12]}...{text[-8:]} ({len(text)} characters)"
    raise InvalidInput(f"the number {spelled} is too big for a float; send finite numbers only")


def _parse_int(text: str) -> int:
    # Checked before int(): Python refuses to read more than 4300 digits at all.
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        _refuse_huge(text)
    value = int(text)
    try:
        float(value)
    except OverflowError:
        _refuse_huge(text)
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _refuse_huge(text)
    return value


def _check_depth(value: Any) -> None:
    """Refuse lists and objects nested deeper than ``MAX_DEPTH`` (walked without recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > MAX_DEPTH:
            raise InvalidInput(_TOO_DEEP)
        pending.extend((child, depth + 1) for child in children
                       if isinstance(child, dict | list))


def reject_unknown(body: dict[str, Any], allowed: Iterable[str]) -> None:
    """Refuse fields the endpoint does not know (a typo should not be silently ignored)."""
    allowed = set(allowed)
    unknown = sorted(str(key) for key in body if key not in allowed)
    if unknown:
        named = ", ".join(shown(key, str) for key in unknown[:5])
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        raise InvalidInput(
            f"unknown field(s) {named}{more}; this endpoint takes: "
            f"{', '.join(sorted(allowed)) or 'nothing'}"
        )


def is_number(value: Any) -> bool:
    """True for JSON numbers (int or float), False for booleans and everything else."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def get_int(
    body: dict[str, Any], name: str, *, low: int, high: int, default: Any = _MISSING
) -> int:
    """A whole number in [low, high]; ``3.0`` is accepted as 3, ``3.5`` is not."""
    value = _get(body, name, default)
    if value is default and default is not _MISSING:
        return value
    if not is_number(value) or not math.isfinite(value) or int(value) != value:
        raise InvalidInput(f"{name} must be a whole number, got {_show(value)}")
    if not low <= int(value) <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}, got {_show(value)}")
    return int(value)


def get_number(
    body: dict[str, Any], name: str, *, low: float, high: float, default: Any = _MISSING
) -> float:
    """A finite number in [low, high]."""
    value = _get(body, name, default)
    if value is default and default is not _MISSING:
        return value
    if not is_number(value) or not math.isfinite(value):
        raise InvalidInput(f"{name} must be a finite number, got {_show(value)}")
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low:g} and {high:g}, got {value:g}")
    return float(value)


def get_choice(
    body: dict[str, Any], name: str, choices: Sequence[str], default: Any = _MISSING
) -> str:
    """One of the given names (the message lists them when it is not)."""
    value = _get(body, name, default)
    if value is default and default is not _MISSING:
        return value
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(f"{name} must be one of: {', '.join(choices)}; got {_show(value)}")
    return value


def get_bool(body: dict[str, Any], name: str, default: Any = _MISSING) -> bool:
    """JSON true or false."""
    value = _get(body, name, default)
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false, got {_show(value)}")
    return value


def get_int_list(
    body: dict[str, Any], name: str, *, max_length: int, low: int, high: int,
    default: Any = _MISSING,
) -> list[int]:
    """A list of whole numbers (possibly empty), each in [low, high]."""
    value = _get(body, name, default)
    if value is default and default is not _MISSING:
        return value
    if not isinstance(value, list) or len(value) > max_length:
        raise InvalidInput(f"{name} must be a list of at most {max_length} whole numbers")
    for item in value:
        if not is_number(item) or not math.isfinite(item) or int(item) != item:
            raise InvalidInput(f"{name} must hold whole numbers, got {_show(item)}")
        if not low <= item <= high:
            raise InvalidInput(
                f"each entry of {name} must be between {low} and {high}, got {_show(item)}")
    return [int(item) for item in value]


def get_vector(
    body: dict[str, Any], name: str, *, length: int, low: float, high: float,
    default: Any = _MISSING,
) -> NDArray[np.float64]:
    """Exactly ``length`` finite numbers, each in [low, high]: shape (length,)."""
    value = _get(body, name, default)
    if value is default and default is not _MISSING:
        return value
    if not isinstance(value, list) or len(value) != length:
        raise InvalidInput(f"{name} must be a list of exactly {length} numbers")
    return _checked_numbers(value, name, low, high)


def get_object(body: dict[str, Any], name: str, default: Any = _MISSING) -> dict[str, Any]:
    """A JSON object (a dict), for a field that holds other fields (checked by the caller)."""
    value = _get(body, name, default)
    if value is default and default is not _MISSING:
        return value
    if not isinstance(value, dict):
        raise InvalidInput(f"{name} must be an object, got {_show(value)}")
    return value


def get_checksum(body: dict[str, Any], name: str, default: Any = _MISSING) -> str:
    """A SHA-256 checksum written as 64 lowercase hex digits."""
    value = _get(body, name, default)
    if value is default and default is not _MISSING:
        return value
    if not (isinstance(value, str) and len(value) == 64
            and all(c in "0123456789abcdef" for c in value)):
        raise InvalidInput(f"{name} must be a SHA-256 checksum: 64 hex digits 0-9, a-f")
    return value


def get_matrix(
    body: dict[str, Any], name: str, *, max_rows: int, max_cols: int, low: float, high: float,
    min_rows: int = 1, min_cols: int = 1,
) -> NDArray[np.float64]:
    """A rectangular list of rows of finite numbers in [low, high]: shape (rows, cols)."""
    value = _get(body, name, _MISSING)
    if not isinstance(value, list) or not min_rows <= len(value) <= max_rows:
        raise InvalidInput(
            f"{name} must be a list of {min_rows} to {max_rows} rows (lists of numbers)"
        )
    width = len(value[0]) if isinstance(value[0], list) else -1
    if not min_cols <= width <= max_cols:
        raise InvalidInput(f"each row of {name} must hold {min_cols} to {max_cols} numbers")
    flat: list[Any] = []
    for row in value:
        if not isinstance(row, list) or len(row) != width:
            raise InvalidInput(f"{name} must be rectangular: every row needs {width} numbers")
        flat.extend(row)
    return _checked_numbers(flat, name, low, high).reshape(len(value), width)


def _checked_numbers(values: list[Any], name: str, low: float, high: float) -> NDArray[np.float64]:
    for item in values:
        if not is_number(item):
            raise InvalidInput(f"{name} must hold only numbers, got {_show(item)}")
    array = np.asarray(values, dtype=np.float64)
    if not np.isfinite(array).all():
        raise InvalidInput(f"{name} must hold finite numbers")
    if array.size and (array.min() < low or array.max() > high):
        raise InvalidInput(f"every number in {name} must be between {low:g} and {high:g}")
    return array


def _get(body: dict[str, Any], name: str, default: Any) -> Any:
    if name in body:
        return body[name]
    if default is _MISSING:
        raise InvalidInput(f"{name} is required")
    return default


def _show(value: Any) -> str:
    """A refused value as the page sent it: in JSON's spelling (``true``, ``null``), cut short."""
    return shown(value, _as_json)


def _as_json(value: Any) -> str:
    return repr(value) if isinstance(value, float) else json.dumps(value)


__all__ = [
    "InvalidInput",
    "decode_json_object",
    "reject_unknown",
    "is_number",
    "get_int",
    "get_number",
    "get_choice",
    "get_bool",
    "get_int_list",
    "get_vector",
    "get_matrix",
    "get_object",
    "get_checksum",
]
