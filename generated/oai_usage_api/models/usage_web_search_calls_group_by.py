from typing import Literal

UsageWebSearchCallsGroupBy = Literal["api_key_id", "api_source", "context_level", "model", "project_id", "user_id"]

USAGE_WEB_SEARCH_CALLS_GROUP_BY_VALUES: set[UsageWebSearchCallsGroupBy] = {
    "api_key_id",
    "api_source",
    "context_level",
    "model",
    "project_id",
    "user_id",
}


def check_usage_web_search_calls_group_by(value: str) -> UsageWebSearchCallsGroupBy:
    if value in USAGE_WEB_SEARCH_CALLS_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_WEB_SEARCH_CALLS_GROUP_BY_VALUES!r}")
