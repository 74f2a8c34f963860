"""msgspec, when installed, gives exactly what the standard library gives: the same values, the same refusals."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oai_usage import jsoncodec
from oai_usage.body import parse_json

pytest.importorskip("msgspec")  # part of the warehouse extra, which the test envs install

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


@contextlib.contextmanager
def _standard_library() -> Iterator[None]:
    """As on a machine without msgspec."""
    saved = jsoncodec._decode, jsoncodec._encode
    jsoncodec._decode = jsoncodec._encode = None
    try:
        yield
    finally:
        jsoncodec._decode, jsoncodec._encode = saved


@pytest.fixture
def standard_library_only() -> Iterator[None]:
    with _standard_library():
        yield


def _both(text: bytes) -> tuple[Any, Any]:
    fast = parse_json(text)
    with _standard_library():
        plain = parse_json(text)
    return fast, plain


def _unexpected(content: bytes) -> Any:
    raise AssertionError(f"the standard library was asked to read {content!r}")


def test_msgspec_is_what_parses_a_page_when_installed() -> None:
    assert jsoncodec.ACCELERATED
    assert jsoncodec.loads(b'{"object": "page", "data": []}', _unexpected) == {"object": "page", "data": []}


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.booleans())
def test_any_document_parses_to_the_same_values(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only).encode()
    fast, plain = _both(text)
    assert repr(fast) == repr(plain)  # repr: types, key order and -0.0 too


def test_a_costs_page_parses_to_the_same_values() -> None:
    page = {
        "object": "page", "has_more": True, "next_page": "page_AAAAAGdGxdEA",
        "data": [{
            "object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
            "results": [{
                "object": "organization.costs.result",
                "amount": {"value": 0.06000000000000000123, "currency": "usd"},
                "line_item": "gpt-4o-2024-08-06, input", "project_id": "proj_abc", "quantity": 1843200.0,
            }],
        }],
    }  # fmt: skip
    fast, plain = _both(json.dumps(page).encode())
    assert repr(fast) == repr(plain)


@pytest.mark.parametrize("number", [b"18446744073709551617", b"-92233720368547758090", b"1" * 400, b"7" * 4000])
def test_integers_beyond_64_bits_stay_exact(number: bytes) -> None:
    fast, plain = _both(b'{"input_tokens": ' + number + b"}")
    assert fast == plain == {"input_tokens": int(number)}


@pytest.mark.parametrize(
    "text", [b'"\\ud800"', b'\xef\xbb\xbf{"a": 1}', '{"a": "\u00e9"}'.encode("utf-16"), b'{"a": 1, "a": 2}']
)
def test_texts_msgspec_refuses_are_read_by_the_standard_library(text: bytes) -> None:
    fast, plain = _both(text)
    assert repr(fast) == repr(plain)


@pytest.mark.parametrize(
    "text",
    [b'{"value": NaN}', b'{"value": Infinity}', b'{"value": 1e999}', b"[" * 100_000, b'{"a": 1', b"\xff",
     b'{"input_tokens": ' + b"9" * 5000 + b"}"],  # past Python's 4,300-digit limit on int()
)  # fmt: skip
def test_what_the_strict_parse_refuses_is_refused_the_same_way(text: bytes) -> None:
    with pytest.raises(ValueError) as fast:
        parse_json(text)
    with _standard_library(), pytest.raises(ValueError) as plain:
        parse_json(text)
    assert type(fast.value) is type(plain.value)
    assert str(fast.value) == str(plain.value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.booleans() | st.integers() | st.text(), max_size=40))
def test_a_column_is_written_as_the_same_array(values: list[Any]) -> None:
    assert json.loads(jsoncodec.dumps_column(values, floats=False)) == values


def test_a_string_that_is_not_utf8_is_written_by_the_standard_library() -> None:
    assert jsoncodec.dumps_column(["\ud800", "ok"], floats=False) == json.dumps(["\ud800", "ok"])


def test_a_float_column_is_written_by_the_standard_library() -> None:
    values = [0.1, float("nan"), None, 1e-7]
    assert jsoncodec.dumps_column(values, floats=True) == json.dumps(values)  # NaN stays NaN, not null


def test_without_msgspec_everything_is_the_standard_library(standard_library_only: None) -> None:
    assert jsoncodec.loads(b"{}", lambda content: "read by json") == "read by json"
    assert parse_json(b'{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    assert jsoncodec.dumps_column(["é", 1, None], floats=False) == json.dumps(["é", 1, None])


def test_the_client_imports_without_msgspec() -> None:
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'msgspec':\n"
        "            raise ImportError('blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from oai_usage import jsoncodec\n"
        "from oai_usage.body import parse_json\n"
        "print(jsoncodec.ACCELERATED, parse_json(b'[1]'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "[1]"]
