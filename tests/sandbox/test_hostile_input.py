"""A server others run in CI: hostile cursors, empty keys and unbounded query strings get 4xx and bounded memory."""

from __future__ import annotations

import base64
import json

import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig
from oai_usage_sandbox.core import _AnswerCache
from oai_usage_sandbox.cursor import Cursor, encode, fingerprint
from oai_usage_sandbox.endpoints import ENDPOINTS
from oai_usage_sandbox.params import parse

from .conftest import DAY, NOW, TODAY, call, ok, usage

QUERY = [("start_time", TODAY - 10 * DAY), ("end_time", TODAY), ("limit", 2)]


def _raw_cursor(raw: bytes) -> str:
    return "page_" + base64.urlsafe_b64encode(raw).decode()


def _forged(next_start: int, end: int) -> str:
    """A cursor with the right fingerprint for QUERY on completions, as anyone reading the source could make."""
    query = parse(ENDPOINTS["completions"], [(k, str(v)) for k, v in QUERY])
    return encode(Cursor(next_start, end, fingerprint(query.identity(ENDPOINTS["completions"]))))


def _page_error(sandbox: Sandbox, cursor: str) -> tuple[int, str | None]:
    status, body = call(sandbox, usage("completions"), [*QUERY, ("page", cursor)])
    return status, body.get("error", {}).get("param")


def test_deeply_nested_cursor_is_a_400_naming_page(sandbox: Sandbox) -> None:
    assert _page_error(sandbox, _raw_cursor(b"[" * 100_000 + b"]" * 100_000)) == (400, "page")


def test_deeply_nested_short_cursor_is_a_400_naming_page(sandbox: Sandbox) -> None:
    assert _page_error(sandbox, _raw_cursor(b"[" * 40)) == (400, "page")


def test_cursor_with_huge_integers_is_a_400_naming_page(sandbox: Sandbox) -> None:
    assert _page_error(sandbox, _forged(TODAY - 8 * DAY, 10**30)) == (400, "page")


def test_forged_cursor_past_the_range_end_is_a_400_naming_page(sandbox: Sandbox) -> None:
    assert _page_error(sandbox, _forged(TODAY - 8 * DAY, TODAY + 400 * DAY)) == (400, "page")


def test_forged_cursor_before_the_range_is_a_400_naming_page(sandbox: Sandbox) -> None:
    assert _page_error(sandbox, _forged(TODAY - 30 * DAY, TODAY)) == (400, "page")


def test_forged_unaligned_cursor_is_a_400_naming_page(sandbox: Sandbox) -> None:
    assert _page_error(sandbox, _forged(TODAY - 8 * DAY + 5, TODAY)) == (400, "page")


def test_cursor_with_extra_json_fields_is_a_400_naming_page(sandbox: Sandbox) -> None:
    first = ok(sandbox, usage("completions"), QUERY)
    start, end, fp = json.loads(base64.urlsafe_b64decode(first["next_page"][5:]))
    assert _page_error(sandbox, _raw_cursor(json.dumps([start, end, fp, {"x": 1}]).encode())) == (400, "page")


def test_overlong_cursor_is_a_400_naming_page(sandbox: Sandbox) -> None:
    assert _page_error(sandbox, "page_" + "A" * 10_000) == (400, "page")


def test_a_real_cursor_still_works(sandbox: Sandbox) -> None:
    first = ok(sandbox, usage("completions"), QUERY)
    second = ok(sandbox, usage("completions"), [*QUERY, ("page", first["next_page"])])
    assert second["data"][0]["start_time"] == first["data"][-1]["end_time"]


@pytest.mark.parametrize(
    "auth", ["Bearer sk-admin-", "Bearer sk-admin-  ", "Bearer  sk-admin-", "Bearer sk-admin-\u00e9"]
)
def test_admin_prefix_with_no_key_after_it_is_401(sandbox: Sandbox, auth: str) -> None:
    status, body = call(sandbox, usage("completions"), QUERY, headers={"Authorization": auth})
    assert (status, body["error"]["code"]) == (401, "invalid_api_key")


def test_cache_entries_are_charged_for_their_keys() -> None:
    cache = _AnswerCache(budget=100_000)
    key = ("GET", "/v1/organization/costs", (("project_ids", "p" * 20_000),), "ok")
    cache.put(key, (200, b"{}", ()))
    assert cache.size > 20_000


def test_cache_stays_within_its_budget_counting_keys() -> None:
    cache = _AnswerCache(budget=10_000)
    for n in range(200):
        cache.put(("GET", "/p", (("q", f"{n:0>3000}"),), "ok"), (200, b"x", ()))
    assert cache.size <= 10_000
    assert 0 < len(cache) <= 3


def test_cache_refuses_an_entry_larger_than_its_budget() -> None:
    cache = _AnswerCache(budget=1_000)
    cache.put(("GET", "/p", (("q", "v" * 2_000),), "ok"), (200, b"x", ()))
    assert (len(cache), cache.size) == (0, 0)


def test_many_unique_long_query_strings_keep_the_sandbox_cache_bounded() -> None:
    budget = 2 * 1024 * 1024
    sandbox = Sandbox(SandboxConfig(seed=7, now=NOW), answer_cache_bytes=budget)
    for n in range(1_500):
        status, _ = call(
            sandbox, usage("vector_stores"), [("start_time", TODAY - DAY), ("project_ids", f"proj_{n:0>15000}")]
        )
        assert status == 200
    held = sandbox._answers
    assert held.size <= budget
    keys = list(held._items)
    assert sum(len(v) for k in keys for _, v in k[2]) <= budget  # the query strings held are within the budget too
    assert len(keys) < 1_500


def test_the_cache_key_never_holds_the_admin_key() -> None:
    sandbox = Sandbox(SandboxConfig(seed=7, now=NOW))
    call(sandbox, usage("embeddings"), QUERY, headers={"Authorization": "Bearer sk-admin-SECRET-in-cache-key"})
    assert "SECRET" not in repr(list(sandbox._answers._items))


def test_answers_for_different_keys_of_one_verdict_are_shared() -> None:
    sandbox = Sandbox(SandboxConfig(seed=7, now=NOW))
    a = sandbox.handle(
        "GET", usage("embeddings"), [(k, str(v)) for k, v in QUERY], {"authorization": "Bearer sk-admin-a"}
    )
    b = sandbox.handle(
        "GET", usage("embeddings"), [(k, str(v)) for k, v in QUERY], {"authorization": "Bearer sk-admin-b"}
    )
    assert (a.status, a.body, len(sandbox._answers)) == (200, b.body, 1)
