from typing import Literal

CostQuantityUnitKnown = Literal[
    "1000_tokens",
    "characters",
    "duration_hours",
    "duration_minutes",
    "duration_seconds",
    "gibibyte_hours",
    "images",
    "tokens",
]

COST_QUANTITY_UNIT_KNOWN_VALUES: set[CostQuantityUnitKnown] = {
    "1000_tokens",
    "characters",
    "duration_hours",
    "duration_minutes",
    "duration_seconds",
    "gibibyte_hours",
    "images",
    "tokens",
}


def check_cost_quantity_unit_known(value: str) -> CostQuantityUnitKnown:
    if value in COST_QUANTITY_UNIT_KNOWN_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COST_QUANTITY_UNIT_KNOWN_VALUES!r}")
