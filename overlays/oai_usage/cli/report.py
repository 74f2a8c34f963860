"""The spend report: figures computed from flat rows of the Costs API (money) and usage endpoints (volume)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

Row = Mapping[str, Any]
UNATTRIBUTED = "(none)"

MONEY_SOURCE = "GET /v1/organization/costs (bucket_width=1d, group_by=project_id,line_item)"
VOLUME_ENDPOINTS = ("completions", "embeddings")  # the endpoints whose results count tokens per model
VOLUME_SOURCE = "GET /v1/organization/usage/{completions,embeddings} (bucket_width=1d, group_by=model)"


@dataclass
class ModelVolume:
    """Tokens and requests of one model over the period."""

    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    requests: int = 0

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass
class Report:
    """Everything `oai-usage report` shows, in plain numbers."""

    start: datetime
    end: datetime
    previous_start: datetime
    currency: str = "usd"
    total_spend: float = 0.0
    previous_spend: float = 0.0
    total_tokens: int = 0
    previous_tokens: int = 0
    total_requests: int = 0
    previous_requests: int = 0
    spend_by_project: dict[str, float] = field(default_factory=dict)
    spend_by_line_item: dict[str, float] = field(default_factory=dict)
    daily_spend: dict[date, float] = field(default_factory=dict)
    daily_spend_by_project: dict[date, dict[str, float]] = field(default_factory=dict)
    models: list[ModelVolume] = field(default_factory=list)
    daily_tokens_by_model: dict[date, dict[str, int]] = field(default_factory=dict)
    money_source: str = MONEY_SOURCE
    volume_source: str = VOLUME_SOURCE

    @staticmethod
    def change(current: float, previous: float) -> float | None:
        """Relative change against the previous period; None when there is nothing to compare with."""
        return None if previous == 0 else (current - previous) / previous

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as ISO strings)."""
        return {
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "previous_period": {"start": self.previous_start.isoformat(), "end": self.start.isoformat()},
            "currency": self.currency,
            "spend": {
                "total": self.total_spend,
                "previous": self.previous_spend,
                "change": self.change(self.total_spend, self.previous_spend),
                "by_project": self.spend_by_project,
                "by_line_item": self.spend_by_line_item,
                "daily": {d.isoformat(): v for d, v in self.daily_spend.items()},
                "source": self.money_source,
            },
            "volume": {
                "tokens": self.total_tokens,
                "previous_tokens": self.previous_tokens,
                "tokens_change": self.change(self.total_tokens, self.previous_tokens),
                "requests": self.total_requests,
                "previous_requests": self.previous_requests,
                "requests_change": self.change(self.total_requests, self.previous_requests),
                "top_models": [
                    {"model": m.model, "input_tokens": m.input_tokens, "output_tokens": m.output_tokens,
                     "tokens": m.tokens, "requests": m.requests}
                    for m in self.models
                ],
                "source": self.volume_source,
            },
        }  # fmt: skip


def _amount(row: Row) -> float:
    value = row.get("amount_value")
    return float(value) if value is not None else 0.0


def _day(row: Row) -> date:
    start: datetime = row["bucket_start"]
    return start.date()


def _sorted_desc(totals: Mapping[str, float]) -> dict[str, float]:
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def add_costs(report: Report, rows: Iterable[Row]) -> None:
    """Fold costs rows of the current period into totals by project, line item and day."""
    by_project: dict[str, float] = defaultdict(float)
    by_item: dict[str, float] = defaultdict(float)
    for row in rows:
        amount = _amount(row)
        day = _day(row)
        project = row.get("project_id") or UNATTRIBUTED
        report.total_spend += amount
        by_project[project] += amount
        by_item[row.get("line_item") or UNATTRIBUTED] += amount
        report.daily_spend[day] = report.daily_spend.get(day, 0.0) + amount
        per_day = report.daily_spend_by_project.setdefault(day, {})
        per_day[project] = per_day.get(project, 0.0) + amount
        if row.get("amount_currency"):
            report.currency = str(row["amount_currency"])
    report.spend_by_project = _sorted_desc(by_project)
    report.spend_by_line_item = _sorted_desc(by_item)


def add_usage(report: Report, rows: Iterable[Row]) -> None:
    """Fold usage rows of the current period (completions, embeddings) into per-model and per-day volume.

    Can be called once per endpoint: figures add up, and models stay ranked by tokens, then requests.
    """
    models = {m.model: m for m in report.models}
    for row in rows:
        name = row.get("model") or UNATTRIBUTED
        volume = models.setdefault(name, ModelVolume(name))
        input_tokens, output_tokens = int(row.get("input_tokens") or 0), int(row.get("output_tokens") or 0)
        requests = int(row.get("num_model_requests") or 0)
        volume.input_tokens += input_tokens
        volume.output_tokens += output_tokens
        volume.requests += requests
        report.total_tokens += input_tokens + output_tokens
        report.total_requests += requests
        per_day = report.daily_tokens_by_model.setdefault(_day(row), {})
        per_day[name] = per_day.get(name, 0) + input_tokens + output_tokens
    report.models = sorted(models.values(), key=lambda m: (-m.tokens, -m.requests, m.model))


def add_previous_spend(report: Report, cost_rows: Iterable[Row]) -> None:
    """Spend of the previous period of the same length, for the change figure."""
    report.previous_spend += sum(_amount(r) for r in cost_rows)


def add_previous_volume(report: Report, usage_rows: Iterable[Row]) -> None:
    """Tokens and requests of the previous period, from any volume endpoint (call once per endpoint)."""
    for row in usage_rows:
        report.previous_tokens += int(row.get("input_tokens") or 0) + int(row.get("output_tokens") or 0)
        report.previous_requests += int(row.get("num_model_requests") or 0)
