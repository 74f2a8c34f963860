"""Internal (public through `oai_usage.report`): the report's figures as one immutable value, `Report`.

Money is an exact `Decimal` per currency (lower case), never added across currencies. Costs come in whole UTC
days, so spend stays on its UTC day (also with a time zone, where each local date shows the spend of the same UTC
date); volume comes in hourly or daily buckets and is placed on the local day its bucket starts in. Shares and
changes are floats (ratios, not money); a change is None when there is nothing to compare with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from .caveats import Caveat
from .jsonout import dumps, report_dict
from .labels import MODEL_RULE, NO_MODEL, UNATTRIBUTED, model_of
from .limits import LimitStatus
from .money import DEFAULT_CURRENCY, ZERO
from .periods import days_between, is_midnight, zone_name
from .unusual import UnusualDays

__all__ = [
    "MODEL_RULE",
    "NO_MODEL",
    "UNATTRIBUTED",
    "Breakdown",
    "ModelVolume",
    "Report",
    "Share",
    "change",
    "model_of",
]


def change(current: Decimal | int, previous: Decimal | int) -> float | None:
    """Relative change against the previous period; None when there is nothing to compare with."""
    return None if previous == 0 else float((current - previous) / previous)


@dataclass(frozen=True)
class ModelVolume:
    """Tokens and requests of one model over the period."""

    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    requests: int = 0

    @property
    def tokens(self) -> int:
        """Input and output tokens."""
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Share:
    """One entry of a breakdown: its key (an ID or a name), what people read for it (`label`), its value this
    period and the previous one, its share of the period's total and its change."""

    key: str
    label: str
    value: Decimal | int
    previous: Decimal | int
    share: float | None
    change: float | None


@dataclass(frozen=True)
class Breakdown:
    """A total split by one dimension (API key, user), largest first, per currency for money (`""` for tokens)."""

    dimension: str  # "api_key_id" or "user_id"
    measure: str  # "spend" (money) or "tokens"
    entries: Mapping[str, tuple[Share, ...]]  # currency ("" for tokens) -> entries

    @staticmethod
    def of(dimension: str, measure: str, current: Mapping[str, Mapping[str, Decimal | int]],
           previous: Mapping[str, Mapping[str, Decimal | int]], labels: Mapping[str, str]) -> Breakdown:  # fmt: skip
        """The breakdown of `current` (unit -> key -> value) against `previous`, labelled by `labels`."""
        entries: dict[str, tuple[Share, ...]] = {}
        for unit in sorted(set(current) | set(previous)):
            now, before = current.get(unit, {}), previous.get(unit, {})
            total = sum(now.values(), ZERO)
            keys = sorted(now, key=lambda k: (-now[k], k)) + sorted(k for k in before if k not in now)
            entries[unit] = tuple(
                Share(k, labels.get(k) or k, now.get(k, 0), before.get(k, 0),
                      float(now.get(k, 0) / total) if total else None, change(now.get(k, 0), before.get(k, 0)))
                for k in keys
            )  # fmt: skip
        return Breakdown(dimension, measure, entries)

    def total(self, unit: str) -> Decimal | int:
        """The sum of one unit's values this period."""
        start: Decimal | int = ZERO if self.measure == "spend" else 0
        return sum((s.value for s in self.entries.get(unit, ())), start)


