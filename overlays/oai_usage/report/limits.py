"""Internal (public through `oai_usage.report`): spend against the monthly limits: month to date, a
weekday-aware month-end projection, the day a limit is reached.

The method (`caveats.METHOD`): spend counts whole UTC days, as the Costs API has them. The basis is the 28 whole UTC
days before today (20 weekdays and 8 weekend days); its mean spend per weekday and per weekend day is the pace. The
month-end projection is the spend of the month's whole days so far, plus, for today and each remaining day of the
month, the mean of its kind of day (today: at least its spend so far). The limit is reached on the first day whose
cumulative spend (actual, then projected) meets it; None when the month ends first. Money is an exact `Decimal`
throughout (a limit is the API's cents / 100; spend is the sum of the costs' amounts as the API wrote them); a $0
limit that is enforced is reached at the first cent spent, and its shares (`used`, `projected_share`) are None once
anything is spent (no finite percentage of zero). Pure functions of daily figures, and `limit_status`, which reads
the limits and the month's costs through a client.
"""

from __future__ import annotations

import calendar
import logging
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import OaiUsageError, PermissionDeniedError
from .caveats import Caveat
from .money import ZERO, amount_of, as_decimal, currency_of

if TYPE_CHECKING:
    from ..client import UsageClient
    from ..directory import Directory
    from ..lists import SpendLimit

__all__ = [
    "BASIS_DAYS",
    "CLOSE_SHARE",
    "LimitLine",
    "LimitStatus",
    "Pace",
    "basis_range",
    "fetch_start",
    "limit_line",
    "limit_status",
    "month_end",
    "month_start",
    "pace",
    "running_totals",
    "spend_by_day",
    "status_of",
]

log = logging.getLogger("oai_usage.report")

BASIS_DAYS = 28
"""The whole UTC days before today whose mean spend (per weekday, per weekend day) is the pace."""
CLOSE_SHARE = 0.8
"""A project whose projection reaches this share of its limit is "close" (the `limits_close` caveat)."""

Daily = Mapping[date, Decimal | float]


def month_start(today: date) -> date:
    """The first day of today's month."""
    return today.replace(day=1)


def month_end(today: date) -> date:
    """The last day of today's month."""
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def basis_range(today: date) -> tuple[date, date]:
    """The first and last day of the basis: the 28 whole days before today."""
    return today - timedelta(days=BASIS_DAYS), today - timedelta(days=1)


def fetch_start(today: date) -> date:
    """The first day to fetch: the month's first day or the basis's, whichever is earlier."""
    return min(month_start(today), basis_range(today)[0])


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


def _get(daily: Daily, day: date) -> Decimal:
    return as_decimal(daily.get(day, ZERO))


@dataclass(frozen=True)
class Pace:
    """Mean spend per weekday and per weekend day over the basis."""

    weekday: Decimal
    weekend: Decimal

    def of(self, day: date) -> Decimal:
        """The pace of `day`'s kind (weekday or weekend day)."""
        return self.weekend if _weekend(day) else self.weekday


def pace(daily: Daily, today: date) -> Pace:
    """The mean spend per weekday and per weekend day over the 28 whole days before today (a day absent is 0)."""
    first, _ = basis_range(today)
    days = [first + timedelta(days=i) for i in range(BASIS_DAYS)]
    weekdays = [d for d in days if not _weekend(d)]
    weekends = [d for d in days if _weekend(d)]
    return Pace(
        weekday=sum((_get(daily, d) for d in weekdays), ZERO) / len(weekdays),
        weekend=sum((_get(daily, d) for d in weekends), ZERO) / len(weekends),
    )


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def _meets(amount: Decimal, limit: Decimal) -> bool:
    """Whether spending `amount` meets `limit`: at the limit or above, and for a $0 limit, at the first cent."""
    spent = _cents(amount)
    return spent >= limit and spent > 0 if limit == 0 else spent >= limit


def _share(amount: Decimal, limit: Decimal) -> float | None:
    if limit > 0:
        return float(_cents(amount) / limit)
    return None if _cents(amount) > 0 else 0.0


