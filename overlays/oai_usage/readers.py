"""Compiled readers for the generated models: one plan per model, built once from its declared fields.

Coercing a record and then calling the generated `from_dict` reads it in two passes, copying it twice and
calling a closure per optional field (and, for open enums, trying the known values before the string). A
reader does the same checks in one pass: a value that already has its declared JSON type is taken as is (the
common case), anything else goes through `coercion.coerce` (numbers sent as strings, nulls, bad values), so
the results and the error messages are the ones of the reference oracle in tests/overlay/oracle.py
(`coerce_record` + `build`). Three outputs:

* `record_values(model)`: the checked values by attribute name (nothing constructed);
* `model_reader(model)`: the generated model instance, extras in `additional_properties`;
* `row_filler(model)`: the flat row columns written straight into a dict, as the oracle's `bucket_rows` lays them out.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .coercion import coerce, short
from .errors import DecodeError
from .schema import ABSENT, FieldSpec, fields_of

__all__ = [
    "RowsReader",
    "fast_model_reader",
    "fast_row_builder",
    "fast_rows_reader",
    "model_reader",
    "record_values",
    "row_filler",
]

_MISSING: Any = object()
_FAST_TYPES: dict[str, type[Any]] = {"int": int, "float": float, "bool": bool, "str": str}


@dataclass(frozen=True)
class _Step:
    spec: FieldSpec
    fast: type[Any] | None  # the JSON type taken without conversion
    nested: _Plan | None  # for a nested model


@dataclass(frozen=True)
class _Plan:
    model: type[Any]
    steps: tuple[_Step, ...]
    declared: frozenset[str]
    columns: tuple[str, ...]  # row columns below this model (for an absent nested object)


_PLANS: dict[tuple[type[Any], frozenset[str]], _Plan] = {}
_READERS: dict[tuple[str, type[Any], frozenset[str]], Callable[..., Any]] = {}


def _plan(model: type[Any], skip: frozenset[str] = frozenset()) -> _Plan:
    cached = _PLANS.get((model, skip))
    if cached is None:
        cached = _PLANS[(model, skip)] = _make_plan(model, skip)
    return cached


def _cached(kind: str, model: type[Any], skip: frozenset[str], make: Callable[[], Callable[..., Any]]) -> Any:
    reader = _READERS.get((kind, model, skip))
    if reader is None:
        reader = _READERS[(kind, model, skip)] = make()
    return reader


def _make_plan(model: type[Any], skip: frozenset[str]) -> _Plan:
    specs = fields_of(model)
    steps = tuple(
        _Step(spec, _FAST_TYPES.get(spec.kind), _plan(spec.model) if spec.kind == "model" and spec.model else None)
        for spec in specs
        if spec.key not in skip
    )
    columns: list[str] = []
    for step in steps:
        if step.spec.kind == "const":
            continue
        if step.nested is not None:
            columns.extend(f"{step.spec.key}_{name}" for name in step.nested.columns)
        else:
            columns.append(step.spec.key)
    return _Plan(model, steps, frozenset(spec.key for spec in specs), tuple(columns))


def _not_object(where: str, prefix: str, raw: object) -> DecodeError:
    name = prefix.rstrip(".") or "item"
    return DecodeError(f"{where}: {name} should be an object, got {short(raw)}", field=prefix.rstrip(".") or None)


def _slow(spec: FieldSpec, value: object, where: str, name: str) -> object:
    return coerce(spec, value, where, name)


def _values(plan: _Plan, raw: object, where: str, prefix: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise _not_object(where, prefix, raw)
    values: dict[str, Any] = {}
    for step in plan.steps:
        spec = step.spec
        value = raw.get(spec.key, _MISSING)
        if value is None and spec.nullable:
            values[spec.attr] = None
            continue
        if value is _MISSING or value is None:
            if spec.required:
                state = "missing" if value is _MISSING else "null"
                raise DecodeError(f"{where}: required field {prefix + spec.key!r} is {state}", field=prefix + spec.key)
            continue
        if type(value) is step.fast:
            values[spec.attr] = value
        elif step.nested is not None:
            values[spec.attr] = _build(step.nested, value, where, f"{prefix}{spec.key}.")
        else:
            values[spec.attr] = _slow(spec, value, where, prefix + spec.key)
    return values


def _build(plan: _Plan, raw: object, where: str, prefix: str = "", preset: Mapping[str, Any] | None = None) -> Any:
    values = _values(plan, raw, where, prefix)
    if preset:
        values.update(preset)
    try:
        instance = plan.model(**values)
    except (TypeError, ValueError) as exc:
        raise DecodeError(f"{where}: {plan.model.__name__} could not be read: {exc}") from exc
    assert isinstance(raw, Mapping)
    declared = plan.declared
    instance.additional_properties = {key: value for key, value in raw.items() if key not in declared}
    return instance


def record_values(model: type[Any], raw: object, where: str, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The declared fields of `raw` checked and coerced, by attribute name (absent optional fields left out)."""
    return _values(_plan(model, skip), raw, where, "")


