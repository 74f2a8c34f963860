"""The report's unusual days: judged over the period's whole UTC days from the basis days before it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from oai_usage import ValidationError
from oai_usage.report import UnusualDays, caveat_text, from_rows

from tests.overlay.cli.conftest import NOW

START = datetime(2026, 11, 10, tzinfo=UTC)


def test_the_day_in_progress_is_not_judged_and_the_basis_is_fetched_before_the_period() -> None:
    asked: list[Mapping[str, Any]] = []

    def rows(endpoint: str, params: Mapping[str, Any], /) -> list[dict[str, Any]]:
        asked.append(params)
        return []

    found = from_rows(rows, start=START, end=NOW, now=NOW)
    assert found.unusual_days == UnusualDays(START.date(), NOW.date() - timedelta(days=1), 28,
                                             ("project", "model", "line_item"))  # fmt: skip
    basis = [p for p in asked if p["end_time"] == START and p["start_time"] == START - timedelta(days=28)]
    assert [p["group_by"] for p in basis] == [["project_id", "line_item"]]


def test_a_source_that_cannot_answer_the_basis_leaves_the_section_out_with_a_caveat() -> None:
    def rows(endpoint: str, params: Mapping[str, Any], /) -> list[dict[str, Any]]:
        if params["start_time"] == START - timedelta(days=28):  # the basis only: a source holding the periods
            raise ValidationError("usage.duckdb holds costs 1d from 2026-11-01; run oai-usage sync --since 54d")
        return []

    found = from_rows(rows, start=START, end=NOW, now=NOW)
    (said,) = [c for c in found.caveats() if c.kind == "unusual_not_judged"]
    assert found.unusual_days is None and found.to_dict()["unusual_days"] is None
    assert caveat_text(said) == ("Unusual days are not judged: their history (daily costs by project and line item "
                                 "from 2026-10-13) is not available (usage.duckdb holds costs 1d from 2026-11-01; run "
                                 "oai-usage sync --since 54d).")  # fmt: skip
