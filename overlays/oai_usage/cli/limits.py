"""Spend against the monthly limits: month to date, a weekday-aware month-end projection, the day a limit is reached.

The method (`METHOD`, also said in every report format): spend counts whole UTC days, as the Costs API has them.
The basis is the 28 whole UTC days before today (20 weekdays and 8 weekend days); its mean spend per weekday and
per weekend day is the pace. The month-end projection is the spend of the month's whole days so far, plus, for
today and each remaining day of the month, the mean of its kind of day (today: at least its spend so far). The
limit is reached on the first day whose cumulative spend (actual, then projected) meets it; None when the month
ends first. A limit is an exact `Decimal` of dollars (the API's cents / 100); a $0 limit that is enforced is reached
at the first cent spent, and its shares (`used`, `projected_share`) are None once anything is spent (no finite
percentage of zero; JSON says null, tables say "over $0"). Pure functions of daily figures: the tests check them
against hand-computed values.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

BASIS_DAYS = 28
CLOSE_SHARE = 0.8  # a project whose projection reaches 80 % of its limit is "close" (named in a note)
METHOD = (
    "Projection: the spend of this month's whole UTC days so far, plus, for today and each remaining day of the "
    "month, the mean spend of that kind of day (weekday or weekend) over the 28 whole UTC days before today "
    "(today counts at least its spend so far); the limit is reached on the first day the running total meets it."
)


def month_start(today: date) -> date:
    return today.replace(day=1)


def month_end(today: date) -> date:
    """The last day of today's month."""
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def basis_range(today: date) -> tuple[date, date]:
    """The first and last day of the basis: the 28 whole days before today."""
    return today - timedelta(days=BASIS_DAYS), today - timedelta(days=1)


def fetch_start(today: date) -> date:
    """The first day the report must fetch: the month's first day or the basis's, whichever is earlier."""
    return min(month_start(today), basis_range(today)[0])


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


@dataclass(frozen=True)
class Pace:
    """Mean spend per weekday and per weekend day over the basis."""

    weekday: float
    weekend: float

    def of(self, day: date) -> float:
        return self.weekend if _weekend(day) else self.weekday


def pace(daily: Mapping[date, float], today: date) -> Pace:
    """The mean spend per weekday and per weekend day over the 28 whole days before today (a day absent is 0)."""
    first, _ = basis_range(today)
    days = [first + timedelta(days=i) for i in range(BASIS_DAYS)]
    weekdays = [d for d in days if not _weekend(d)]
    weekends = [d for d in days if _weekend(d)]
    return Pace(
        weekday=sum(daily.get(d, 0.0) for d in weekdays) / len(weekdays),
        weekend=sum(daily.get(d, 0.0) for d in weekends) / len(weekends),
    )


@dataclass(frozen=True)
class LimitLine:
    """One limit (the organization's or a project's) against its spend this month."""

    scope: str  # "organization" or the project id
    name: str  # "organization" or the project's name ("" when unknown)
    limit: Decimal  # exact dollars
    month_to_date: float
    projected: float
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


def _cents(amount: float) -> Decimal:
    """A float amount of dollars as exact cents (rounded half-even: the costs' floats are not exact)."""
    return Decimal(repr(amount)).quantize(Decimal("0.01"))


def _meets(amount: float, limit: Decimal) -> bool:
    """Whether spending `amount` meets `limit`: at the limit or above, and for a $0 limit, at the first cent."""
    spent = _cents(amount)
    return spent >= limit and spent > 0 if limit == 0 else spent >= limit


def _share(amount: float, limit: Decimal) -> float | None:
    if limit > 0:
        return float(_cents(amount) / limit)
    return None if _cents(amount) > 0 else 0.0


def as_limit(amount: Decimal | float | int) -> Decimal:
    """A limit as exact dollars (a float is read as written: 2000.1 is $2,000.10)."""
    return (
        amount
        if isinstance(amount, Decimal)
        else Decimal(repr(amount))
        if isinstance(amount, float)
        else Decimal(amount)
    )


