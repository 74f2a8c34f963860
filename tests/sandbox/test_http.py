"""Over a real loopback socket: status codes, the error envelope, auth and the x-request-id header."""

from __future__ import annotations

import httpx
import pytest

from .conftest import DAY, TODAY

SPAN: dict[str, str | int] = {"start_time": TODAY - 2 * DAY, "end_time": TODAY}


def test_page_is_served_over_http(live: httpx.Client) -> None:
    r = live.get("/organization/usage/completions", params=SPAN)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["object"] == "page"


def test_every_response_has_a_request_id(live: httpx.Client) -> None:
    codes = set()
    ids = set()
    for path, authorized in [
        ("/organization/costs", True),
        ("/organization/nope", True),
        ("/organization/costs", False),
    ]:
        r = live.get(path, params=SPAN) if authorized else httpx.get(live.base_url.join(path.lstrip("/")))
        codes.add(r.status_code)
        ids.add(r.headers["x-request-id"])
    assert codes == {200, 404, 401}
    assert len(ids) == 3


def test_missing_key_is_401_in_the_error_envelope(live_url: str) -> None:
    r = httpx.get(f"{live_url}/organization/usage/embeddings", params=SPAN)
    assert r.status_code == 401
    assert set(r.json()["error"]) == {"message", "type", "param", "code"}


def test_non_admin_key_is_401_invalid_api_key(live_url: str) -> None:
    r = httpx.get(
        f"{live_url}/organization/usage/embeddings", params=SPAN, headers={"Authorization": "Bearer sk-proj-abc"}
    )
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_api_key")


def test_unknown_path_is_404_in_the_error_envelope(live: httpx.Client) -> None:
    r = live.get("/organization/usage/unknown", params=SPAN)
    assert r.status_code == 404
    assert r.json()["error"] == {
        "message": "Invalid URL (GET /v1/organization/usage/unknown)",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def test_bad_parameter_is_400_with_param_over_http(live: httpx.Client) -> None:
    r = live.get("/organization/usage/completions", params={**SPAN, "bucket_width": "1h", "limit": 500})
    assert r.status_code == 400
    assert r.json()["error"]["param"] == "limit"


def test_post_is_405_with_allow_header(live: httpx.Client) -> None:
    r = live.post("/organization/costs", params=SPAN)
    assert (r.status_code, r.headers["allow"]) == (405, "GET")


def test_bracket_arrays_over_http(live: httpx.Client) -> None:
    a = live.get("/organization/usage/images", params=[*SPAN.items(), ("group_by[]", "size"), ("group_by[]", "model")])
    b = live.get("/organization/usage/images", params=[*SPAN.items(), ("group_by", "size,model")])
    assert a.json() == b.json()


@pytest.mark.parametrize("prefix", ["/v1", ""])
def test_with_and_without_v1_prefix(live_url: str, prefix: str) -> None:
    origin = live_url.removesuffix("/v1")
    r = httpx.get(f"{origin}{prefix}/organization/costs", params=SPAN, headers={"Authorization": "Bearer sk-admin-x"})
    assert r.status_code == 200


def test_in_process_transport_matches_the_live_server(live: httpx.Client, client: httpx.Client) -> None:
    params: dict[str, str | int] = {**SPAN, "group_by": "project_id"}
    assert (
        client.get("/organization/usage/completions", params=params).json()
        == live.get("/organization/usage/completions", params=params).json()
    )
