"""The organization's directory: names for the IDs in usage and costs rows (projects, API keys, users).

    directory = client.directory()           # fetched once (lists side by side), cached for the client's life
    directory.project_name("proj_abc")       # "Customer support bot"; "" when no list knows the id
    rows = directory.with_names(q.rows())    # rows gain project_name / api_key_name / user_email next to the ids

Built from the projects list (archived included), the users list, each project's API keys (every owner access)
and service accounts, and the admin keys. A key or project that no list returns (deleted) keeps its ID with an
empty name. A list the admin key may not read (403) leaves its names empty and logs ONE warning per directory
(naming the lists) instead of failing: names are a convenience, the numbers never depend on them. Any other
error is raised as usual.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from .errors import BadRequestError, PermissionDeniedError
from .redaction import redact_secrets

__all__ = ["NAME_COLUMNS", "ApiKeyInfo", "Directory", "ProjectInfo", "UserInfo", "abuild", "build"]

log = logging.getLogger("oai_usage")

NAME_COLUMNS: Mapping[str, str] = {"project_id": "project_name", "api_key_id": "api_key_name", "user_id": "user_email"}
"""Each ID column and the name column `Directory.with_names` puts right after it."""


@dataclass(frozen=True)
class ProjectInfo:
    """A project: its name and status ("active" or "archived")."""

    id: str
    name: str
    status: str


@dataclass(frozen=True)
class ApiKeyInfo:
    """An API key: its name, project (None for an admin key) and owner (a user's e-mail or a service account)."""

    id: str
    name: str
    project_id: str | None
    owner_type: str  # "user", "service_account" or "" when unknown
    owner_name: str  # the user's name or e-mail, or the service account's name


@dataclass(frozen=True)
class UserInfo:
    """A user of the organization, or a project's service account (`email` empty)."""

    id: str
    email: str
    name: str


@dataclass(frozen=True)
class Directory:
    """Names for the organization's IDs. Unknown IDs give "" (see the module docstring); `refused` names the lists
    the key may not read (403), whose names are missing."""

    projects: Mapping[str, ProjectInfo] = field(default_factory=dict)
    api_keys: Mapping[str, ApiKeyInfo] = field(default_factory=dict)
    users: Mapping[str, UserInfo] = field(default_factory=dict)
    service_accounts: Mapping[str, UserInfo] = field(default_factory=dict)
    refused: tuple[str, ...] = ()

    def project_name(self, project_id: str | None) -> str:
        """The project's name, or "" when no list knows it."""
        info = self.projects.get(project_id or "")
        return info.name if info is not None else ""

    def api_key_name(self, api_key_id: str | None) -> str:
        """The key's name, or "" for a deleted or unknown key."""
        info = self.api_keys.get(api_key_id or "")
        return info.name if info is not None else ""

    def user_email(self, user_id: str | None) -> str:
        """The user's e-mail (a service account's name), or ""."""
        user = self.users.get(user_id or "")
        if user is not None:
            return user.email or user.name
        account = self.service_accounts.get(user_id or "")
        return account.name if account is not None else ""

    def name_of(self, column: str, value: str | None) -> str:
        """The name for `value` of an ID column ("project_id", "api_key_id" or "user_id")."""
        getter: Callable[[str | None], str] = {
            "project_id": self.project_name,
            "api_key_id": self.api_key_name,
            "user_id": self.user_email,
        }[column]
        return getter(value)

    def project_id_for(self, text: str) -> str | None:
        """The ID of the project `text` names: an ID, or a name (case-insensitive); None when neither."""
        if text in self.projects:
            return text
        wanted = text.strip().casefold()
        if not wanted:
            return None  # a blank text names nothing (not a nameless project)
        for info in self.projects.values():
            if info.name.strip().casefold() == wanted:
                return info.id
        return None

    def with_names(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Each row with `project_name`, `api_key_name`, `user_email` right after the ID columns it has."""
        for row in rows:
            if not any(column in row for column in NAME_COLUMNS):
                yield row
                continue
            named: dict[str, Any] = {}
            for key, value in row.items():
                named[key] = value
                column = NAME_COLUMNS.get(key)
                if column is not None:
                    named[column] = self.name_of(key, value) if value is not None else None
            yield named

    def columns(self, columns: Iterable[str]) -> tuple[str, ...]:
        """A column list with the name columns inserted after the ID columns (for CSV headers, DataFrames)."""
        out: list[str] = []
        for column in columns:
            out.append(column)
            if column in NAME_COLUMNS:
                out.append(NAME_COLUMNS[column])
        return tuple(out)

    def add_names(self, frame: Any) -> Any:
        """A copy of a pandas DataFrame with the name columns inserted after its ID columns."""
        result = frame.copy()
        for column, name in NAME_COLUMNS.items():
            if column in result.columns and name not in result.columns:
                position = list(result.columns).index(column) + 1
                values = [self.name_of(column, v) if isinstance(v, str) else None for v in result[column]]
                result.insert(position, name, values)
        return result


# --- building ---------------------------------------------------------------------------------------------------

ListFetch = Callable[..., list[dict[str, Any]]]  # (list name, **params) -> every item


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _name(value: object) -> str:
    """A name or e-mail as kept: free text from the server, so a live secret echoed in it is masked (the admin key
    never reaches a repr, a log line or a report through a name)."""
    return redact_secrets(value) if isinstance(value, str) else ""


def _project(item: Mapping[str, Any]) -> ProjectInfo:
    return ProjectInfo(_text(item.get("id")), _name(item.get("name")), _text(item.get("status")) or "active")


def _user(item: Mapping[str, Any]) -> UserInfo:
    return UserInfo(_text(item.get("id")), _name(item.get("email")), _name(item.get("name")))


def _key(item: Mapping[str, Any], project_id: str | None) -> ApiKeyInfo:
    owner = item.get("owner") if isinstance(item.get("owner"), dict) else {}
    assert isinstance(owner, dict)
    kind = _text(owner.get("type"))
    who: Any = owner.get(kind) if kind in ("user", "service_account") else None
    who = who if isinstance(who, dict) else owner  # admin keys: the owner's fields are inline
    owner_name = _name(who.get("email")) or _name(who.get("name"))
    return ApiKeyInfo(_text(item.get("id")), _name(item.get("name")), project_id, kind, owner_name)


@dataclass
class _Parts:
    projects: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    admin_keys: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    accounts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    failed: threading.Event = field(default_factory=threading.Event)  # set on the first failure: ask no more lists


def _assemble(parts: _Parts) -> Directory:
    projects = {p.id: p for p in map(_project, parts.projects) if p.id}
    users = {u.id: u for u in map(_user, parts.users) if u.id}
    keys: dict[str, ApiKeyInfo] = {}
    for item in parts.admin_keys:
        info = _key(item, None)
        if info.id:
            keys[info.id] = info
    for project_id, items in parts.keys.items():
        for item in items:
            info = _key(item, project_id)
            if info.id:
                keys[info.id] = info
    accounts = {a.id: a for items in parts.accounts.values() for a in map(_user, items) if a.id}
    refused = tuple(dict.fromkeys(parts.refused))
    if refused:
        log.warning(
            "the admin key may not read %s (403): those names are left empty; the IDs are shown",
            ", ".join(refused),
        )
    return Directory(projects, keys, users, accounts, refused)


def _guard(parts: _Parts, label: str, call: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every item of one list; [] when the key may not read it (403, noted) or the project is archived (400).
    Once a list has failed, the others are not asked for ([]: the directory fails with that first error)."""
    if parts.failed.is_set():
        return []
    try:
        return call()
    except PermissionDeniedError:
        parts.refused.append(label)
        return []
    except BadRequestError:
        if label in ("project API keys", "project service accounts"):
            return []  # an archived project's lists answer 400: nothing to name there
        parts.failed.set()
        raise
    except BaseException:
        parts.failed.set()
        raise


def build(fetch: ListFetch, *, concurrency: int = 8) -> Directory:
    """The directory, fetched with `fetch(name, **params)` (a list's every item): per-project lists in threads."""
    parts = _Parts()
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="oai_usage_names") as pool:
        top = {
            "projects": pool.submit(_guard, parts, "projects", lambda: fetch("projects", include_archived=True)),
            "users": pool.submit(_guard, parts, "users", lambda: fetch("users")),
            "admin": pool.submit(_guard, parts, "admin API keys", lambda: fetch("admin_api_keys")),
        }
        parts.projects = top["projects"].result()
        ids = [_text(p.get("id")) for p in parts.projects if _text(p.get("id"))]
        keys = {
            pid: pool.submit(
                _guard,
                parts,
                "project API keys",
                functools.partial(fetch, "project_api_keys", project_id=pid, owner_project_access="any"),
            )
            for pid in ids
        }
        archived = {_text(p.get("id")) for p in parts.projects if p.get("status") == "archived"}
        accounts = {
            pid: pool.submit(
                _guard,
                parts,
                "project service accounts",
                functools.partial(fetch, "project_service_accounts", project_id=pid),
            )
            for pid in ids
            if pid not in archived
        }
        # The first failure (after its retries) fails the directory: the lists not yet asked for are cancelled, not
        # sent (a server failing every list would otherwise be asked once per project, retries included).
        pending = [*top.values(), *keys.values(), *accounts.values()]
        done, _ = wait(pending, return_when=FIRST_EXCEPTION)
        failed = next((f for f in pending if f in done and f.exception() is not None), None)
        if failed is not None:
            for future in pending:
                future.cancel()
            failed.result()  # raises the failure
        parts.users = top["users"].result()
        parts.admin_keys = top["admin"].result()
        parts.keys = {pid: future.result() for pid, future in keys.items()}
        parts.accounts = {pid: future.result() for pid, future in accounts.items()}
    return _assemble(parts)


AsyncListFetch = Callable[..., Awaitable[list[dict[str, Any]]]]


async def _aguard(
    parts: _Parts, label: str, call: Callable[[], Awaitable[list[dict[str, Any]]]]
) -> list[dict[str, Any]]:
    """As `_guard`, for the async builder."""
    if parts.failed.is_set():
        return []
    try:
        return await call()
    except PermissionDeniedError:
        parts.refused.append(label)
        return []
    except BadRequestError:
        if label in ("project API keys", "project service accounts"):
            return []
        parts.failed.set()
        raise
    except BaseException:
        parts.failed.set()
        raise


async def _all_or_none(*calls: Awaitable[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Every call's answer, in order; on the first failure the others are cancelled (not left running, still
    sending requests) and the failure is raised."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def abuild(fetch: AsyncListFetch, *, concurrency: int = 8) -> Directory:
    """The directory, fetched with the awaitable `fetch(name, **params)`: at most `concurrency` lists at once."""
    parts = _Parts()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def limited(label: str, name: str, **params: Any) -> list[dict[str, Any]]:
        async with gate:
            return await _aguard(parts, label, functools.partial(fetch, name, **params))

    parts.projects, parts.users, parts.admin_keys = await _all_or_none(
        limited("projects", "projects", include_archived=True),
        limited("users", "users"),
        limited("admin API keys", "admin_api_keys"),
    )
    ids = [_text(p.get("id")) for p in parts.projects if _text(p.get("id"))]
    archived = {_text(p.get("id")) for p in parts.projects if p.get("status") == "archived"}
    live = [pid for pid in ids if pid not in archived]
    key_lists = await _all_or_none(
        *(limited("project API keys", "project_api_keys", project_id=pid, owner_project_access="any") for pid in ids)
    )
    account_lists = await _all_or_none(
        *(limited("project service accounts", "project_service_accounts", project_id=pid) for pid in live)
    )
    parts.keys = dict(zip(ids, key_lists, strict=True))
    parts.accounts = dict(zip(live, account_lists, strict=True))
    return _assemble(parts)
