"""Internal: what each endpoint accepts and returns, as plain public values (`oai_usage.endpoint_info`).

Read from the registry (and so from openapi.yaml): tools such as the CLI build their options and tables from
this instead of reaching into the registry. Import it from `oai_usage`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .endpoints import ENDPOINTS, get_endpoint
from .rows import columns

__all__ = ["ENDPOINT_NAMES", "EndpointInfo", "endpoint_info"]

ENDPOINT_NAMES: tuple[str, ...] = tuple(ENDPOINTS)
"""Every endpoint's method name, in the registry's order (the usage endpoints, then "costs")."""


@dataclass(frozen=True)
class EndpointInfo:
    """One endpoint: its method name and path, the bucket widths and `group_by` values it allows, its filters
    (name -> allowed values, `()` for free-form IDs; boolean filters apart) and the columns of its rows."""

    name: str
    path: str
    bucket_widths: tuple[str, ...]
    group_by: tuple[str, ...]
    list_filters: Mapping[str, tuple[str, ...]]
    bool_filters: tuple[str, ...]
    columns: tuple[str, ...]


def endpoint_info(name: str) -> EndpointInfo:
    """What endpoint `name` accepts and returns; ValidationError (naming the allowed ones) for an unknown name."""
    endpoint = get_endpoint(name)
    filters = endpoint.filters
    return EndpointInfo(
        name=endpoint.name,
        path=endpoint.path,
        bucket_widths=endpoint.bucket_widths,
        group_by=endpoint.group_by,
        list_filters=MappingProxyType({n: p.allowed for n, p in filters.items() if p.kind != "bool"}),
        bool_filters=tuple(n for n, p in filters.items() if p.kind == "bool"),
        columns=columns(endpoint),
    )
