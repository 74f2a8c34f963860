"""The reference oracle: the slow, obvious decoding the fast readers in `oai_usage.readers` must agree with.

`coerce_record` + `build` read a record the straightforward way (coerce every declared field, then the generated
`from_dict`); `bucket_rows`/`rows_of` flatten typed buckets into rows field by field. Only tests use them, so
they live here, not in the library.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from oai_usage.coercion import coerce, short
from oai_usage.errors import DecodeError
from oai_usage.rows import columns_of
from oai_usage.schema import fields_of, is_absent
from oai_usage.timeparse import from_unix_seconds

M = TypeVar("M")
_MISSING: Any = object()


def coerce_record(
    model: type[Any], raw: object, where: str, *, prefix: str = "", skip: Collection[str] = ()
) -> dict[str, Any]:
    """A copy of `raw` with every declared field of `model` checked and coerced; undeclared keys kept as they are."""
    if not isinstance(raw, Mapping):
        raise DecodeError(
            f"{where}: {prefix.rstrip('.') or 'item'} should be an object, got {short(raw)}",
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
        if spec.kind == "model" and spec.model is not None:
            record[spec.key] = coerce_record(spec.model, value, where, prefix=f"{name}.")
        else:
            record[spec.key] = coerce(spec, value, where, name)
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


def _flatten(model: object, prefix: str, row: dict[str, Any]) -> None:
    for spec in fields_of(type(model)):
        if spec.kind == "const":
            continue
        value = getattr(model, spec.attr)
        if spec.kind == "model":
            if is_absent(value) or value is None:
                assert spec.model is not None
                row.update(dict.fromkeys(columns_of(spec.model, f"{prefix}{spec.key}_")))
            else:
                _flatten(value, f"{prefix}{spec.key}_", row)
            continue
        row[prefix + spec.key] = None if is_absent(value) else value
    extras: dict[str, Any] = getattr(model, "additional_properties", {})
    for key, value in extras.items():
        row.setdefault(prefix + key, value)


def bucket_rows(bucket: Any) -> Iterator[dict[str, Any]]:
    """The rows of one generated bucket model."""
    start, end = from_unix_seconds(bucket.start_time), from_unix_seconds(bucket.end_time)
    for result in bucket.results:
        row: dict[str, Any] = {"bucket_start": start, "bucket_end": end}
        _flatten(result, "", row)
        yield row


def rows_of(buckets: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """The rows of many buckets, in order."""
    for bucket in buckets:
        yield from bucket_rows(bucket)
