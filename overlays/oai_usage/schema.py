"""Internal: the schema reader, one of the two modules that know the generated package (with `endpoints`).

What the generated attrs models declare, read from their type hints: one `FieldSpec` per field. Decoding
(numeric coercion, required-field checks) and row flattening both work from this table, so they follow the
generated code (and through it openapi.yaml) without a hand-kept list of fields. The generator's conventions
(attrs classes, the `Unset` marker for an absent optional field, `object_` for the JSON key `object`) are
known here and nowhere else: a generator upgrade that changes them touches this file. Not part of the public
API.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import attrs
import oai_usage_api.models as generated_models
from oai_usage_api.types import UNSET, Unset

__all__ = ["ABSENT", "FieldSpec", "Kind", "fields_of", "is_absent"]

ABSENT: Any = UNSET
"""The value a generated model holds for an optional field the JSON did not send (the generator's `UNSET`)."""


def is_absent(value: object) -> bool:
    """True when `value` is the generated models' marker for an optional field that was not sent."""
    return isinstance(value, Unset)


Kind = Literal["int", "float", "bool", "str", "const", "model", "list", "any"]


@dataclass(frozen=True)
class FieldSpec:
    """One declared field of a generated model."""

    attr: str  # the Python attribute, e.g. `object_`
    key: str  # the JSON key, e.g. `object`
    kind: Kind
    required: bool  # the key must be present
    nullable: bool  # null is a declared value
    model: type[Any] | None = None  # for kind "model" (a nested object) and "list" of models
    values: tuple[str, ...] = ()  # for kind "const": the allowed literal values


def _json_key(attr: str) -> str:
    # The generator appends "_" to names that clash with Python builtins or keywords (`object` -> `object_`).
    return attr[:-1] if attr.endswith("_") else attr


def _arms(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _classify(hint: Any) -> tuple[Kind, bool, type[Any] | None, tuple[str, ...]]:
    arms = [arm for arm in _arms(hint) if arm is not Unset]
    nullable = type(None) in arms
    arms = [arm for arm in arms if arm is not type(None)]
    literals = [arm for arm in arms if typing.get_origin(arm) is Literal]
    plain = [arm for arm in arms if typing.get_origin(arm) is not Literal]
    if str in plain:  # an open enum (Literal | str) or a plain string
        return "str", nullable, None, ()
    if literals and not plain:
        values = tuple(str(v) for lit in literals for v in typing.get_args(lit))
        return "const", nullable, None, values
    if len(plain) == 1:
        arm = plain[0]
        if arm is bool:
            return "bool", nullable, None, ()
        if arm is int:
            return "int", nullable, None, ()
        if arm is float:
            return "float", nullable, None, ()
        if attrs.has(arm):
            return "model", nullable, arm, ()
        if typing.get_origin(arm) is list:
            (item,) = typing.get_args(arm)
            return "list", nullable, item if attrs.has(item) else None, ()
    return "any", nullable, None, ()


_FIELDS: dict[type[Any], tuple[FieldSpec, ...]] = {}


def fields_of(model: type[Any]) -> tuple[FieldSpec, ...]:
    """The declared fields of a generated model, in declaration order (additional_properties excluded)."""
    cached = _FIELDS.get(model)
    if cached is None:
        cached = _FIELDS[model] = _read_fields(model)
    return cached


def _read_fields(model: type[Any]) -> tuple[FieldSpec, ...]:
    hints = typing.get_type_hints(model, localns=vars(generated_models))
    specs = []
    for field in attrs.fields(model):
        if field.name == "additional_properties":
            continue
        kind, nullable, nested, values = _classify(hints[field.name])
        specs.append(
            FieldSpec(
                attr=field.name,
                key=_json_key(field.name),
                kind=kind,
                required=field.default is attrs.NOTHING,
                nullable=nullable,
                model=nested,
                values=values,
            )
        )
    return tuple(specs)
