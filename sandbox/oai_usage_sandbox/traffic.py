"""Request counts of a stream over any time range, generated top-down (day -> hours -> minutes) from hashes.

Each day total is split exactly over 24 hours and each hour exactly over 60 minutes, so 1m sums equal 1h sums equal
1d sums by construction, and any bucket is computed without walking the history.

Late revisions: a stream's count over a recent chunk (a minute for usage, an hour for costs) is shown as a fraction of
its final value that grows with the chunk's age and reaches 1 once the age passes the revision window. The fraction is
a pure function of (stream, chunk, now), so a pinned "now" stays reproducible, and because each stream and chunk is
revised on its own, partitions, filters and 1m/1h/1d roll-ups still add up at any "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .org import Rhythm
from .rng import split as apportion
from .rng import unit

DAY = 86400
HOUR = 3600
MINUTE = 60

# relative busyness by local hour of day: night quiet, office hours busy
_DIURNAL = (1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 11, 12, 12, 10, 8, 6, 4, 3, 2, 1, 1)


@dataclass(frozen=True)
class Window:
    """Where data exists: whole minutes from `start` (a day boundary) up to `cutoff` (the last finished minute).

    Chunks of `chunk` seconds that ended less than `revise` seconds before `now` are still being revised (0: never).
    """

    start: int
    cutoff: int
    now: int = 0
    revise: int = 0
    chunk: int = MINUTE

    @classmethod
    def for_now(cls, now: int, history_days: int, revise: int = 0, chunk: int = MINUTE) -> Window:
        start = (now // DAY - history_days) * DAY
        return cls(start=start, cutoff=now // MINUTE * MINUTE, now=now, revise=revise, chunk=chunk)


def _day_total(r: Rhythm, day: int) -> int:
    if unit(r.seed, 0xD0, day) < 0.02:  # organization-wide quiet day (an outage, a holiday)
        return 0
    if unit(r.key, day, 3) < 0.03:  # this stream idles for the day
        return 0
    factor = 0.6 + 0.8 * unit(r.key, day, 1)
    if (day + 3) % 7 >= 5:  # 1970-01-01 was a Thursday; weekday 5, 6 = Saturday, Sunday
        factor *= r.weekend
    if unit(r.key, day, 2) < 0.04:  # a burst day
        factor *= 4.0
    return int(r.daily * factor)


@lru_cache(maxsize=65536)
def hours_of_day(r: Rhythm, day: int) -> tuple[int, ...]:
    """Requests of each UTC hour of a day (index 0..23)."""
    quiet_from, quiet_len = 24, 0
    if unit(r.seed, 0xA0, day) < 0.4:  # an organization-wide quiet stretch of 1-3 hours
        quiet_from, quiet_len = int(unit(r.seed, 0xA1, day) * 24), 1 + int(unit(r.seed, 0xA2, day) * 3)
    weights = []
    for h in range(24):
        if h in r.quiet_hours or quiet_from <= h < quiet_from + quiet_len:
            weights.append(0)
            continue
        w = _DIURNAL[(h + r.tz) % 24] * (0.5 + unit(r.key, day, h, 7))
        if unit(r.key, day, h, 8) < 0.03:  # a burst hour
            w *= 6
        weights.append(int(w * 100))
    return tuple(apportion(_day_total(r, day), weights))


@lru_cache(maxsize=65536)
def minutes_of_hour(r: Rhythm, day: int, hour: int) -> tuple[int, ...]:
    """Requests of each minute of one hour (index 0..59)."""
    total = hours_of_day(r, day)[hour]
    if total == 0:
        return (0,) * 60
    quiet_from = int(unit(r.key, day, hour, 9) * 60) if unit(r.key, day, hour, 10) < 0.2 else 60
    org_quiet = int(unit(r.seed, 0xB1, day, hour) * 60) if unit(r.seed, 0xB0, day, hour) < 0.3 else 60
    weights = []
    for m in range(60):
        if quiet_from <= m < quiet_from + 12 or org_quiet <= m < org_quiet + 15 or unit(r.key, day, hour, m, 11) < 0.15:
            weights.append(0)
            continue
        w = 1 + int(unit(r.key, day, hour, m, 12) * 20)
        if unit(r.key, day, hour, m, 13) < 0.02:
            w *= 10
        weights.append(w)
    if not any(weights):
        weights[0] = 1
    return tuple(apportion(total, weights))


def _minutes(r: Rhythm, day: int, hour: int, m0: int, m1: int) -> int:
    return sum(minutes_of_hour(r, day, hour)[m0:m1])


def _within_day(r: Rhythm, day: int, a: int, b: int) -> int:
    """Requests in minute-aligned [a, b) inside one day, with a, b as seconds since the day's start."""
    if a == 0 and b == DAY:
        return sum(hours_of_day(r, day))
    total = 0
    h0, h1 = a // HOUR, (b - 1) // HOUR
    hours = hours_of_day(r, day)
    for h in range(h0, h1 + 1):
        lo = max(a, h * HOUR) - h * HOUR
        hi = min(b, (h + 1) * HOUR) - h * HOUR
        if lo == 0 and hi == HOUR:
            total += hours[h]
        elif hours[h]:
            total += _minutes(r, day, h, lo // MINUTE, hi // MINUTE)
    return total


def _final(r: Rhythm, a: int, b: int) -> int:
    """Final requests in minute-aligned [a, b)."""
    total = 0
    for day in range(a // DAY, (b - 1) // DAY + 1):
        ds = day * DAY
        total += _within_day(r, day, max(a, ds) - ds, min(b, ds + DAY) - ds)
    return total


def revised(r: Rhythm, chunk_start: int, final: int, age: int, window: int) -> int:
    """What is shown of a chunk's `final` count `age` seconds after it closed: grows with age, exact from `window` on.

    Starts at 25-75 % of the final value (per stream and chunk) and rises along age**k (k in 0.5..2), never falling.
    """
    if age >= window:
        return final
    low, power = _revision_shape(r.key, chunk_start)
    return int(final * (low + (1.0 - low) * (max(age, 0) / window) ** power))


@lru_cache(maxsize=65536)
def _revision_shape(key: int, chunk_start: int) -> tuple[float, float]:
    """Share of the final value shown when a chunk closes, and the power of its growth curve."""
    return 0.25 + 0.5 * unit(key, chunk_start, 0x5E), 0.5 + 1.5 * unit(key, chunk_start, 0x5F)


def requests(r: Rhythm, window: Window, a: int, b: int) -> int:
    """Requests in the minutes whose start lies in [a, b), clipped to the data window and the stream's first day.

    Chunks still inside the revision window count their revised (partial) value.
    """
    first = window.start + r.start_day * DAY
    a = max(a, first)
    b = min(b, window.cutoff)
    a = -(-a // MINUTE) * MINUTE
    b = -(-b // MINUTE) * MINUTE
    if a >= b:
        return 0
    if window.revise <= 0:
        return _final(r, a, b)
    chunk = window.chunk
    settled = (window.now - window.revise) // chunk * chunk  # chunks starting here or later are still revised
    if b <= settled:
        return _final(r, a, b)
    total = _final(r, a, settled) if a < settled else 0
    x = max(a, settled) // chunk * chunk
    while x < b:
        lo, hi = max(a, x), min(b, x + chunk)
        if hi - lo == HOUR:  # a whole hour (costs chunks): read it straight from the day's split
            final = hours_of_day(r, lo // DAY)[lo % DAY // HOUR]
        elif hi - lo == MINUTE:  # a whole minute (usage chunks)
            final = minutes_of_hour(r, lo // DAY, lo % DAY // HOUR)[lo % HOUR // MINUTE]
        else:
            final = _final(r, lo, hi)
        if final:
            total += revised(r, x, final, window.now - min(x + chunk, window.cutoff), window.revise)
        x += chunk
    return total
