"""`oai_usage.report.build`: the report's figures from the live API (the sandbox), as immutable values whose
breakdowns equal the sums of the client's own rows for the same grouping."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal

import oai_usage
import pytest
from oai_usage import UsageClient, ValidationError
from oai_usage.report import UNATTRIBUTED, Caveat, Report, build, caveat_text, from_rows

from tests.overlay.cli.conftest import NOW

START = datetime(2026, 11, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def report(client: UsageClient) -> Report:
    return build(client, start=START, end=NOW)


def _costs_by(client: UsageClient, column: Literal["api_key_id"], start: datetime, end: datetime) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in client.costs(start_time=start, end_time=end, bucket_width="1d", group_by=[column]).rows():
        totals[row[column] or UNATTRIBUTED] += Decimal(repr(row["amount_value"]))
    return dict(totals)


def test_the_report_is_public_and_immutable(report: Report) -> None:
    assert "report" in oai_usage.__all__ and oai_usage.report.build is build
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.total_tokens = 0  # type: ignore[misc]


def test_money_is_exact_decimal_from_the_rows(client: UsageClient, report: Report) -> None:
    rows = client.costs(start_time=report.money_start, end_time=report.money_end, bucket_width="1d").rows()
    assert report.spend["usd"] == sum((Decimal(repr(r["amount_value"])) for r in rows), Decimal(0))
    assert isinstance(report.spend["usd"], Decimal)


def test_spend_by_api_key_equals_the_sums_of_the_rows_by_api_key(client: UsageClient, report: Report) -> None:
    assert report.spend_by_api_key is not None
    expected = _costs_by(client, "api_key_id", report.money_start, report.money_end)
    shown = {entry.key: entry.value for entry in report.spend_by_api_key.entries["usd"] if entry.value}
    assert shown == {k: v for k, v in expected.items() if v} and len(shown) > 1


def test_spend_by_api_key_compares_with_the_previous_period(client: UsageClient, report: Report) -> None:
    assert report.spend_by_api_key is not None
    before = _costs_by(client, "api_key_id", *report.previous_money)
    for entry in report.spend_by_api_key.entries["usd"]:
        assert entry.previous == before.get(entry.key, 0)
        if entry.previous:
            assert entry.change == pytest.approx(float((entry.value - entry.previous) / entry.previous))
    shares = [e.share for e in report.spend_by_api_key.entries["usd"] if e.share is not None]
    assert sum(shares) == pytest.approx(1.0)


def test_api_keys_are_named_from_the_directory(client: UsageClient, report: Report) -> None:
    assert report.spend_by_api_key is not None
    names = {k.id: k.name for k in client.directory().api_keys.values()}
    named = [e for e in report.spend_by_api_key.entries["usd"] if names.get(e.key)]
    assert named and all(e.label == names[e.key] for e in named)


def test_tokens_by_user_equal_the_sums_of_the_rows_by_user(client: UsageClient, report: Report) -> None:
    expected: dict[str, int] = defaultdict(int)
    for endpoint in ("completions", "embeddings"):
        query = client.query(endpoint, start_time=report.start, end_time=report.end, bucket_width="1d",
                             group_by=["user_id"])  # fmt: skip
        for row in query.rows():
            expected[row["user_id"] or UNATTRIBUTED] += int(row.get("input_tokens") or 0) + int(
                row.get("output_tokens") or 0
            )
    assert report.tokens_by_user is not None
    shown = {e.key: e.value for e in report.tokens_by_user.entries[""] if e.value}
    assert shown == {k: v for k, v in expected.items() if v}
    assert sum(shown.values()) == report.total_tokens


def test_users_are_shown_by_e_mail(client: UsageClient, report: Report) -> None:
    assert report.tokens_by_user is not None
    emails = {u.id: u.email for u in client.directory().users.values()}
    known = [e for e in report.tokens_by_user.entries[""] if emails.get(e.key)]
    assert known and all(e.label == emails[e.key] for e in known)


def test_caveats_are_data_and_worded_apart(report: Report) -> None:
    found = report.caveats()
    assert all(isinstance(c, Caveat) for c in found)
    partial = next(c for c in found if c.kind == "partial_day")
    assert partial.facts["part"] == "to 15:30"
    assert caveat_text(partial) == "2026-11-24 is a partial day (to 15:30 UTC)."


def test_the_limits_are_exact_and_per_project(report: Report) -> None:
    assert report.limits is not None and report.limits.organization is not None
    assert isinstance(report.limits.organization.limit, Decimal)
    for line in report.limits.projects:
        assert report.limits.project_cumulative[line.scope][NOW.date()] == line.month_to_date


def test_a_range_that_ends_before_it_starts_is_a_validation_error(client: UsageClient) -> None:
    with pytest.raises(ValidationError, match="end"):
        from_rows(lambda endpoint, params: [], start=START, end=START - timedelta(days=1), now=NOW)


def test_a_source_without_a_grouping_leaves_that_breakdown_out_with_a_caveat() -> None:
    from oai_usage.report import GroupingUnavailable

    def rows(endpoint: str, params: object) -> list[dict[str, object]]:
        if "user_id" in (params.get("group_by") or ()):  # type: ignore[attr-defined]
            raise GroupingUnavailable("no usage by user")
        return []

    found = from_rows(rows, start=START, end=NOW, now=NOW)
    assert found.tokens_by_user is None and found.spend_by_api_key is not None
    (gap,) = [c for c in found.caveats() if c.kind == "groupings_not_in_warehouse"]
    assert "tokens by user" in caveat_text(gap)


def test_a_breakdowns_total_is_the_periods_total(report: Report) -> None:
    assert report.spend_by_api_key is not None and report.tokens_by_user is not None
    assert report.spend_by_api_key.total("usd") == report.spend["usd"]
    assert report.tokens_by_user.total("") == report.total_tokens and isinstance(report.tokens_by_user.total(""), int)


def test_a_caveat_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown caveat kind 'typo'"):
        Caveat("typo")
