"""Internal consistency of the data: partitions, time roll-ups, filters, costs vs usage, determinism."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oai_usage_sandbox import Sandbox, SandboxConfig
from oai_usage_sandbox.endpoints import ENDPOINTS
from oai_usage_sandbox.pricing import CHAT_PRICES

from .conftest import DAY, NOW, TODAY, ok, usage

USAGE = [e for e in ENDPOINTS.values() if not e.is_costs]
WEEK = [("start_time", TODAY - 7 * DAY), ("end_time", TODAY)]


def totals(page: dict[str, Any], fields: list[str]) -> list[Counter[str]]:
    """Per bucket, the sum of each counter over the bucket's rows."""
    out = []
    for bucket in page["data"]:
        c: Counter[str] = Counter()
        for row in bucket["results"]:
            for f in fields:
                c[f] += row[f]
        out.append(c)
    return out


def counters(name: str) -> list[str]:
    e = ENDPOINTS[name]
    if e.is_costs:
        return []
    return list(e.derive({b: 1 for b in e.base}))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_group_by_partition_sums_to_the_ungrouped_total(sandbox: Sandbox, data: st.DataObject) -> None:
    endpoint = data.draw(st.sampled_from(USAGE))
    dims = data.draw(st.lists(st.sampled_from(endpoint.dims), unique=True, min_size=1))
    path = usage(endpoint.name)
    fields = counters(endpoint.name)
    whole = ok(sandbox, path, WEEK)
    split = ok(sandbox, path, [*WEEK, *[("group_by", d) for d in dims]])
    assert totals(split, fields) == totals(whole, fields)


def test_grouped_rows_have_distinct_keys(sandbox: Sandbox) -> None:
    dims = list(ENDPOINTS["completions"].dims)
    page = ok(sandbox, usage("completions"), [*WEEK, *[("group_by", d) for d in dims]])
    for bucket in page["data"]:
        keys = [tuple(row[d] for d in dims) for row in bucket["results"]]
        assert len(keys) == len(set(keys))


def test_costs_partition_by_every_dimension_sums_to_total(sandbox: Sandbox) -> None:
    whole = ok(sandbox, "/v1/organization/costs", WEEK)
    for dim in ENDPOINTS["costs"].dims:
        split = ok(sandbox, "/v1/organization/costs", [*WEEK, ("group_by", dim)])
        for a, b in zip(whole["data"], split["data"], strict=True):
            total = sum(r["amount"]["value"] for r in a["results"])
            assert sum(r["amount"]["value"] for r in b["results"]) == pytest.approx(total, rel=1e-9)


@pytest.mark.parametrize("endpoint", ["completions", "images", "web_search_calls", "vector_stores"])
def test_minutes_sum_to_hours_and_hours_to_the_day(sandbox: Sandbox, endpoint: str) -> None:
    day = TODAY - 2 * DAY
    fields = counters(endpoint)
    span = [("start_time", day), ("end_time", day + DAY)]
    daily = totals(ok(sandbox, usage(endpoint), [*span, ("bucket_width", "1d")]), fields)
    hourly = totals(ok(sandbox, usage(endpoint), [*span, ("bucket_width", "1h"), ("limit", 24)]), fields)
    minutes = totals(ok(sandbox, usage(endpoint), [*span, ("bucket_width", "1m"), ("limit", 1440)]), fields)
    assert sum(hourly, Counter()) == daily[0]
    for h in range(24):
        assert sum(minutes[h * 60 : (h + 1) * 60], Counter()) == hourly[h]


def test_filter_selects_exactly_the_grouped_row(sandbox: Sandbox) -> None:
    path = usage("completions")
    fields = counters("completions")
    grouped = ok(sandbox, path, [*WEEK, ("group_by", "project_id")])
    bucket = next(b for b in grouped["data"] if len(b["results"]) > 1)
    row = bucket["results"][0]
    span = [("start_time", bucket["start_time"]), ("end_time", bucket["end_time"])]
    filtered = ok(sandbox, path, [*span, ("project_ids", row["project_id"])])
    assert totals(filtered, fields)[0] == Counter({f: row[f] for f in fields})


def test_filter_on_two_values_is_the_union(sandbox: Sandbox) -> None:
    path = usage("embeddings")
    grouped = ok(sandbox, path, [*WEEK, ("group_by", "api_key_id")])
    keys = sorted({r["api_key_id"] for b in grouped["data"] for r in b["results"]})[:2]
    both = ok(sandbox, path, [*WEEK, ("api_key_ids", keys[0]), ("api_key_ids", keys[1])])
    expected = [sum(r["input_tokens"] for r in b["results"] if r["api_key_id"] in keys) for b in grouped["data"]]
    assert [sum(r["input_tokens"] for r in b["results"]) for b in both["data"]] == expected


