"""Internal: the figures the rules read, from the live API (through a client) or from the warehouse.

The limits and their month-end projection are the report's own (`oai_usage.report`): read live through
`limit_status`, or computed with `limit_line` for the limits a sync stored.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import SpendHistory
from .rules import LimitUse
from .settings import CheckSettings

if TYPE_CHECKING:
    from ..client import UsageClient
    from ..directory import Directory

__all__ = [
    "LIVE_GROUPING",
    "PROJECTION",
    "history_start",
    "limit_uses",
    "live_history",
    "live_limits",
    "stored_limit_uses",
    "stored_names",
    "warehouse_costs",
    "warehouse_history",
]

log = logging.getLogger("oai_usage.alerts")

LIVE_GROUPING = ("project_id", "line_item", "api_key_id")
"""How the live API's daily costs are grouped for the rules: every dimension a rule reads, and no more."""
RowSource = Callable[[str, dict[str, Any]], Iterable[Mapping[str, Any]]]


def history_start(today: date, settings: CheckSettings, *, limits: bool) -> date:
    """The first day the rules need: the basis of the day judged (yesterday), and with limits the month's start
    and the projection's 28 days before today."""
    first = today - timedelta(days=1 + settings.unusual_basis_days)
    if limits:
        first = min(first, today.replace(day=1), today - timedelta(days=28))
    return first


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def live_history(client: UsageClient, now: datetime, settings: CheckSettings, directory: Directory | None,
                 *, limits: bool = True) -> SpendHistory:  # fmt: skip
    """Daily costs by project, line item and API key from the API, from `history_start` to `now`, with names."""
    start = history_start(now.astimezone(UTC).date(), settings, limits=limits)
    rows = client.costs(
        start_time=_midnight(start), end_time=now, bucket_width="1d", group_by=["project_id", "line_item", "api_key_id"]
    ).rows()  # LIVE_GROUPING
    names: dict[str, dict[str, str]] = {}
    if directory is not None:
        names["project"] = {p.id: p.name for p in directory.projects.values()}
        names["api_key"] = {k.id: k.name for k in directory.api_keys.values()}
    return SpendHistory.from_rows(rows, names=names, start=start)


def warehouse_costs(rows: RowSource, grouping: Sequence[str], start: date, end: datetime) -> list[dict[str, Any]]:
    """The daily costs rows of a row source with the report's signature (the warehouse's `WarehouseRows`), read
    from the unit grouped by `grouping`, from `start` to `end`."""
    params = {"bucket_width": "1d", "group_by": list(grouping), "start_time": _midnight(start), "end_time": end}
    return [dict(row) for row in rows("costs", params)]


def warehouse_history(rows: RowSource, grouping: Sequence[str], start: date, end: datetime,
                      names: Mapping[str, Mapping[str, str]]) -> SpendHistory:  # fmt: skip
    """Daily costs from a row source with the report's signature (the warehouse's `WarehouseRows`), read from the
    unit grouped by `grouping` (which must hold project, line item and API key), from `start` to `end`."""
    return SpendHistory.from_rows(warehouse_costs(rows, grouping, start, end), names=names, start=start)


def stored_names(warehouse: Any, organizations: Sequence[str]) -> dict[str, dict[str, str]]:
    """The project and API key names the last sync stored (empty when the database keeps none)."""
    from ..warehouse.names import has_names, project_names

    names: dict[str, dict[str, str]] = {"project": project_names(warehouse, organizations), "api_key": {}}
    if not organizations:
        return names
    with warehouse.session() as con:
        if not has_names(con):
            return names
        marks = ", ".join("?" for _ in organizations)
        found = con.execute(
            f"SELECT id, name FROM names_api_keys WHERE organization IN ({marks}) AND coalesce(name, '') <> ''",
            list(organizations),
        ).fetchall()
    names["api_key"] = {str(kid): str(name) for kid, name in found}
    return names


def _report_limits(client: UsageClient, now: datetime, directory: Directory | None) -> tuple[list[Any], str, list[str]]:
    """The report's spend limits and month-end projection (`oai_usage.report.limit_status`): its limit lines (the
    organization's first; each with scope, name, limit, month_to_date, projected, used, projected_share,
    reached_on), their currency, and the report's notes about them as text."""
    from ..report.caveats import text
    from ..report.limits import limit_status

    status = limit_status(client, now, directory)
    return list(status.lines), str(status.currency), [text(n) for n in status.notes]


PROJECTION = ("the mean spend per weekday and per weekend day over the 28 whole UTC days before today, for today and "
              "each day left in the month")  # fmt: skip
"""The report's month-end projection, in words (the limit findings' `details.method`)."""


def limit_uses(lines: Sequence[Any], currency: str) -> list[LimitUse]:
    """The report's limit lines as the rules' `LimitUse`s (in the report's order: the organization's first)."""
    uses: list[LimitUse] = []
    for line in lines:
        dimension = "organization" if line.scope == "organization" else "project"
        uses.append(LimitUse(
            dimension=dimension,
            id=line.scope,
            name="" if dimension == "organization" else line.name,
            limit=float(line.limit),
            month_to_date=float(line.month_to_date),
            projected=float(line.projected),
            used=line.used,
            projected_share=line.projected_share,
            reached_on=line.reached_on,
            currency=currency,
            method=PROJECTION,
        ))  # fmt: skip
    return uses


def stored_limit_uses(rows: Iterable[Mapping[str, Any]], limits: Mapping[str, tuple[Decimal, str]], today: date,
                      names: Mapping[str, str], read_at: datetime | None,
                      currency: str = "usd") -> tuple[list[LimitUse], list[str]]:  # fmt: skip
    """The limits a sync stored (`warehouse.limits.read_limits`: scope '' the organization's, else a project ID ->
    amount, currency) against daily costs `rows` (any grouping with the project; from the report's first day, see
    `history_start`), with the report's projection (`oai_usage.report.limit_line`) as of `today`; in the report's
    order (the organization's first, then the projects projected closest to their limit). `read_at`: when the sync
    read them (said in the findings). A limit in another currency than the spend is left out, with a note."""
    from ..report.limits import limit_line, spend_by_day

    daily = spend_by_day(rows, currency)  # exact decimals per project ('' the organization), as the live report's
    notes: list[str] = []
    other = sorted({cur for _, cur in limits.values() if cur.lower() != currency})
    if other:
        notes.append(f"Spend limits in {', '.join(other)} are left out: spend is summed in {currency.upper()}.")
    kept = {scope: amount for scope, (amount, cur) in limits.items() if cur.lower() == currency}
    lines = [limit_line(scope, names.get(scope, ""), amount, daily.get(scope, {}), today)
             for scope, amount in kept.items() if scope]  # fmt: skip
    lines.sort(key=lambda p: (-(math.inf if p.projected_share is None else p.projected_share), p.scope))
    if "" in kept:
        lines.insert(0, limit_line("organization", "organization", kept[""], daily[""], today))
    uses = [replace(use, as_of=read_at) for use in limit_uses(lines, currency)]
    return uses, notes


def live_limits(client: UsageClient, now: datetime, directory: Directory | None) -> tuple[list[LimitUse], list[str]]:
    """The organization's and each active project's limit with the report's projection, and the report's notes
    (a limit the key may not read is left out, with a note)."""
    lines, currency, notes = _report_limits(client, now, directory)
    return limit_uses(lines, currency), notes
