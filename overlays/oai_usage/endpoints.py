"""Internal: the endpoint registry, one of the two modules that know the generated package (with `schema`).

Written by hand per endpoint: its method name, generated module and bucket model, the `object` value of its
results, which limits table applies, and its page style. Everything else is read from the generated code
(which follows openapi.yaml): the path and the parameters from the endpoint module's `_get_kwargs` signature,
the allowed `bucket_width`, `group_by` and filter values from its `Literal` types, the result model from the
bucket's type hints. tests/overlay/test_endpoints.py checks all of it, limits included, against openapi.yaml.

The rest of the library reaches the generated code only through this interface:

* `Endpoint.params` (what a query may say), `Endpoint.request(params, cursor)` (the request for one page: the
  only call of the generator's private `_get_kwargs`), `Endpoint.bucket`/`Endpoint.result` (the models, whose
  fields `schema.fields_of` reads);
* `Endpoint.page_style`: how pages chain (see `PageStyle`).

The Admin reads have their own small registry at the end: `LISTS` (projects, users, keys, service accounts,
alerts; `ListEndpoint`, paged by `LIST_PAGES`: `after`/`last_id`/`has_more`, driven by `list_pages.ListPageLoop`)
and the two spend limits (`SpendLimitEndpoint`). Operations neither registry lists (the retrieve-by-id reads) are
ignored. Not part of the public API: `oai_usage.endpoint_info` is the public view.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import oai_usage_api.models as generated_models
from oai_usage_api.api.admin import (
    get_organization_spend_limit,
    get_project_spend_limit,
    list_admin_api_keys,
    list_organization_spend_alerts,
    list_project_api_keys,
    list_project_service_accounts,
    list_project_spend_alerts,
    list_project_users,
    list_projects,
    list_users,
)
from oai_usage_api.api.usage import (
    usage_audio_speeches,
    usage_audio_transcriptions,
    usage_code_interpreter_sessions,
    usage_completions,
    usage_costs,
    usage_decisions,
    usage_embeddings,
    usage_file_search_calls,
    usage_images,
    usage_moderations,
    usage_vector_stores,
    usage_web_search_calls,
)
from oai_usage_api.models import (
    CostsBucket,
    UsageAudioSpeechesBucket,
    UsageAudioTranscriptionsBucket,
    UsageCodeInterpreterSessionsBucket,
    UsageCompletionsBucket,
    UsageDecisionsBucket,
    UsageEmbeddingsBucket,
    UsageFileSearchCallsBucket,
    UsageImagesBucket,
    UsageModerationsBucket,
    UsageVectorStoresBucket,
    UsageWebSearchCallsBucket,
)
from oai_usage_api.types import Unset

from .errors import ValidationError
from .transport import RequestSpec

__all__ = [
    "BUCKET_PAGES",
    "COSTS_LIMITS",
    "ENDPOINTS",
    "KNOWN_RESULT_OBJECTS",
    "LISTS",
    "LIST_MAX_LIMIT",
    "LIST_PAGES",
    "ORGANIZATION_SPEND_LIMIT",
    "PROJECT_SPEND_LIMIT",
    "SERVER_DEFAULT_WIDTH",
    "USAGE_LIMITS",
    "WIDTH_SECONDS",
    "BucketLimit",
    "Endpoint",
    "ListEndpoint",
    "PageStyle",
    "ParamKind",
    "ParamSpec",
    "SpendLimitEndpoint",
    "get_endpoint",
    "get_list",
]

B = TypeVar("B")

ParamKind = Literal["time", "width", "limit", "cursor", "strings", "enums", "bool", "path"]


@dataclass(frozen=True)
class BucketLimit:
    """Buckets per page for one bucket width: what the server uses by default and the most it accepts."""

    default: int
    maximum: int


# The one hand-written copy of the `x-bucket-limits` tables in openapi.yaml (tested against it).
USAGE_LIMITS: Mapping[str, BucketLimit] = {
    "1d": BucketLimit(default=7, maximum=31),
    "1h": BucketLimit(default=24, maximum=168),
    "1m": BucketLimit(default=60, maximum=1440),
}
COSTS_LIMITS: Mapping[str, BucketLimit] = {"1d": BucketLimit(default=7, maximum=180)}

# What the server uses when `bucket_width` is omitted (openapi.yaml says so in the parameter descriptions).
SERVER_DEFAULT_WIDTH = "1d"
WIDTH_SECONDS: Mapping[str, int] = {"1m": 60, "1h": 3600, "1d": 86400}


@dataclass(frozen=True)
class PageStyle:
    """How an endpoint's pages chain: which query parameter carries the cursor, which page field gives the next.

    The Usage and Costs endpoints page by time buckets (`BUCKET_PAGES`): send `page=<cursor>`, read the next
    cursor from `next_page`, stop when `has_more` is false; `pagination.PageLoop` also checks that the buckets
    tile the range. The Admin lists (projects, users, keys: `after`/`last_id`/`has_more`) use `LIST_PAGES`,
    `PageStyle("list", cursor_param="after", next_cursor_field="last_id", buckets=False)`: `ListEndpoint.request`
    puts the cursor under `after`, `list_pages.ListPageLoop` reads the next one from `last_id` with the
    cursor-repeat and page-cap guards and no bucket checks. The time-window planning (`windows`) applies to bucket
    styles only.
    """

    name: str
    cursor_param: str  # the query parameter that carries the cursor
    next_cursor_field: str  # the page field holding the cursor of the next page
    buckets: bool = True  # pages hold time buckets that must tile the asked range


BUCKET_PAGES = PageStyle("buckets", cursor_param="page", next_cursor_field="next_page")
LIST_PAGES = PageStyle("list", cursor_param="after", next_cursor_field="last_id", buckets=False)
LIST_MAX_LIMIT = 100  # the Admin lists' documented `limit` range is 1..100


@dataclass(frozen=True)
class ParamSpec:
    """One query parameter of an endpoint, as the generated `_get_kwargs` declares it."""

    name: str
    kind: ParamKind
    required: bool
    allowed: tuple[str, ...] = ()  # for "width" and "enums": the values the spec allows


def _arm(name: str, hint: Any) -> Any:
    """The one type a generated parameter takes besides the generator's `Unset` marker."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    arms = [arm for arm in (typing.get_args(hint) if union else (hint,)) if arm is not Unset]
    if len(arms) != 1:
        raise TypeError(f"unexpected type for parameter {name}: {hint!r}")
    return arms[0]


