from typing import Literal

WebSearchContextLevel = Literal["high", "low", "medium"]

WEB_SEARCH_CONTEXT_LEVEL_VALUES: set[WebSearchContextLevel] = {
    "high",
    "low",
    "medium",
}


def check_web_search_context_level(value: str) -> WebSearchContextLevel:
    if value in WEB_SEARCH_CONTEXT_LEVEL_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEB_SEARCH_CONTEXT_LEVEL_VALUES!r}")
