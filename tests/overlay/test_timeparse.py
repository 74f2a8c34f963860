"""start_time/end_time accept datetimes (naive = UTC), dates, ISO strings and Unix seconds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oai_usage.errors import ValidationError
from oai_usage.timeparse import from_unix_seconds, iso, to_unix_seconds

from tests.overlay.payloads import NOV_1

PLUS_2 = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "value",
    [
        NOV_1,
        datetime(2026, 11, 1),
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 11, 1, 2, tzinfo=PLUS_2),
        date(2026, 11, 1),
        "2026-11-01",
        "2026-11-01T00:00:00Z",
        "2026-11-01T00:00:00",
        "2026-11-01 02:00:00+02:00",
        " 2026-11-01T00:00:00.000+00:00 ",
    ],
    ids=repr,
)
def test_every_accepted_form_of_the_same_moment_gives_the_same_seconds(value: object) -> None:
    assert to_unix_seconds(value, "start_time") == NOV_1


def test_naive_datetime_is_read_as_utc_not_local_time() -> None:
    assert to_unix_seconds(datetime(2026, 11, 1, 12, 30)) == NOV_1 + 12 * 3600 + 30 * 60


def test_sub_second_precision_is_floored() -> None:
    assert to_unix_seconds(datetime(2026, 11, 1, 0, 0, 59, 999999, tzinfo=UTC)) == NOV_1 + 59


@pytest.mark.parametrize("value", [True, -5, 3.0, "tomorrow", "", None, datetime(1969, 12, 31, tzinfo=UTC)])
def test_other_values_are_rejected_naming_the_parameter(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        to_unix_seconds(value, "end_time")
    assert info.value.param == "end_time"
    assert "end_time" in str(info.value)


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.timezones()))
def test_aware_datetimes_round_trip_to_the_same_instant_in_utc(moment: datetime) -> None:
    seconds = to_unix_seconds(moment)
    back = from_unix_seconds(seconds)
    assert back.tzinfo is UTC
    assert timedelta(0) <= moment - back < timedelta(seconds=1)


@given(st.integers(min_value=0, max_value=4_102_444_800))
def test_iso_text_of_unix_seconds_parses_back_to_them(seconds: int) -> None:
    assert to_unix_seconds(iso(seconds)) == seconds


@pytest.mark.parametrize("value", [2**40, 2**40 + 1, 2**63])
def test_times_at_or_past_the_sandbox_bound_are_refused(value: int) -> None:
    with pytest.raises(ValidationError, match=r"below 2\*\*40") as info:
        to_unix_seconds(value, "start_time")
    assert info.value.param == "start_time"


def test_the_last_time_below_the_bound_is_accepted() -> None:
    assert to_unix_seconds(2**40 - 1, "end_time") == 2**40 - 1


@pytest.mark.parametrize("seconds", [2**62, -(2**62), 2**63])
def test_iso_names_a_time_no_calendar_holds_instead_of_failing(seconds: int) -> None:
    # A server may send any integer as a bucket edge; the error message about it must still be written.
    assert iso(seconds) == f"{seconds} (Unix seconds)"