def _read_params(
    module: types.ModuleType, kind_of: Callable[[str, Any], tuple[ParamKind, tuple[str, ...]]]
) -> dict[str, ParamSpec]:
    """The generated `_get_kwargs` signature as ParamSpecs, in its order (the spec's): required when it has no
    default, its kind and allowed values from `kind_of(name, the parameter's type)`."""
    hints = typing.get_type_hints(module._get_kwargs)
    hints.pop("return", None)
    signature = inspect.signature(module._get_kwargs)
    specs: dict[str, ParamSpec] = {}
    for name, parameter in signature.parameters.items():
        kind, allowed = kind_of(name, _arm(name, hints[name]))
        specs[name] = ParamSpec(name, kind, parameter.default is inspect.Parameter.empty, allowed)
    return specs


def _request(module: types.ModuleType, style: PageStyle, params: Mapping[str, Any], cursor: str | None) -> RequestSpec:
    """One page's request, encoded by the generated `_get_kwargs`: the checked `params` and the cursor, if any."""
    arguments = dict(params)
    if cursor is not None:
        arguments[style.cursor_param] = cursor
    kwargs: Mapping[str, Any] = module._get_kwargs(**arguments)
    return RequestSpec(method=str(kwargs["method"]).upper(), path=str(kwargs["url"]), params=dict(kwargs["params"]))


def _param_kind(name: str, arm: Any, style: PageStyle) -> tuple[ParamKind, tuple[str, ...]]:
    if name in ("start_time", "end_time") and arm is int:
        return "time", ()
    if name == "limit" and arm is int:
        return "limit", ()
    if name == style.cursor_param and arm is str:
        return "cursor", ()
    if name == "bucket_width" and typing.get_origin(arm) is Literal:
        return "width", tuple(typing.get_args(arm))
    if arm is bool:
        return "bool", ()
    if typing.get_origin(arm) is list:
        (item,) = typing.get_args(arm)
        if item is str:
            return "strings", ()
        if typing.get_origin(item) is Literal:
            return "enums", tuple(typing.get_args(item))
    raise TypeError(f"unexpected type for parameter {name}: {arm!r}")


