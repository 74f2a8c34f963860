"""A report being built in a test: rows added step by step (the builder's folds), figures read from the frozen
`Report` (each read freezes the figures so far), labels set as attributes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from oai_usage.report import Periods, Report, ReportBuilder
from oai_usage.report.periods import money_range

LABELS = ("names", "show_names", "project_filter", "limits", "notes", "organizations", "key_names", "user_emails")


class Draft:
    """`Draft(start=..., end=..., previous_start=...)`, then `add_costs(draft, rows)`; any Report attribute reads."""

    def __init__(self, start: datetime, end: datetime, previous_start: datetime, previous_end: datetime | None = None,
                 tz: tzinfo = UTC, now: datetime | None = None) -> None:  # fmt: skip
        money_start, money_end = money_range(start, end, now or end, tz)
        periods = Periods(start, end, previous_start, previous_end or start, money_start, money_end, tz)
        object.__setattr__(self, "builder", ReportBuilder(periods))
        object.__setattr__(self, "labels", {})

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in LABELS:
            raise AttributeError(f"a draft sets labels only ({', '.join(LABELS)}), not {name}")
        self.labels[name] = value

    @property
    def report(self) -> Report:
        frozen: Report = self.builder.freeze(**self.labels)
        return frozen

    def __getattr__(self, name: str) -> Any:
        return getattr(self.report, name)


def add_costs(draft: Draft, rows: Iterable[Mapping[str, Any]]) -> None:
    draft.builder.add_costs(rows)


def add_usage(draft: Draft, rows: Iterable[Mapping[str, Any]]) -> None:
    draft.builder.add_usage(rows)


def add_previous_spend(draft: Draft, rows: Iterable[Mapping[str, Any]]) -> None:
    draft.builder.add_previous_spend(rows)


def add_previous_volume(draft: Draft, rows: Iterable[Mapping[str, Any]]) -> None:
    draft.builder.add_previous_volume(rows)
