"""The CLI's view of the organization around the numbers: names for IDs, `--project-ids` by name.

Names are a convenience: when the directory cannot be fetched (a key that may not read a list, a failing list),
the command goes on with IDs and says so in one warning line. (The report's spend limits are read by the library:
`oai_usage.report.limit_status`.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from .. import APIError, AuthenticationError, Directory, OaiUsageError, UsageClient, ValidationError
from .output import visible

log = logging.getLogger("oai_usage.cli")

T = TypeVar("T")
R = TypeVar("R")

ID_COLUMNS = {"project_id": "project", "api_key_id": "api_key", "user_id": "user"}
"""An ID column and the column a table shows in its place (the name, or the ID when no list knows it)."""
SHOWN_NAMES = 20  # the most project names an error line lists
NAME_COLUMNS = {"project_id": "project_name", "api_key_id": "api_key_name", "user_id": "user_email"}


def safe_directory(directory: Directory) -> Directory:
    """The directory with every name, e-mail and owner passed through `output.visible` (the CLI's one escaping: the
    admin key masked, control characters and bidi overrides written as escapes), as the CLI shows them everywhere
    (tables, report, chart, exports)."""
    return replace(
        directory,
        projects={k: replace(p, name=visible(p.name)) for k, p in directory.projects.items()},
        api_keys={
            k: replace(a, name=visible(a.name), owner_name=visible(a.owner_name)) for k, a in directory.api_keys.items()
        },
        users={k: replace(u, email=visible(u.email), name=visible(u.name)) for k, u in directory.users.items()},
        service_accounts={
            k: replace(u, email=visible(u.email), name=visible(u.name)) for k, u in directory.service_accounts.items()
        },
    )


def side_by_side(client: UsageClient, read: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`read` of each item, at most `client.max_concurrency` at once, answers in the items' order (one GET per
    project, for the listings and the report's limits: an organization of thousands of projects lists in
    minutes, not an hour). The first error is raised."""
    with ThreadPoolExecutor(max_workers=max(1, client.max_concurrency), thread_name_prefix="oai_usage_list") as pool:
        return list(pool.map(read, items))


def load_directory(client: UsageClient) -> Directory | None:
    """The client's directory with safe names (`safe_directory`), or None (with one warning line) when it cannot be
    fetched at all."""
    try:
        return safe_directory(client.directory())
    except AuthenticationError:
        raise  # a refused key is the command's failure (one line), not a missing convenience
    except OaiUsageError as exc:
        said = str(exc).replace(f" - {exc.hint}", "") if isinstance(exc, APIError) and exc.hint else str(exc)
        log.warning("names are not available (%s); IDs are shown", said.splitlines()[0])
        return None


@dataclass(frozen=True)
class _IdKind:
    """How one ID filter reads names: what it is called, its ID prefix, and the names of each ID."""

    noun: str
    prefix: str
    names: Callable[[Directory], dict[str, tuple[str, ...]]]
    listing: str


ID_FILTERS: dict[str, _IdKind] = {
    "project_ids": _IdKind("project", "proj_", lambda d: {p.id: (p.name,) for p in d.projects.values()}, "projects"),
    "api_key_ids": _IdKind("API key", "key_", lambda d: {k.id: (k.name,) for k in d.api_keys.values()}, "keys"),
    "user_ids": _IdKind("user", "user-", lambda d: {u.id: (u.email, u.name) for u in d.users.values()}, "users"),
}
"""The filters that take IDs, and so also names: projects by name, keys by name, users by e-mail or name."""


def resolve_ids(directory: Directory | None, param: str, given: Sequence[str], option: str) -> list[str]:
    """Each of `given` as an ID of `param`'s kind: an ID as is, a name (case-insensitive) looked up; a
    ValidationError (exit 2) naming the allowed names for one that is neither, or that names two of them."""
    kind = ID_FILTERS[param]
    named = kind.names(directory) if directory is not None else {}
    resolved: list[str] = []
    for text in given:
        wanted = text.strip().casefold()
        if text in named or (text.startswith(kind.prefix) and text.strip() == text):
            resolved.append(text)  # an ID: as given, also one the lists do not show (a deleted key)
            continue
        same = sorted(i for i, names in named.items() if wanted and wanted in (n.strip().casefold() for n in names))
        if len(same) > 1:
            raise ValidationError(f"{option}: {len(same)} {kind.noun}s are named {text!r} ({', '.join(same)}); give "
                                  "the ID of the one you mean", param=option)  # fmt: skip
        if same:
            resolved.append(same[0])
            continue
        if directory is None:
            raise ValidationError(f"{option}: {text!r} is not a {kind.noun} ID and names cannot be looked up (the list "
                                  f"is not readable); give IDs ({kind.prefix}...)", param=option)  # fmt: skip
        names = sorted({n for ns in named.values() for n in ns[:1] if n})
        allowed = ", ".join(names[:SHOWN_NAMES])  # one line, even for an organization of thousands
        if len(names) > SHOWN_NAMES:
            allowed += f", ... ({len(names) - SHOWN_NAMES} more: `oai-usage {kind.listing}` lists them)"
        raise ValidationError(f"{option}: no {kind.noun} is named {text!r}; allowed: {allowed or 'none'} (or an ID)",
                              param=option)  # fmt: skip
    return list(dict.fromkeys(resolved))


def resolve_project_ids(directory: Directory | None, given: Sequence[str], option: str = "--project-ids") -> list[str]:
    """`resolve_ids` for projects (the report's `--project-ids`)."""
    return resolve_ids(directory, "project_ids", given, option)


def named_rows(
    rows: Iterable[dict[str, Any]], directory: Directory | None, *, replace: bool
) -> Iterator[dict[str, Any]]:
    """Rows with names: next to each ID column (`replace=False`, exports' --names) or instead of it, as `project`,
    `api_key`, `user` holding the name or, when no list knows it, the ID (`replace=True`, tables)."""
    for row in rows:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if key not in NAME_COLUMNS:
                out[key] = value
                continue
            name = directory.name_of(key, value) if directory is not None and isinstance(value, str) else ""
            if replace:
                out[ID_COLUMNS[key]] = name or value
            else:
                out[key] = value
                out[NAME_COLUMNS[key]] = name if value is not None else None
        yield out


def named_columns(columns: Sequence[str], *, replace: bool) -> tuple[str, ...]:
    out: list[str] = []
    for column in columns:
        if column in NAME_COLUMNS:
            out += [ID_COLUMNS[column]] if replace else [column, NAME_COLUMNS[column]]
        else:
            out.append(column)
    return tuple(out)


def named_group_by(group_by: Sequence[str] | None) -> list[str] | None:
    return [ID_COLUMNS.get(g, g) for g in group_by] if group_by else None
