"""Internal: `oai-usage projects`, `users`, `keys` and `limits`: the organization around the numbers, in every
output format.

Each command reads the Admin lists through the client (every page) and writes one row per object: a table for
people, CSV/JSON/JSONL for pipelines. Money is in dollars (the API's integer cents / 100), times are UTC.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import BadRequestError, DecodeError, Directory, PermissionDeniedError, ProjectInfo, SpendLimit, UsageClient
from ..timeparse import from_unix_seconds
from .organization import safe_directory, side_by_side

if TYPE_CHECKING:
    from .options import Connection

__all__ = ["COLUMNS", "LOW_VALUE", "TITLES", "key_rows", "limit_rows", "project_rows", "rows_for", "run_listing",
           "user_rows"]  # fmt: skip

log = logging.getLogger("oai_usage.cli")


COLUMNS = {
    "projects": ("id", "name", "status", "created_at", "archived_at"),
    "users": ("id", "email", "name", "role", "added_at"),
    "keys": (
        "kind",
        "project_id",
        "project_name",
        "id",
        "name",
        "owner_type",
        "owner",
        "redacted_value",
        "created_at",
        "last_used_at",
    ),
    "limits": ("scope", "project_id", "project_name", "kind", "amount", "currency", "interval", "status"),
}
LOW_VALUE = {
    "projects": ("created_at", "archived_at", "id"),
    "users": ("added_at", "id"),
    "keys": ("owner_type", "created_at", "redacted_value", "project_id", "kind", "id"),
    "limits": ("project_id", "interval", "currency"),
}
"""The columns a narrow terminal's table leaves out first, in this order: the least useful to a person (types,
creation times, redacted values, the IDs beside the names); CSV and JSON always have every column."""
TITLES = {"projects": "Projects", "users": "Users", "keys": "API keys", "limits": "Spend limits and alerts"}


def _when(value: object) -> datetime | None:
    """A Unix time as a UTC datetime; None when absent, not a whole number, or outside the calendar (a broken
    server's time never stops a listing)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    try:
        return from_unix_seconds(value)
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def project_rows(client: UsageClient) -> Iterator[dict[str, Any]]:
    for item in client.projects(include_archived=True):
        yield {
            "id": _text(item.get("id")),
            "name": _text(item.get("name")),
            "status": _text(item.get("status")),
            "created_at": _when(item.get("created_at")),
            "archived_at": _when(item.get("archived_at")),
        }


def user_rows(client: UsageClient) -> Iterator[dict[str, Any]]:
    for item in client.users():
        yield {
            "id": _text(item.get("id")),
            "email": _text(item.get("email")),
            "name": _text(item.get("name")),
            "role": _text(item.get("role")),
            "added_at": _when(item.get("added_at")),
        }


def _owner(item: dict[str, Any]) -> tuple[str, str]:
    owner = item.get("owner")
    if not isinstance(owner, dict):
        return "", ""
    kind = _text(owner.get("type"))
    who = owner.get(kind) if kind in ("user", "service_account") else None
    who = who if isinstance(who, dict) else owner  # admin keys: the owner's fields are inline
    return kind, _text(who.get("email")) or _text(who.get("name"))


def key_rows(client: UsageClient, directory: Directory) -> Iterator[dict[str, Any]]:
    """Every project's API keys (archived projects' too), then the admin keys. A list the key may not read (403) is
    left out with one warning; so is an archived project's list when it answers 400."""
    refused: list[str] = []

    def read(project: ProjectInfo) -> list[dict[str, Any]]:
        try:
            return client.project_api_keys(project.id, owner_project_access="any").to_list()
        except PermissionDeniedError:
            refused.append("project API keys")
        except BadRequestError:
            if project.status != "archived":
                raise
        return []

    projects = list(directory.projects.values())
    for project, keys in zip(projects, side_by_side(client, read, projects), strict=True):
        for item in keys:
            yield _key_row(item, "project", project.id, project.name)
    if refused:
        log.warning("the admin key may not read project API keys (403): those are not listed")
    try:
        admin = client.admin_api_keys().to_list()
    except PermissionDeniedError:
        log.warning("the admin key may not read the admin keys (403): they are not listed")
        admin = []
    for item in admin:
        yield _key_row(item, "admin", None, None)


def _key_row(item: dict[str, Any], kind: str, project_id: str | None, project_name: str | None) -> dict[str, Any]:
    """One API key as a row of `oai-usage keys`: a project's key ("project") or an admin key ("admin")."""
    owner_type, owner = _owner(item)
    return {
        "kind": kind,
        "project_id": project_id,
        "project_name": project_name,
        "id": _text(item.get("id")),
        "name": _text(item.get("name")),
        "owner_type": owner_type,
        "owner": owner,
        "redacted_value": _text(item.get("redacted_value")),
        "created_at": _when(item.get("created_at")),
        "last_used_at": _when(item.get("last_used_at")),
    }


def _alert_row(item: dict[str, Any], scope: str, project_id: str | None, project_name: str | None) -> dict[str, Any]:
    """One spend alert; its threshold must be whole cents from 0 to SpendLimit.MAX_CENTS, else a DecodeError
    naming the alert (a negative, string or absurd threshold is never listed as if it were an amount)."""
    cents = item.get("threshold_amount")
    if isinstance(cents, bool) or not isinstance(cents, int) or not 0 <= cents <= SpendLimit.MAX_CENTS:
        where = f"spend alert {_text(item.get('id')) or '(no id)'}" + (f" of {project_id}" if project_id else "")
        raise DecodeError(f"{where}: threshold_amount must be a whole number of cents from 0 to "
                          f"{SpendLimit.MAX_CENTS}", field="threshold_amount")  # fmt: skip
    return {
        "scope": scope,
        "project_id": project_id,
        "project_name": project_name,
        "kind": "alert",
        "amount": float(Decimal(cents) / 100),
        "currency": _text(item.get("currency")),
        "interval": _text(item.get("interval")),
        "status": "",
    }


def _limit_row(scope: str, project_id: str | None, project_name: str | None, found: object) -> dict[str, Any]:
    limit = found if isinstance(found, SpendLimit) else None
    status = limit.enforcement if limit else "not readable (403)" if found is _REFUSED else "not set"
    return {
        "scope": scope,
        "project_id": project_id,
        "project_name": project_name,
        "kind": "limit",
        "amount": float(limit.amount) if limit else None,
        "currency": limit.currency if limit else "",
        "interval": limit.interval if limit else "",
        "status": status,
    }


_REFUSED = object()  # a read the key may not make (403)


def limit_rows(client: UsageClient, directory: Directory) -> Iterator[dict[str, Any]]:
    """The organization's limit and alerts, then each active project's. A read the key may not make (403) is a
    row saying so (limits) or left out (alerts), with ONE warning for the whole listing, never a failed listing."""
    refused: list[str] = []

    def read(call: Callable[[], Any], what: str) -> Any:
        try:
            return call()
        except PermissionDeniedError:
            refused.append(what)
            return _REFUSED

    yield _limit_row("organization", None, None, read(client.spend_limit, "the organization's spend limit"))
    alerts = read(lambda: client.spend_alerts().to_list(), "the organization's spend alerts")
    for alert in alerts if isinstance(alerts, list) else []:
        yield _alert_row(alert, "organization", None, None)
    projects = [p for p in directory.projects.values() if p.status != "archived"]

    def per_project(project: ProjectInfo) -> tuple[Any, Any]:
        found = read(functools.partial(client.project_spend_limit, project.id), "projects' spend limits")
        alerts = read(client.project_spend_alerts(project.id).to_list, "projects' spend alerts")
        return found, alerts

    for project, (found, alerts) in zip(projects, side_by_side(client, per_project, projects), strict=True):
        yield _limit_row("project", project.id, project.name, found)
        for alert in alerts if isinstance(alerts, list) else []:
            yield _alert_row(alert, "project", project.id, project.name)
    if refused:
        log.warning("the admin key may not read %s (403): left out", ", ".join(dict.fromkeys(refused)))


def rows_for(command: str, client: UsageClient) -> Iterator[dict[str, Any]]:
    """The rows of one listing command."""
    if command == "projects":
        return project_rows(client)
    if command == "users":
        return user_rows(client)
    directory = safe_directory(client.directory())
    return key_rows(client, directory) if command == "keys" else limit_rows(client, directory)


def run_listing(command: str, connection: Connection, now: datetime, *, format: str, output_path: str | None,
                csv_raw: bool) -> int:  # fmt: skip
    """One listing command: fetch every page, then write the rows in the asked format."""
    from . import connect, output
    from .paths import check_targets

    check_targets(("-o", output_path))
    with connect.open_client(connection, now) as client:
        # Names and e-mails are server text: a server that echoes the admin key in one never gets it printed.
        rows = [output.redacted(row) for row in rows_for(command, client)]
        with output.open_output(output_path) as out:
            output.write_rows(format, rows, out, COLUMNS[command], title=TITLES[command], totals=False,
                              csv_raw=csv_raw, low_value=LOW_VALUE[command])  # fmt: skip
    return 0
