"""The limits a sync stored, judged from the warehouse's daily costs with the report's projection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from oai_usage.alerts import limit_findings, stored_limit_uses

TODAY = date(2026, 11, 24)  # a Tuesday
READ_AT = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


def _row(day: date, amount: float, project: str | None) -> dict[str, Any]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    return {"bucket_start": start, "bucket_end": start + timedelta(days=1), "amount_value": amount,
            "amount_currency": "usd", "project_id": project, "line_item": "gpt-4o, input"}  # fmt: skip


def _month(amount: float, project: str | None) -> list[dict[str, Any]]:
    """`amount` on each day of November up to and including TODAY."""
    return [_row(date(2026, 11, d), amount, project) for d in range(1, TODAY.day + 1)]


def test_the_organization_comes_first_and_counts_spend_no_project_carries() -> None:
    rows = _month(10.0, "proj_a") + _month(5.0, None)
    uses, notes = stored_limit_uses(rows, {"": (Decimal("1000"), "usd"), "proj_a": (Decimal("500"), "usd")}, TODAY,
                                    {"proj_a": "Support bot"}, READ_AT)  # fmt: skip
    assert [(u.dimension, u.id, u.name) for u in uses] == [("organization", "organization", ""),
                                                           ("project", "proj_a", "Support bot")]  # fmt: skip
    assert uses[0].month_to_date == 15.0 * 24 and uses[1].month_to_date == 10.0 * 24 and notes == []
    assert uses[1].used == 240 / 500 and all(u.as_of == READ_AT for u in uses)


def test_a_limit_in_another_currency_is_left_out_with_a_note() -> None:
    uses, notes = stored_limit_uses(_month(10.0, "proj_a"), {"proj_a": (Decimal("500"), "EUR")}, TODAY, {}, READ_AT)
    assert uses == [] and notes == ["Spend limits in EUR are left out: spend is summed in USD."]


def test_a_stored_limit_says_it_is_as_of_the_last_sync() -> None:
    uses, _ = stored_limit_uses(_month(20.0, "proj_a"), {"proj_a": (Decimal("500"), "usd")}, TODAY, {}, READ_AT)
    found = limit_findings(uses, TODAY)
    assert found[0].threshold == "90" and "(the limit as of the last sync, 2026-11-24 06:00Z)" in found[0].basis
    assert found[0].details["limit_as_of"] == "2026-11-24T06:00:00+00:00"
