"""Internal: the CLI's bridge to the client: endpoint options from the registry, the client to use (`Connection`),
rows with progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import ADMIN_KEY_ENV, ENDPOINT_NAMES, MissingAdminKeyError, Query, UsageClient, endpoint_info, errors
from .exit_codes import EXIT_API, CliError

__all__ = ["KEY_VARIABLE", "SANDBOX_BASE_URL", "SANDBOX_KEY", "USAGE_ENDPOINTS", "EndpointOptions", "KeyMissing",
           "KeyRefused", "KeyedClient", "columns", "endpoint_options", "open_client", "profile_client",
           "rows_with_progress", "server_now"]  # fmt: skip

if TYPE_CHECKING:
    from ..warehouse.config import Profile
    from .options import Connection

USAGE_ENDPOINTS: tuple[str, ...] = tuple(name for name in ENDPOINT_NAMES if name != "costs")
KEY_VARIABLE = ADMIN_KEY_ENV
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
    info = endpoint_info(name)
    return EndpointOptions(
        bucket_widths=info.bucket_widths,
        group_by=info.group_by,
        list_filters=dict(info.list_filters),
        has_batch=bool(info.bool_filters),
    )


def columns(name: str) -> tuple[str, ...]:
    return endpoint_info(name).columns


def open_client(args: Connection, now: datetime) -> UsageClient:
    """The sandbox in process (no socket, no key) with --sandbox; the organization of `--profile` (its key variable,
    base URL and organization ID from oai-usage.toml); otherwise the API with OPENAI_ADMIN_KEY."""
    name = args.profile
    if name and args.sandbox:
        raise errors.ValidationError(
            "--sandbox runs the synthetic organization: leave out --profile", param="--profile"
        )
    if name:
        from ..warehouse.config import find_config, load_config

        return profile_client(args, load_config(find_config(args.config)).profile(name))
    if args.sandbox:
        from oai_usage_sandbox import SandboxConfig, SandboxTransport

        moment = int(now.timestamp())
        transport = SandboxTransport(SandboxConfig(now=moment))
        # One clock for both sides: the sandbox serves `now`, and the client's own clock reads the same instant.
        return UsageClient(SANDBOX_KEY, base_url=SANDBOX_BASE_URL, transport=transport, clock=lambda: float(moment))
    key = os.environ.get(KEY_VARIABLE, "").strip()
    if not key:
        raise KeyMissing()
    return KeyedClient(key, KEY_VARIABLE, base_url=args.base_url, allow_insecure_http=args.allow_insecure_http)


def profile_client(args: Connection, profile: Profile) -> UsageClient:
    """A client for one profile of oai-usage.toml: its key variable, its base URL (else --base-url) and organization."""
    key = os.environ.get(profile.key_env, "").strip()
    if not key:
        raise MissingAdminKeyError(
            f"profile {profile.name}: no admin key: set {profile.key_env} to its Admin API key (sk-admin-...)"
        )
    return KeyedClient(key, profile.key_env, base_url=profile.base_url or args.base_url,
                       organization=profile.organization_id, allow_insecure_http=args.allow_insecure_http)  # fmt: skip


class KeyRefused(CliError):
    """The server refused the admin key (401) or what it may read (403): one line naming the variable the key came
    from and what the server said, with no library advice; exit 1, as every API failure."""

    def __init__(self, variable: str, refused: errors.APIError) -> None:
        said = str(refused).replace(f" - {refused.hint}", "") if refused.hint else str(refused)
        refused_key = refused.status_code == 401
        verdict = "the server refused the admin key" if refused_key else "the admin key may not read this"
        super().__init__(f"{variable}: {verdict}: {said}", EXIT_API)


class KeyedClient(UsageClient):
    """The CLI's client: a key refused inside its `with` block (the first request, usually) is a `KeyRefused` line
    naming the variable it came from (OPENAI_ADMIN_KEY, or the profile's key variable)."""

    def __init__(self, key: str, variable: str, **options: Any) -> None:
        super().__init__(key, **options)
        self.key_variable = variable

    def __exit__(self, *exc_info: Any) -> None:
        super().__exit__(*exc_info)
        refused = exc_info[1]
        if isinstance(refused, errors.AuthenticationError | errors.PermissionDeniedError):
            raise KeyRefused(self.key_variable, refused) from None


def server_now(client: UsageClient, args: Connection, now: datetime) -> datetime:
    """The command's "now": the built-in sandbox's pinned instant, else the server's clock (one light request if
    nothing has told it yet), in whole seconds. The server clips data at its own now, so ranges count from it."""
    if args.sandbox:
        return now
    return client.sync_clock().replace(microsecond=0)


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
