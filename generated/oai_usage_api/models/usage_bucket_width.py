from typing import Literal

UsageBucketWidth = Literal["1d", "1h", "1m"]

USAGE_BUCKET_WIDTH_VALUES: set[UsageBucketWidth] = {
    "1d",
    "1h",
    "1m",
}


def check_usage_bucket_width(value: str) -> UsageBucketWidth:
    if value in USAGE_BUCKET_WIDTH_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_BUCKET_WIDTH_VALUES!r}")
