from typing import Literal

UsageImagesGroupBy = Literal["api_key_id", "model", "project_id", "size", "source", "user_id"]

USAGE_IMAGES_GROUP_BY_VALUES: set[UsageImagesGroupBy] = {
    "api_key_id",
    "model",
    "project_id",
    "size",
    "source",
    "user_id",
}


def check_usage_images_group_by(value: str) -> UsageImagesGroupBy:
    if value in USAGE_IMAGES_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_IMAGES_GROUP_BY_VALUES!r}")
