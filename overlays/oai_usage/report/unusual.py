"""Internal (public through `oai_usage.report`): the report's unusual days: the whole UTC days of its period on which
a project's, model's or line item's spend was far above its own recent history, by the rule of `oai-usage check`
(`oai_usage.alerts.unusual_days`: the median and MAD of the same kind of day over the basis days before it).

The history is the report's own money unit (costs by project and line item, whole UTC days): the period's rows and
those of the basis days before its first day (one more query). A source that cannot answer that query (a warehouse
synced for a shorter span) leaves the section out, with the `unusual_not_judged` caveat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ..alerts.model import Finding, SpendHistory
from ..alerts.rules import unusual_days
from ..alerts.settings import CheckSettings

__all__ = ["UNUSUAL_GROUPING", "UnusualDays", "basis_query", "judge_unusual"]

UNUSUAL_GROUPING = ("project_id", "line_item")
"""The costs grouping the unusual days are judged from (the report's money unit)."""


@dataclass(frozen=True)
class UnusualDays:
    """The unusual days of a report's period: the days judged (`first` to `last`, whole UTC days; None when the
    period has no whole day), the settings' figures they were judged with, and the findings, most unusual first
    (each a `oai_usage.alerts.Finding` with what, where, how much and its baseline)."""

    first: date | None
    last: date | None
    basis_days: int
    dimensions: tuple[str, ...]
    findings: tuple[Finding, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: the days judged, the method's figures, and each finding as `check --format json` has it."""
        return {
            "days": {"first": self.first.isoformat() if self.first else None,
                     "last": self.last.isoformat() if self.last else None},
            "basis_days": self.basis_days,
            "dimensions": list(self.dimensions),
            "found": [f.as_dict() for f in self.findings],
        }  # fmt: skip


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def basis_query(first: date, money_start: datetime, settings: CheckSettings) -> dict[str, Any] | None:
    """The costs query of the basis days before `first` (the first day judged) up to the period's money start; None
    when there is nothing before it to fetch."""
    start = _midnight(first - timedelta(days=settings.unusual_basis_days))
    if start >= money_start:
        return None
    return {"bucket_width": "1d", "group_by": list(UNUSUAL_GROUPING), "start_time": start, "end_time": money_start}


def judge_unusual(rows: Iterable[Mapping[str, Any]], days: list[date], settings: CheckSettings,
                  names: Mapping[str, str]) -> UnusualDays:  # fmt: skip
    """The unusual days among `days` (whole UTC days, in order) from daily costs `rows` that cover the basis days
    before the first of them; `names`: project ID -> name."""
    if not days:
        return UnusualDays(None, None, settings.unusual_basis_days, settings.unusual_dimensions)
    start = days[0] - timedelta(days=settings.unusual_basis_days)
    history = SpendHistory.from_rows(rows, names={"project": dict(names)}, start=start)
    found = unusual_days(history, days, settings)
    return UnusualDays(days[0], days[-1], settings.unusual_basis_days, settings.unusual_dimensions, tuple(found))
