"""Internal: a client's settings, checked and resolved from its arguments and the environment.

Shared by `UsageClient` and `AsyncUsageClient` (`client.py`): `Settings.resolve` checks `max_retries`,
`max_pages`, `max_response_bytes` and `max_concurrency`, reads the key, organization, project and base URL
(arguments first, then OPENAI_ADMIN_KEY, OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_BASE_URL) and settles the
timeout, of which there is always one; `check_http` checks an injected httpx client or transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from .auth import ENV_ORGANIZATION, ENV_PROJECT, Credentials, resolve_base_url, resolve_key, resolve_optional
from .errors import ValidationError
from .query import check_concurrency
from .redaction import install_log_filter
from .retry import RetryPolicy
from .transport import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT

__all__ = ["Settings", "check_http", "resolve_timeout"]


def check_http(http_client: object, transport: object, client_type: type[Any], transport_type: type[Any]) -> None:
    """An injected http client and a transport exclude each other, and each must be of the right httpx type."""
    if http_client is not None and transport is not None:
        raise ValidationError(
            "give http_client or transport, not both (a transport goes inside the client the library builds)",
            param="transport",
        )
    if http_client is not None and not isinstance(http_client, client_type):
        raise TypeError(f"http_client must be an httpx.{client_type.__name__}, got {type(http_client).__name__}")
    if transport is not None and not isinstance(transport, transport_type):
        raise TypeError(f"transport must be an httpx.{transport_type.__name__}, got {type(transport).__name__}")


def resolve_timeout(
    timeout: float | httpx.Timeout | None, http_client: httpx.Client | httpx.AsyncClient | None
) -> httpx.Timeout:
    """The given timeout; else an injected client's own, if it has one; else the default. Never none at all."""
    if timeout is None:
        if http_client is not None and any(value is not None for value in http_client.timeout.as_dict().values()):
            return http_client.timeout
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ValidationError(
            f"timeout must be a positive number of seconds or an httpx.Timeout, got {timeout!r}", param="timeout"
        )
    return httpx.Timeout(float(timeout))


@dataclass(frozen=True)
class Settings:
    """A client's checked settings: its credentials, where it sends, how long it waits, retries and reads."""

    credentials: Credentials
    base_url: str
    timeout: httpx.Timeout
    policy: RetryPolicy
    max_pages: int | None
    max_concurrency: int
    max_response_bytes: int

    @classmethod
    def resolve(
        cls,
        admin_key: str | None,
        *,
        base_url: str | None,
        organization: str | None,
        project: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        max_pages: int | None,
        max_concurrency: int,
        http_client: httpx.Client | httpx.AsyncClient | None,
        allow_insecure_http: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> Settings:
        """The settings the client's arguments give, each checked (a ValidationError names a bad one), with the
        environment's key, organization, project and base URL where an argument is None."""
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValidationError(f"max_retries must be an int >= 0, got {max_retries!r}", param="max_retries")
        if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1):
            raise ValidationError(f"max_pages must be an int >= 1 or None, got {max_pages!r}", param="max_pages")
        if isinstance(max_response_bytes, bool) or not isinstance(max_response_bytes, int) or max_response_bytes < 1:
            raise ValidationError(
                f"max_response_bytes must be an int >= 1 (bytes of decompressed body), got {max_response_bytes!r}",
                param="max_response_bytes",
            )
        install_log_filter()
        credentials = Credentials(
            resolve_key(admin_key),
            organization=resolve_optional(organization, ENV_ORGANIZATION),
            project=resolve_optional(project, ENV_PROJECT),
        )
        return cls(
            credentials=credentials,
            base_url=resolve_base_url(base_url, allow_insecure_http=allow_insecure_http),
            timeout=resolve_timeout(timeout, http_client),
            policy=RetryPolicy(max_retries=max_retries),
            max_pages=max_pages,
            max_concurrency=check_concurrency(max_concurrency),
            max_response_bytes=max_response_bytes,
        )
