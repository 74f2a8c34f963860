"""Opaque `page_...` cursors: base64 of the next bucket start and pinned end, bound to the query by a fingerprint."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from .errors import ApiError, bad_param

PREFIX = "page_"


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts, the end the first page resolved, and the query it belongs to."""

    next_start: int
    end: int
    fingerprint: str


def fingerprint(parts: object) -> str:
    """A short stable digest of the query (everything but `page` and `limit`)."""
    raw = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def encode(cursor: Cursor) -> str:
    """The opaque string sent as `next_page`."""
    raw = json.dumps([cursor.next_start, cursor.end, cursor.fingerprint], separators=(",", ":")).encode()
    return PREFIX + base64.urlsafe_b64encode(raw).decode()


def decode(token: str, expected_fingerprint: str) -> Cursor:
    """Parse a cursor; a malformed one, or one from another query, is a 400 on `page`."""
    error: ApiError = bad_param("page", "Invalid value for 'page': not a cursor returned for this query.")
    if not token.startswith(PREFIX):
        raise error
    try:
        data = json.loads(base64.urlsafe_b64decode(token[len(PREFIX) :].encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise error from exc
    ok_shape = isinstance(data, list) and len(data) == 3
    if not ok_shape or not all(isinstance(x, int) and not isinstance(x, bool) for x in data[:2]):
        raise error
    if data[2] != expected_fingerprint:
        raise error
    return Cursor(next_start=data[0], end=data[1], fingerprint=data[2])
