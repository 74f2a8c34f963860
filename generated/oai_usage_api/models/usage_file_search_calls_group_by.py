from typing import Literal

UsageFileSearchCallsGroupBy = Literal["api_key_id", "project_id", "user_id", "vector_store_id"]

USAGE_FILE_SEARCH_CALLS_GROUP_BY_VALUES: set[UsageFileSearchCallsGroupBy] = {
    "api_key_id",
    "project_id",
    "user_id",
    "vector_store_id",
}


def check_usage_file_search_calls_group_by(value: str) -> UsageFileSearchCallsGroupBy:
    if value in USAGE_FILE_SEARCH_CALLS_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_FILE_SEARCH_CALLS_GROUP_BY_VALUES!r}")
