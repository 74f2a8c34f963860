"""Date expressions of the CLI and the one range rule (relative spans count whole units, the current one
included), in UTC or in the zone of --tz / OAI_USAGE_TZ."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from oai_usage.cli.dates import LOCAL_COLUMNS, DateError, parse_span, parse_when, with_local_times, zone
from oai_usage.report.periods import days_between, previous_start  # the report's periods (the library's)

NOW = datetime(2026, 11, 24, 15, 30, 12, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T12:00:00Z", datetime(2026, 11, 1, 12, tzinfo=UTC)),
        ("2026-11-01T12:00:00", datetime(2026, 11, 1, 12, tzinfo=UTC)),
        ("2026-11-01T14:00:00+02:00", datetime(2026, 11, 1, 12, tzinfo=UTC)),
        ("now", NOW),
        ("today", datetime(2026, 11, 24, tzinfo=UTC)),
        ("yesterday", datetime(2026, 11, 23, tzinfo=UTC)),
        ("mtd", datetime(2026, 11, 1, tzinfo=UTC)),
        ("MTD", datetime(2026, 11, 1, tzinfo=UTC)),
        ("1795000000", datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)),
    ],
)
def test_expression_reads_as_utc(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, option="--start") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1d", datetime(2026, 11, 24, tzinfo=UTC)),  # today so far
        ("30d", datetime(2026, 10, 26, tzinfo=UTC)),  # 29 whole days and today
        ("2w", datetime(2026, 11, 11, tzinfo=UTC)),  # = 14d
        ("12h", datetime(2026, 11, 24, 4, tzinfo=UTC)),  # 11 whole hours and the current one
        ("1h", datetime(2026, 11, 24, 15, tzinfo=UTC)),
        ("90m", datetime(2026, 11, 24, 14, 1, tzinfo=UTC)),
    ],
)
def test_relative_span_counts_whole_units_with_the_current_one(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, option="--start") == expected


def test_relative_days_start_at_local_midnight_in_a_zone() -> None:
    # 15:30 UTC is 16:30 in Berlin (CET); 3d = from Berlin midnight two days before, which is 23:00 UTC.
    assert parse_when("3d", now=NOW, option="--start", tz=BERLIN) == datetime(2026, 11, 21, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01", datetime(2026, 10, 31, 23, tzinfo=UTC)),
        ("2026-07-01", datetime(2026, 6, 30, 22, tzinfo=UTC)),  # summer time
        ("2026-11-01T12:00", datetime(2026, 11, 1, 11, tzinfo=UTC)),
        ("2026-11-01T12:00Z", datetime(2026, 11, 1, 12, tzinfo=UTC)),  # an explicit offset wins
        ("today", datetime(2026, 11, 23, 23, tzinfo=UTC)),
    ],
)
def test_dates_read_in_the_zone(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, option="--start", tz=BERLIN) == expected


@pytest.mark.parametrize("text", ["last week", "2026-13-01", "30x", "", "0d", "-5d"])
def test_unreadable_expression_names_the_option_and_the_allowed_forms(text: str) -> None:
    with pytest.raises(DateError, match="--start") as info:
        parse_when(text, now=NOW, option="--start")
    assert "30d" in str(info.value)


def test_huge_unix_seconds_is_a_clear_error() -> None:
    with pytest.raises(DateError, match="--start: '99999999999999999' is out of range"):
        parse_when("99999999999999999", now=NOW, option="--start")


def test_span_reads_amount_and_unit() -> None:
    assert parse_span("30d", option="--since") == (30, "d")


def test_span_rejects_a_date() -> None:
    with pytest.raises(DateError, match="--since"):
        parse_span("2026-11-01", option="--since")


def test_zone_from_option_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAI_USAGE_TZ", "Asia/Tokyo")
    assert zone(None) == ZoneInfo("Asia/Tokyo")
    assert zone("Europe/Berlin") == BERLIN
    monkeypatch.delenv("OAI_USAGE_TZ")
    assert zone(None) is UTC


@pytest.mark.parametrize(("name", "source"), [("Mars/Olympus", "--tz"), ("../../etc/passwd", "--tz")])
def test_unknown_zone_names_the_option(name: str, source: str) -> None:
    with pytest.raises(DateError, match=f"{source}: unknown time zone") as info:
        zone(name)
    assert "Europe/Berlin" in str(info.value)


def test_unknown_zone_in_the_environment_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAI_USAGE_TZ", "Nowhere/Land")
    with pytest.raises(DateError, match="OAI_USAGE_TZ: unknown time zone"):
        zone(None)


def test_previous_period_is_as_many_whole_days_before() -> None:
    start = datetime(2026, 10, 26, tzinfo=UTC)
    assert previous_start(start, NOW) == datetime(2026, 9, 26, tzinfo=UTC)  # 30 days: today counts whole


def test_previous_period_is_as_many_whole_hours_before() -> None:
    start = datetime(2026, 11, 24, 4, tzinfo=UTC)
    assert previous_start(start, NOW) == datetime(2026, 11, 23, 16, tzinfo=UTC)  # 12 hours


def test_previous_period_is_as_many_whole_minutes_before() -> None:
    start = datetime(2026, 11, 24, 14, 1, tzinfo=UTC)  # 90m
    assert previous_start(start, NOW) == datetime(2026, 11, 24, 12, 31, tzinfo=UTC)


def test_previous_period_of_an_unaligned_range_has_the_same_length() -> None:
    start = datetime(2026, 11, 24, 4, 10, 5, tzinfo=UTC)
    assert previous_start(start, NOW) == start - (NOW - start)


def test_days_across_a_summer_time_change_are_calendar_days() -> None:
    start, end = (
        parse_when("2026-10-24", now=NOW, option="s", tz=BERLIN),
        parse_when("2026-10-27", now=NOW, option="e", tz=BERLIN),
    )
    assert days_between(start, end, BERLIN) == [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
    assert (end - start).total_seconds() == 3 * 86400 + 3600  # the 25th has 25 hours


def test_local_columns_are_added_beside_the_utc_instants() -> None:
    row = {"bucket_start": datetime(2026, 11, 1, 23, tzinfo=UTC), "bucket_end": datetime(2026, 11, 2, tzinfo=UTC)}
    (out,) = with_local_times([dict(row)], BERLIN)
    assert out["bucket_start"] == row["bucket_start"]
    assert [out[c] for c in LOCAL_COLUMNS] == ["2026-11-02T00:00:00+01:00", "2026-11-02T01:00:00+01:00"]
