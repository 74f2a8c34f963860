"""Rows for `report --db`: the report's queries answered from the warehouse, with no API call.

Each query (endpoint, width, group_by, start, end) is answered from the unit stored with exactly that grouping,
so the figures are the live report's over the same, final data. A range the warehouse does not hold is refused
with the sync that would fill it. A grouping the warehouse does not keep by itself is answered from the unit that
keeps every dimension (the default plan's `1d` by all), whose rows the report sums by the grouping it reads; when
neither is held, `GroupingUnavailable` (the report leaves that breakdown out with a caveat) for the optional
breakdowns (by API key, by user), CoverageError for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ..catalog import endpoint_info
from ..report import GroupingUnavailable
from ..timeparse import iso_datetime as _iso
from .config import ConfigError
from .store import UnitState, Warehouse
from .sync import floor_to

__all__ = ["OPTIONAL_GROUPINGS", "WIDTHS", "CoverageError", "WarehouseRows"]

WIDTHS = ("1d", "1h", "1m")
OPTIONAL_GROUPINGS = ("api_key_id", "user_id")
"""The report's groupings that a warehouse may lack (their breakdowns are left out with a caveat, not refused)."""


class CoverageError(ConfigError):
    """The warehouse does not hold what a report needs: one line naming the gap and the sync to run (exit 2)."""


