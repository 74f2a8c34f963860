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
"""

from ._version import __version__
from .client import AsyncUsageClient, UsageClient
from .errors import (
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
from .page import Page, UnknownResult
from .query import AsyncQuery, Query
from .resume import ResumePoint

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncQuery",
    "AsyncUsageClient",
    "AuthenticationError",
    "BadRequestError",
    "DecodeError",
    "MissingAdminKeyError",
    "MissingDependencyError",
    "NotFoundError",
    "OaiUsageError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "Query",
    "RateLimitError",
    "ResumePoint",
    "ServerError",
    "UnknownResult",
    "UsageClient",
    "ValidationError",
    "__version__",
]