def model_reader(model: type[Any], *, skip: frozenset[str] = frozenset()) -> Callable[..., Any]:
    """A function `(raw, where, preset=None) -> model instance`; `preset` supplies the skipped fields."""
    return _cached("model", model, skip, lambda: _model_reader(model, skip))  # type: ignore[no-any-return]


def _model_reader(model: type[Any], skip: frozenset[str]) -> Callable[..., Any]:
    plan = _plan(model, skip)

    def read(raw: object, where: str, preset: Mapping[str, Any] | None = None) -> Any:
        return _build(plan, raw, where, "", preset)

    return read


def _fill(plan: _Plan, raw: Mapping[str, Any], where: str, row: dict[str, Any], column: str, name: str) -> None:
    for step in plan.steps:
        spec = step.spec
        value = raw.get(spec.key, _MISSING)
        if spec.kind == "const":
            if value not in spec.values:
                _slow(spec, value, where, name + spec.key)  # raises, with the usual message
            continue
        if value is _MISSING or value is None:
            if spec.required and not (value is None and spec.nullable):
                state = "missing" if value is _MISSING else "null"
                raise DecodeError(f"{where}: required field {name + spec.key!r} is {state}", field=name + spec.key)
            if step.nested is not None:
                row.update(dict.fromkeys(f"{column}{spec.key}_{sub}" for sub in step.nested.columns))
            else:
                row[column + spec.key] = None
        elif type(value) is step.fast:
            row[column + spec.key] = value
        elif step.nested is not None:
            if not isinstance(value, Mapping):
                raise _not_object(where, f"{name}{spec.key}.", value)
            _fill(step.nested, value, where, row, f"{column}{spec.key}_", f"{name}{spec.key}.")
        else:
            row[column + spec.key] = _slow(spec, value, where, name + spec.key)
    declared = plan.declared
    for key, value in raw.items():
        if key not in declared:
            row.setdefault(column + key, value)


def row_filler(model: type[Any]) -> Callable[[Mapping[str, Any], str, dict[str, Any]], None]:
    """A function `(raw, where, row)` adding the row columns of one result (checked as the typed path checks)."""
    return _cached("filler", model, frozenset(), lambda: _row_filler(model))  # type: ignore[no-any-return]


def _row_filler(model: type[Any]) -> Callable[[Mapping[str, Any], str, dict[str, Any]], None]:
    plan = _plan(model)

    def fill(raw: Mapping[str, Any], where: str, row: dict[str, Any]) -> None:
        _fill(plan, raw, where, row, "", "")

    return fill


# Straight-line fast paths. For a flat model (every field a JSON scalar) a function is generated from the plan:
# it reads each key once and, when every value already has its declared type, builds the result in one
# expression. Any other input (a missing required key, a number sent as a string, a stray null...) goes to the
# interpretive reader above, which gives the coerced value or the error. Keys and names come from the
# generated models and are embedded with repr().

_CHECKS = {"int": "int", "float": "float", "bool": "bool", "str": "str"}


def _flat(plan: _Plan) -> bool:
    return all(step.spec.kind in _CHECKS or step.spec.kind == "const" for step in plan.steps)


def _condition(step: _Step, var: str, absent: str | None) -> str:
    spec = step.spec
    if spec.kind == "const":
        return f"{var} in {spec.values!r}"
    test = f"type({var}) is {_CHECKS[spec.kind]}"
    if spec.required:
        return f"({var} is None or {test})" if spec.nullable else test
    options = [f"{var} is {absent}"] if absent else []
    if spec.nullable or absent is None:
        options.append(f"{var} is None")
    return f"({' or '.join([*options, test])})"


