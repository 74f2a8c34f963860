"""oai_usage: a typed client for the OpenAI organization Usage and Costs APIs.

    from oai_usage import UsageClient
    with UsageClient() as client:                    # admin key from OPENAI_ADMIN_KEY
        q = client.completions(start_time="2026-11-01", end_time="2026-11-24",
                               bucket_width="1h", group_by=["model", "project_id"])
        for bucket in q: ...                         # every bucket of the range, all pages, in time order
        for row in q.rows(): ...                     # flat dicts, one per (bucket, result)

It wraps the generated `oai_usage_api` package (models and request encoding from openapi.yaml) and adds
what the generator cannot: auth from the environment, validation before any request, guarded
auto-pagination, retries with backoff, typed errors, and decoding that tolerates API drift.

The public API is what `__all__` lists, importable from `oai_usage` itself (plus `oai_usage.errors`,
`oai_usage.timeparse` and `oai_usage.clock`, whose `__all__` is public too). Every other module says "Internal"
in its docstring: its names may change in any release.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .alerts import (
        CheckSettings,
        Finding,
        LimitUse,
        NotifyState,
        SpendHistory,
        evaluate_rules,
        mask_key_like,
        unusual_days,
    )
    from .catalog import ENDPOINT_NAMES, EndpointInfo, endpoint_info
    from .client import AsyncUsageClient, UsageClient
    from .directory import ApiKeyInfo, Directory, ProjectInfo, UserInfo
    from .errors import (
        ADMIN_KEY_ENV,
        APIConnectionError,
        APIError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        DecodeError,
        MissingAdminKeyError,
        MissingDependencyError,
        NotFoundError,
        OaiUsageError,
        PaginationError,
        PermissionDeniedError,
        RateLimitError,
        ServerError,
        ValidationError,
    )
    from .limiter import one_job
    from .lists import AsyncListQuery, ListQuery, SpendLimit
    from .page import Page, UnknownResult
    from .query import AsyncQuery, Query
    from .redaction import redact_secrets
    from .resume import ResumePoint

# Public name -> the module that defines it. Imported on first use (PEP 562), so that `import oai_usage`
# (and the command line's --help) does not pay for httpx and the generated models until a client is made.
_LAZY = {
    "CheckSettings": "alerts",
    "Finding": "alerts",
    "LimitUse": "alerts",
    "NotifyState": "alerts",
    "SpendHistory": "alerts",
    "evaluate_rules": "alerts",
    "mask_key_like": "alerts",
    "unusual_days": "alerts",
    "ENDPOINT_NAMES": "catalog",
    "EndpointInfo": "catalog",
    "endpoint_info": "catalog",
    "AsyncUsageClient": "client",
    "UsageClient": "client",
    "ApiKeyInfo": "directory",
    "Directory": "directory",
    "ProjectInfo": "directory",
    "UserInfo": "directory",
    "AsyncListQuery": "lists",
    "ListQuery": "lists",
    "SpendLimit": "lists",
    "ADMIN_KEY_ENV": "errors",
    "APIConnectionError": "errors",
    "APIError": "errors",
    "APITimeoutError": "errors",
    "AuthenticationError": "errors",
    "BadRequestError": "errors",
    "DecodeError": "errors",
    "MissingAdminKeyError": "errors",
    "MissingDependencyError": "errors",
    "NotFoundError": "errors",
    "OaiUsageError": "errors",
    "PaginationError": "errors",
    "PermissionDeniedError": "errors",
    "RateLimitError": "errors",
    "ServerError": "errors",
    "ValidationError": "errors",
    "Page": "page",
    "UnknownResult": "page",
    "AsyncQuery": "query",
    "Query": "query",
    "one_job": "limiter",
    "redact_secrets": "redaction",
    "ResumePoint": "resume",
}


def __getattr__(name: str) -> Any:
    if name == "report":  # the report library, a public subpackage (imported on first use, as the names above)
        value = importlib.import_module(".report", __name__)
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "ADMIN_KEY_ENV",
    "ENDPOINT_NAMES",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "ApiKeyInfo",
    "AsyncListQuery",
    "AsyncQuery",
    "AsyncUsageClient",
    "AuthenticationError",
    "BadRequestError",
    "CheckSettings",
    "DecodeError",
    "Directory",
    "EndpointInfo",
    "Finding",
    "LimitUse",
    "ListQuery",
    "MissingAdminKeyError",
    "MissingDependencyError",
    "NotFoundError",
    "NotifyState",
    "OaiUsageError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "ProjectInfo",
    "Query",
    "RateLimitError",
    "ResumePoint",
    "ServerError",
    "SpendHistory",
    "SpendLimit",
    "UnknownResult",
    "UsageClient",
    "UserInfo",
    "ValidationError",
    "__version__",
    "endpoint_info",
    "evaluate_rules",
    "mask_key_like",
    "one_job",
    "redact_secrets",
    "report",
    "unusual_days",
]
