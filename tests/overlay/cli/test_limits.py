"""The month-end projection and "limit reached on", against values computed by hand.

November 2026 starts on a Sunday; "today" is Tuesday 2026-11-24. The basis (the 28 whole days before today) is
2026-10-27 to 2026-11-23: 20 weekdays and 8 weekend days. Spend is $100 on a weekday and $40 on a weekend day.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from oai_usage.report import limits as lim
from oai_usage.report import share_text

TODAY = date(2026, 11, 24)


def simple_days(today_so_far: float = 30.0) -> dict[date, float]:
    days = {}
    day = date(2026, 10, 1)
    while day < TODAY:
        days[day] = 40.0 if day.weekday() >= 5 else 100.0
        day += timedelta(days=1)
    days[TODAY] = today_so_far
    return days


def test_the_pace_is_the_mean_per_weekday_and_per_weekend_day() -> None:
    assert lim.basis_range(TODAY) == (date(2026, 10, 27), date(2026, 11, 23))
    assert lim.pace(simple_days(), TODAY) == lim.Pace(weekday=Decimal(100), weekend=Decimal(40))


def test_a_day_with_no_spend_counts_as_zero_in_the_pace() -> None:
    days = simple_days()
    del days[date(2026, 11, 23)]  # a Monday with nothing: 19 x 100 / 20 weekdays
    assert lim.pace(days, TODAY).weekday == pytest.approx(95.0)


def test_month_to_date_and_projection_by_hand() -> None:
    # Whole days Nov 1-23: 16 weekdays x 100 + 7 weekend days x 40 = 1880; today so far 30: month to date 1910.
    # Today counts max(30, 100) = 100; Nov 25-30 are 4 weekdays and 2 weekend days: 480. Projection 2460.
    line = lim.limit_line("organization", "organization", 2000.0, simple_days(), TODAY)
    assert line.month_to_date == pytest.approx(1910.0)
    assert line.projected == pytest.approx(2460.0)
    # Running total: 1880 after the 23rd, 1980 after today, 2080 after the 25th: reached on the 25th.
    assert line.reached_on == date(2026, 11, 25)


def test_a_limit_the_month_does_not_reach_has_no_date() -> None:
    line = lim.limit_line("proj_a", "Alpha", 2500.0, simple_days(), TODAY)
    assert line.reached_on is None
    assert line.projected_share == pytest.approx(2460 / 2500)


def test_today_counts_its_spend_so_far_when_it_is_above_the_pace() -> None:
    line = lim.limit_line("organization", "organization", 10_000.0, simple_days(today_so_far=250.0), TODAY)
    assert line.projected == pytest.approx(1880 + 250 + 480)


def test_a_limit_already_passed_is_reached_on_the_day_it_was_passed() -> None:
    # Nov 1 (Sun) 40, Nov 2-6 100 each: running 140, 240, 340, 440, 540 -> a $500 limit is passed on the 6th.
    line = lim.limit_line("organization", "organization", 500.0, simple_days(), TODAY)
    assert line.reached_on == date(2026, 11, 6)
    assert line.used is not None and line.used > 1


def test_the_running_totals_cover_the_whole_month() -> None:
    actual, projected = lim.running_totals(simple_days(), TODAY)
    assert min(actual) == date(2026, 11, 1) and max(actual) == TODAY
    assert min(projected) == TODAY and max(projected) == date(2026, 11, 30)
    assert actual[TODAY] == pytest.approx(1910.0) and projected[date(2026, 11, 30)] == pytest.approx(2460.0)


def test_the_first_day_of_a_month_projects_from_the_previous_28_days() -> None:
    first = date(2026, 12, 1)  # Tuesday; basis 2026-11-03 to 2026-11-30
    days = {first - timedelta(days=i): (40.0 if (first - timedelta(days=i)).weekday() >= 5 else 100.0)
            for i in range(1, 29)}  # fmt: skip
    line = lim.limit_line("organization", "organization", 5000.0, days, first)
    # December 2026: 23 weekdays, 8 weekend days -> 2300 + 320.
    assert line.month_to_date == 0.0 and line.projected == pytest.approx(2620.0)
    assert lim.fetch_start(first) == date(2026, 11, 3)


# --- Issue 26: exact limits, and a $0 limit that is enforced -------------------------------------------------------


def test_an_enforced_zero_limit_is_reached_on_the_first_day_a_cent_is_spent() -> None:
    days = simple_days()
    first_spend = min(d for d, v in days.items() if d >= date(2026, 11, 1) and v > 0)
    line = lim.limit_line("proj_a", "Alpha", Decimal(0), days, TODAY)
    assert line.reached_on == first_spend == date(2026, 11, 1)
    assert line.reached and line.used is None and line.projected_share is None
    assert share_text(line.used) == "over $0"


def test_a_zero_limit_with_nothing_spent_is_not_reached() -> None:
    quiet = {day: 0.0 for day in simple_days()}
    line = lim.limit_line("proj_a", "Alpha", Decimal(0), quiet, TODAY)
    assert (line.reached_on, line.reached, line.used, line.projected_share) == (None, False, 0.0, 0.0)


def test_a_limit_is_kept_exact_to_the_cent() -> None:
    # Nov 1-23: 1880 spent; today 30 so far: 1910.00 month to date, and 1910.01 is one cent beyond it.
    line = lim.limit_line("organization", "organization", Decimal("1910.01"), simple_days(), TODAY)
    assert line.limit == Decimal("1910.01") and not line.reached
    assert lim.limit_line("organization", "organization", Decimal("1910.00"), simple_days(), TODAY).reached
