from typing import Literal

UsageModerationsGroupBy = Literal["api_key_id", "model", "project_id", "user_id"]

USAGE_MODERATIONS_GROUP_BY_VALUES: set[UsageModerationsGroupBy] = {
    "api_key_id",
    "model",
    "project_id",
    "user_id",
}


def check_usage_moderations_group_by(value: str) -> UsageModerationsGroupBy:
    if value in USAGE_MODERATIONS_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_MODERATIONS_GROUP_BY_VALUES!r}")
