"""`Report.to_json()`: money printed as its exact Decimal digits, the shape the CLI's JSON has."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from oai_usage.report import dumps

from tests.overlay.report.draft import Draft, add_costs


def test_a_decimal_prints_as_its_exact_digits() -> None:
    assert dumps({"a": Decimal("0.1") + Decimal("0.2"), "b": Decimal("12.34500"), "c": Decimal("1E+3")}, indent=None) \
        == '{"a": 0.3, "b": 12.34500, "c": 1000}'  # fmt: skip


def test_a_text_that_looks_like_the_marker_stays_text() -> None:
    assert json.loads(dumps({"name": '"0"', "value": Decimal("1.5")})) == {"name": '"0"', "value": 1.5}


def test_spend_sums_exactly_where_floats_would_not() -> None:
    draft = Draft(start=datetime(2026, 11, 1, tzinfo=UTC), end=datetime(2026, 11, 2, tzinfo=UTC),
                  previous_start=datetime(2026, 10, 31, tzinfo=UTC))  # fmt: skip
    row = {"bucket_start": datetime(2026, 11, 1, tzinfo=UTC), "project_id": "p", "line_item": "x"}
    add_costs(draft, [row | {"amount_value": 0.1}, row | {"amount_value": 0.2}])
    assert 0.1 + 0.2 != 0.3
    text = draft.report.to_json()
    assert '"usd": 0.3\n' in text
    assert json.loads(text)["spend"]["total"] == {"usd": 0.3}
