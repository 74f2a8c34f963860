from typing import Literal

OwnerProjectAccess = Literal["active", "inactive"]

OWNER_PROJECT_ACCESS_VALUES: set[OwnerProjectAccess] = {
    "active",
    "inactive",
}


def check_owner_project_access(value: str) -> OwnerProjectAccess:
    if value in OWNER_PROJECT_ACCESS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OWNER_PROJECT_ACCESS_VALUES!r}")
