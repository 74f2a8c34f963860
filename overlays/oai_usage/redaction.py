"""Keep the client's secrets out of errors and logs, whatever encoding a server echoes them in.

Every `auth.SecretKey` registers itself here (weakly). `redact_secrets(text)` masks each live secret in
`text` written raw, JSON-escaped (`\\u002d`), percent-encoded (`%2D`) or as HTML character references
(`&#45;`), one character at a time in any mix. Errors redact their fields when built (`errors.py`), and
`install_log_filter()` puts a filter on the loggers of httpx, httpcore and hpack, whose DEBUG lines print
response headers as the server sent them.

Internal module: not part of the public API (that is `oai_usage.__all__`, which re-exports `redact_secrets` for
code that prints server text, such as the command line); its other names may change.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Callable
from typing import Any, Protocol

__all__ = [
    "LOGGERS",
    "MASK",
    "RedactingFilter",
    "install_log_filter",
    "redact_secrets",
    "redact_value",
    "register",
    "secret_pattern",
]

MASK = "***"


class _Secret(Protocol):
    @property
    def pattern(self) -> re.Pattern[str]: ...

    @property
    def masked(self) -> str: ...


_SECRETS: weakref.WeakSet[Any] = weakref.WeakSet()


def _char_forms(char: str) -> str:
    code = ord(char)
    forms = [
        re.escape(char),
        rf"\\u{code:04x}",  # JSON escape (hex matched case-insensitively)
        rf"%{code:02x}",  # percent-encoding
        rf"&#{code};",  # HTML decimal reference
        rf"&#x0*{code:x};",  # HTML hex reference
    ]
    if char == "/":
        forms.append(r"\\/")
    return "(?:" + "|".join(forms) + ")"


def secret_pattern(value: str) -> re.Pattern[str]:
    """A pattern matching `value` with any of its characters in any of the encodings above."""
    return re.compile("".join(_char_forms(char) for char in value), re.IGNORECASE if value else 0)


def register(secret: _Secret) -> None:
    """Redact `secret` from now on, for as long as it lives."""
    _SECRETS.add(secret)


def redact_secrets(text: str) -> str:
    """`text` with every live secret masked, in any encoding; cheap when no `sk-`-like text is present."""
    for secret in list(_SECRETS):
        text = secret.pattern.sub(secret.masked, text)
    return text


def redact_value(value: Any, depth: int = 0) -> Any:
    """A copy of a decoded JSON value with every string redacted; nesting deeper than 32 is cut."""
    if isinstance(value, str):
        return redact_secrets(value)
    if depth > 32:
        return "<nested too deeply>"
    if isinstance(value, dict):
        return {redact_secrets(str(key)): redact_value(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item, depth + 1) for item in value]
    return value


class RedactingFilter(logging.Filter):
    """Masks the client's secrets in a log record's final message (the arguments are folded in)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _SECRETS:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not format: leave it to the handler
            return True
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


# Logger filters only see records logged on that very logger, so every logger that prints headers is named.
LOGGERS = (
    "oai_usage",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "hpack",
    "hpack.hpack",
    "hpack.table",
)
_FILTER = RedactingFilter()


def install_log_filter(get_logger: Callable[[str], logging.Logger] = logging.getLogger) -> None:
    """Put the redacting filter on every logger in `LOGGERS` (once; costs nothing while they are quiet)."""
    for name in LOGGERS:
        logger = get_logger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
