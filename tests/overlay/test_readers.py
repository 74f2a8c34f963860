"""The lean decode paths give what the reference path gives: same models, same rows, same errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oai_usage.decode import decode_page, decode_rows_page
from oai_usage.endpoints import COMPLETIONS, COSTS, EMBEDDINGS, ENDPOINTS, Endpoint
from oai_usage.errors import DecodeError
from oai_usage.readers import fast_model_reader, fast_row_builder

from tests.overlay.oracle import bucket_rows, build, coerce_record
from tests.overlay.payloads import NOV_1, bucket, completions_result, costs_result, embeddings_result, page

DRIFT: list[tuple[str, dict[str, Any]]] = [
    ("as sent", completions_result()),
    ("numbers as strings", completions_result(input_tokens="1843200", output_tokens=" 7 ")),
    ("integral floats", completions_result(input_tokens=12.0)),
    (
        "optional keys absent",
        {k: v for k, v in completions_result().items() if k not in ("batch", "input_audio_tokens")},
    ),
    ("undeclared fields", completions_result(region="eu", tier_hint={"a": 1})),
    ("null where only a value is allowed", completions_result(input_cached_tokens=None, batch=None)),
    ("keys in another order", dict(reversed(list(completions_result().items())))),
    ("open enum values", completions_result(service_tier="flex-2027", api_source="responses")),
]


def _reference(model: type[Any], raw: dict[str, Any]) -> Any:
    return build(model, coerce_record(model, raw, "here"), "here")


@pytest.mark.parametrize(("case", "raw"), DRIFT, ids=[case for case, _ in DRIFT])
def test_the_fast_reader_builds_the_reference_model(case: str, raw: dict[str, Any]) -> None:
    model = COMPLETIONS.result
    fast = fast_model_reader(model)(raw, "here", 0)
    reference = _reference(model, raw)
    assert fast == reference
    assert fast.additional_properties == reference.additional_properties


@pytest.mark.parametrize(("case", "raw"), DRIFT, ids=[case for case, _ in DRIFT])
def test_rows_from_json_equal_rows_from_the_typed_bucket(case: str, raw: dict[str, Any]) -> None:
    body = page([bucket(NOV_1, [raw, completions_result()])])
    typed = [row for b in decode_page(COMPLETIONS, body).data for row in bucket_rows(b)]
    direct = [row for b in decode_rows_page(COMPLETIONS, body).data for row in b.rows]
    assert direct == typed
    assert [list(row) for row in direct] == [list(row) for row in typed]  # same columns, same order


@pytest.mark.parametrize(
    "raw",
    [costs_result(), costs_result(value="12.50"), costs_result(amount=None), costs_result(extra=1)],
    ids=["as sent", "amount as string", "no amount", "undeclared field"],
)
def test_costs_rows_with_the_nested_amount_match_the_typed_path(raw: dict[str, Any]) -> None:
    body = page([bucket(NOV_1, [raw])])
    typed = [row for b in decode_page(COSTS, body).data for row in bucket_rows(b)]
    direct = [row for b in decode_rows_page(COSTS, body).data for row in b.rows]
    assert direct == typed
    assert [list(row) for row in direct] == [list(row) for row in typed]


def test_costs_amount_extras_are_columns_after_the_amount() -> None:
    raw = costs_result()
    raw["amount"] = {"value": 1.5, "currency": "usd", "rate": "list"}
    (row,) = [row for b in decode_rows_page(COSTS, page([bucket(NOV_1, [raw])])).data for row in b.rows]
    assert list(row)[2:5] == ["amount_value", "amount_currency", "amount_rate"]


@pytest.mark.parametrize(
    "raw",
    [
        completions_result(input_tokens="many"),
        completions_result(input_tokens=None),
        {k: v for k, v in completions_result().items() if k != "output_tokens"},
        completions_result(batch="yes please"),
    ],
    ids=["not a number", "required null", "required missing", "not a bool"],
)
def test_both_paths_raise_the_same_decode_error(raw: dict[str, Any]) -> None:
    body = page([bucket(NOV_1, [raw])])
    with pytest.raises(DecodeError) as typed:
        decode_page(COMPLETIONS, body)
    with pytest.raises(DecodeError) as rows:
        decode_rows_page(COMPLETIONS, body)
    assert str(rows.value) == str(typed.value)
    assert "completions page 1, bucket 0, result 0" in str(typed.value)


def test_rows_pages_keep_results_of_unknown_kinds_aside() -> None:
    other = {"object": "organization.usage.future.result", "n": 1}
    decoded = decode_rows_page(EMBEDDINGS, page([bucket(NOV_1, [embeddings_result(), other])]))
    assert [len(b.rows) for b in decoded.data] == [1]
    assert [u.kind for u in decoded.unknown_results] == ["organization.usage.future.result"]


def test_a_row_bucket_carries_its_bounds() -> None:
    decoded = decode_rows_page(EMBEDDINGS, page([bucket(NOV_1, [])]))
    assert [(b.start_time, b.end_time, b.rows) for b in decoded.data] == [(NOV_1, NOV_1 + 86400, [])]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS.values()), ids=list(ENDPOINTS))
def test_every_endpoint_has_a_row_builder_for_its_results(endpoint: Endpoint[Any]) -> None:
    assert callable(fast_row_builder(endpoint.result))


_value = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.floats(min_value=0, max_value=1e6).map(lambda f: float(int(f))),
    st.text(max_size=5),
    st.booleans(),
)


def _reads_the_same_on_both_paths(endpoint: Any, raw: dict[str, Any]) -> bool:
    """A page of one result `raw` gives the same rows, or the same DecodeError, on the typed and the rows paths;
    True when it decoded."""
    body = page([bucket(NOV_1, [raw])])
    try:
        typed = [row for b in decode_page(endpoint, body).data for row in bucket_rows(b)]
    except DecodeError as exc:
        with pytest.raises(DecodeError) as rows_error:
            decode_rows_page(endpoint, body)
        assert str(rows_error.value) == str(exc)
        return False
    direct = [row for b in decode_rows_page(endpoint, body).data for row in b.rows]
    assert direct == typed
    assert [list(row) for row in direct] == [list(row) for row in typed]
    return True


@settings(max_examples=200, deadline=None)
@given(
    changes=st.dictionaries(st.sampled_from(sorted(completions_result())), _value, max_size=4),
    dropped=st.sets(st.sampled_from(sorted(completions_result())), max_size=3),
)
def test_any_drifted_result_reads_the_same_on_every_path(changes: dict[str, Any], dropped: set[str]) -> None:
    raw = {k: v for k, v in {**completions_result(), **changes}.items() if k not in dropped}
    if _reads_the_same_on_both_paths(COMPLETIONS, raw) and raw.get("object") == COMPLETIONS.result_object:
        assert fast_model_reader(COMPLETIONS.result)(raw, "here", 0) == _reference(COMPLETIONS.result, raw)


_amount = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["value", "currency", "rate"]), _value, max_size=3),
    _value,
)


@settings(max_examples=200, deadline=None)
@given(
    changes=st.dictionaries(st.sampled_from(sorted(costs_result())), _value, max_size=3),
    amount=st.one_of(st.just(costs_result()["amount"]), _amount),
    dropped=st.sets(st.sampled_from(sorted(costs_result())), max_size=2),
)
def test_any_drifted_costs_result_reads_the_same_on_every_path(
    changes: dict[str, Any], amount: Any, dropped: set[str]
) -> None:
    raw = {k: v for k, v in {**costs_result(), **changes, "amount": amount}.items() if k not in dropped}
    _reads_the_same_on_both_paths(COSTS, raw)