@dataclass(frozen=True)
class LimitLine:
    """One limit (the organization's or a project's) against its spend this month."""

    scope: str  # "organization" or the project id
    name: str  # "organization" or the project's name ("" when unknown)
    limit: Decimal  # exact dollars
    month_to_date: Decimal
    projected: Decimal
    reached_on: date | None  # None: not this month at this pace
    pace: Pace

    @property
    def used(self) -> float | None:
        """Month to date as a share of the limit; None for a $0 limit once anything is spent."""
        return _share(self.month_to_date, self.limit)

    @property
    def projected_share(self) -> float | None:
        """The month-end projection as a share of the limit; None for a $0 limit with any spend projected."""
        return _share(self.projected, self.limit)

    @property
    def reached(self) -> bool:
        """True when the month to date has met the limit (a $0 limit: once a cent is spent)."""
        return _meets(self.month_to_date, self.limit)


def running_totals(daily: Daily, today: date) -> tuple[dict[date, Decimal], dict[date, Decimal]]:
    """The cumulative spend of each day of the month: actual up to today, then projected to the month's end."""
    speed = pace(daily, today)
    actual: dict[date, Decimal] = {}
    projected: dict[date, Decimal] = {}
    total = ZERO
    day = month_start(today)
    last = month_end(today)
    while day <= last:
        if day < today:
            total += _get(daily, day)
            actual[day] = total
        else:
            if day == today:
                actual[day] = total + _get(daily, day)
                total += max(_get(daily, day), speed.of(day))
            else:
                total += speed.of(day)
            projected[day] = total
        day += timedelta(days=1)
    return actual, projected


def limit_line(scope: str, name: str, limit: Decimal | float, daily: Daily, today: date) -> LimitLine:
    """A limit against `daily` spend (UTC date -> spend in the limit's currency, any days; absent days are 0)."""
    exact = as_decimal(limit)
    actual, projected = running_totals(daily, today)
    reached: date | None = None
    for day in sorted(set(actual) | set(projected)):
        running = actual[day] if day < today else projected[day]
        if _meets(running, exact):
            reached = day
            break
    return LimitLine(scope, name, exact, actual[today], projected[month_end(today)], reached, pace(daily, today))


@dataclass(frozen=True)
class LimitStatus:
    """The report's limits: the organization's limit (None when none is set) and each project's (those projected
    closest to their limit first), the organization's running totals, and what was left out (`notes`)."""

    today: date
    currency: str = "usd"
    organization: LimitLine | None = None
    projects: tuple[LimitLine, ...] = ()
    cumulative: Mapping[date, Decimal] = field(default_factory=dict)  # the organization's actual running total
    projection: Mapping[date, Decimal] = field(default_factory=dict)  # ... and its projected running total
    project_cumulative: Mapping[str, Mapping[date, Decimal]] = field(default_factory=dict)  # per project with a limit
    project_projection: Mapping[str, Mapping[date, Decimal]] = field(default_factory=dict)
    notes: tuple[Caveat, ...] = ()

    @property
    def lines(self) -> list[LimitLine]:
        """The organization's line (when it has a limit), then the projects'."""
        return ([self.organization] if self.organization else []) + list(self.projects)

    def close_projects(self) -> list[LimitLine]:
        """Projects projected to reach at least 80 % of their limit this month (a $0 limit: any spend)."""
        return [p for p in self.projects if p.projected_share is None or p.projected_share >= CLOSE_SHARE]

    def caveats(self) -> list[Caveat]:
        """The method, the organization's pace, the projects close to their limit, and what was left out."""
        found = [Caveat("limits_method")] if self.lines else []
        if self.organization is not None:
            speed = self.organization.pace
            found.append(Caveat("limits_pace", {"basis": basis_range(self.today), "weekday": speed.weekday,
                                                "weekend": speed.weekend, "currency": self.currency}))  # fmt: skip
        close = self.close_projects()
        if close:
            found.append(Caveat("limits_close", {"projects": tuple((p.name or p.scope, p.projected_share)
                                                                   for p in close)}))  # fmt: skip
        return found + list(self.notes)


def spend_by_day(rows: Any, currency: str) -> dict[str, dict[date, Decimal]]:
    """UTC date -> spend in `currency`, per project ('' for the organization as a whole), from costs rows."""
    per: dict[str, dict[date, Decimal]] = {"": {}}
    for row in rows:
        if currency_of(row) != currency:
            continue
        day = row["bucket_start"].astimezone(UTC).date()
        amount = amount_of(row)
        keys = ("", str(row["project_id"])) if row.get("project_id") else ("",)
        for key in keys:
            bucket = per.setdefault(key, {})
            bucket[day] = bucket.get(day, ZERO) + amount
    return per


