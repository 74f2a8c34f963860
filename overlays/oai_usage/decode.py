"""Read one page of JSON into the generated models, tolerating the drift the real API has shown.

* Results are dispatched on `object`: the endpoint's own kind is decoded; any other kind is kept as an
  `UnknownResult` (never a crash, never silently mixed in).
* Numbers sent as strings ("12.50", "1843200") are coerced for numeric fields; so are integral floats (12.0)
  for integer fields. Values that are not numbers at all are a `DecodeError`, not garbage in a sum.
* Unknown fields are kept (the generated models put them in `additional_properties`).
* Null in an optional field counts as absent; the legacy singular bucket key `result` is read as `results`.
* A known result that cannot be read is a `DecodeError` naming the field and where it is, never a bare
  KeyError/TypeError from the generated `from_dict`.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .coercion import short, to_bool
from .endpoints import Endpoint
from .errors import DecodeError
from .page import Page, RowBucket, UnknownResult
from .readers import fast_model_reader, fast_rows_reader, model_reader, record_values
from .timeparse import from_unix_seconds

__all__ = ["BucketReader", "decode_bucket", "decode_page", "decode_row_bucket", "decode_rows_page"]

B = TypeVar("B")
M = TypeVar("M")
BucketReader = Callable[[Endpoint[Any], object, str], tuple[M, list[UnknownResult]]]

_MISSING: Any = object()
_RESULTS = frozenset({"results"})

_moment = functools.lru_cache(maxsize=4096)(from_unix_seconds)
"""A bucket's time as a datetime: each bucket's end is the next one's start, and pages of one range share them."""


def _bucket_parts(raw: object, where: str) -> tuple[Mapping[str, Any], list[Any]]:
    """The bucket's fields (legacy `result` read as `results`) and its list of results, checked."""
    if not isinstance(raw, Mapping):
        raise DecodeError(f"{where}: a bucket should be an object, got {short(raw)}")
    fields: Mapping[str, Any] = raw
    if "results" not in raw and "result" in raw:
        fields = dict(raw)
        fields["results"] = fields.pop("result")  # the singular key of older published examples
    items = fields.get("results", _MISSING)
    if items is _MISSING:
        raise DecodeError(f"{where}: required field 'results' is missing", field="results")
    if not isinstance(items, list):
        raise DecodeError(f"{where}: field 'results' should be a list, got {short(items)}", field="results")
    return fields, items


def _other(item: object, kind: object, here: str, start: int, end: int) -> UnknownResult:
    """A result that is not the endpoint's kind: kept aside when it names a kind, an error otherwise."""
    if not isinstance(item, Mapping):
        raise DecodeError(f"{here}: a result should be an object, got {short(item)}")
    if not isinstance(kind, str):
        raise DecodeError(f"{here}: field 'object' should name the result kind, got {short(kind)}", field="object")
    return UnknownResult(kind=kind, bucket_start=start, bucket_end=end, data=dict(item))


def decode_bucket(endpoint: Endpoint[B], raw: object, where: str) -> tuple[B, list[UnknownResult]]:
    """One bucket as the endpoint's generated bucket model, plus the results of kinds it does not hold."""
    fields, items = _bucket_parts(raw, where)
    bucket: Any = model_reader(endpoint.bucket, skip=_RESULTS)(fields, where, {"results": []})
    read = fast_model_reader(endpoint.result)
    own = endpoint.result_object
    results: list[Any] = []
    unknown: list[UnknownResult] = []
    for index, item in enumerate(items):
        kind = item.get("object") if isinstance(item, Mapping) else None
        if kind == own:
            results.append(read(item, where, index))
        else:
            unknown.append(_other(item, kind, f"{where}, result {index}", bucket.start_time, bucket.end_time))
    bucket.results = results
    return bucket, unknown


def _kind(item: object) -> object:
    return item.get("object") if isinstance(item, Mapping) else None


def decode_row_bucket(endpoint: Endpoint[Any], raw: object, where: str) -> tuple[RowBucket, list[UnknownResult]]:
    """One bucket straight to its rows (the rows the tests' oracle makes from the typed bucket)."""
    fields, items = _bucket_parts(raw, where)
    start = fields.get("start_time")
    end = fields.get("end_time")
    if not (type(start) is int and type(end) is int and fields.get("object") == "bucket"):
        values = record_values(endpoint.bucket, fields, where, skip=_RESULTS)
        start, end = values["start_time"], values["end_time"]
    bucket_start, bucket_end = _moment(start), _moment(end)
    unknown: list[UnknownResult] = []

    def other(item: object, index: int) -> None:
        unknown.append(_other(item, _kind(item), f"{where}, result {index}", start, end))

    rows = fast_rows_reader(endpoint.result, endpoint.result_object)(items, where, bucket_start, bucket_end, other)
    return RowBucket(start, end, rows), unknown


def decode_page(endpoint: Endpoint[B], body: object, *, number: int = 1, request_id: str | None = None) -> Page[B]:
    """One page of `endpoint` from its parsed JSON body; a DecodeError carries the response's request id."""
    return _with_request_id(_decode_page, endpoint, body, number, request_id, decode_bucket)


def decode_rows_page(
    endpoint: Endpoint[Any], body: object, *, number: int = 1, request_id: str | None = None
) -> Page[RowBucket]:
    """One page with each bucket read straight into rows (no model objects built)."""
    return _with_request_id(_decode_page, endpoint, body, number, request_id, decode_row_bucket)


def _with_request_id(
    decode: Callable[[Endpoint[Any], object, int, str | None, BucketReader[M]], Page[M]],
    endpoint: Endpoint[Any],
    body: object,
    number: int,
    request_id: str | None,
    read: BucketReader[M],
) -> Page[M]:
    try:
        return decode(endpoint, body, number, request_id, read)
    except DecodeError as exc:
        if request_id is None:
            raise
        raise DecodeError(str(exc), field=exc.field, request_id=request_id) from exc


def _decode_page(
    endpoint: Endpoint[Any], body: object, number: int, request_id: str | None, read: BucketReader[M]
) -> Page[M]:
    where = f"{endpoint.name} page {number}"
    if not isinstance(body, Mapping):
        raise DecodeError(f"{where}: the body should be a JSON object, got {type(body).__name__}")
    fields = dict(body)
    kind = fields.pop("object", None)
    if kind != "page":
        raise DecodeError(f"{where}: field 'object' should be 'page', got {short(kind)}", field="object")
    data = fields.pop("data", None)
    if not isinstance(data, list):
        raise DecodeError(f"{where}: field 'data' should be a list of buckets, got {short(data)}", field="data")
    has_more = to_bool(fields.pop("has_more", None))
    if has_more is None:
        raise DecodeError(f"{where}: field 'has_more' should be true or false", field="has_more")
    cursor = fields.pop("next_page", None)  # required by the spec; absent reads as "no cursor"
    if cursor is not None and not isinstance(cursor, str):
        raise DecodeError(
            f"{where}: field 'next_page' should be a string or null, got {short(cursor)}", field="next_page"
        )
    buckets: list[M] = []
    unknown: list[UnknownResult] = []
    for index, raw in enumerate(data):
        bucket, others = read(endpoint, raw, f"{where}, bucket {index}")
        buckets.append(bucket)
        unknown.extend(others)
    return Page(
        data=buckets,
        has_more=has_more,
        next_page=cursor,
        number=number,
        request_id=request_id,
        unknown_results=unknown,
        additional_properties=fields,
    )
