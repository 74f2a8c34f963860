"""`oai-usage projects`, `users`, `keys` and `limits`: the organization around the numbers, in every output format.

Each command reads the Admin lists through the client (every page) and writes one row per object: a table for
people, CSV/JSON/JSONL for pipelines. Money is in dollars (the API's integer cents / 100), times are UTC.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from .. import Directory, PermissionDeniedError, UsageClient

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
TITLES = {"projects": "Projects", "users": "Users", "keys": "API keys", "limits": "Spend limits and alerts"}


def _when(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return datetime.fromtimestamp(value, UTC)


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
    for project in directory.projects.values():
        try:
            keys = client.project_api_keys(project.id, owner_project_access="any").to_list()
        except PermissionDeniedError:
            log.warning("the admin key may not read project API keys (403): none are listed")
            break
        for item in keys:
            kind, owner = _owner(item)
            yield {
                "kind": "project",
                "project_id": project.id,
                "project_name": project.name,
                "id": _text(item.get("id")),
                "name": _text(item.get("name")),
                "owner_type": kind,
                "owner": owner,
                "redacted_value": _text(item.get("redacted_value")),
                "created_at": _when(item.get("created_at")),
                "last_used_at": _when(item.get("last_used_at")),
            }
    try:
        admin = client.admin_api_keys().to_list()
    except PermissionDeniedError:
        log.warning("the admin key may not read the admin keys (403): they are not listed")
        admin = []
    for item in admin:
        kind, owner = _owner(item)
        yield {
            "kind": "admin",
            "project_id": None,
            "project_name": None,
            "id": _text(item.get("id")),
            "name": _text(item.get("name")),
            "owner_type": kind,
            "owner": owner,
            "redacted_value": _text(item.get("redacted_value")),
            "created_at": _when(item.get("created_at")),
            "last_used_at": _when(item.get("last_used_at")),
        }


def _alert_row(item: dict[str, Any], scope: str, project_id: str | None, project_name: str | None) -> dict[str, Any]:
    cents = item.get("threshold_amount")
    return {
        "scope": scope,
        "project_id": project_id,
        "project_name": project_name,
        "kind": "alert",
        "amount": cents / 100 if isinstance(cents, int) and not isinstance(cents, bool) else None,
        "currency": _text(item.get("currency")),
        "interval": _text(item.get("interval")),
        "status": "",
    }


def limit_rows(client: UsageClient, directory: Directory) -> Iterator[dict[str, Any]]:
    limit = client.spend_limit()
    yield {
        "scope": "organization",
        "project_id": None,
        "project_name": None,
        "kind": "limit",
        "amount": float(limit.amount) if limit else None,
        "currency": limit.currency if limit else "",
        "interval": limit.interval if limit else "",
        "status": limit.enforcement if limit else "not set",
    }
    for alert in client.spend_alerts():
        yield _alert_row(alert, "organization", None, None)
    for project in directory.projects.values():
        if project.status == "archived":
            continue
        found = client.project_spend_limit(project.id)
        yield {
            "scope": "project",
            "project_id": project.id,
            "project_name": project.name,
            "kind": "limit",
            "amount": float(found.amount) if found else None,
            "currency": found.currency if found else "",
            "interval": found.interval if found else "",
            "status": found.enforcement if found else "not set",
        }
        for alert in client.project_spend_alerts(project.id):
            yield _alert_row(alert, "project", project.id, project.name)


def rows_for(command: str, client: UsageClient) -> Iterator[dict[str, Any]]:
    """The rows of one listing command."""
    if command == "projects":
        return project_rows(client)
    if command == "users":
        return user_rows(client)
    directory = client.directory()
    return key_rows(client, directory) if command == "keys" else limit_rows(client, directory)


def run_listing(args: argparse.Namespace, now: datetime) -> int:
    """One listing command: fetch every page, then write the rows in the asked format."""
    from . import fetch, output

    if args.output and args.output != "-":
        from .paths import check_target

        check_target(args.output, "-o")
    with fetch.open_client(args, now) as client:
        rows = list(rows_for(args.command, client))
        with output.open_output(args.output) as out:
            output.write_rows(args.format, rows, out, COLUMNS[args.command], title=TITLES[args.command], totals=False)
    return 0
