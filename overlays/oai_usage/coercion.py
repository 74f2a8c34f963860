"""Internal: the value coercions decoding shares (numbers sent as strings, booleans as text, short reprs).

A leaf module (it imports only `errors`, `redaction` and `schema`), so the typed decoder (`decode`), the compiled
readers (`readers`) and the tests' reference oracle all use one copy without importing each other.
Not part of the public API: import from `oai_usage` instead.
"""

from __future__ import annotations

import math

from .errors import DecodeError
from .redaction import redact_secrets
from .schema import FieldSpec

__all__ = ["coerce", "short", "to_bool", "to_float", "to_int"]

_WHAT = {"int": "an integer", "float": "a number", "bool": "true or false", "str": "a string"}


def short(value: object, limit: int = 80) -> str:
    """repr(value), cut to `limit` characters: a whole list of buckets does not belong in an error message.

    Secrets are masked before the cut, so a cut never leaves part of an echoed key behind."""
    try:
        text = redact_secrets(repr(value))
    except RecursionError:
        text = f"<{type(value).__name__} nested too deeply>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def to_int(value: object) -> int | None:
    """`value` as an int (integral floats and numeric strings included), or None when it is not one."""
    if type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            number = to_float(text)
            return int(number) if number is not None and number.is_integer() else None
    return None


def to_float(value: object) -> float | None:
    """`value` as a finite float (numeric strings included, booleans not), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def to_bool(value: object) -> bool | None:
    """`value` as a bool ("true"/"false" in any case included), or None when it is not one."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def coerce(spec: FieldSpec, value: object, where: str, name: str) -> object:
    """A present, non-null scalar `value` of field `spec` in its declared type; DecodeError when it cannot be.

    Nested objects (kind "model") and anything undeclared pass through unchanged: their readers handle them."""
    converted: object
    if spec.kind == "int":
        converted = to_int(value)
    elif spec.kind == "float":
        converted = to_float(value)
    elif spec.kind == "bool":
        converted = to_bool(value)
    elif spec.kind == "str":
        converted = value if isinstance(value, str) else None
    elif spec.kind == "const":
        if value not in spec.values:
            raise DecodeError(
                f"{where}: field {name!r} should be {' or '.join(map(repr, spec.values))}, got {short(value)}",
                field=name,
            )
        return value
    else:
        return value
    if converted is None:
        raise DecodeError(f"{where}: field {name!r} should be {_WHAT[spec.kind]}, got {short(value)}", field=name)
    return converted
