from typing import Literal

OwnerProjectAccessFilter = Literal["active", "any", "inactive"]

OWNER_PROJECT_ACCESS_FILTER_VALUES: set[OwnerProjectAccessFilter] = {
    "active",
    "any",
    "inactive",
}


def check_owner_project_access_filter(value: str) -> OwnerProjectAccessFilter:
    if value in OWNER_PROJECT_ACCESS_FILTER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OWNER_PROJECT_ACCESS_FILTER_VALUES!r}")
