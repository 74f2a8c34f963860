from typing import Literal

UsageCompletionsGroupBy = Literal["api_key_id", "api_source", "batch", "model", "project_id", "service_tier", "user_id"]

USAGE_COMPLETIONS_GROUP_BY_VALUES: set[UsageCompletionsGroupBy] = {
    "api_key_id",
    "api_source",
    "batch",
    "model",
    "project_id",
    "service_tier",
    "user_id",
}


def check_usage_completions_group_by(value: str) -> UsageCompletionsGroupBy:
    if value in USAGE_COMPLETIONS_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_COMPLETIONS_GROUP_BY_VALUES!r}")
