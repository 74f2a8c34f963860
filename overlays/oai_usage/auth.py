"""The admin key and the headers that go with it.

The key lives only inside a `SecretKey`, whose repr and str are masked. It becomes plain text in exactly
one place, `Credentials.headers()`, which returns an `httpx.Headers` (whose repr hides Authorization too),
so no local variable, log line or exception ever holds it in the clear.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Any

import httpx

from ._version import __version__
from .errors import ADMIN_KEY_ENV, ADMIN_KEY_HINT, MissingAdminKeyError, ValidationError
from .redaction import register, secret_pattern

__all__ = [
    "DEFAULT_BASE_URL",
    "ENV_BASE_URL",
    "ENV_ORGANIZATION",
    "ENV_PROJECT",
    "Credentials",
    "SecretKey",
    "is_loopback",
    "resolve_base_url",
    "resolve_key",
    "resolve_optional",
]

ENV_BASE_URL = "OPENAI_BASE_URL"
ENV_ORGANIZATION = "OPENAI_ORG_ID"
ENV_PROJECT = "OPENAI_PROJECT_ID"
DEFAULT_BASE_URL = "https://api.openai.com/v1"

_PREFIX = re.compile(r"sk-[a-z]+-")
_PRINTABLE = re.compile(r"[\x21-\x7e]+")  # visible ASCII, no spaces: anything else cannot go in a header
_MASK = "***"


class SecretKey:
    """An API key that does not show itself: repr/str give only its kind, e.g. `sk-admin-***`."""

    __slots__ = ("__weakref__", "_pattern", "_value")

    def __init__(self, value: str) -> None:
        self._value = value
        self._pattern = secret_pattern(value)
        if value:
            register(self)  # errors and log lines mask it from now on, in any encoding

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("a SecretKey cannot be pickled: the key would be written out in the clear")

    @property
    def pattern(self) -> re.Pattern[str]:
        """Matches the key raw, JSON-escaped, percent-encoded or as HTML references (see `redaction`)."""
        return self._pattern

    def get_secret_value(self) -> str:
        return self._value

    @property
    def masked(self) -> str:
        match = _PREFIX.match(self._value)
        return (match.group(0) if match else "") + _MASK

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the key, in any encoding, replaced by its masked form."""
        return self._pattern.sub(self.masked, text) if self._value else text

    def __repr__(self) -> str:
        return f"SecretKey('{self.masked}')"

    def __str__(self) -> str:
        return self.masked


def resolve_key(admin_key: str | None, environ: Mapping[str, str] | None = None) -> SecretKey:
    """The key from the argument, else OPENAI_ADMIN_KEY; a clear error when neither is usable."""
    env = os.environ if environ is None else environ
    if admin_key is None:
        value = env.get(ADMIN_KEY_ENV, "").strip()
        source = ADMIN_KEY_ENV
        if not value:
            raise MissingAdminKeyError(
                f"no admin key: {ADMIN_KEY_HINT}. OPENAI_API_KEY is not used: usage endpoints refuse project keys"
            )
    else:
        if not isinstance(admin_key, str):
            raise ValidationError(f"admin_key must be a string, not {type(admin_key).__name__}", param="admin_key")
        value = admin_key.strip()
        source = "admin_key"
        if not value:
            raise MissingAdminKeyError(f"admin_key is empty: {ADMIN_KEY_HINT}")
    if not _PRINTABLE.fullmatch(value):
        # Said without echoing the value: a key with spaces or control characters would otherwise end up
        # inside an httpx "illegal header value" exception.
        raise ValidationError(f"{source} contains spaces or non-printable characters", param=source)
    return SecretKey(value)


def resolve_base_url(
    base_url: str | None, environ: Mapping[str, str] | None = None, *, allow_insecure_http: bool = False
) -> str:
    """The argument, else OPENAI_BASE_URL, else the public API; without a trailing slash.

    Plain `http://` is refused unless the host is this machine (a local sandbox or proxy) or the caller
    opts in: the admin key travels in every request's headers.
    """
    env = os.environ if environ is None else environ
    url = base_url if base_url is not None else (env.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL)
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        shown = _without_userinfo(url) if isinstance(url, str) else url
        raise ValidationError(f"base_url must be an http(s) URL, got {shown!r}", param="base_url")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValidationError(
            f"base_url {_without_userinfo(url)!r} is not a valid URL ({_without_userinfo(str(exc))}); "
            "give an http(s) URL such as https://api.openai.com/v1",
            param="base_url",
        ) from None
    if parsed.userinfo or "@" in parsed.netloc.decode("ascii", "replace"):
        # httpx would send these as Basic auth instead of the key, and they would show in reprs and logs.
        raise ValidationError(
            "base_url must not contain a user name or password (user:password@host); the admin key is the only "
            "credential sent",
            param="base_url",
        )
    if not parsed.host:
        raise ValidationError(f"base_url {url!r} has no host", param="base_url")
    if any(char.isspace() or not char.isprintable() for char in url) or "?" in url or "#" in url:
        # Every request appends its path to the base URL: after a query or a fragment it would be lost, and a
        # space or control character is no part of a URL.
        raise ValidationError(
            f"base_url {_without_userinfo(url)!r} has a query, a fragment, a space or a control character; give "
            "a plain http(s) URL such as https://api.openai.com/v1",
            param="base_url",
        )
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise ValidationError(f"base_url {url!r} has port {parsed.port}; allowed: 1 to 65535", param="base_url")
    if url.startswith("http://") and not allow_insecure_http:
        host = parsed.host
        if not is_loopback(host):
            raise ValidationError(
                f"base_url {url!r} is plain http to {host!r}: the admin key would travel unencrypted; use https, "
                "or, if this network is trusted, allow it (allow_insecure_http=True)",
                param="base_url",
            )
    return url.rstrip("/")


def _without_userinfo(text: str) -> str:
    """`text` with any `user:password@` after a `//` cut out, for messages."""
    return re.sub(r"//[^/?#]*@", "//***@", text)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1), where plain http never leaves the machine."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_optional(value: str | None, env_name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """An optional header value: the argument, else the environment variable, else None."""
    env = os.environ if environ is None else environ
    if value is None:
        value = env.get(env_name, "").strip() or None
    return value


class Credentials:
    """The key plus the optional organization and project; produces the headers of every request."""

    __slots__ = ("key", "organization", "project")

    def __init__(self, key: SecretKey, organization: str | None = None, project: str | None = None) -> None:
        self.key = key
        self.organization = organization
        self.project = project

    def headers(self) -> httpx.Headers:
        headers = httpx.Headers(
            {
                "Accept": "application/json",
                "User-Agent": f"oai-usage/{__version__}",
                "Authorization": "Bearer " + self.key.get_secret_value(),
            }
        )
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        return headers

    def __repr__(self) -> str:
        return f"Credentials(key={self.key!r}, organization={self.organization!r}, project={self.project!r})"
