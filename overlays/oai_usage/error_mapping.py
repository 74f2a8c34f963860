"""Internal: an HTTP answer that is not a usable success, or an attempt that failed, as the library's typed errors.

A non-2xx status becomes the `APIError` subclass for it (`errors.error_class_for`), with the message, type,
code and param of the API's error envelope when the body has one, else a short readable snippet of the body
(an HTML page's title); a 2xx that is not strict JSON is a `DecodeError`; a body past the cap or in an encoding
that does not decode is a `DecodeError`; a transport failure that is not retried any more is an
`APITimeoutError` or `APIConnectionError` naming the request and the number of attempts. Bodies, messages and
the request id are redacted with the caller's `redact` (the key's). Each function returns the error: the caller
raises it, unchained (httpx's exceptions hold the request's headers in their frames).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from .body import parse_json
from .errors import ADMIN_KEY_HINT, APIConnectionError, APIError, APITimeoutError, DecodeError, error_class_for

__all__ = ["gave_up", "http_error", "not_json", "request_id", "too_large", "undecodable"]

Redact = Callable[[str], str]

_SNIPPET = 200


def _charset(response: httpx.Response) -> str:
    name = response.charset_encoding or "utf-8"
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _snippet(text: str) -> str:
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    plain = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    plain = " ".join(plain.split())
    return plain[:_SNIPPET] + ("..." if len(plain) > _SNIPPET else "")


def request_id(response: httpx.Response, redact: Redact) -> str | None:
    """The response's `x-request-id`, redacted like a body (a server may echo anything)."""
    value = _opt_str(response.headers.get("x-request-id"))
    return None if value is None else redact(value)


def not_json(
    response: httpx.Response, content: bytes, request_id: str | None, reason: str, redact: Redact
) -> DecodeError:
    """A 2xx whose body is not JSON, or JSON we refuse (`reason`: why, e.g. a NaN literal)."""
    content_type = response.headers.get("content-type", "no content type")
    text = redact(content[:4096].decode(_charset(response), "replace"))
    because = f" ({reason[:100]})" if reason else ""
    return DecodeError(
        f"HTTP {response.status_code} response is not JSON ({content_type}): {_snippet(text)!r}{because}",
        status_code=response.status_code,
        request_id=request_id,
    )


def http_error(
    response: httpx.Response, content: bytes, request_id: str | None, redact: Redact, retry_after: float | None
) -> APIError:
    """The typed error of a non-2xx answer, from the status and what the (possibly truncated) body says."""
    status = response.status_code
    text = redact(content.decode(_charset(response), "replace"))
    body: Any
    try:
        body = parse_json(text.encode())
    except ValueError:
        body = None
    message = kind = code = param = None
    envelope = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(envelope, Mapping):
        message, kind = _opt_str(envelope.get("message")), _opt_str(envelope.get("type"))
        code, param = _opt_str(envelope.get("code")), _opt_str(envelope.get("param"))
    elif isinstance(envelope, str):
        message = envelope
    if not message:
        reason = response.reason_phrase or "non-standard status"
        if body is None:
            content_type = response.headers.get("content-type", "no content type")
            message = f"{reason}; non-JSON body ({content_type}): {_snippet(text)!r}"
        else:
            message = f"{reason}; unexpected body: {_snippet(text)!r}"
    hint = ADMIN_KEY_HINT if status in (401, 403) else None
    return error_class_for(status)(
        message,
        status_code=status,
        type=kind,
        code=code,
        param=param,
        request_id=request_id,
        body=body if body is not None else text[:2000],
        retry_after=retry_after,
        hint=hint,
    )


def too_large(method: str, path: str, max_bytes: int) -> DecodeError:
    """A body past `max_response_bytes`."""
    return DecodeError(
        f"{method} {path}: the response is larger than max_response_bytes "
        f"({max_bytes} bytes decompressed); reading stopped there"
    )


def undecodable(method: str, path: str, error: Exception, redact: Redact) -> DecodeError:
    """A body whose content encoding does not decode (ours or httpx's decoder said so)."""
    return DecodeError(f"{method} {path}: {redact(str(error))}")


def gave_up(error: Exception, where: str, attempts: int, redact: Redact) -> APIConnectionError:
    """The last transport failure of `attempts` at `where` ("GET https://..."): a timeout or a connection error."""
    detail = redact(str(error)) or type(error).__name__
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"{where} timed out after {tries}: {detail}")
    return APIConnectionError(f"{where} failed after {tries}: {type(error).__name__}: {detail}")
