"""The name directory in the warehouse: stored by a sync, replaced idempotently, vanished IDs keep their names, a
list the key may not read keeps what was stored (one warning), a failed directory keeps everything."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from oai_usage import APIConnectionError, UsageClient
from oai_usage.warehouse.names import project_names, sync_names
from oai_usage.warehouse.store import NAME_TABLES as TABLES
from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import sync

from .conftest import SMALL, START, sandbox_client

LATER = START + timedelta(days=1, hours=3)


def _table(warehouse: Warehouse, table: str) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = warehouse.connection.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    return rows


def _listed(warehouse: Warehouse) -> dict[str, datetime]:
    found = warehouse.connection.execute("SELECT kind, listed_at FROM names_state WHERE organization = 'acme'")
    return dict(found.fetchall())


def _synced_at(warehouse: Warehouse, table: str, ident: str) -> datetime:
    found = warehouse.connection.execute(f"SELECT synced_at FROM {table} WHERE id = ?", [ident]).fetchone()
    assert found is not None, ident
    moment: datetime = found[0]
    return moment


def _names_sync(warehouse: Warehouse, now: datetime, **config: Any) -> None:
    with sandbox_client(now, **config) as client:
        sync_names(warehouse, client, "acme", synced_at=now)


def test_a_sync_stores_every_name_the_directory_has_and_every_costs_project_resolves(db: Path) -> None:
    with Warehouse(db) as warehouse, sandbox_client(START) as client:
        sync(warehouse, client, SMALL, "acme", now=START)
        done = sync_names(warehouse, client, "acme", synced_at=START)
        directory = client.directory()
        projects = {r[1]: (r[2], r[3]) for r in _table(warehouse, "names_projects")}
        keys = {r[1]: r[2:6] for r in _table(warehouse, "names_api_keys")}
        users = {r[1]: r[2:5] for r in _table(warehouse, "names_users")}
        spent = warehouse.connection.execute("SELECT DISTINCT project_id FROM costs WHERE project_id IS NOT NULL")
        spent_ids = {pid for (pid,) in spent.fetchall()}
        assert set(_listed(warehouse)) == {"projects", "api_keys", "users", "service_accounts"}
    assert projects == {p.id: (p.name, p.status) for p in directory.projects.values()}
    assert "archived" in {status for _, status in projects.values()}  # archived projects are named too
    assert keys == {k.id: (k.name, k.project_id, k.owner_type, k.owner_name) for k in directory.api_keys.values()}
    assert {k[2] for k in keys.values()} >= {"user", "service_account"}
    assert {u: v for u, v in users.items() if v[2] == "user"} == {
        u.id: (u.email, u.name, "user") for u in directory.users.values()
    }
    assert {u for u, v in users.items() if v[2] == "service_account"} == set(directory.service_accounts)
    assert done.total == len(projects) + len(keys) + len(users) and done.kept == ()
    assert spent_ids and all(projects[pid][0] for pid in spent_ids)  # every project with spend has a name


def test_a_second_sync_replaces_the_names_with_the_same_rows(db: Path) -> None:
    with Warehouse(db) as warehouse:
        _names_sync(warehouse, START)
        before = {t: [r[:-1] for r in _table(warehouse, t)] for t in TABLES}
        _names_sync(warehouse, LATER)
        after = {t: _table(warehouse, t) for t in TABLES}
        listed = _listed(warehouse)
    assert {t: [r[:-1] for r in rows] for t, rows in after.items()} == before  # no duplicate, nothing lost
    assert all(r[-1] == LATER.replace(tzinfo=None) for rows in after.values() for r in rows)
    assert set(listed.values()) == {LATER.replace(tzinfo=None)}


def test_a_key_no_list_returns_any_more_keeps_its_last_known_name(db: Path) -> None:
    from oai_usage.warehouse.names import store_directory

    with Warehouse(db) as warehouse, sandbox_client(START) as client:
        directory = client.directory()
        store_directory(warehouse, "acme", directory, START)
        gone = sorted(directory.api_keys)[0]
        later = dataclasses.replace(directory, api_keys={k: v for k, v in directory.api_keys.items() if k != gone})
        store_directory(warehouse, "acme", later, LATER)
        name = warehouse.connection.execute("SELECT name FROM names_api_keys WHERE id = ?", [gone]).fetchone()
        assert name == (directory.api_keys[gone].name,)
        # a vanished ID is the one not confirmed by the last complete list of its kind
        assert _synced_at(warehouse, "names_api_keys", gone) == START.replace(tzinfo=None)
        assert _listed(warehouse)["api_keys"] == LATER.replace(tzinfo=None)
        vanished = warehouse.connection.execute(
            "SELECT k.id FROM names_api_keys k JOIN names_state s ON s.organization = k.organization "
            "AND s.kind = 'api_keys' WHERE k.synced_at < s.listed_at"
        ).fetchall()
    assert vanished == [(gone,)]


def test_a_forbidden_users_list_keeps_the_stored_users_and_warns_once(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with Warehouse(db) as warehouse:
        _names_sync(warehouse, START)
        users = _table(warehouse, "names_users")
        caplog.clear()
        caplog.set_level(logging.WARNING)
        _names_sync(warehouse, LATER, forbidden_operations=("listUsers",))
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        kept = [r for r in _table(warehouse, "names_users") if r[4] == "user"]
        listed = _listed(warehouse)
        projects = _table(warehouse, "names_projects")
    assert [r.getMessage() for r in warnings] == [
        "acme: the admin key may not read users (403): the names of users stored before are kept"
    ]
    assert kept == [r for r in users if r[4] == "user"]  # unchanged, synced_at included
    assert listed["users"] == START.replace(tzinfo=None)  # not read completely since
    assert listed["projects"] == listed["api_keys"] == LATER.replace(tzinfo=None)
    assert projects and all(r[-1] == LATER.replace(tzinfo=None) for r in projects)


def test_a_directory_that_cannot_be_fetched_keeps_every_name_and_warns_once(
    db: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: UsageClient, *, refresh: bool = False) -> None:
        raise APIConnectionError("connection refused")

    with Warehouse(db) as warehouse:
        _names_sync(warehouse, START)
        before = {t: _table(warehouse, t) for t in (*TABLES, "names_state")}
        monkeypatch.setattr(UsageClient, "directory", fail)
        caplog.set_level(logging.WARNING)
        with sandbox_client(LATER) as client:
            done = sync_names(warehouse, client, "acme", synced_at=LATER)
        after = {t: _table(warehouse, t) for t in (*TABLES, "names_state")}
    assert after == before
    assert done.failed == "connection refused" and done.total == 0
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "acme: names not updated (connection refused); the names stored before are kept"
    ]


def test_project_names_reads_one_or_several_organizations(db: Path) -> None:
    from oai_usage.directory import Directory, ProjectInfo
    from oai_usage.warehouse.names import store_directory

    with Warehouse(db) as warehouse:
        assert project_names(warehouse, ["acme"]) == {}
        store_directory(warehouse, "acme", Directory(projects={"proj_a": ProjectInfo("proj_a", "Alpha", "active")}),
                        START)  # fmt: skip
        store_directory(warehouse, "beta", Directory(projects={"proj_b": ProjectInfo("proj_b", "", "active")}), START)
        assert project_names(warehouse, ["acme"]) == {"proj_a": "Alpha"}
        assert project_names(warehouse, ["acme", "beta"]) == {"proj_a": "Alpha"}  # an empty name is no name


def test_a_warehouse_from_before_the_names_tables_reports_ids(db: Path) -> None:
    with Warehouse(db) as warehouse:
        for table in (*TABLES, "names_state"):
            warehouse.connection.execute(f"DROP TABLE {table}")
    with Warehouse(db, read_only=True) as warehouse:
        assert project_names(warehouse, ["acme"]) == {}
