from typing import Literal

UsageEmbeddingsGroupBy = Literal["api_key_id", "model", "project_id", "user_id"]

USAGE_EMBEDDINGS_GROUP_BY_VALUES: set[UsageEmbeddingsGroupBy] = {
    "api_key_id",
    "model",
    "project_id",
    "user_id",
}


def check_usage_embeddings_group_by(value: str) -> UsageEmbeddingsGroupBy:
    if value in USAGE_EMBEDDINGS_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_EMBEDDINGS_GROUP_BY_VALUES!r}")
