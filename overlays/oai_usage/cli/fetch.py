"""The CLI's bridge to the client: endpoint options from the registry, the client to use, rows with progress."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from ..client import UsageClient
from ..endpoints import ENDPOINTS
from ..errors import MissingAdminKeyError
from ..query import Query
from ..rows import columns as row_columns

USAGE_ENDPOINTS: tuple[str, ...] = tuple(name for name in ENDPOINTS if name != "costs")
KEY_VARIABLE = "OPENAI_ADMIN_KEY"
SANDBOX_BASE_URL = "https://sandbox.oai-usage.invalid/v1"  # never resolved: the transport answers in process
SANDBOX_KEY = "sk-admin-sandbox"  # the sandbox accepts any sk-admin- bearer; this one is not a secret


class KeyMissing(MissingAdminKeyError):
    """No admin key and no --sandbox: say how to set one, and how to try the tool without."""

    def __init__(self) -> None:
        super().__init__(
            f"no admin key: set {KEY_VARIABLE} to an Admin API key (sk-admin-..., from the organization's "
            "admin keys page), or add --sandbox to run on the built-in synthetic organization"
        )


@dataclass(frozen=True)
class EndpointOptions:
    """What the command line offers for one endpoint, read from the registry (and so from openapi.yaml)."""

    bucket_widths: tuple[str, ...]
    group_by: tuple[str, ...]
    list_filters: dict[str, tuple[str, ...]]  # name -> allowed values, () for free-form IDs
    has_batch: bool


def endpoint_options(name: str) -> EndpointOptions:
    endpoint = ENDPOINTS[name]
    filters = endpoint.filters
    return EndpointOptions(
        bucket_widths=endpoint.bucket_widths,
        group_by=endpoint.group_by,
        list_filters={n: p.allowed for n, p in filters.items() if p.kind != "bool"},
        has_batch=any(p.kind == "bool" for p in filters.values()),
    )


def columns(name: str) -> tuple[str, ...]:
    return row_columns(ENDPOINTS[name])


def open_client(args: argparse.Namespace, now: datetime) -> UsageClient:
    """The sandbox in process (no socket, no key) with --sandbox; otherwise the API with OPENAI_ADMIN_KEY."""
    if args.sandbox:
        from oai_usage_sandbox import SandboxConfig, SandboxTransport

        transport = SandboxTransport(SandboxConfig(now=int(now.timestamp())))
        http = httpx.Client(transport=transport, base_url=SANDBOX_BASE_URL)
        return _Owning(SANDBOX_KEY, base_url=SANDBOX_BASE_URL, http_client=http)
    key = os.environ.get(KEY_VARIABLE, "").strip()
    if not key:
        raise KeyMissing()
    return UsageClient(key, base_url=args.base_url, allow_insecure_http=args.allow_insecure_http)


class _Owning(UsageClient):
    """A client that closes the httpx client it was given (the CLI's sandbox client has no other owner)."""

    def __init__(self, key: str, *, base_url: str, http_client: httpx.Client) -> None:
        super().__init__(key, base_url=base_url, http_client=http_client)
        self._http = http_client

    def close(self) -> None:
        super().close()
        self._http.close()


def rows_with_progress(client: UsageClient, endpoint: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Rows of every page; a progress bar on stderr for multi-page fetches when stderr is a terminal.

    The parameters are checked now, so a mistake surfaces before any output is started.
    """
    query = client.query(endpoint, **params)
    return _rows(query, endpoint)


def _rows(query: Query[Any], endpoint: str) -> Iterator[dict[str, Any]]:
    total = query.planned_pages
    if total < 2 or not sys.stderr.isatty():
        yield from query.rows()
        return
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task(f"{endpoint}: pages", total=total)
        for page in query.row_pages():
            progress.advance(task)
            for bucket in page.data:
                yield from bucket.rows


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(file=sys.stderr)
