"""Turn streams into result rows: filter, count each stream over a bucket, sum per group_by key, shape as the spec."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .endpoints import Endpoint, Scalar
from .org import Org, Stream
from .pricing import PICO
from .traffic import DAY, Window, requests

Filters = Mapping[str, frozenset[Scalar]]


def select(streams: Iterable[Stream], filters: Filters) -> list[Stream]:
    """The streams whose dimension values pass every filter (a filter is a set of accepted values)."""
    return [s for s in streams if all(s.dim(dim) in allowed for dim, allowed in filters.items())]


def _sort_key(key: tuple[Scalar, ...]) -> tuple[tuple[int, str], ...]:
    return tuple((0, "") if v is None else (1, str(v)) for v in key)


def bucket_results(
    endpoint: Endpoint,
    org: Org,
    streams: list[Stream],
    window: Window,
    a: int,
    b: int,
    group_by: tuple[str, ...],
    spikes: Mapping[Scalar, tuple[tuple[int, int], ...]] | None = None,
) -> list[dict[str, Any]]:
    """Result rows of one bucket covering [a, b): one per distinct group key with any usage, none when idle.
    `spikes`: project id -> (UTC day, whole factor) whose requests are multiplied (`SandboxConfig.spikes`)."""
    sums: dict[tuple[Scalar, ...], list[int]] = {}
    counted: dict[int, int] = {}  # cost streams share their usage stream's rhythm: count each rhythm once
    for s in streams:
        n = counted.get(id(s.rhythm))
        if n is None:
            n = counted[id(s.rhythm)] = requests(s.rhythm, window, a, b) + _spiked(s, window, a, b, spikes)
        if n == 0:
            continue
        key = tuple(s.dim(d) if d in group_by else None for d in endpoint.dims)
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = [0] * len(endpoint.base)
        for i, per in enumerate(s.per_request):
            acc[i] += n * per
    rows = []
    for key in sorted(sums, key=_sort_key):
        base = dict(zip(endpoint.base, sums[key], strict=True))
        if endpoint.is_costs:
            rows.append(_cost_row(endpoint, org, key, base, "line_item" in group_by))
        else:
            row: dict[str, Any] = {"object": endpoint.object, **endpoint.derive(base)}
            row.update(zip(endpoint.dims, key, strict=True))
            rows.append(row)
    return rows


def _spiked(
    s: Stream, window: Window, a: int, b: int, spikes: Mapping[Scalar, tuple[tuple[int, int], ...]] | None
) -> int:
    """The requests a spike adds to stream `s` in [a, b): (factor - 1) x its own requests on the spiked day."""
    extra = 0
    for day, factor in (spikes or {}).get(s.dim("project_id"), ()):
        lo, hi = max(a, day * DAY), min(b, (day + 1) * DAY)
        if lo < hi:
            extra += (factor - 1) * requests(s.rhythm, window, lo, hi)
    return extra


def _cost_row(
    endpoint: Endpoint, org: Org, key: tuple[Scalar, ...], base: Mapping[str, int], by_item: bool
) -> dict[str, Any]:
    dims = dict(zip(endpoint.dims, key, strict=True))
    quantity: float | None = None
    unit: str | None = None
    if by_item:
        unit, divisor = org.line_item_units[str(dims["line_item"])]
        quantity = base["quantity"] / divisor
    return {
        "object": endpoint.object,
        "amount": {"value": base["amount_pico"] / PICO, "currency": "usd"},
        "line_item": dims["line_item"],
        "project_id": dims["project_id"],
        "api_key_id": dims["api_key_id"],
        "user_id": dims["user_id"],
        "api_source": dims["api_source"],
        "quantity": quantity,
        "quantity_unit": unit,
    }
