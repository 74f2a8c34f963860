"""Date expressions of the CLI, all in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from oai_usage.cli.dates import DateError, parse_span, parse_when

NOW = datetime(2026, 11, 24, 15, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T12:00:00Z", datetime(2026, 11, 1, 12, tzinfo=UTC)),
        ("2026-11-01T12:00:00", datetime(2026, 11, 1, 12, tzinfo=UTC)),
        ("2026-11-01T14:00:00+02:00", datetime(2026, 11, 1, 12, tzinfo=UTC)),
        ("30d", NOW - timedelta(days=30)),
        ("12h", NOW - timedelta(hours=12)),
        ("90m", NOW - timedelta(minutes=90)),
        ("2w", NOW - timedelta(weeks=2)),
        ("now", NOW),
        ("today", datetime(2026, 11, 24, tzinfo=UTC)),
        ("yesterday", datetime(2026, 11, 23, tzinfo=UTC)),
        ("mtd", datetime(2026, 11, 1, tzinfo=UTC)),
        ("MTD", datetime(2026, 11, 1, tzinfo=UTC)),
    ],
)
def test_expression_reads_as_utc(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, option="--start") == expected


@pytest.mark.parametrize("text", ["last week", "2026-13-01", "30x", "", "0d"])
def test_unreadable_expression_names_the_option_and_the_allowed_forms(text: str) -> None:
    with pytest.raises(DateError, match="--start") as info:
        parse_when(text, now=NOW, option="--start")
    assert "30d" in str(info.value)


def test_span_reads_days() -> None:
    assert parse_span("30d", option="--since") == timedelta(days=30)


def test_span_rejects_a_date() -> None:
    with pytest.raises(DateError, match="--since"):
        parse_span("2026-11-01", option="--since")
