"""Read one page of JSON into the generated models, tolerating the drift the real API has shown.

* Results are dispatched on `object`: the endpoint's own kind is decoded; any other kind is kept as an
  `UnknownResult` (never a crash, never silently mixed in).
* Numbers sent as strings ("12.50", "1843200") are coerced for numeric fields; so are integral floats (12.0)
  for integer fields. Values that are not numbers at all are a `DecodeError`, not garbage in a sum.
* Unknown fields are kept (the generated models put them in `additional_properties`).
* Null in an optional field counts as absent; the legacy singular bucket key `result` is read as `results`.
* A known result that cannot be read is a `DecodeError` naming the field and where it is, never a bare
  KeyError/TypeError from the generated `from_dict`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from .endpoints import Endpoint
from .errors import DecodeError
from .page import Page, RowBucket, UnknownResult
from .readers import fast_model_reader, fast_row_builder, model_reader, record_values
from .redaction import redact_secrets
from .schema import FieldSpec, fields_of
from .timeparse import from_unix_seconds

B = TypeVar("B")
M = TypeVar("M")
BucketReader = Callable[[Endpoint[Any], object, str], tuple[M, list[UnknownResult]]]

_MISSING: Any = object()
_WHAT = {"int": "an integer", "float": "a number", "bool": "true or false", "str": "a string"}


def _short(value: object, limit: int = 80) -> str:
    """repr(value), cut to `limit` characters: a whole list of buckets does not belong in an error message.

    Secrets are masked before the cut, so a cut never leaves part of an echoed key behind."""
    try:
        text = redact_secrets(repr(value))
    except RecursionError:
        text = f"<{type(value).__name__} nested too deeply>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _to_int(value: object) -> int | None:
    if type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            number = _to_float(text)
            return int(number) if number is not None and number.is_integer() else None
    return None


def _to_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _to_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _coerce(spec: FieldSpec, value: object, where: str, name: str) -> object:
    converted: object
    if spec.kind == "int":
        converted = _to_int(value)
    elif spec.kind == "float":
        converted = _to_float(value)
    elif spec.kind == "bool":
        converted = _to_bool(value)
    elif spec.kind == "str":
        converted = value if isinstance(value, str) else None
    elif spec.kind == "const":
        if value not in spec.values:
            raise DecodeError(
                f"{where}: field {name!r} should be {' or '.join(map(repr, spec.values))}, got {_short(value)}",
                field=name,
            )
        return value
    elif spec.kind == "model" and spec.model is not None:
        return coerce_record(spec.model, value, where, prefix=f"{name}.")
    else:
        return value
    if converted is None:
        raise DecodeError(f"{where}: field {name!r} should be {_WHAT[spec.kind]}, got {_short(value)}", field=name)
    return converted


def coerce_record(
    model: type[Any], raw: object, where: str, *, prefix: str = "", skip: Collection[str] = ()
) -> dict[str, Any]:
    """A copy of `raw` with every declared field of `model` checked and coerced; undeclared keys kept as they are."""
    if not isinstance(raw, Mapping):
        raise DecodeError(
            f"{where}: {prefix.rstrip('.') or 'item'} should be an object, got {_short(raw)}",
            field=prefix.rstrip(".") or None,
        )
    record = dict(raw)
    for spec in fields_of(model):
        if spec.key in skip:
            continue
        name = prefix + spec.key
        value = record.get(spec.key, _MISSING)
        if value is _MISSING:
            if spec.required:
                raise DecodeError(f"{where}: required field {name!r} is missing", field=name)
            continue
        if value is None:
            if spec.nullable:
                continue
            if spec.required:
                raise DecodeError(f"{where}: required field {name!r} is null", field=name)
            del record[spec.key]  # null where the spec only allows a value: read it as absent
            continue
        record[spec.key] = _coerce(spec, value, where, name)
    return record


def build(model: type[M], record: Mapping[str, Any], where: str) -> M:
    """`model.from_dict(record)`, with any failure inside the generated code turned into a DecodeError."""
    try:
        return model.from_dict(record)  # type: ignore[attr-defined, no-any-return]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"field {exc.args[0]!r} is missing" if isinstance(exc, KeyError) and exc.args else str(exc)
        raise DecodeError(
            f"{where}: {model.__name__} could not be read: {detail}",
            field=str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else None,
        ) from exc


short = _short
coerce = _coerce
_RESULTS = frozenset({"results"})


def _bucket_parts(raw: object, where: str) -> tuple[Mapping[str, Any], list[Any]]:
    """The bucket's fields (legacy `result` read as `results`) and its list of results, checked."""
    if not isinstance(raw, Mapping):
        raise DecodeError(f"{where}: a bucket should be an object, got {_short(raw)}")
    fields: Mapping[str, Any] = raw
    if "results" not in raw and "result" in raw:
        fields = dict(raw)
        fields["results"] = fields.pop("result")  # the singular key of older published examples
    items = fields.get("results", _MISSING)
    if items is _MISSING:
        raise DecodeError(f"{where}: required field 'results' is missing", field="results")
    if not isinstance(items, list):
        raise DecodeError(f"{where}: field 'results' should be a list, got {_short(items)}", field="results")
    return fields, items


def _other(item: object, kind: object, here: str, start: int, end: int) -> UnknownResult:
    """A result that is not the endpoint's kind: kept aside when it names a kind, an error otherwise."""
    if not isinstance(item, Mapping):
        raise DecodeError(f"{here}: a result should be an object, got {_short(item)}")
    if not isinstance(kind, str):
        raise DecodeError(f"{here}: field 'object' should name the result kind, got {_short(kind)}", field="object")
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


def decode_row_bucket(endpoint: Endpoint[Any], raw: object, where: str) -> tuple[RowBucket, list[UnknownResult]]:
    """One bucket straight to its rows (the same rows `rows.bucket_rows` makes from the typed bucket)."""
    fields, items = _bucket_parts(raw, where)
    start = fields.get("start_time")
    end = fields.get("end_time")
    if not (type(start) is int and type(end) is int and fields.get("object") == "bucket"):
        values = record_values(endpoint.bucket, fields, where, skip=_RESULTS)
        start, end = values["start_time"], values["end_time"]
    bucket_start, bucket_end = from_unix_seconds(start), from_unix_seconds(end)
    build_row = fast_row_builder(endpoint.result)
    own = endpoint.result_object
    rows: list[dict[str, Any]] = []
    unknown: list[UnknownResult] = []
    for index, item in enumerate(items):
        kind = item.get("object") if isinstance(item, Mapping) else None
        if kind == own:
            rows.append(build_row(item, where, index, bucket_start, bucket_end))
        else:
            unknown.append(_other(item, kind, f"{where}, result {index}", start, end))
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
        raise DecodeError(f"{where}: field 'object' should be 'page', got {_short(kind)}", field="object")
    data = fields.pop("data", None)
    if not isinstance(data, list):
        raise DecodeError(f"{where}: field 'data' should be a list of buckets, got {_short(data)}", field="data")
    has_more = _to_bool(fields.pop("has_more", None))
    if has_more is None:
        raise DecodeError(f"{where}: field 'has_more' should be true or false", field="has_more")
    cursor = fields.pop("next_page", None)  # required by the spec; absent reads as "no cursor"
    if cursor is not None and not isinstance(cursor, str):
        raise DecodeError(
            f"{where}: field 'next_page' should be a string or null, got {_short(cursor)}", field="next_page"
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
