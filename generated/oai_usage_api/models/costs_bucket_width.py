from typing import Literal

CostsBucketWidth = Literal["1d"]

COSTS_BUCKET_WIDTH_VALUES: set[CostsBucketWidth] = {
    "1d",
}


def check_costs_bucket_width(value: str) -> CostsBucketWidth:
    if value in COSTS_BUCKET_WIDTH_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COSTS_BUCKET_WIDTH_VALUES!r}")