def test_batch_filter_splits_traffic_in_two(sandbox: Sandbox) -> None:
    path = usage("completions")
    fields = counters("completions")
    whole = totals(ok(sandbox, path, WEEK), fields)
    yes = totals(ok(sandbox, path, [*WEEK, ("batch", "true")]), fields)
    no = totals(ok(sandbox, path, [*WEEK, ("batch", "false")]), fields)
    assert [a + b for a, b in zip(yes, no, strict=True)] == whole
    assert any(yes) and any(no)


def test_filtered_rows_only_carry_the_selected_value(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("images"), [*WEEK, ("sizes", "1024x1024"), ("group_by", "size")])
    assert {r["size"] for b in page["data"] for r in b["results"]} == {"1024x1024"}


def test_costs_reconcile_with_completions_tokens(sandbox: Sandbox) -> None:
    span = [("start_time", TODAY - 3 * DAY), ("end_time", TODAY - 2 * DAY)]  # before the costs revision window
    used = ok(sandbox, usage("completions"), [*span, ("group_by", "model")])
    costs = ok(sandbox, "/v1/organization/costs", [*span, ("group_by", "line_item")])
    billed: Counter[str] = Counter()
    for row in costs["data"][0]["results"]:
        if row["quantity_unit"] == "tokens" and "embedding" not in row["line_item"]:
            billed[row["line_item"].split(", ")[0]] += int(row["quantity"])
    expected = {r["model"]: r["input_tokens"] + r["output_tokens"] for r in used["data"][0]["results"]}
    assert dict(billed) == expected


def test_cost_amounts_follow_the_price_table(sandbox: Sandbox) -> None:
    span = [("start_time", TODAY - DAY), ("end_time", TODAY)]
    costs = ok(sandbox, "/v1/organization/costs", [*span, ("group_by", "line_item")])
    rows = [r for r in costs["data"][0]["results"] if r["line_item"].endswith(", output")]
    assert rows
    for row in rows:
        per_million = CHAT_PRICES[row["line_item"].split(", ")[0]][2]
        assert row["amount"]["value"] == pytest.approx(row["quantity"] * per_million / 1e6)


def test_same_query_same_answer_across_instances(config: SandboxConfig) -> None:
    params = [*WEEK, ("group_by", "model"), ("group_by", "project_id")]
    assert ok(Sandbox(config), usage("completions"), params) == ok(Sandbox(config), usage("completions"), params)


def test_another_seed_gives_another_organization() -> None:
    a = ok(Sandbox(SandboxConfig(seed=1, now=NOW)), usage("completions"), [*WEEK, ("group_by", "project_id")])
    b = ok(Sandbox(SandboxConfig(seed=2, now=NOW)), usage("completions"), [*WEEK, ("group_by", "project_id")])
    assert a != b


def test_scale_grows_rows_per_bucket() -> None:
    params = [*WEEK, *[("group_by", d) for d in ("project_id", "api_key_id", "model")]]
    small = ok(Sandbox(SandboxConfig(scale=1, now=NOW)), usage("completions"), params)
    big = ok(Sandbox(SandboxConfig(scale=4, now=NOW)), usage("completions"), params)
    assert max(len(b["results"]) for b in big["data"]) >= 36
    assert max(len(b["results"]) for b in big["data"]) > 2 * max(len(b["results"]) for b in small["data"])


def test_weekends_are_quieter_than_weekdays(sandbox: Sandbox) -> None:
    span = [("start_time", TODAY - 28 * DAY), ("end_time", TODAY), ("limit", 31)]
    page = ok(sandbox, usage("completions"), span)
    by_kind: dict[bool, list[int]] = {True: [], False: []}
    for b in page["data"]:
        weekend = (b["start_time"] // DAY + 3) % 7 >= 5
        by_kind[weekend].append(sum(r["num_model_requests"] for r in b["results"]))
    assert sum(by_kind[True]) / len(by_kind[True]) < sum(by_kind[False]) / len(by_kind[False])


def test_one_minute_buckets_include_quiet_minutes(sandbox: Sandbox) -> None:
    span = [("start_time", TODAY - DAY), ("end_time", TODAY), ("bucket_width", "1m"), ("limit", 1440)]
    page = ok(sandbox, usage("completions"), span)
    empty = sum(1 for b in page["data"] if not b["results"])
    assert 0 < empty < 1440


def test_no_usage_after_now(sandbox: Sandbox) -> None:
    span = [("start_time", NOW // 60 * 60), ("end_time", NOW + 3600), ("bucket_width", "1m")]
    page = ok(sandbox, usage("completions"), span)
    assert all(b["results"] == [] for b in page["data"])
