"""The API's error envelope `{"error": {message, type, param, code}}` as an exception the core turns into a response."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the sandbox answers with, carrying the HTTP status and the envelope fields."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        type: str = "invalid_request_error",
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.type = type
        self.code = code

    def body(self) -> dict[str, Any]:
        """The JSON envelope of this error."""
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def bad_param(param: str, message: str) -> ApiError:
    """A 400 about one query parameter."""
    return ApiError(400, message, param=param)