def limit_status(
    client: UsageClient, now: datetime, directory: Directory | None, project_ids: Sequence[str] | None = None
) -> LimitStatus:
    """Month to date against the organization's and each (selected, active) project's limit, with projections.

    Never fails: a limit the key may not read (403) is left out with a note; any other failure of these reads
    leaves the limits out with one warning log line and a note."""
    today = now.astimezone(UTC).date()
    try:
        return _read_limits(client, now, today, directory, project_ids)
    except OaiUsageError as exc:
        log.warning("the spend limits are left out (%s)", str(exc).splitlines()[0])
        return LimitStatus(today=today, notes=(Caveat("limits_failed"),))


def _read_limits(
    client: UsageClient, now: datetime, today: date, directory: Directory | None, project_ids: Sequence[str] | None
) -> LimitStatus:
    from ..lists import SpendLimit

    currency = "usd"
    notes: list[Caveat] = []
    try:
        org_limit: SpendLimit | None = client.spend_limit()
    except PermissionDeniedError:
        notes.append(Caveat("limit_org_unreadable"))
        org_limit = None
    projects = [] if directory is None else [p for p in directory.projects.values() if p.status != "archived"]
    if project_ids:
        projects = [p for p in projects if p.id in project_ids]

    def read(project_id: str) -> SpendLimit | PermissionDeniedError | None:
        try:
            return client.project_spend_limit(project_id)
        except PermissionDeniedError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=max(1, client.max_concurrency), thread_name_prefix="oai_usage_limit") as pool:
        answers = list(pool.map(read, [p.id for p in projects]))  # one GET per project, side by side
    project_limits = [(p, a) for p, a in zip(projects, answers, strict=True) if isinstance(a, SpendLimit)]
    # Spend is summed in the report's currency: a limit in another one is never compared with it (left out, noted).
    other = sorted({a.currency for a in [org_limit, *(a for _, a in project_limits)]
                    if a is not None and a.currency.lower() != currency})  # fmt: skip
    if other:
        notes.append(Caveat("limits_other_currencies", {"currencies": tuple(other), "currency": currency}))
        if org_limit is not None and org_limit.currency.lower() != currency:
            org_limit = None
        project_limits = [(p, a) for p, a in project_limits if a.currency.lower() == currency]
    if any(isinstance(a, PermissionDeniedError) for a in answers):
        notes.append(Caveat("limits_projects_unreadable"))
    if org_limit is None and not project_limits:
        return LimitStatus(today=today, currency=currency, notes=tuple(notes))
    start = datetime.combine(fetch_start(today), time(), tzinfo=UTC)
    rows = client.costs(start_time=start, end_time=max(now, start + timedelta(seconds=1)), bucket_width="1d",
                        group_by=["project_id"]).rows()  # fmt: skip
    return status_of(None if org_limit is None else org_limit.amount,
                     [(p.id, p.name, a.amount) for p, a in project_limits], rows, today, currency, notes)  # fmt: skip


def status_of(
    organization_limit: Decimal | None,
    project_limits: Sequence[tuple[str, str, Decimal]],
    rows: Any,
    today: date,
    currency: str = "usd",
    notes: Sequence[Caveat] = (),
) -> LimitStatus:
    """The limits' status from the limits (the organization's, and (project ID, name, amount) per project) and daily
    costs `rows` by project from `fetch_start(today)`: read live by `limit_status`, or from a warehouse's stored
    limits."""
    spend = spend_by_day(rows, currency)
    organization = cumulative = projection = None
    if organization_limit is not None:
        organization = limit_line("organization", "organization", organization_limit, spend[""], today)
        cumulative, projection = running_totals(spend[""], today)
    lines: list[LimitLine] = []
    per_actual: dict[str, Mapping[date, Decimal]] = {}
    per_projected: dict[str, Mapping[date, Decimal]] = {}
    for project_id, name, amount in project_limits:
        daily = spend.get(project_id, {})
        lines.append(limit_line(project_id, name, amount, daily, today))
        per_actual[project_id], per_projected[project_id] = running_totals(daily, today)
    lines.sort(key=lambda p: (-(math.inf if p.projected_share is None else p.projected_share), p.scope))
    return LimitStatus(
        today=today, currency=currency, organization=organization, projects=tuple(lines),
        cumulative=cumulative or {}, projection=projection or {}, project_cumulative=per_actual,
        project_projection=per_projected, notes=tuple(notes),
    )  # fmt: skip
