"""Rows: one flat dict per (bucket, result), with UTC bucket bounds and every result field under its API name."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime
from typing import Any

import pytest
from oai_usage import MissingDependencyError, UsageClient
from oai_usage.decode import decode_page
from oai_usage.endpoints import COMPLETIONS, COSTS, ENDPOINTS
from oai_usage.rows import columns
from pytest_httpx import HTTPXMock

from tests.generated.spec_helpers import OPERATIONS, Operation, resolve
from tests.overlay.oracle import rows_of
from tests.overlay.payloads import DAY, NOV_1, OTHER_PROJECT, bucket, completions_result, costs_result, days, page


def _rows(endpoint: Any, buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list(rows_of(decode_page(endpoint, page(buckets)).data))


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.path for op in OPERATIONS])
def test_columns_are_the_bucket_bounds_then_every_spec_result_field(op: Operation) -> None:
    expected = ["bucket_start", "bucket_end"]
    for name, schema in op.result_schema()["properties"].items():
        if name == "object":
            continue
        nested = resolve(schema)
        if nested.get("type") == "object":
            expected.extend(f"{name}_{sub}" for sub in nested["properties"])
        else:
            expected.append(name)
    assert list(columns(ENDPOINTS[op.path.rsplit("/", 1)[1]])) == expected


def test_a_row_has_aware_utc_bucket_bounds() -> None:
    (row,) = _rows(COMPLETIONS, [bucket(NOV_1, [completions_result()])])
    assert row["bucket_start"] == datetime(2026, 11, 1, tzinfo=UTC)
    assert row["bucket_end"] == datetime(2026, 11, 2, tzinfo=UTC)
    assert row["bucket_start"].tzinfo is UTC


def test_a_row_has_every_declared_column_in_order_with_absent_fields_as_none() -> None:
    sparse = {
        "object": "organization.usage.completions.result",
        "input_tokens": 10,
        "output_tokens": 2,
        "num_model_requests": 1,
    }
    (row,) = _rows(COMPLETIONS, [bucket(NOV_1, [sparse])])
    assert tuple(row) == columns(COMPLETIONS)
    assert row["input_cached_tokens"] is None
    assert row["model"] is None
    assert "object" not in row


def test_costs_rows_flatten_the_amount_into_a_float_value_and_a_currency() -> None:
    (row,) = _rows(COSTS, [bucket(NOV_1, [costs_result(value="12.50")])])
    assert (row["amount_value"], row["amount_currency"]) == (12.5, "usd")
    assert "amount" not in row
    assert row["line_item"] == "gpt-4o-2024-08-06, input"


def test_a_costs_row_without_an_amount_has_none_for_both_amount_columns() -> None:
    (row,) = _rows(COSTS, [bucket(NOV_1, [costs_result(amount=None)])])
    assert (row["amount_value"], row["amount_currency"]) == (None, None)


def test_costs_rows_carry_the_organization_id_as_a_declared_column() -> None:
    (row,) = _rows(COSTS, [bucket(NOV_1, [costs_result(organization_id="org-Ab12")])])
    assert row["organization_id"] == "org-Ab12"
    assert "organization_id" in columns(COSTS)


def test_unknown_fields_come_after_the_declared_columns() -> None:
    (row,) = _rows(COMPLETIONS, [bucket(NOV_1, [completions_result(input_cache_write_1h_tokens=512)])])
    assert list(row)[-1] == "input_cache_write_1h_tokens"
    assert row["input_cache_write_1h_tokens"] == 512


def test_there_is_one_row_per_bucket_and_result_in_order() -> None:
    buckets = [
        bucket(NOV_1, [costs_result(), costs_result(project_id=OTHER_PROJECT)]),
        bucket(NOV_1 + DAY),
        bucket(NOV_1 + 2 * DAY, [costs_result(value=1.25)]),
    ]
    rows = _rows(COSTS, buckets)
    assert [(r["bucket_start"].day, r["project_id"], r["amount_value"]) for r in rows] == [
        (1, "proj_Ab12Cd34Ef56Gh78", 4.608),
        (1, OTHER_PROJECT, 4.608),
        (3, "proj_Ab12Cd34Ef56Gh78", 1.25),
    ]


def test_query_rows_span_all_pages(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(days(NOV_1, 2, [completions_result()]), next_page="page_2"))
    httpx_mock.add_response(json=page(days(NOV_1 + 2 * DAY, 1, [completions_result()])))
    rows = list(client.completions(start_time=NOV_1, end_time=NOV_1 + 3 * DAY).rows())
    assert [r["bucket_start"].day for r in rows] == [1, 2, 3]


class _FakeFrame:
    def __init__(self, records: list[dict[str, Any]], columns: list[str]) -> None:
        self.records = records
        self.columns = columns


@pytest.fixture
def fake_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("pandas")
    module.DataFrame = types.SimpleNamespace(from_records=_FakeFrame)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pandas", module)


@pytest.mark.usefixtures("fake_pandas")
def test_to_dataframe_builds_from_the_rows_with_declared_then_extra_columns(
    client: UsageClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1, [costs_result(invoice_id="inv_1")])]))
    frame = client.costs(start_time=NOV_1).to_dataframe()
    assert frame.columns == [*columns(COSTS), "invoice_id"]
    assert frame.records[0]["amount_value"] == 4.608


@pytest.mark.usefixtures("fake_pandas")
def test_an_empty_dataframe_still_has_the_declared_columns(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page([bucket(NOV_1)]))
    frame = client.costs(start_time=NOV_1).to_dataframe()
    assert (frame.records, frame.columns) == ([], list(columns(COSTS)))


def test_to_dataframe_without_pandas_says_how_to_install_it_before_any_request(
    client: UsageClient, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'oai-usage\[pandas\]'") as info:
        client.costs(start_time=NOV_1).to_dataframe()
    assert isinstance(info.value, ImportError)
    assert httpx_mock.get_requests() == []


def test_to_dataframe_with_real_pandas_has_utc_timestamps(client: UsageClient, httpx_mock: HTTPXMock) -> None:
    pandas = pytest.importorskip("pandas")
    httpx_mock.add_response(json=page([bucket(NOV_1, [costs_result(value="12.50")])]))
    frame = client.costs(start_time=NOV_1).to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert str(frame["bucket_start"].dt.tz) == "UTC"
    assert frame["amount_value"].tolist() == [12.5]
