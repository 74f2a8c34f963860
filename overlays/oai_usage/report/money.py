"""Internal: money as exact decimals: the amount of a costs row as the API wrote it, its currency in lower case."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["DEFAULT_CURRENCY", "ZERO", "amount_of", "as_decimal", "currency_of"]

ZERO = Decimal(0)
DEFAULT_CURRENCY = "usd"


def as_decimal(value: Decimal | float | int | str) -> Decimal:
    """An amount as an exact Decimal; a float is read as written (its shortest repr: 2000.1 is 2000.1, not the
    binary fraction nearest to it), which is the number the API's JSON held."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def amount_of(row: Mapping[str, Any]) -> Decimal:
    """A costs row's amount (`amount_value`) as an exact Decimal; 0 when absent."""
    value = row.get("amount_value")
    return ZERO if value is None else as_decimal(value)


def currency_of(row: Mapping[str, Any]) -> str:
    """A costs row's currency in lower case (`usd` when absent)."""
    return str(row.get("amount_currency") or DEFAULT_CURRENCY).lower()
