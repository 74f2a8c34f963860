"""Opaque `page_...` cursors: base64 of the next bucket start and pinned end, bound to the query by a fingerprint."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
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


_RAW = re.compile(rb'\[(-?[0-9]{1,18}),(-?[0-9]{1,18}),"([0-9a-f]{16})"\]')
MAX_TOKEN = 128
"""Longest cursor accepted; the sandbox's own are about 70 characters."""


def decode(token: str, expected_fingerprint: str) -> Cursor:
    """Parse a cursor; a malformed one, or one from another query, is a 400 on `page`.

    The decoded bytes must have exactly the shape `encode` writes (two integers of at most 18 digits and the
    fingerprint), matched by a regular expression rather than a JSON parser, so nesting or size cannot hurt.
    """
    error: ApiError = bad_param("page", "Invalid value for 'page': not a cursor returned for this query.")
    if not token.startswith(PREFIX) or len(token) > MAX_TOKEN:
        raise error
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX) :].encode("ascii"))
    except (binascii.Error, ValueError) as exc:
        raise error from exc
    match = _RAW.fullmatch(raw)
    if match is None or match.group(3).decode() != expected_fingerprint:
        raise error
    return Cursor(next_start=int(match.group(1)), end=int(match.group(2)), fingerprint=expected_fingerprint)
