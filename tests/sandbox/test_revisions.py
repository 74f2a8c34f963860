"""Late revisions: recent buckets grow toward their final value as "now" moves on; older data never changes."""

from __future__ import annotations

from typing import Any

import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig

from .conftest import DAY, NOW, TODAY, ok, usage

MIN = 60
HOUR = 3600
COSTS = "/v1/organization/costs"
LAST_MINUTES = [("start_time", NOW // MIN * MIN - 12 * MIN), ("end_time", NOW // MIN * MIN), ("bucket_width", "1m")]
YESTERDAY = [("start_time", TODAY - DAY), ("end_time", TODAY)]


def at(now: int, *, usage_revision_minutes: int = 15, costs_revision_hours: int = 36) -> Sandbox:
    """A sandbox at `now` (the revision windows are the defaults unless given)."""
    return Sandbox(
        SandboxConfig(
            seed=7, now=now, usage_revision_minutes=usage_revision_minutes, costs_revision_hours=costs_revision_hours
        )
    )


def requests(page: dict[str, Any]) -> list[int]:
    return [sum(r["num_model_requests"] for r in b["results"]) for b in page["data"]]


def spend(page: dict[str, Any]) -> float:
    return float(sum(r["amount"]["value"] for b in page["data"] for r in b["results"]))


def test_closed_minutes_inside_the_window_grow_between_two_nows() -> None:
    early = requests(ok(at(NOW), usage("completions"), LAST_MINUTES))
    later = requests(ok(at(NOW + 5 * MIN), usage("completions"), LAST_MINUTES))
    assert early != later
    assert all(a <= b for a, b in zip(early, later, strict=True))


def test_a_fetch_one_window_later_equals_the_final_data() -> None:
    later = ok(at(NOW + 15 * MIN), usage("completions"), LAST_MINUTES)
    final = ok(at(NOW, usage_revision_minutes=0), usage("completions"), LAST_MINUTES)
    assert later == final
    assert ok(at(NOW), usage("completions"), LAST_MINUTES) != final


def test_minutes_older_than_the_window_are_identical_at_any_now() -> None:
    old = [
        ("start_time", NOW // MIN * MIN - 40 * MIN),
        ("end_time", NOW // MIN * MIN - 15 * MIN),
        ("bucket_width", "1m"),
    ]
    pages = [
        ok(at(now), usage("completions"), [*old, ("group_by", "model")]) for now in (NOW, NOW + 7 * MIN, NOW + DAY)
    ]
    assert pages[0] == pages[1] == pages[2]
    assert any(b["results"] for b in pages[0]["data"])


def test_revised_data_still_rolls_up_minutes_to_the_hour_and_partitions_to_the_total() -> None:
    sandbox = at(NOW)
    hour = NOW // HOUR * HOUR
    span = [("start_time", hour), ("end_time", NOW)]
    minutes = requests(ok(sandbox, usage("completions"), [*span, ("bucket_width", "1m"), ("limit", 60)]))
    hourly = requests(ok(sandbox, usage("completions"), [*span, ("bucket_width", "1h")]))
    grouped = ok(sandbox, usage("completions"), [*span, ("bucket_width", "1h"), ("group_by", "model")])
    assert sum(minutes) == hourly[0] == requests(grouped)[0]


def test_costs_of_the_last_day_grow_toward_their_final_value() -> None:
    early, later = spend(ok(at(NOW), COSTS, YESTERDAY)), spend(ok(at(NOW + 6 * HOUR), COSTS, YESTERDAY))
    final = spend(ok(at(NOW, costs_revision_hours=0), COSTS, YESTERDAY))
    assert early < later < final


def test_costs_one_window_later_equal_the_final_costs() -> None:
    params = [*YESTERDAY, ("group_by", "line_item"), ("group_by", "project_id")]
    assert ok(at(NOW + 36 * HOUR), COSTS, params) == ok(at(NOW, costs_revision_hours=0), COSTS, params)


def test_costs_older_than_the_window_never_change() -> None:
    params = [("start_time", TODAY - 5 * DAY), ("end_time", TODAY - 2 * DAY), ("group_by", "line_item")]
    assert ok(at(NOW), COSTS, params) == ok(at(NOW + 3 * DAY), COSTS, params)


def test_revised_costs_still_partition_to_the_total() -> None:
    sandbox = at(NOW)
    whole = spend(ok(sandbox, COSTS, YESTERDAY))
    for dim in ("line_item", "project_id", "api_key_id"):
        assert spend(ok(sandbox, COSTS, [*YESTERDAY, ("group_by", dim)])) == pytest.approx(whole, rel=1e-12)


def test_revisions_switched_off_serve_final_data_at_once() -> None:
    def off(now: int) -> Sandbox:
        return at(now, usage_revision_minutes=0, costs_revision_hours=0)

    assert ok(off(NOW), usage("completions"), LAST_MINUTES) == ok(off(NOW + DAY), usage("completions"), LAST_MINUTES)
    assert ok(off(NOW), COSTS, YESTERDAY) == ok(off(NOW + 3 * DAY), COSTS, YESTERDAY)


def test_a_pinned_now_gives_the_same_revised_answer_every_time() -> None:
    assert ok(at(NOW), usage("completions"), LAST_MINUTES) == ok(at(NOW), usage("completions"), LAST_MINUTES)


def test_a_longer_window_revises_older_minutes() -> None:
    old = [
        ("start_time", NOW // MIN * MIN - 40 * MIN),
        ("end_time", NOW // MIN * MIN - 20 * MIN),
        ("bucket_width", "1m"),
    ]
    long_window = requests(ok(at(NOW, usage_revision_minutes=60), usage("completions"), old))
    default = requests(ok(at(NOW), usage("completions"), old))
    assert sum(long_window) < sum(default)


@pytest.mark.parametrize(("field", "value"), [("usage_revision_minutes", -1), ("costs_revision_hours", 10_000)])
def test_revision_knobs_are_bounded(field: str, value: int) -> None:
    with pytest.raises(ValueError, match=field):
        SandboxConfig(**{field: value})  # type: ignore[arg-type]
