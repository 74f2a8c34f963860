"""The spend report: figures computed from flat rows of the Costs API (money) and usage endpoints (volume).

Money is never added across currencies: every spend figure is kept per currency. Costs come in whole UTC days,
so spend stays on its UTC day (also with --tz, where each local date shows the spend of the same UTC date);
volume comes in hourly or daily buckets and is placed on the local day its bucket starts in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from .dates import days_between, is_midnight, zone_name
from .limits import LimitStatus

Row = Mapping[str, Any]
UNATTRIBUTED = "(none)"
NO_MODEL = "(no model)"
DEFAULT_CURRENCY = "usd"

MONEY_SOURCE = "GET /v1/organization/costs (bucket_width=1d, group_by=project_id,line_item)"
VOLUME_ENDPOINTS = ("completions", "embeddings")  # the endpoints whose results count tokens per model
VOLUME_SOURCE = "GET /v1/organization/usage/{completions,embeddings} (bucket_width=1d, group_by=model)"
VOLUME_SOURCE_HOURLY = "GET /v1/organization/usage/{completions,embeddings} (bucket_width=1h, group_by=model)"


WAREHOUSE_LIMITS_NOTE = (
    "Spend limits are live data and are not kept in the warehouse: run the report without --db to see the month "
    "to date against them."
)


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


def _money_dict() -> defaultdict[str, float]:
    return defaultdict(float)


@dataclass
class Report:
    """Everything `oai-usage report` shows, in plain numbers (money keyed by currency, lower case)."""

    start: datetime
    end: datetime
    previous_start: datetime
    tz: tzinfo = UTC
    previous_end: datetime | None = None  # the same length as the period: `start` unless its last unit is partial
    money_start: datetime | None = None  # costs cover whole UTC days: [money_start, money_end)
    money_end: datetime | None = None
    spend: dict[str, float] = field(default_factory=_money_dict)
    previous_spend: dict[str, float] = field(default_factory=_money_dict)
    spend_by_project: dict[str, dict[str, float]] = field(default_factory=dict)
    spend_by_line_item: dict[str, dict[str, float]] = field(default_factory=dict)
    spend_by_model: dict[str, dict[str, float]] = field(default_factory=dict)  # model_of(line_item), per currency
    previous_spend_by_model: dict[str, dict[str, float]] = field(default_factory=dict)
    daily_spend_by_project: dict[str, dict[date, dict[str, float]]] = field(default_factory=dict)
    previous_daily_spend: dict[str, dict[date, float]] = field(default_factory=dict)
    total_tokens: int = 0
    previous_tokens: int = 0
    total_requests: int = 0
    previous_requests: int = 0
    models: list[ModelVolume] = field(default_factory=list)
    daily_tokens_by_model: dict[date, dict[str, int]] = field(default_factory=dict)
    previous_first_data: date | None = None  # the first day with any data in the previous period
    money_source: str = MONEY_SOURCE
    volume_source: str = VOLUME_SOURCE
    names: dict[str, str] = field(default_factory=dict)  # project id -> name, from the directory
    show_names: bool = True  # tables, legends and the page name projects (--ids: IDs)
    project_filter: list[str] = field(default_factory=list)  # --project-ids, as IDs
    limits: LimitStatus | None = None  # month to date against the spend limits (None: not asked or --db)
    notes: list[str] = field(default_factory=list)  # what the source adds to the caveats (e.g. --db: no limits)
    organizations: list[str] = field(default_factory=list)  # --db: whose figures (two or more: their total)

    def __post_init__(self) -> None:
        if self.previous_end is None:
            self.previous_end = self.start
        if self.money_start is None or self.money_end is None:
            self.money_start, self.money_end = money_range(self.start, self.end, self.end, self.tz)

    @staticmethod
    def change(current: float, previous: float) -> float | None:
        """Relative change against the previous period; None when there is nothing to compare with."""
        return None if previous == 0 else (current - previous) / previous

    @property
    def zone(self) -> str:
        return zone_name(self.tz)

    @property
    def organization(self) -> str:
        """Whose figures these are, for a header: '' (the live report's one organization), `acme`, or
        `total of 2 organizations: acme, beta`."""
        if len(self.organizations) > 1:
            return f"total of {len(self.organizations)} organizations: {', '.join(self.organizations)}"
        return self.organizations[0] if self.organizations else ""

    def label(self, project_id: str) -> str:
        """What a person reads for a project: its name (the ID when no list knows it, or with --ids)."""
        if self.show_names and self.names.get(project_id):
            return self.names[project_id]
        return project_id

    @property
    def currencies(self) -> list[str]:
        """Every currency seen (current or previous period), sorted; the default one when there is none."""
        seen = set(self.spend) | set(self.previous_spend)
        return sorted(seen) if seen else [DEFAULT_CURRENCY]

    @property
    def days(self) -> list[date]:
        """Every local day of the period (the volume's days)."""
        return days_between(self.start, self.end, self.tz)

    @property
    def money_days(self) -> list[date]:
        """Every UTC day the spend covers."""
        return days_between(self.money_start or self.start, self.money_end or self.end, UTC)

    def daily_spend(self, currency: str) -> dict[date, float]:
        """Spend of one currency per UTC day, every day of the range (0 for a day with nothing)."""
        per_day = self.daily_spend_by_project.get(currency, {})
        return {day: sum(per_day.get(day, {}).values()) for day in self.money_days}

    @property
    def money_day_in_progress(self) -> bool:
        """Whether the spend's last UTC day is still in progress (the costs end before its midnight)."""
        return self.money_end is not None and self.money_end.astimezone(UTC).time() != datetime.min.time()

    def whole_day_basis(self) -> tuple[list[date], list[date]] | None:
        """When the last UTC day of spend is still in progress: the whole days of each period that the spend
        change compares (the day in progress is left out, and as many days from the previous period's start)."""
        days = self.money_days
        if len(days) < 2 or not self.money_day_in_progress:
            return None
        before = previous_money_range(self)
        previous = days_between(before[0], before[1], UTC)[: len(days) - 1]
        return days[:-1], previous

    def spend_change(self, currency: str) -> float | None:
        """The spend change, like for like: over whole days only while a day is in progress."""
        basis = self.whole_day_basis()
        if basis is None:
            return self.change(self.spend.get(currency, 0.0), self.previous_spend.get(currency, 0.0))
        now_days, before_days = basis
        current = self.daily_spend(currency)
        previous = self.previous_daily_spend.get(currency, {})
        return self.change(sum(current[d] for d in now_days), sum(previous.get(d, 0.0) for d in before_days))

    def daily_tokens(self) -> dict[date, int]:
        """Tokens per local day, every day of the period (0 for a day with nothing)."""
        return {day: sum(self.daily_tokens_by_model.get(day, {}).values()) for day in self.days}

    def partial_days(self) -> dict[date, str]:
        """The days of the period it covers only in part, with what part (e.g. 'to 11:59')."""
        notes: dict[date, str] = {}
        local_start, local_end = self.start.astimezone(self.tz), self.end.astimezone(self.tz)
        if not is_midnight(self.start, self.tz):
            notes[local_start.date()] = f"from {local_start:%H:%M}"
        if not is_midnight(self.end, self.tz):
            last = local_end.date()
            notes[last] = f"{notes[last]} " if last in notes else ""
            notes[last] += f"to {local_end:%H:%M}"
        return notes

    @property
    def previous_stop(self) -> datetime:
        return self.previous_end or self.start

    def previous_days(self) -> int:
        return len(days_between(self.previous_start, self.previous_stop, self.tz))

    def previous_length(self) -> str:
        """How far back the previous period starts, in words: whole days, whole hours, or the exact time."""
        if is_midnight(self.previous_start, self.tz) and is_midnight(self.start, self.tz):
            return f"{len(days_between(self.previous_start, self.start, self.tz))} days"
        hours = (self.start - self.previous_start) / timedelta(hours=1)
        return f"{hours:g} hours" if hours == int(hours) else f"{hours * 60:.0f} minutes"

    def caveats(self) -> list[str]:
        """What a reader must know to read the figures right (every report format shows these lines)."""
        lines: list[str] = []
        if not self.spend and not self.models:
            lines.append("This period has no data: no costs and no completions or embeddings usage.")
        currencies = sorted(self.spend)
        if len(currencies) > 1:
            names = ", ".join(c.upper() for c in currencies)
            lines.append(f"Costs come in {len(currencies)} currencies ({names}): each total is per currency, "
                         "none is converted or added to another.")  # fmt: skip
        for day, note in self.partial_days().items():
            lines.append(f"{day.isoformat()} is a partial day ({note} {self.zone}).")
        if self.previous_stop != self.start:
            cut = self.previous_stop.astimezone(self.tz)
            lines.append(
                f"The previous period stops at the same time of day, {cut:%Y-%m-%d %H:%M} {self.zone}, for a "
                "like-for-like change of tokens and requests; its spend counts that whole UTC day (costs are daily)."
            )
        basis = self.whole_day_basis()
        if basis:
            now_days, before_days = basis
            lines.append(f"The spend change leaves out the day in progress: it compares the whole UTC days "
                         f"{now_days[0]} to {now_days[-1]} with {before_days[0]} to {before_days[-1]}.")  # fmt: skip
        money_days = self.money_days
        if money_days and (self.money_start != self.start or self.tz is not UTC):
            how = " (each local date shows the spend of the same UTC date)" if self.tz is not UTC else ""
            before = previous_money_range(self)
            lines.append(
                f"Spend is counted in whole UTC days, as the Costs API has it: {money_days[0]} to "
                f"{money_days[-1]}{how}, compared with {before[0]:%Y-%m-%d} to "
                f"{before[1] - timedelta(days=1):%Y-%m-%d}; a day in progress shows its spend so far."
            )
        previous_first = self.previous_start.astimezone(self.tz).date()
        if self.previous_first_data is None:
            lines.append("The previous period has no data: there is no change to show.")
        elif self.previous_first_data > previous_first:
            covered = self.previous_days() - (self.previous_first_data - previous_first).days
            lines.append(f"The previous period starts {previous_first} but its data starts "
                         f"{self.previous_first_data}: it has data on only {covered} of its {self.previous_days()} "
                         "days, so the change overstates growth.")  # fmt: skip
        if self.project_filter:
            chosen = ", ".join(self.label(p) for p in self.project_filter)
            lines.append(f"Only the projects {chosen}: every figure is of these projects (the spend limits of the "
                         "organization compare with its whole spend).")  # fmt: skip
        if self.limits is not None:
            lines += self.limits.caveats()
        return lines + self.notes

    def model_breakdown(self, currency: str) -> dict[str, dict[str, float | None]]:
        """Spend by model in one currency: spend, share of the period's spend, previous period's spend, change."""
        total = self.spend.get(currency, 0.0)
        before = self.previous_spend_by_model.get(currency, {})
        return {
            model: {"spend": value, "share": value / total if total else None, "previous": before.get(model, 0.0),
                    "change": self.change(value, before.get(model, 0.0))}
            for model, value in self.spend_by_model.get(currency, {}).items()
        }  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as ISO strings, money per currency)."""
        currencies = self.currencies
        return {
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat(), "time_zone": self.zone,
                       "days": len(self.days),
                       "partial_days": {d.isoformat(): n for d, n in self.partial_days().items()}},
            "previous_period": {"start": self.previous_start.isoformat(), "end": self.previous_stop.isoformat(),
                                "days": self.previous_days(),
                                "first_day_with_data": self.previous_first_data.isoformat()
                                if self.previous_first_data else None},
            "currencies": currencies,
            "spend": {
                "total": {c: self.spend.get(c, 0.0) for c in currencies},
                "previous": {c: self.previous_spend.get(c, 0.0) for c in currencies},
                "change": {c: self.spend_change(c) for c in currencies},
                "by_project": {c: self.spend_by_project.get(c, {}) for c in currencies},
                "by_line_item": {c: self.spend_by_line_item.get(c, {}) for c in currencies},
                "by_model": {c: self.model_breakdown(c) for c in currencies},
                "model_rule": MODEL_RULE,
                "daily": {c: {d.isoformat(): v for d, v in self.daily_spend(c).items()} for c in currencies},
                "days": "UTC",
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
                "daily_tokens": {d.isoformat(): v for d, v in self.daily_tokens().items()},
                "days": self.zone,
                "source": self.volume_source,
            },
            "project_names": {p: self.names.get(p, "") for c in currencies for p in self.spend_by_project.get(c, {})
                              if p != UNATTRIBUTED},
            "project_filter": self.project_filter,
            "limits": self.limits.as_dict() if self.limits is not None else None,
            "caveats": self.caveats(),
        } | self._whose()  # fmt: skip

    def _whose(self) -> dict[str, Any]:
        """`organization` (its name, or `total`) and `organizations` when the report says whose figures it has."""
        if not self.organizations:
            return {}
        one = len(self.organizations) == 1
        return {"organization": self.organizations[0] if one else "total", "organizations": list(self.organizations)}


MODEL_RULE = ("a line item's model is its text before the first comma ('gpt-4o-2024-08-06, input (batch)' -> "
              "'gpt-4o-2024-08-06'); a line item without a comma (tools, storage) names no model: "
              f"'{NO_MODEL}'")  # fmt: skip


def model_of(line_item: str | None) -> str:
    """The model a costs line item is for (MODEL_RULE)."""
    if not line_item:
        return UNATTRIBUTED
    model, comma, _ = line_item.partition(",")
    return model.strip() if comma and model.strip() else NO_MODEL


def _amount(row: Row) -> float:
    value = row.get("amount_value")
    return float(value) if value is not None else 0.0


def _currency(row: Row) -> str:
    return str(row.get("amount_currency") or DEFAULT_CURRENCY).lower()


def _utc_day(row: Row) -> date:
    start: datetime = row["bucket_start"]
    return start.astimezone(UTC).date()


def _sorted_desc(totals: Mapping[str, float]) -> dict[str, float]:
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def _note_previous_day(report: Report, day: date) -> None:
    if report.previous_first_data is None or day < report.previous_first_data:
        report.previous_first_data = day


def add_costs(report: Report, rows: Iterable[Row]) -> None:
    """Fold costs rows of the current period into totals per currency, by project, line item and UTC day."""
    by_project: dict[str, dict[str, float]] = defaultdict(_money_dict)
    by_item: dict[str, dict[str, float]] = defaultdict(_money_dict)
    by_model: dict[str, dict[str, float]] = defaultdict(_money_dict)
    for row in rows:
        amount, currency, day = _amount(row), _currency(row), _utc_day(row)
        project = row.get("project_id") or UNATTRIBUTED
        report.spend[currency] = report.spend.get(currency, 0.0) + amount
        by_project[currency][project] += amount
        by_item[currency][row.get("line_item") or UNATTRIBUTED] += amount
        by_model[currency][model_of(row.get("line_item"))] += amount
        per_day = report.daily_spend_by_project.setdefault(currency, {}).setdefault(day, {})
        per_day[project] = per_day.get(project, 0.0) + amount
    report.spend_by_project = {c: _sorted_desc(v) for c, v in sorted(by_project.items())}
    report.spend_by_line_item = {c: _sorted_desc(v) for c, v in sorted(by_item.items())}
    report.spend_by_model = {c: _sorted_desc(v) for c, v in sorted(by_model.items())}


def add_usage(report: Report, rows: Iterable[Row]) -> None:
    """Fold usage rows of the current period (completions, embeddings) into per-model and per-local-day volume.

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
        day = row["bucket_start"].astimezone(report.tz).date()
        per_day = report.daily_tokens_by_model.setdefault(day, {})
        per_day[name] = per_day.get(name, 0) + input_tokens + output_tokens
    report.models = sorted(models.values(), key=lambda m: (-m.tokens, -m.requests, m.model))


def add_previous_spend(report: Report, cost_rows: Iterable[Row]) -> None:
    """Spend of the previous period per currency, for the change figure."""
    for row in cost_rows:
        amount, currency, day = _amount(row), _currency(row), _utc_day(row)
        report.previous_spend[currency] = report.previous_spend.get(currency, 0.0) + amount
        models = report.previous_spend_by_model.setdefault(currency, {})
        model = model_of(row.get("line_item"))
        models[model] = models.get(model, 0.0) + amount
        per_day = report.previous_daily_spend.setdefault(currency, {})
        per_day[day] = per_day.get(day, 0.0) + amount
        _note_previous_day(report, day)


def add_previous_volume(report: Report, usage_rows: Iterable[Row]) -> None:
    """Tokens and requests of the previous period, from any volume endpoint (call once per endpoint)."""
    for row in usage_rows:
        report.previous_tokens += int(row.get("input_tokens") or 0) + int(row.get("output_tokens") or 0)
        report.previous_requests += int(row.get("num_model_requests") or 0)
        _note_previous_day(report, row["bucket_start"].astimezone(report.tz).date())


def money_range(start: datetime, end: datetime, now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The whole UTC days of costs for a period: the UTC dates of its first and last local days (a day in
    progress ends at `now`, which the API does not pass)."""
    days = days_between(start, end, tz)
    first = datetime.combine(days[0], datetime.min.time(), tzinfo=UTC)
    last = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return first, min(last, max(now, first + timedelta(seconds=1)))


def previous_money_range(report: Report) -> tuple[datetime, datetime]:
    """The previous period's costs: as many whole UTC days as the current period touches, just before them."""
    if report.money_start is None:
        raise ValueError("previous_money_range needs the report's money_start")
    count = len(days_between(report.start, report.end, report.tz))
    return report.money_start - timedelta(days=count), report.money_start
