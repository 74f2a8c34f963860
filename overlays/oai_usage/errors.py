"""Every exception the library raises. Catch `OaiUsageError` to catch them all.

    OaiUsageError
    ├── ValidationError (also a ValueError)   bad arguments, found before any request
    ├── MissingAdminKeyError                  no key given and OPENAI_ADMIN_KEY unset
    ├── MissingDependencyError (ImportError)  an optional extra (pandas) is not installed
    ├── APIError                              the API answered with an error status
    │   ├── BadRequestError          400
    │   ├── AuthenticationError      401
    │   ├── PermissionDeniedError    403
    │   ├── NotFoundError            404
    │   ├── RateLimitError           429
    │   └── ServerError              >= 500
    ├── APIConnectionError                    no answer: connection failed (after retries)
    │   └── APITimeoutError                   no answer in time (after retries)
    ├── PaginationError                       the page chain is broken or runs away
    └── DecodeError                           a response could not be read

Every text field is passed through `redaction.redact_secrets` when the error is built, so a key a server
echoed back (raw, JSON-escaped, percent-encoded) never reaches a message, a field, `args` or a pickle.
Every error survives a pickle round trip with its fields (for multiprocessing and task queues).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .redaction import redact_secrets, redact_value

__all__ = [
    "ADMIN_KEY_ENV",
    "ADMIN_KEY_HINT",
    "STATUS_ERRORS",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "DecodeError",
    "MissingAdminKeyError",
    "MissingDependencyError",
    "NotFoundError",
    "OaiUsageError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResumePoint",
    "ServerError",
    "ValidationError",
    "error_class_for",
    "import_extra",
]

ADMIN_KEY_ENV = "OPENAI_ADMIN_KEY"
"""The environment variable the admin key is read from (the one constant: auth and the CLI use it)."""

ADMIN_KEY_HINT = (
    f"an Admin API key (sk-admin-...) with usage read access is required; pass admin_key= or set {ADMIN_KEY_ENV}"
)


@dataclass(frozen=True)
class ResumePoint:
    """Where a failed fetch stopped. `to_dict()`/`from_dict()` round-trip it through JSON."""

    endpoint: str
    query_id: str  # which query it belongs to (endpoint and parameters)
    start_time: int  # the start of the first bucket not delivered (Unix seconds)
    buckets_delivered: int  # buckets delivered before the failure, over every run of the query so far
    pages_delivered: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResumePoint:
        try:
            point = cls(**{field.name: data[field.name] for field in dataclasses.fields(cls)})
        except (KeyError, TypeError) as exc:
            raise ValidationError(f"not a resume point: {exc}", param="resume") from None
        ints = (point.start_time, point.buckets_delivered, point.pages_delivered)
        if not all(type(value) is int for value in ints) or not isinstance(point.query_id, str):
            raise ValidationError(f"not a resume point: {dict(data)!r}", param="resume")
        return point


class OaiUsageError(Exception):
    """Base class of every error raised by oai_usage.

    `resume` is set when the error stopped a query part way: pass it to `query.resume()` to fetch the rest.
    """

    resume: ResumePoint | None = None

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact_secrets(arg) if isinstance(arg, str) else arg for arg in args))

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own reduce calls cls(*args), which fails for keyword-only fields; rebuild from state.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[OaiUsageError], args: tuple[Any, ...], state: dict[str, Any]) -> OaiUsageError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


def _clean(value: str | None) -> str | None:
    return None if value is None else redact_secrets(value)


class ValidationError(OaiUsageError, ValueError):
    """An argument is missing or not allowed; raised before any request is sent."""

    def __init__(self, message: str, *, param: str | None = None, endpoint: str | None = None) -> None:
        prefix = f"{endpoint}: " if endpoint else ""
        super().__init__(prefix + message)
        self.param = param
        self.endpoint = endpoint


class MissingAdminKeyError(OaiUsageError):
    """No admin key was given and OPENAI_ADMIN_KEY is not set."""


class MissingDependencyError(OaiUsageError, ImportError):
    """An optional dependency is needed for this call."""


def import_extra(module: str, *, extra: str, what: str) -> ModuleType:
    """`module` imported; when it is not installed, the one "optional extra missing" error, naming the extra.

    `what` says what needs it (e.g. "to_dataframe()" or "--plot"); the message tells how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.partition(".")[0]
        raise MissingDependencyError(
            f"{what} needs {package}, an optional extra: pip install 'oai-usage[{extra}]' (or pip install {package})"
        ) from exc


class APIError(OaiUsageError):
    """The API answered with an error status. Fields come from the `{"error": {...}}` envelope when present."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = redact_secrets(message)
        self.status_code = status_code
        self.type = _clean(type)
        self.code = _clean(code)
        self.param = _clean(param)
        self.request_id = _clean(request_id)
        self.body = redact_value(body)
        self.retry_after = retry_after
        self.hint = hint
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"HTTP {self.status_code}: {self.message}"
        details = [
            f"{name}={value}"
            for name, value in (("type", self.type), ("code", self.code), ("param", self.param))
            if value
        ]
        if details:
            text += f" ({', '.join(details)})"
        if self.hint:
            text += f" - {self.hint}"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text


class BadRequestError(APIError):
    """400: a parameter the server refused; `param` usually names it."""


class AuthenticationError(APIError):
    """401: no key, a wrong key, or a key that is not an Admin API key."""


class PermissionDeniedError(APIError):
    """403: the key lacks read access to usage data."""


class NotFoundError(APIError):
    """404: no such path (a wrong base_url is the usual cause)."""


class RateLimitError(APIError):
    """429, after the retries ran out or when the server asked for a longer wait than the client honours."""


class ServerError(APIError):
    """A 5xx status (including non-standard ones such as 520), after the retries ran out."""


class APIConnectionError(OaiUsageError):
    """The request got no HTTP answer (connection refused, reset, DNS...), after the retries ran out."""


class APITimeoutError(APIConnectionError):
    """The request timed out, after the retries ran out."""


class PaginationError(OaiUsageError):
    """The page chain cannot be followed safely: no cursor, a repeated cursor, pages out of order, too many pages."""

    def __init__(self, message: str, *, endpoint: str, pages: int) -> None:
        super().__init__(f"{endpoint}: {message} (after {pages} page{'s' if pages != 1 else ''})")
        self.endpoint = endpoint
        self.pages = pages


class DecodeError(OaiUsageError):
    """A response body could not be read into the models; `field` names the culprit when there is one."""

    def __init__(
        self, message: str, *, field: str | None = None, status_code: int | None = None, request_id: str | None = None
    ) -> None:
        request_id = _clean(request_id)
        text = message + (f" [request id {request_id}]" if request_id else "")
        super().__init__(text)
        self.field = _clean(field)
        self.status_code = status_code
        self.request_id = request_id


STATUS_ERRORS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def error_class_for(status_code: int) -> type[APIError]:
    """The APIError subclass for a status code (5xx, standard or not, is ServerError)."""
    if status_code >= 500:
        return ServerError
    return STATUS_ERRORS.get(status_code, APIError)