@dataclass(frozen=True)
class Endpoint(Generic[B]):
    """One GET endpoint of the Usage or Costs API."""

    name: str
    module: types.ModuleType
    bucket: type[B]
    result_object: str
    limits: Mapping[str, BucketLimit]
    page_style: PageStyle = BUCKET_PAGES

    @functools.cached_property
    def params(self) -> Mapping[str, ParamSpec]:
        """Every query parameter, in the generated signature's order (which is the spec's order)."""
        return _read_params(self.module, lambda name, arm: _param_kind(name, arm, self.page_style))

    @functools.cached_property
    def path(self) -> str:
        return self.request({"start_time": 0}, None).path

    def request(self, params: Mapping[str, Any], cursor: str | None) -> RequestSpec:
        """The request for one page: checked API `params` (see `validation.ValidQuery.params`) and the cursor of
        the page to fetch (None for the first), encoded as the generated code encodes them."""
        return _request(self.module, self.page_style, params, cursor)

    @functools.cached_property
    def result(self) -> type[Any]:
        """The generated result model, read from the bucket's `results: list[...]` hint."""
        hints = typing.get_type_hints(self.bucket, localns=vars(generated_models))
        (item,) = typing.get_args(hints["results"])
        result: type[Any] = item
        return result

    @property
    def bucket_widths(self) -> tuple[str, ...]:
        return self.params["bucket_width"].allowed

    @property
    def group_by(self) -> tuple[str, ...]:
        return self.params["group_by"].allowed

    @property
    def filters(self) -> Mapping[str, ParamSpec]:
        """The list and boolean filters (everything but range, width, limit, cursor and group_by)."""
        return {n: p for n, p in self.params.items() if p.kind in ("strings", "enums", "bool") and n != "group_by"}

    def __repr__(self) -> str:
        return f"Endpoint({self.name!r}, {self.path!r})"


COMPLETIONS = Endpoint(
    "completions", usage_completions, UsageCompletionsBucket, "organization.usage.completions.result", USAGE_LIMITS
)
EMBEDDINGS = Endpoint(
    "embeddings", usage_embeddings, UsageEmbeddingsBucket, "organization.usage.embeddings.result", USAGE_LIMITS
)
MODERATIONS = Endpoint(
    "moderations", usage_moderations, UsageModerationsBucket, "organization.usage.moderations.result", USAGE_LIMITS
)
IMAGES = Endpoint("images", usage_images, UsageImagesBucket, "organization.usage.images.result", USAGE_LIMITS)
AUDIO_SPEECHES = Endpoint(
    "audio_speeches",
    usage_audio_speeches,
    UsageAudioSpeechesBucket,
    "organization.usage.audio_speeches.result",
    USAGE_LIMITS,
)
AUDIO_TRANSCRIPTIONS = Endpoint(
    "audio_transcriptions",
    usage_audio_transcriptions,
    UsageAudioTranscriptionsBucket,
    "organization.usage.audio_transcriptions.result",
    USAGE_LIMITS,
)
VECTOR_STORES = Endpoint(
    "vector_stores",
    usage_vector_stores,
    UsageVectorStoresBucket,
    "organization.usage.vector_stores.result",
    USAGE_LIMITS,
)
CODE_INTERPRETER_SESSIONS = Endpoint(
    "code_interpreter_sessions",
    usage_code_interpreter_sessions,
    UsageCodeInterpreterSessionsBucket,
    "organization.usage.code_interpreter_sessions.result",
    USAGE_LIMITS,
)
# The two tool-call endpoints name their results after the tool, not the path.
FILE_SEARCH_CALLS = Endpoint(
    "file_search_calls",
    usage_file_search_calls,
    UsageFileSearchCallsBucket,
    "organization.usage.file_searches.result",
    USAGE_LIMITS,
)
WEB_SEARCH_CALLS = Endpoint(
    "web_search_calls",
    usage_web_search_calls,
    UsageWebSearchCallsBucket,
    "organization.usage.web_searches.result",
    USAGE_LIMITS,
)
DECISIONS = Endpoint(
    "decisions", usage_decisions, UsageDecisionsBucket, "organization.usage.decisions.result", USAGE_LIMITS
)
COSTS = Endpoint("costs", usage_costs, CostsBucket, "organization.costs.result", COSTS_LIMITS)

