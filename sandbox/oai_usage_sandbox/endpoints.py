"""The twelve endpoints: path, result `object`, dimensions, filters and how counters derive from generated base sums."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

Scalar = str | bool | None

USAGE_DIMS = ("project_id", "user_id", "api_key_id", "model")
COMPLETION_BASE = (
    "num_model_requests",
    "input_text_tokens",
    "input_cached_text_tokens",
    "input_audio_tokens",
    "input_cached_audio_tokens",
    "input_image_tokens",
    "input_cached_image_tokens",
    "input_cache_write_30m_tokens",
    "input_cache_write_12h_tokens",
    "output_text_tokens",
    "output_audio_tokens",
    "output_image_tokens",
)
IMAGE_SOURCES = ("image.generation", "image.edit", "image.variation")
IMAGE_SIZES = ("256x256", "512x512", "1024x1024", "1792x1792", "1024x1792", "1792x1024")
CONTEXT_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Filter:
    """A filter query parameter: which dimension it selects on and what values it accepts (None = any string)."""

    param: str
    dim: str
    kind: str = "list"  # "list" (array of strings) or "bool"
    allowed: tuple[str, ...] | None = None
    split: bool = True
    """Whether `k=a,b` means two values. False for values that contain commas themselves (cost line items)."""


def _completions(b: Mapping[str, int]) -> dict[str, int]:
    cached = b["input_cached_text_tokens"] + b["input_cached_audio_tokens"] + b["input_cached_image_tokens"]
    writes = b["input_cache_write_30m_tokens"] + b["input_cache_write_12h_tokens"]
    uncached = b["input_text_tokens"] + b["input_audio_tokens"] + b["input_image_tokens"]
    out = b["output_text_tokens"] + b["output_audio_tokens"] + b["output_image_tokens"]
    return {
        "input_tokens": cached + writes + uncached,
        "output_tokens": out,
        "num_model_requests": b["num_model_requests"],
        "input_cached_tokens": cached,
        "input_cache_write_tokens": writes,
        "input_cache_write_30m_tokens": b["input_cache_write_30m_tokens"],
        "input_cache_write_12h_tokens": b["input_cache_write_12h_tokens"],
        "input_uncached_tokens": uncached,
        "input_text_tokens": b["input_text_tokens"],
        "input_cached_text_tokens": b["input_cached_text_tokens"],
        "input_audio_tokens": b["input_audio_tokens"],
        "input_cached_audio_tokens": b["input_cached_audio_tokens"],
        "input_image_tokens": b["input_image_tokens"],
        "input_cached_image_tokens": b["input_cached_image_tokens"],
        "output_text_tokens": b["output_text_tokens"],
        "output_audio_tokens": b["output_audio_tokens"],
        "output_image_tokens": b["output_image_tokens"],
    }


def _same(b: Mapping[str, int]) -> dict[str, int]:
    return dict(b)


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of the contract, as the sandbox serves it."""

    name: str
    path: str
    object: str
    dims: tuple[str, ...]
    filters: tuple[Filter, ...]
    base: tuple[str, ...]
    derive: Callable[[Mapping[str, int]], dict[str, int]]
    widths: tuple[str, ...] = ("1m", "1h", "1d")

    @property
    def is_costs(self) -> bool:
        return self.name == "costs"


_P = Filter("project_ids", "project_id")
_U = Filter("user_ids", "user_id")
_K = Filter("api_key_ids", "api_key_id")
_M = Filter("models", "model")
_B = Filter("batch", "batch", kind="bool")


def _usage(
    name: str, dims: tuple[str, ...], filters: tuple[Filter, ...], base: tuple[str, ...], obj: str | None = None
) -> Endpoint:
    derive = _completions if base == COMPLETION_BASE else _same
    return Endpoint(
        name=name,
        path=f"/organization/usage/{name}",
        object=f"organization.usage.{obj or name}.result",
        dims=dims,
        filters=filters,
        base=base,
        derive=derive,
    )


_COMPLETION_DIMS = (*USAGE_DIMS, "batch", "service_tier", "api_source")

ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        _usage("completions", _COMPLETION_DIMS, (_P, _U, _K, _M, _B), COMPLETION_BASE),
        _usage("embeddings", USAGE_DIMS, (_P, _U, _K, _M), ("input_tokens", "num_model_requests")),
        _usage("moderations", USAGE_DIMS, (_P, _U, _K, _M), ("input_tokens", "num_model_requests")),
        _usage(
            "images",
            (*USAGE_DIMS, "size", "source"),
            (
                Filter("sources", "source", allowed=IMAGE_SOURCES),
                Filter("sizes", "size", allowed=IMAGE_SIZES),
                _P,
                _U,
                _K,
                _M,
            ),
            ("images", "num_model_requests"),
        ),
        _usage("audio_speeches", USAGE_DIMS, (_P, _U, _K, _M), ("characters", "num_model_requests")),
        _usage("audio_transcriptions", USAGE_DIMS, (_P, _U, _K, _M), ("seconds", "num_model_requests")),
        _usage("vector_stores", ("project_id",), (_P,), ("usage_bytes",)),
        _usage("code_interpreter_sessions", ("project_id",), (_P,), ("num_sessions",)),
        _usage(
            "file_search_calls",
            ("project_id", "user_id", "api_key_id", "vector_store_id"),
            (_P, _U, _K, Filter("vector_store_ids", "vector_store_id")),
            ("num_requests",),
            obj="file_searches",
        ),
        _usage(
            "web_search_calls",
            (*USAGE_DIMS, "context_level", "api_source"),
            (_P, _U, _K, _M, Filter("context_levels", "context_level", allowed=CONTEXT_LEVELS)),
            ("num_model_requests", "num_requests"),
            obj="web_searches",
        ),
        _usage("decisions", _COMPLETION_DIMS, (_P, _U, _K, _M, _B), COMPLETION_BASE),
        Endpoint(
            name="costs",
            path="/organization/costs",
            object="organization.costs.result",
            dims=("project_id", "user_id", "line_item", "api_key_id", "api_source"),
            filters=(_P, _K, Filter("line_items", "line_item", split=False)),
            base=("amount_pico", "quantity"),
            derive=_same,
            widths=("1d",),
        ),
    )
}

BY_PATH: dict[str, Endpoint] = {e.path: e for e in ENDPOINTS.values()}

WIDTH_SECONDS: dict[str, int] = {"1m": 60, "1h": 3600, "1d": 86400}

# Mirrors `x-bucket-limits` of the UsageLimit and CostsLimit parameters in openapi.yaml; tests/sandbox checks they agree
# (the spec is not shipped inside the wheel, so it cannot be read at run time).
USAGE_LIMITS: dict[str, tuple[int, int]] = {"1d": (7, 31), "1h": (24, 168), "1m": (60, 1440)}
COSTS_LIMITS: dict[str, tuple[int, int]] = {"1d": (7, 180)}


def limits_for(endpoint: Endpoint) -> dict[str, tuple[int, int]]:
    """(default, maximum) buckets per page for each bucket width of an endpoint."""
    return COSTS_LIMITS if endpoint.is_costs else USAGE_LIMITS