@dataclass(frozen=True)
class Report:
    """Everything the spend report shows, as figures (build one with `oai_usage.report.build` or `from_rows`)."""

    start: datetime
    end: datetime
    previous_start: datetime
    previous_end: datetime
    money_start: datetime  # costs cover whole UTC days: [money_start, money_end)
    money_end: datetime
    previous_money: tuple[datetime, datetime]
    tz: tzinfo = UTC
    spend: Mapping[str, Decimal] = field(default_factory=dict)
    previous_spend: Mapping[str, Decimal] = field(default_factory=dict)
    spend_by_project: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    spend_by_line_item: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    spend_by_model: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)  # model_of(line_item)
    previous_spend_by_model: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    daily_spend_by_project: Mapping[str, Mapping[date, Mapping[str, Decimal]]] = field(default_factory=dict)
    previous_daily_spend: Mapping[str, Mapping[date, Decimal]] = field(default_factory=dict)
    spend_by_api_key: Breakdown | None = None  # None: the source holds no costs by API key
    tokens_by_user: Breakdown | None = None  # None: the source holds no usage by user
    total_tokens: int = 0
    previous_tokens: int = 0
    total_requests: int = 0
    previous_requests: int = 0
    models: tuple[ModelVolume, ...] = ()
    daily_tokens_by_model: Mapping[date, Mapping[str, int]] = field(default_factory=dict)
    previous_first_data: date | None = None  # the first day with any data in the previous period
    money_source: str = ""
    volume_source: str = ""
    names: Mapping[str, str] = field(default_factory=dict)  # project id -> name, from the directory
    show_names: bool = True  # tables, legends and the page name projects (False: IDs)
    project_filter: tuple[str, ...] = ()  # only these projects, as IDs
    limits: LimitStatus | None = None  # month to date against the spend limits (None: not asked, or not live)
    unusual_days: UnusualDays | None = None  # the period's unusual days (None: not judged, a caveat says why)
    notes: tuple[Caveat, ...] = ()  # what the source adds to the caveats (e.g. the warehouse: no limits)
    organizations: tuple[str, ...] = ()  # whose figures (two or more: their total)

    change = staticmethod(change)

    @property
    def zone(self) -> str:
        """The time zone's name (`UTC` or an IANA name)."""
        return zone_name(self.tz)

    @property
    def organization(self) -> str:
        """Whose figures these are, for a header: '' (one organization not named), `acme`, or
        `total of 2 organizations: acme, beta`."""
        if len(self.organizations) > 1:
            return f"total of {len(self.organizations)} organizations: {', '.join(self.organizations)}"
        return self.organizations[0] if self.organizations else ""

    def label(self, project_id: str) -> str:
        """What a person reads for a project: its name (the ID when no list knows it, or with show_names off)."""
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
        return days_between(self.money_start, self.money_end, UTC)

    def daily_spend(self, currency: str) -> dict[date, Decimal]:
        """Spend of one currency per UTC day, every day of the range (0 for a day with nothing)."""
        per_day = self.daily_spend_by_project.get(currency, {})
        return {day: sum(per_day.get(day, {}).values(), ZERO) for day in self.money_days}

    @property
    def money_day_in_progress(self) -> bool:
        """Whether the spend's last UTC day is still in progress (the costs end before its midnight)."""
        return self.money_end.astimezone(UTC).time() != time()

    def whole_day_basis(self) -> tuple[list[date], list[date]] | None:
        """When the last UTC day of spend is still in progress: the whole days of each period that the spend
        change compares (the day in progress is left out, and as many days from the previous period's start)."""
        days = self.money_days
        if len(days) < 2 or not self.money_day_in_progress:
            return None
        previous = days_between(self.previous_money[0], self.previous_money[1], UTC)[: len(days) - 1]
        return days[:-1], previous

    def spend_change(self, currency: str) -> float | None:
        """The spend change, like for like: over whole days only while a day is in progress."""
        basis = self.whole_day_basis()
        if basis is None:
            return change(self.spend.get(currency, ZERO), self.previous_spend.get(currency, ZERO))
        now_days, before_days = basis
        current = self.daily_spend(currency)
        previous = self.previous_daily_spend.get(currency, {})
        return change(sum((current[d] for d in now_days), ZERO), sum((previous.get(d, ZERO) for d in before_days),
                                                                      ZERO))  # fmt: skip

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
        """The previous period's end."""
        return self.previous_end

    def previous_days(self) -> int:
        """The local days the previous period touches."""
        return len(days_between(self.previous_start, self.previous_stop, self.tz))

    def previous_length(self) -> str:
        """How far back the previous period starts, in words: whole days, whole hours, or the exact time."""
        if is_midnight(self.previous_start, self.tz) and is_midnight(self.start, self.tz):
            return f"{len(days_between(self.previous_start, self.start, self.tz))} days"
        hours = (self.start - self.previous_start) / timedelta(hours=1)
        return f"{hours:g} hours" if hours == int(hours) else f"{hours * 60:.0f} minutes"

    def caveats(self) -> list[Caveat]:
        """What a reader must know to read the figures right, as data (`caveats.text` words each)."""
        found: list[Caveat] = []
        if not self.spend and not self.models:
            found.append(Caveat("no_data"))
        if len(self.spend) > 1:
            found.append(Caveat("currencies", {"currencies": tuple(sorted(self.spend))}))
        for day, part in self.partial_days().items():
            found.append(Caveat("partial_day", {"day": day, "part": part, "zone": self.zone}))
        if self.previous_stop != self.start:
            found.append(Caveat("previous_same_time", {"cut": self.previous_stop.astimezone(self.tz),
                                                       "zone": self.zone}))  # fmt: skip
        basis = self.whole_day_basis()
        if basis:
            now_days, before_days = basis
            found.append(Caveat("whole_day_change", {"days": (now_days[0], now_days[-1]),
                                                     "previous_days": (before_days[0], before_days[-1])}))  # fmt: skip
        money_days = self.money_days
        if money_days and (self.money_start != self.start or self.tz is not UTC):
            before = self.previous_money
            found.append(Caveat("utc_days", {
                "days": (money_days[0], money_days[-1]), "local": self.tz is not UTC,
                "previous_days": (before[0].date(), (before[1] - timedelta(days=1)).date()),
            }))  # fmt: skip
        previous_first = self.previous_start.astimezone(self.tz).date()
        if self.previous_first_data is None:
            found.append(Caveat("no_previous_data"))
        elif self.previous_first_data > previous_first:
            covered = self.previous_days() - (self.previous_first_data - previous_first).days
            facts = {"starts": previous_first, "data_starts": self.previous_first_data, "covered": covered,
                     "days": self.previous_days()}  # fmt: skip
            found.append(Caveat("previous_data_late", facts))
        if self.project_filter:
            found.append(Caveat("project_filter", {"projects": tuple(self.label(p) for p in self.project_filter)}))
        if self.limits is not None:
            found += self.limits.caveats()
        return found + list(self.notes)

    def model_breakdown(self, currency: str) -> dict[str, dict[str, Any]]:
        """Spend by model in one currency: spend, share of the period's spend, previous period's spend, change."""
        total = self.spend.get(currency, ZERO)
        before = self.previous_spend_by_model.get(currency, {})
        return {
            model: {"spend": value, "share": float(value / total) if total else None,
                    "previous": before.get(model, ZERO), "change": change(value, before.get(model, ZERO))}
            for model, value in self.spend_by_model.get(currency, {}).items()
        }  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as ISO strings, money as Decimal per currency, caveats worded)."""
        return report_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text; money printed exactly as its Decimal (no binary float on the way)."""
        return dumps(self.to_dict(), indent=indent)
