"""Response shapes: `current` (every key of openapi.yaml) and `legacy` (the older shape real captures show).

The legacy shape reproduces what the only real captured responses we know of carry (the OpenAI cookbook notebook
`completions_usage_api.ipynb`, saved outputs of February 2025; see README, "Known differences from the live API"):

* completions (and decisions, which share its result) results: the counters `input_tokens`, `output_tokens`,
  `num_model_requests`, `input_cached_tokens`, `input_audio_tokens`, `output_audio_tokens` and the dimensions
  `project_id`, `user_id`, `api_key_id`, `model`, `batch`; no other token breakdown, no `service_tier`, no
  `api_source`;
* web search results: no `api_source` (as the official spec's example);
* costs results: `object`, `amount`, `line_item`, `project_id` and `organization_id`; no `api_key_id`, `user_id`,
  `api_source`, `quantity` or `quantity_unit`;
* Admin API keys: no `expires_at` (as 4 of the 5 official examples).

A `group_by` value whose key the legacy shape does not send is a 400, as an older server would refuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import SHAPE_NAMES
from .endpoints import Endpoint
from .errors import bad_param
from .rng import ident

__all__ = ["SHAPE_NAMES", "legacy_admin", "legacy_results", "organization_id", "refuse_legacy_group_by"]

_COMPLETIONS_KEYS = (
    "object", "input_tokens", "output_tokens", "num_model_requests", "project_id", "user_id", "api_key_id", "model",
    "batch", "input_cached_tokens", "input_audio_tokens", "output_audio_tokens",
)  # fmt: skip
_LEGACY_KEYS: Mapping[str, tuple[str, ...]] = {
    "completions": _COMPLETIONS_KEYS,
    "decisions": _COMPLETIONS_KEYS,
    "costs": ("object", "amount", "line_item", "project_id", "organization_id"),
}
_DROPPED: Mapping[str, frozenset[str]] = {"web_search_calls": frozenset({"api_source"})}
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def organization_id(seed: int) -> str:
    """The synthetic organization's id, `org-` and 24 letters and digits (stable per seed)."""
    return "org-" + "".join(_ALNUM[i] for i in ident(len(_ALNUM), 24, seed, 0x0A6))


def _sent(endpoint: Endpoint, key: str) -> bool:
    keep = _LEGACY_KEYS.get(endpoint.name)
    if keep is not None:
        return key in keep
    return key not in _DROPPED.get(endpoint.name, frozenset())


def refuse_legacy_group_by(endpoint: Endpoint, group_by: tuple[str, ...]) -> None:
    """A 400 for a dimension the legacy shape never sends (the older server did not offer it)."""
    for dim in group_by:
        if not _sent(endpoint, dim):
            raise bad_param("group_by", f"Invalid value for 'group_by': {dim!r}; expected any of "
                            f"{[d for d in endpoint.dims if _sent(endpoint, d)]}.")  # fmt: skip


def legacy_results(endpoint: Endpoint, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The result rows of one bucket in the legacy shape (the keys in the order the capture shows)."""
    keep = _LEGACY_KEYS.get(endpoint.name)
    if keep is not None:
        return [{key: row[key] for key in keep if key in row} for row in rows]
    dropped = _DROPPED.get(endpoint.name)
    if not dropped:
        return rows
    return [{key: value for key, value in row.items() if key not in dropped} for row in rows]


def legacy_admin(body: dict[str, Any]) -> dict[str, Any]:
    """An Admin answer in the legacy shape: Admin API keys without `expires_at`."""

    def strip(item: Any) -> Any:
        if isinstance(item, dict) and item.get("object") == "organization.admin_api_key":
            return {key: value for key, value in item.items() if key != "expires_at"}
        return item

    if isinstance(body.get("data"), list):
        return {**body, "data": [strip(item) for item in body["data"]]}
    stripped: dict[str, Any] = strip(body)
    return stripped
