from typing import Literal

ApiSourceKnown = Literal["agents_api", "unlabeled"]

API_SOURCE_KNOWN_VALUES: set[ApiSourceKnown] = {
    "agents_api",
    "unlabeled",
}


def check_api_source_known(value: str) -> ApiSourceKnown:
    if value in API_SOURCE_KNOWN_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_SOURCE_KNOWN_VALUES!r}")
