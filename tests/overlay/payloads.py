"""Realistic response bodies for the overlay tests: buckets, pages and results as the live API sends them."""

from __future__ import annotations

from typing import Any

BASE = "https://api.openai.com/v1"
KEY = "sk-admin-Zq8v3LmN0pR7tY2wX5kB9cF4hJ6dG1sA-oaiusage-tests"

MINUTE, HOUR, DAY = 60, 3600, 86400
NOV_1 = 1793491200  # 2026-11-01T00:00:00Z
NOV_24 = NOV_1 + 23 * DAY
LATER = NOV_1 + 500 * DAY  # 2028-03-15T00:00:00Z: a wall clock after every fixed range the mocked-API tests fetch

PROJECT = "proj_Ab12Cd34Ef56Gh78"
OTHER_PROJECT = "proj_Zz99Yy88Xx77Ww66"

# Cursors as the API shows them: base64-ish, with characters that must be percent-encoded in a URL.
CURSOR_2 = "page_AAAAAGkFTwAAAAAAaQagAA+/=="
CURSOR_3 = "page_AAAAAGkGoIAAAAAAaQfx+A=="


def completions_result(**fields: Any) -> dict[str, Any]:
    """A completions row grouped by model and project, every optional counter filled."""
    row: dict[str, Any] = {
        "object": "organization.usage.completions.result",
        "input_tokens": 1843200,
        "output_tokens": 402113,
        "num_model_requests": 1287,
        "input_cached_tokens": 655360,
        "input_cache_write_tokens": 81920,
        "input_uncached_tokens": 1105920,
        "input_text_tokens": 1090560,
        "input_cached_text_tokens": 655360,
        "input_audio_tokens": 15360,
        "input_cached_audio_tokens": 0,
        "input_image_tokens": 0,
        "input_cached_image_tokens": 0,
        "output_text_tokens": 398017,
        "output_audio_tokens": 4096,
        "output_image_tokens": 0,
        "project_id": PROJECT,
        "user_id": None,
        "api_key_id": None,
        "model": "gpt-4o-2024-08-06",
        "batch": None,
        "service_tier": None,
        "api_source": None,
    }
    row.update(fields)
    return row


def costs_result(value: Any = 4.608, line_item: str = "gpt-4o-2024-08-06, input", **fields: Any) -> dict[str, Any]:
    """A costs row grouped by project and line item."""
    row: dict[str, Any] = {
        "object": "organization.costs.result",
        "amount": {"value": value, "currency": "usd"},
        "line_item": line_item,
        "project_id": PROJECT,
        "api_key_id": None,
        "user_id": None,
        "quantity": 1843200.0,
        "quantity_unit": "tokens",
        "api_source": None,
    }
    row.update(fields)
    return row


def embeddings_result(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "object": "organization.usage.embeddings.result",
        "input_tokens": 5120000,
        "num_model_requests": 842,
        "project_id": None,
        "user_id": None,
        "api_key_id": None,
        "model": "text-embedding-3-small",
    }
    row.update(fields)
    return row


def bucket(start: int, results: list[dict[str, Any]] | None = None, width: int = DAY) -> dict[str, Any]:
    return {"object": "bucket", "start_time": start, "end_time": start + width, "results": results or []}


def days(first: int, count: int, results: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """`count` consecutive daily buckets from `first`, each with `results`."""
    return [bucket(first + i * DAY, results) for i in range(count)]


def page(buckets: list[dict[str, Any]], next_page: str | None = None, has_more: bool | None = None) -> dict[str, Any]:
    return {
        "object": "page",
        "data": buckets,
        "has_more": next_page is not None if has_more is None else has_more,
        "next_page": next_page,
    }


def error_body(
    message: str, type_: str = "invalid_request_error", code: Any = None, param: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}