def running_totals(daily: Mapping[date, float], today: date) -> tuple[dict[date, float], dict[date, float]]:
    """The cumulative spend of each day of the month: actual up to today, then projected to the month's end."""
    speed = pace(daily, today)
    actual: dict[date, float] = {}
    projected: dict[date, float] = {}
    total = 0.0
    day = month_start(today)
    last = month_end(today)
    while day <= last:
        if day < today:
            total += daily.get(day, 0.0)
            actual[day] = total
        else:
            if day == today:
                actual[day] = total + daily.get(day, 0.0)
                total += max(daily.get(day, 0.0), speed.of(day))
            else:
                total += speed.of(day)
            projected[day] = total
        day += timedelta(days=1)
    return actual, projected


def limit_line(scope: str, name: str, limit: Decimal | float, daily: Mapping[date, float], today: date) -> LimitLine:
    """A limit against `daily` spend (UTC date -> spend in the limit's currency, any days; absent days are 0)."""
    exact = as_limit(limit)
    actual, projected = running_totals(daily, today)
    reached: date | None = None
    for day in sorted(set(actual) | set(projected)):
        running = actual[day] if day < today else projected[day]
        if _meets(running, exact):
            reached = day
            break
    return LimitLine(
        scope=scope,
        name=name,
        limit=exact,
        month_to_date=actual[today],
        projected=projected[month_end(today)],
        reached_on=reached,
        pace=pace(daily, today),
    )


@dataclass
class LimitStatus:
    """The report's limits section: the organization's limit (None when none is set) and each project's."""

    today: date
    currency: str = "usd"
    organization: LimitLine | None = None
    projects: list[LimitLine] = field(default_factory=list)
    cumulative: dict[date, float] = field(default_factory=dict)  # the organization's actual running total
    projection: dict[date, float] = field(default_factory=dict)  # ... and its projected running total
    notes: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[LimitLine]:
        return ([self.organization] if self.organization else []) + self.projects

    def close_projects(self) -> list[LimitLine]:
        """Projects projected to reach at least 80 % of their limit this month (a $0 limit: any spend)."""
        return [p for p in self.projects if p.projected_share is None or p.projected_share >= CLOSE_SHARE]

    def caveats(self) -> list[str]:
        lines = [METHOD] if self.lines else []
        first, last = basis_range(self.today)
        if self.organization is not None:
            speed = self.organization.pace
            lines.append(
                f"Pace of the organization over {first} to {last}: {speed.weekday:,.2f} per weekday, "
                f"{speed.weekend:,.2f} per weekend day ({self.currency.upper()})."
            )
        close = self.close_projects()
        if close:
            names = ", ".join(f"{p.name or p.scope} ({share_text(p.projected_share, 0)})" for p in close)
            lines.append(f"Projects projected to reach at least 80% of their limit this month: {names}.")
        return lines + self.notes

    def as_dict(self) -> dict[str, object]:
        def line(item: LimitLine) -> dict[str, object]:
            return {
                "scope": item.scope,
                "name": item.name,
                "limit": float(item.limit),  # bounded (lists.MAX_LIMIT_CENTS): always a finite number
                "month_to_date": item.month_to_date,
                "used": item.used,
                "projected_month_end": item.projected,
                "projected_share": item.projected_share,
                "reached_on": item.reached_on.isoformat() if item.reached_on else None,
                "pace_per_weekday": item.pace.weekday,
                "pace_per_weekend_day": item.pace.weekend,
            }

        return {
            "month": f"{self.today:%Y-%m}",
            "today": self.today.isoformat(),
            "currency": self.currency,
            "days": "UTC",
            "method": METHOD,
            "organization": line(self.organization) if self.organization else None,
            "projects": [line(p) for p in self.projects],
        }


def share_text(share: float | None, digits: int = 1) -> str:
    """A share of a limit for people: `42.0%`, or `over $0` for a $0 limit with spend (no finite share)."""
    return "over $0" if share is None else f"{share:.{digits}%}"