class WarehouseRows:
    """The warehouse as the report's row source (`oai_usage.report.RowSource`): (endpoint, params) -> rows."""

    def __init__(self, warehouse: Warehouse, organizations: Sequence[str]) -> None:
        if not organizations:
            raise CoverageError(f"{warehouse.path} holds no data yet; run oai-usage sync first")
        self.warehouse = warehouse
        self.organizations = list(organizations)
        self.earliest: datetime | None = None  # the earliest start the report will ask for (see `expect`)

    def expect(self, earliest: datetime) -> None:
        """Say up front how far back the report reaches (its previous period), so that a gap found in the current
        period names the one sync that fills both, not one sync per period."""
        self.earliest = earliest

    def data_end(self) -> datetime:
        """The time of the report: the oldest watermark of the organizations' units (their last common sync),
        cut to the hour, so that the previous period's end falls on an hour that hourly buckets can answer."""
        marks = [s.watermark for org, *_, s in self.warehouse.states() if org in self.organizations]
        if not marks:
            raise CoverageError(f"{self.warehouse.path} holds no data for {', '.join(self.organizations)}")
        return floor_to(min(marks), "1h")

    def _check(self, endpoint: str, width: str, grouping: str, start: datetime, end: datetime) -> list[UnitState]:
        """Each organization's state of the unit when all hold it over [start, end); CoverageError naming the sync
        otherwise."""
        what = f"{endpoint} {width} by {grouping or 'nothing'}"
        states: list[UnitState] = []
        for org in self.organizations:
            state = self.warehouse.state(org, endpoint, width, grouping)
            if state is None:
                raise CoverageError(f"{self.warehouse.path} holds no {what} for {org}; add it to the plan "
                                    "in oai-usage.toml and run oai-usage sync", param="database")  # fmt: skip
            if state.covered_from > start:
                reach = min(start, self.earliest) if self.earliest is not None else start
                days = (state.watermark.astimezone(UTC).date() - reach.astimezone(UTC).date()).days + 1
                raise CoverageError(
                    f"{self.warehouse.path} holds {what} for {org} from {_iso(state.covered_from)}; the report "
                    f"needs it from {_iso(reach)}: run oai-usage sync --since {days}d",
                    param="database",
                )
            if state.watermark < end:
                raise CoverageError(f"{self.warehouse.path} holds {what} for {org} up to "
                                    f"{_iso(state.watermark)}, not to {_iso(end)}: run oai-usage sync",
                                    param="database")  # fmt: skip
            states.append(state)
        return states

    def labels(self) -> dict[str, dict[str, str]]:
        """The names stored by the last sync, as `oai_usage.report.from_rows` labels: `names` (project ID -> name),
        `key_names` (API key ID -> name) and `user_emails` (user ID -> e-mail, a service account's name); empty names
        left out."""
        from .names import has_names, project_names

        found: dict[str, dict[str, str]] = {"names": project_names(self.warehouse, self.organizations),
                                            "key_names": {}, "user_emails": {}}  # fmt: skip
        marks = ", ".join("?" for _ in self.organizations)
        with self.warehouse.session() as con:
            if not has_names(con):
                return found
            # a service account has no e-mail: its name stands for it, as in the live report
            person = "coalesce(nullif(email, ''), name)"
            queries = (("key_names", "names_api_keys", "name"), ("user_emails", "names_users", person))
            for label, table, column in queries:
                rows = con.execute(
                    f"SELECT id, {column} FROM {table} WHERE organization IN ({marks}) AND coalesce({column}, '') "
                    "<> '' ORDER BY organization, id",
                    list(self.organizations),
                ).fetchall()
                found[label] = {str(i): str(v) for i, v in rows}
        return found

    def _every_dimension(self, endpoint: str, width: str, group_by: tuple[str, ...]) -> str | None:
        """The grouping of the unit that keeps every dimension of `endpoint` (`group_by` among them), when each
        organization holds it at `width`; None otherwise."""
        every = endpoint_info(endpoint).group_by
        grouping = ",".join(every)
        if not set(group_by) <= set(every):
            return None
        held = all(self.warehouse.state(org, endpoint, width, grouping) is not None for org in self.organizations)
        return grouping if held else None

    def __call__(self, endpoint: str, params: Mapping[str, Any], /) -> Iterator[dict[str, Any]]:
        width = "1d" if endpoint == "costs" else params.get("bucket_width", "1d")
        group_by = tuple(params.get("group_by") or ())
        grouping = ",".join(group_by)
        start: datetime = params["start_time"]
        end: datetime = params["end_time"]
        if floor_to(start, width) != start:
            raise CoverageError(f"{self.warehouse.path}: {endpoint} from {_iso(start)}: the start is not on a {width} "
                                "bucket boundary", param="database")  # fmt: skip
        optional = bool(set(group_by) & set(OPTIONAL_GROUPINGS))
        if any(self.warehouse.state(org, endpoint, width, grouping) is None for org in self.organizations):
            every = self._every_dimension(endpoint, width, group_by)
            if every is None and optional:
                raise GroupingUnavailable(f"{self.warehouse.path} holds no {endpoint} {width} by {grouping}")
            if every is not None:
                try:
                    self._check(endpoint, width, every, start, end)
                except CoverageError:
                    if optional:
                        raise GroupingUnavailable(f"{self.warehouse.path} does not cover {endpoint} {width} by "
                                                  f"{grouping}") from None  # fmt: skip
                    raise
                if endpoint == "costs" or floor_to(end, width) == end:
                    return self.warehouse.rows(self.organizations, endpoint, width, every, start, end)
                if optional:  # a partial last bucket, and no finer width kept by every dimension
                    raise GroupingUnavailable(f"{endpoint} {width} by {grouping} ends inside a bucket")
        states = self._check(endpoint, width, grouping, start, end)
        whole = floor_to(end, width)
        stored_end = all(s.watermark == end for s in states)
        if endpoint == "costs" or whole == end or stored_end:
            return self.warehouse.rows(self.organizations, endpoint, width, grouping, start, end)
        return self._with_tail(endpoint, width, group_by, start, whole, end)

    def _with_tail(self, endpoint: str, width: str, group_by: tuple[str, ...], start: datetime, whole: datetime,
                   end: datetime) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Whole buckets from the unit, then the partial last bucket [whole, end) summed from a finer width."""
        grouping = ",".join(group_by)
        finer = [w for w in ("1h", "1m") if WIDTHS.index(w) > WIDTHS.index(width) and floor_to(end, w) == end]
        for fine in finer:
            try:
                self._check(endpoint, fine, grouping, whole, end)
            except CoverageError:
                continue
            yield from self.warehouse.rows(self.organizations, endpoint, width, grouping, start, whole)
            totals: dict[tuple[Any, ...], dict[str, Any]] = {}
            for row in self.warehouse.rows(self.organizations, endpoint, fine, grouping, whole, end):
                key = tuple(row.get(g) for g in group_by)
                total = totals.get(key)
                if total is None:
                    totals[key] = {**row, "bucket_start": whole, "bucket_end": end}
                    continue
                for name, value in row.items():
                    if name not in group_by and isinstance(value, int) and not isinstance(value, bool):
                        total[name] = (total.get(name) or 0) + value
            yield from totals.values()
            return
        raise CoverageError(f"{self.warehouse.path}: {endpoint} {width} up to {_iso(end)} ends inside a bucket, and no "
                            f"finer width by {grouping or 'nothing'} is kept to answer it; add 1h to the plan, sync",
                            param="database")  # fmt: skip