def _compile(source: str, name: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    exec(compile(source, f"<oai_usage.readers {name}>", "exec"), namespace)
    function: Callable[..., Any] = namespace[name]
    return function


def fast_model_reader(model: type[Any]) -> Callable[[Mapping[str, Any], str, int], Any]:
    """A function `(raw, where, index) -> instance`: `model_reader(model)` for result `index` of `where`.

    Generated for flat models; `where` is only formatted when something needs the interpretive reader.
    """
    return _cached("fast model", model, frozenset(), lambda: _fast_model_reader(model))  # type: ignore[no-any-return]


def _fast_model_reader(model: type[Any]) -> Callable[[Mapping[str, Any], str, int], Any]:
    plan = _plan(model)
    read = model_reader(model)

    def slow(raw: Mapping[str, Any], where: str, index: int) -> Any:
        return read(raw, f"{where}, result {index}")

    if not _flat(plan):
        return slow
    names = [f"v{index}" for index in range(len(plan.steps))]
    lines = ["def read(raw, where, index):", "    get = raw.get"]
    lines += [f"    {var} = get({step.spec.key!r}, UNSET)" for var, step in zip(names, plan.steps, strict=True)]
    checks = " and ".join(_condition(step, var, "UNSET") for var, step in zip(names, plan.steps, strict=True))
    arguments = ", ".join(f"{step.spec.attr}={var}" for var, step in zip(names, plan.steps, strict=True))
    lines += [
        f"    if not ({checks}):",
        "        return slow(raw, where, index)",
        f"    instance = model({arguments})",
        "    if not declared.issuperset(raw):",
        "        instance.additional_properties = {k: v for k, v in raw.items() if k not in declared}",
        "    return instance",
    ]
    namespace: dict[str, Any] = {"UNSET": ABSENT, "slow": slow, "model": model, "declared": plan.declared}
    return _compile("\n".join(lines), "read", namespace)


def fast_row_builder(model: type[Any]) -> Callable[[Mapping[str, Any], str, int, Any, Any], dict[str, Any]]:
    """A function `(raw, where, index, bucket_start, bucket_end) -> row` for result `index` of `where`.

    Generated for flat models; `where` is only formatted when something needs the interpretive filler.
    """
    return _cached("fast row", model, frozenset(), lambda: _fast_row_builder(model))  # type: ignore[no-any-return]


def _fast_row_builder(model: type[Any]) -> Callable[[Mapping[str, Any], str, int, Any, Any], dict[str, Any]]:
    plan = _plan(model)
    slow = _slow_row_builder(model)
    if not _flat_or_nested(plan):
        return slow
    namespace: dict[str, Any] = {"slow": slow, "declared": plan.declared}
    lines = ["def build(raw, where, index, start, end):"]
    lines += _row_lines(plan, namespace, "    ", "return slow(raw, where, index, start, end)", "return")
    return _compile("\n".join(lines), "build", namespace)


def _slow_row_builder(model: type[Any]) -> Callable[[Mapping[str, Any], str, int, Any, Any], dict[str, Any]]:
    fill = row_filler(model)

    def slow(raw: Mapping[str, Any], where: str, index: int, start: Any, end: Any) -> dict[str, Any]:
        row: dict[str, Any] = {"bucket_start": start, "bucket_end": end}
        fill(raw, f"{where}, result {index}", row)
        return row

    return slow


def _row_lines(plan: _Plan, namespace: dict[str, Any], pad: str, bail: str, emit: str) -> list[str]:
    """The statements reading the dict `raw` into a row: `bail` when something needs the interpretive filler,
    `emit` followed by the row otherwise."""
    names = [f"v{index}" for index in range(len(plan.steps))]
    lines = [f"{pad}get = raw.get"]
    lines += [f"{pad}{var} = get({step.spec.key!r})" for var, step in zip(names, plan.steps, strict=True)]
    flat = [(var, step) for var, step in zip(names, plan.steps, strict=True) if step.nested is None]
    checks = " and ".join(_condition(step, var, None) for var, step in flat) or "True"
    lines += [f"{pad}if not ({checks}):", f"{pad}    {bail}"]
    items: list[str] = []
    for var, step in zip(names, plan.steps, strict=True):
        spec, nested = step.spec, step.nested
        if nested is None:
            if spec.kind != "const":
                items.append(f"{spec.key!r}: {var}")
            continue
        # A nested object of scalars (costs `amount`): its columns read inline; anything unusual (extra keys in it,
        # a value to coerce, a required object absent) goes to the interpretive filler.
        inner = [f"{var}_{number}" for number in range(len(nested.steps))]
        pairs = list(zip(inner, nested.steps, strict=True))
        namespace[f"declared_{var}"] = nested.declared
        lines += [f"{pad}if type({var}) is dict:", f"{pad}    get_{var} = {var}.get"]
        lines += [f"{pad}    {name} = get_{var}({sub.spec.key!r})" for name, sub in pairs]
        inner_checks = " and ".join(_condition(sub, name, None) for name, sub in pairs)
        lines += [f"{pad}    if not ({inner_checks} and declared_{var}.issuperset({var})):", f"{pad}        {bail}"]
        if spec.required:
            lines += [f"{pad}else:", f"{pad}    {bail}"]
        else:  # absent or null: every column of it is None, as the filler writes it
            lines += [
                f"{pad}elif {var} is None:",
                f"{pad}    {' = '.join(inner)} = None",
                f"{pad}else:",
                f"{pad}    {bail}",
            ]
        items += [f"{spec.key + '_' + sub.spec.key!r}: {name}" for name, sub in pairs if sub.spec.kind != "const"]
    lines += [
        f"{pad}row = {{'bucket_start': start, 'bucket_end': end, {', '.join(items)}}}",
        f"{pad}if not declared.issuperset(raw):",
        f"{pad}    for k, v in raw.items():",
        f"{pad}        if k not in declared:",
        f"{pad}            row.setdefault(k, v)",
        f"{pad}{emit}(row)" if emit != "return" else f"{pad}return row",
    ]
    return lines


RowsReader = Callable[[list[Any], str, Any, Any, Callable[[object, int], None]], list[dict[str, Any]]]


def fast_rows_reader(model: type[Any], kind: str) -> RowsReader:
    """A function `(items, where, bucket_start, bucket_end, other) -> rows` for a bucket's list of results: each
    result whose `object` is `kind` becomes a row as `fast_row_builder(model)` makes it; any other item goes to
    `other(item, index)` (which keeps it aside or raises), in the list's order."""
    return _cached(f"rows {kind}", model, frozenset(), lambda: _fast_rows_reader(model, kind))  # type: ignore[no-any-return]


def _fast_rows_reader(model: type[Any], kind: str) -> RowsReader:
    plan = _plan(model)
    build = fast_row_builder(model)

    def odd(raw: object, where: str, index: int, start: Any, end: Any, other: Callable[[object, int], None]) -> Any:
        if isinstance(raw, Mapping) and raw.get("object") == kind:
            return build(raw, where, index, start, end)
        other(raw, index)
        return None

    namespace: dict[str, Any] = {"slow": build, "odd": odd, "declared": plan.declared, "KIND": kind}
    lines = [
        "def rows_of(items, where, start, end, other):",
        "    rows = []",
        "    append = rows.append",
        "    for index, raw in enumerate(items):",
        "        if type(raw) is not dict or raw.get('object') != KIND:",
        "            row = odd(raw, where, index, start, end, other)",
        "            if row is not None:",
        "                append(row)",
        "            continue",
    ]
    if _flat_or_nested(plan):
        bail = "append(slow(raw, where, index, start, end)); continue"
        lines += _row_lines(plan, namespace, "        ", bail, "append")
    else:
        lines += ["        append(slow(raw, where, index, start, end))"]
    lines += ["    return rows"]
    return _compile("\n".join(lines), "rows_of", namespace)


def _flat_or_nested(plan: _Plan) -> bool:
    """Scalars, constants and nested objects of those (one level): what the generated row builder reads."""
    return all(
        step.spec.kind in _CHECKS or step.spec.kind == "const" or (step.nested is not None and _flat(step.nested))
        for step in plan.steps
    )
