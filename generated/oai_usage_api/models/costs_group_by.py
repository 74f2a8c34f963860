from typing import Literal

CostsGroupBy = Literal["api_key_id", "api_source", "line_item", "project_id", "user_id"]

COSTS_GROUP_BY_VALUES: set[CostsGroupBy] = {
    "api_key_id",
    "api_source",
    "line_item",
    "project_id",
    "user_id",
}


def check_costs_group_by(value: str) -> CostsGroupBy:
    if value in COSTS_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COSTS_GROUP_BY_VALUES!r}")
