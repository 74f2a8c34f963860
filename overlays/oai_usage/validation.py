"""Check a call's keyword arguments against the endpoint's rules before anything is sent.

The rules come from the registry (itself read from the generated code and tested against openapi.yaml).
Each failure is a `ValidationError` naming the parameter and what is allowed. `None` means "not given",
as in the official SDK. Internal module.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .endpoints import SERVER_DEFAULT_WIDTH, Endpoint, ParamSpec
from .errors import ValidationError
from .timeparse import iso, to_unix_seconds

_LIST_TYPES = (list, tuple, Set)
__all__ = ["ValidQuery", "check_bool", "validate"]

B = TypeVar("B")


@dataclass(frozen=True)
class ValidQuery(Generic[B]):
    """A checked query. Each value is held once: the range, width and limit as fields, everything else (group_by,
    filters) in `filters`; `params` derives the API parameters from them, so windows and resume change a field
    and nothing else."""

    endpoint: Endpoint[B]
    start_time: int
    end_time: int | None
    bucket_width: str  # the width in effect, given or the server's default
    limit: int  # the effective limit: given, or the largest the width allows
    filters: Mapping[str, Any]  # the other checked parameters, in the endpoint's order
    width_given: bool = False  # bucket_width was given (else the server's default applies and none is sent)

    @property
    def params(self) -> dict[str, Any]:
        """The API parameters of the first page (no cursor), in the spec's order of the range, width and limit."""
        params: dict[str, Any] = {"start_time": self.start_time}
        if self.end_time is not None:
            params["end_time"] = self.end_time
        if self.width_given:
            params["bucket_width"] = self.bucket_width
        params["limit"] = self.limit
        params.update(self.filters)
        return params


def _allowed(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def _check_names(endpoint: Endpoint[Any], given: Mapping[str, object]) -> None:
    accepted = [name for name, spec in endpoint.params.items() if spec.kind != "cursor"]
    for name in given:
        if name in accepted:
            continue
        if name == "page":
            raise ValidationError(
                "page is not accepted: the client follows next_page itself", param=name, endpoint=endpoint.name
            )
        close = difflib.get_close_matches(str(name), accepted, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValidationError(
            f"unknown parameter {name!r}{hint}; allowed: {_allowed(tuple(accepted))}",
            param=str(name),
            endpoint=endpoint.name,
        )


def _check_width(endpoint: Endpoint[Any], value: object) -> str:
    allowed = endpoint.bucket_widths
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(
            f"bucket_width {value!r} is not allowed; allowed: {_allowed(allowed)}",
            param="bucket_width",
            endpoint=endpoint.name,
        )
    return value


def _check_limit(endpoint: Endpoint[Any], value: object, width: str) -> int:
    maximum = endpoint.limits[width].maximum
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise ValidationError(
            f"limit {value!r} is not allowed with bucket_width {width}; allowed: 1 to {maximum}",
            param="limit",
            endpoint=endpoint.name,
        )
    return value


def check_bool(endpoint: str, name: str, value: object) -> bool:
    """`value` when it is a real bool (not 1 or "true"); a ValidationError naming the parameter otherwise."""
    if not isinstance(value, bool):
        raise ValidationError(
            f"{name} must be True or False; got {type(value).__name__} {value!r}", param=name, endpoint=endpoint
        )
    return value


def _check_list(endpoint: Endpoint[Any], spec: ParamSpec, value: object) -> list[str]:
    name = spec.name
    what = f"one or more of: {_allowed(spec.allowed)}" if spec.kind == "enums" else "non-empty strings"
    if isinstance(value, str) or not isinstance(value, _LIST_TYPES):
        raise ValidationError(
            f"{name} must be a list of {what}; got {type(value).__name__} {value!r}", param=name, endpoint=endpoint.name
        )
    items = list(value)
    if not items:
        # An empty filter would be dropped from the URL and so match everything: the opposite of what it says.
        raise ValidationError(
            f"{name} is empty; leave it out to include everything, or give {what}", param=name, endpoint=endpoint.name
        )
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(
                f"{name} items must be strings; got {type(item).__name__} {item!r}", param=name, endpoint=endpoint.name
            )
        if not item.strip():
            raise ValidationError(f"{name} items must not be empty; got {item!r}", param=name, endpoint=endpoint.name)
        if spec.kind == "enums" and item not in spec.allowed:
            verb = "is not supported by this endpoint" if name == "group_by" else "is not allowed"
            raise ValidationError(
                f"{name} value {item!r} {verb}; allowed: {_allowed(spec.allowed)}", param=name, endpoint=endpoint.name
            )
    return items


def validate(endpoint: Endpoint[B], given: Mapping[str, object]) -> ValidQuery[B]:
    """The checked query for `given` keyword arguments, or the first ValidationError found."""
    _check_names(endpoint, given)
    supplied = {name: value for name, value in given.items() if value is not None}
    if "start_time" not in supplied:
        raise ValidationError(
            "start_time is required (the start of the range, inclusive)", param="start_time", endpoint=endpoint.name
        )
    try:
        start = to_unix_seconds(supplied["start_time"], "start_time")
        end = to_unix_seconds(supplied["end_time"], "end_time") if "end_time" in supplied else None
    except ValidationError as exc:
        raise ValidationError(str(exc), param=exc.param, endpoint=endpoint.name) from None
    if end is not None and end <= start:
        raise ValidationError(
            f"end_time ({iso(end)}) must be after start_time ({iso(start)})", param="end_time", endpoint=endpoint.name
        )

    width = SERVER_DEFAULT_WIDTH
    if "bucket_width" in supplied:
        width = _check_width(endpoint, supplied["bucket_width"])
    # No limit given: the largest the width allows, for the fewest round trips.
    limit = _check_limit(endpoint, supplied["limit"], width) if "limit" in supplied else endpoint.limits[width].maximum
    filters: dict[str, Any] = {}
    for name, spec in endpoint.params.items():
        if name not in supplied or spec.kind in ("time", "width", "limit", "cursor"):
            continue
        value = supplied[name]
        if spec.kind == "bool":
            filters[name] = check_bool(endpoint.name, name, value)
        else:
            filters[name] = _check_list(endpoint, spec, value)
    return ValidQuery(
        endpoint=endpoint,
        start_time=start,
        end_time=end,
        bucket_width=width,
        limit=limit,
        filters=filters,
        width_given="bucket_width" in supplied,
    )
