"""Internal: the report's periods: local days, the previous period, the whole UTC days of costs.

The same range rule as the command line's (`oai-usage report --help`): a period that starts at a local midnight
compares with as many whole days just before it, ending at the same local time of day (across a DST change);
otherwise with the same span just before it. Costs come in whole UTC days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

__all__ = [
    "Periods",
    "days_between",
    "is_midnight",
    "money_range",
    "periods",
    "previous_start",
    "same_time_days_before",
    "zone_name",
]


def zone_name(tz: tzinfo) -> str:
    """`UTC`, or the zone's IANA name."""
    return "UTC" if tz is UTC else str(tz)


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def is_midnight(moment: datetime, tz: tzinfo) -> bool:
    """Whether `moment` is a local midnight in `tz`."""
    return _local_midnight(moment.astimezone(tz).date(), tz) == moment


def days_between(start: datetime, end: datetime, tz: tzinfo = UTC) -> list[date]:
    """Every local day that [start, end) touches, in order."""
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def previous_start(start: datetime, end: datetime, tz: tzinfo = UTC) -> datetime:
    """Start of the previous period: as many whole units (days from a midnight, hours from a full hour, minutes
    from a full minute) before `start` as the period spans, its partial last unit counted whole; otherwise the
    same length exactly."""
    if is_midnight(start, tz):
        first = start.astimezone(tz).date()
        last = (end - timedelta(microseconds=1)).astimezone(tz).date()
        return _local_midnight(first - timedelta(days=(last - first).days + 1), tz)
    local = start.astimezone(tz)
    for step, floored in ((timedelta(hours=1), local.replace(minute=0, second=0, microsecond=0)),
                          (timedelta(minutes=1), local.replace(second=0, microsecond=0))):  # fmt: skip
        if floored.astimezone(UTC) == start:
            return start - step * math.ceil((end - start) / step)
    return start - (end - start)


def same_time_days_before(moment: datetime, days: int, tz: tzinfo) -> datetime:
    """The instant `days` local days before `moment` at the same local time of day (a time that the day before
    skips, in a spring-forward gap, is read as the clocks would read it just after the change)."""
    local = moment.astimezone(tz)
    shifted = datetime.combine(local.date() - timedelta(days=days), local.time(), tzinfo=tz)
    return shifted.astimezone(UTC).astimezone(tz).astimezone(UTC)


def money_range(start: datetime, end: datetime, now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The whole UTC days of costs for a period: the UTC dates of its first and last local days (a day in
    progress ends at `now`, which the API does not pass)."""
    days = days_between(start, end, tz)
    first = datetime.combine(days[0], time(), tzinfo=UTC)
    last = datetime.combine(days[-1] + timedelta(days=1), time(), tzinfo=UTC)
    return first, min(last, max(now, first + timedelta(seconds=1)))


@dataclass(frozen=True)
class Periods:
    """The report's ranges: the period, the previous one, and the whole UTC days of costs of each."""

    start: datetime
    end: datetime
    previous_start: datetime
    previous_end: datetime
    money_start: datetime
    money_end: datetime
    tz: tzinfo

    @property
    def previous_money(self) -> tuple[datetime, datetime]:
        """The previous period's costs: as many whole UTC days as the current period touches, just before them."""
        count = len(days_between(self.start, self.end, self.tz))
        return self.money_start - timedelta(days=count), self.money_start


def periods(start: datetime, end: datetime, now: datetime, tz: tzinfo = UTC) -> Periods:
    """The ranges of a report of [start, end) as of `now` (`end` after `now` is cut at `now`)."""
    end = min(end, now)
    before = previous_start(start, end, tz)
    if is_midnight(start, tz):
        days = (start.astimezone(tz).date() - before.astimezone(tz).date()).days
        previous_end = same_time_days_before(end, days, tz)
    else:
        previous_end = end - (start - before)
    money_start, money_end = money_range(start, end, now, tz)
    return Periods(start, end, before, previous_end, money_start, money_end, tz)
