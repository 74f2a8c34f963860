"""The alert rules against hand-computed figures: a robust baseline, newcomers, limits, stale data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from oai_usage import CheckSettings, LimitUse, SpendHistory, evaluate_rules, unusual_days
from oai_usage.alerts import basis_days, limit_findings, new_spenders, stale_findings

MONDAY = date(2026, 11, 23)
TODAY = MONDAY + timedelta(days=1)


def _row(
    day: date, amount: float, project: str = "proj_a", item: str = "gpt-4o, input", key: str = "key_a"
) -> dict[str, Any]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    return {"bucket_start": start, "bucket_end": start + timedelta(days=1), "amount_value": amount,
            "amount_currency": "usd", "project_id": project, "line_item": item, "api_key_id": key}  # fmt: skip


def _steady(weekday: float = 100.0, weekend: float = 20.0, **where: str) -> list[dict[str, Any]]:
    """28 days before MONDAY: weekdays alternate weekday -/+ 2, weekend days flat."""
    rows = []
    for n in range(1, 29):
        day = MONDAY - timedelta(days=n)
        amount = weekend if day.weekday() >= 5 else weekday + (2 if n % 2 else -2)
        rows.append(_row(day, amount, **where))
    return rows


def _history(rows: list[dict[str, Any]]) -> SpendHistory:
    names = {"project": {"proj_a": "Support bot"}, "api_key": {"key_a": "ada-prod"}}
    return SpendHistory.from_rows(rows, names=names, start=MONDAY - timedelta(days=28))


def test_the_basis_of_a_weekday_is_the_twenty_weekdays_before_it() -> None:
    days = basis_days(MONDAY, 28)
    assert len(days) == 20 and days[0] == date(2026, 10, 26) and days[-1] == date(2026, 11, 20)
    assert all(d.weekday() < 5 for d in days)


def test_a_day_far_above_the_median_of_its_kind_is_unusual_with_its_baseline() -> None:
    history = _history([*_steady(), _row(MONDAY, 400.0)])
    found = [f for f in unusual_days(history, [MONDAY]) if f.dimension == "project"]
    assert len(found) == 1
    finding = found[0]
    # weekdays: ten at 98, ten at 102 -> median 100, MAD 2 -> robust deviation max(2.9652, 5) = 5
    assert finding.baseline == 100.0 and finding.details["mad"] == 2.0 and finding.amount == 400.0
    assert finding.details["deviations"] == 60.0 and finding.period == "2026-11-23"
    assert "Support bot (proj_a)" in finding.what and "$400.00" in finding.what and "$100.00" in finding.what


def test_a_weekend_baseline_does_not_make_a_weekday_unusual() -> None:
    history = _history([*_steady(weekend=1.0), _row(MONDAY, 150.0)])
    assert unusual_days(history, [MONDAY]) == []


def test_twice_the_median_is_needed_even_far_outside_the_deviation() -> None:
    history = _history([*_steady(), _row(MONDAY, 190.0)])  # 18 deviations, but 1.9x the median
    assert unusual_days(history, [MONDAY]) == []


def test_cents_never_fire_however_unusual() -> None:
    rows = [_row(MONDAY - timedelta(days=n), 0.5) for n in range(1, 29)] + [_row(MONDAY, 9.0)]
    assert unusual_days(_history(rows), [MONDAY]) == []
    assert unusual_days(_history(rows), [MONDAY], CheckSettings(unusual_min_amount=5.0)) != []


def test_a_line_item_of_an_unusual_model_is_named_in_the_models_finding() -> None:
    history = _history([*_steady(), _row(MONDAY, 400.0)])
    found = unusual_days(history, [MONDAY])
    assert sorted(f.dimension for f in found) == ["model", "project"]
    model = next(f for f in found if f.dimension == "model")
    assert model.id == "gpt-4o" and model.details["line_items"] == ["gpt-4o, input"]


def test_without_roll_up_each_line_item_is_its_own_finding() -> None:
    history = _history([*_steady(), _row(MONDAY, 400.0)])
    assert "line_item" in {f.dimension for f in unusual_days(history, [MONDAY], roll_up=False)}


def test_a_model_that_starts_spending_is_new() -> None:
    rows = [*_steady(), _row(MONDAY, 30.0, item="o3-pro, input", key="key_b")]
    found = new_spenders(_history(rows), MONDAY)
    assert {(f.dimension, f.id) for f in found} == {("model", "o3-pro"), ("line_item", "o3-pro, input"),
                                                    ("api_key", "key_b")}  # fmt: skip
    assert all(f.amount == 30.0 and f.baseline == 0.0 for f in found)


def test_nothing_is_new_when_the_history_is_shorter_than_the_basis() -> None:
    rows = [_row(MONDAY, 30.0, item="o3-pro, input")]
    short = SpendHistory.from_rows(rows, start=MONDAY - timedelta(days=3))
    assert new_spenders(short, MONDAY) == []


def _limit(used: float, projected: float, limit: float = 1000.0) -> LimitUse:
    return LimitUse("project", "proj_a", "Support bot", limit, used * limit, projected * limit, used, projected, None)


def test_a_limit_fires_its_highest_threshold_used_and_a_higher_projected_one() -> None:
    found = limit_findings([_limit(0.85, 1.087)], TODAY)
    assert [(f.threshold, f.severity) for f in found] == [("80", "warning"), ("projected-100", "warning")]
    assert found[0].key == ":limits:project:proj_a:80:2026-11"
    assert "85.0%" in found[0].what and "$1,000.00" in found[0].what and "Support bot" in found[0].what


def test_a_projection_below_the_used_threshold_adds_nothing() -> None:
    assert [f.threshold for f in limit_findings([_limit(0.91, 0.95)], TODAY)] == ["90"]


def test_a_spent_zero_limit_is_critical() -> None:
    zero = LimitUse("project", "proj_a", "Support bot", 0.0, 3.0, 9.0, None, None, TODAY)
    found = limit_findings([zero], TODAY)
    assert found[0].severity == "critical" and "over $0" in found[0].what


def test_a_limit_below_every_threshold_is_quiet() -> None:
    assert limit_findings([_limit(0.5, 0.7)], TODAY) == []


def test_a_sync_older_than_allowed_is_stale() -> None:
    now = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
    old = now - timedelta(hours=30)
    found = stale_findings(old, now, CheckSettings(stale_after="26h"), where="usage.duckdb")
    assert len(found) == 1 and found[0].amount == 30.0 and found[0].baseline == 26.0
    assert stale_findings(now - timedelta(hours=25), now, where="usage.duckdb") == []


def test_evaluate_rules_runs_only_the_rules_enabled() -> None:
    history = _history([*_steady(), _row(MONDAY, 400.0)])
    only_limits = CheckSettings(rules=("limits",))
    assert evaluate_rules(history, today=TODAY, settings=only_limits, limits=[_limit(0.5, 0.5)]) == ()
    assert {f.rule for f in evaluate_rules(history, today=TODAY, limits=[_limit(0.85, 0.85)])} == {"limits", "unusual"}


def test_findings_are_immutable_and_their_keys_stable() -> None:
    history = _history([*_steady(), _row(MONDAY, 400.0)])
    first, again = unusual_days(history, [MONDAY]), unusual_days(history, [MONDAY])
    assert [f.key for f in first] == [f.key for f in again]
    try:
        first[0].amount = 1.0  # type: ignore[misc]
    except AttributeError:
        return
    raise AssertionError("a finding can be changed")