ENDPOINTS: Mapping[str, Endpoint[Any]] = {
    ep.name: ep
    for ep in (
        COMPLETIONS,
        EMBEDDINGS,
        MODERATIONS,
        IMAGES,
        AUDIO_SPEECHES,
        AUDIO_TRANSCRIPTIONS,
        VECTOR_STORES,
        CODE_INTERPRETER_SESSIONS,
        FILE_SEARCH_CALLS,
        WEB_SEARCH_CALLS,
        DECISIONS,
        COSTS,
    )
}

# Every result `object` value this version knows, mapped to its endpoint (for clearer unknown-kind reports).
KNOWN_RESULT_OBJECTS: Mapping[str, str] = {ep.result_object: ep.name for ep in ENDPOINTS.values()}


def get_endpoint(name: str) -> Endpoint[Any]:
    """The endpoint called `name` (its method name, e.g. "completions"); ValidationError otherwise."""
    try:
        return ENDPOINTS[name]
    except (KeyError, TypeError):
        raise ValidationError(f"unknown endpoint {name!r}; allowed: {', '.join(ENDPOINTS)}", param="endpoint") from None


# --- The Admin read lists (after/last_id/has_more) and the spend limits -------------------------------------------


def _list_param_kind(name: str, arm: Any) -> tuple[ParamKind, tuple[str, ...]]:
    if name == "limit" and arm is int:
        return "limit", ()
    if name in (LIST_PAGES.cursor_param, "before") and arm is str:
        return "cursor", ()
    if arm is bool:
        return "bool", ()
    if typing.get_origin(arm) is Literal:
        return "enums", tuple(typing.get_args(arm))
    if typing.get_origin(arm) is list and typing.get_args(arm) == (str,):
        return "strings", ()
    if arm is str:
        return "path", ()
    raise TypeError(f"unexpected type for parameter {name}: {arm!r}")


@dataclass(frozen=True)
class ListEndpoint:
    """One Admin list (projects, users, keys, ...): paged with `after`, the next cursor in `last_id`."""

    name: str
    module: types.ModuleType
    item_object: str
    page_style: PageStyle = LIST_PAGES
    max_limit: int = LIST_MAX_LIMIT

    @functools.cached_property
    def params(self) -> Mapping[str, ParamSpec]:
        """Every parameter of the generated signature: path parameters (kind "path") first, as the spec orders."""
        return _read_params(self.module, _list_param_kind)

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(n for n, p in self.params.items() if p.kind == "path")

    def request(self, params: Mapping[str, Any], cursor: str | None) -> RequestSpec:
        """The request for one page of checked `params` (path parameters included), after `cursor` if given."""
        return _request(self.module, self.page_style, params, cursor)

    def __repr__(self) -> str:
        return f"ListEndpoint({self.name!r})"


@dataclass(frozen=True)
class SpendLimitEndpoint:
    """The organization's or a project's spend limit: one object, integer cents on the wire."""

    name: str
    module: types.ModuleType

    def request(self, project_id: str | None) -> RequestSpec:
        kwargs: Mapping[str, Any] = (
            self.module._get_kwargs() if project_id is None else self.module._get_kwargs(project_id)
        )
        return RequestSpec(method=str(kwargs["method"]).upper(), path=str(kwargs["url"]), params={})


LISTS: Mapping[str, ListEndpoint] = {
    lst.name: lst
    for lst in (
        ListEndpoint("projects", list_projects, "organization.project"),
        ListEndpoint("users", list_users, "organization.user"),
        ListEndpoint("project_api_keys", list_project_api_keys, "organization.project.api_key"),
        ListEndpoint("project_service_accounts", list_project_service_accounts, "organization.project.service_account"),
        ListEndpoint("project_users", list_project_users, "organization.project.user"),
        ListEndpoint("admin_api_keys", list_admin_api_keys, "organization.admin_api_key"),
        ListEndpoint("spend_alerts", list_organization_spend_alerts, "organization.spend_alert"),
        ListEndpoint("project_spend_alerts", list_project_spend_alerts, "project.spend_alert"),
    )
}
ORGANIZATION_SPEND_LIMIT = SpendLimitEndpoint("spend_limit", get_organization_spend_limit)
PROJECT_SPEND_LIMIT = SpendLimitEndpoint("project_spend_limit", get_project_spend_limit)


def get_list(name: str) -> ListEndpoint:
    """The Admin list called `name` (e.g. "projects"); ValidationError otherwise."""
    try:
        return LISTS[name]
    except (KeyError, TypeError):
        raise ValidationError(f"unknown list {name!r}; allowed: {', '.join(LISTS)}", param="list") from None
