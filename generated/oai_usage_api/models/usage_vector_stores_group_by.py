from typing import Literal

UsageVectorStoresGroupBy = Literal["project_id"]

USAGE_VECTOR_STORES_GROUP_BY_VALUES: set[UsageVectorStoresGroupBy] = {
    "project_id",
}


def check_usage_vector_stores_group_by(value: str) -> UsageVectorStoresGroupBy:
    if value in USAGE_VECTOR_STORES_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_VECTOR_STORES_GROUP_BY_VALUES!r}")
