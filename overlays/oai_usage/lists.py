"""The Admin read lists (projects, users, keys, service accounts, alerts) and the spend limits.

    for project in client.projects(include_archived=True): ...   # every item, all pages, lazily
    client.project_api_keys("proj_abc").to_list()
    client.spend_limit()                                          # a SpendLimit in dollars, or None

A list query is lazy like a usage query: checked when made, sent when iterated, run afresh on each iteration. It
pages with `after=<last_id>` until `has_more` is false (`list_pages.ListPageLoop`: a repeated cursor, `has_more`
without `last_id`, an item listed twice and the page cap are `PaginationError`s) through the same transport as
the usage queries (retries, typed errors, redaction). Items are the API's JSON objects as dicts, every field kept.

The typed methods (`client.projects(...)`, `client.spend_limit()`, sync and async) are generated from the registry
into `list_methods.py` by tools/gen_methods.py; they call `ListCalls`/`AsyncListCalls` here.

Internal module: not part of the public API (that is `oai_usage.__all__`); its names may change.
"""

from __future__ import annotations

import difflib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from .endpoints import LISTS, ListEndpoint, SpendLimitEndpoint
from .errors import DecodeError, NotFoundError, ValidationError, import_extra
from .list_pages import aiter_list_pages, iter_list_pages
from .page import ListPage
from .transport import AsyncTransport, Reply, RequestSpec, SyncTransport
from .validation import check_bool

__all__ = [
    "MAX_LIMIT_CENTS",
    "NO_LIMIT_CODE",
    "AsyncListCalls",
    "AsyncListQuery",
    "ListCalls",
    "ListQuery",
    "SpendLimit",
    "parse_spend_limit",
    "threshold_cents",
    "validate_list",
]

NO_LIMIT_CODE = "spend_limit_not_set"
"""The error code of a 404 that means "this organization or project has no spend limit" (a value, not an error)."""

_LIST_TYPES = (list, tuple)


def _check_id(lst: str, name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name} must be a non-empty string; got {value!r}", param=name, endpoint=lst)
    return value


def _check_path_id(lst: str, name: str, value: object) -> str:
    """An ID that goes into the URL's path: percent-encoded by the generated code (`/` as %2F), and never `.` or
    `..`, which every URL library resolves into another path (`/projects/../api_keys` is `/api_keys`)."""
    checked = _check_id(lst, name, value)
    if checked in (".", "..") or any(ord(char) < 0x20 or ord(char) == 0x7F for char in checked):
        raise ValidationError(f"{name} {checked!r} is not an ID (dot segments and control characters would change "
                              "the request's path)", param=name, endpoint=lst)  # fmt: skip
    return checked


def validate_list(endpoint: ListEndpoint, given: Mapping[str, object]) -> dict[str, Any]:
    """The checked parameters of an Admin list call (path parameters included), or the first ValidationError.

    `limit` is 1..100 (the largest when not given: fewest round trips); the cursor (`after`, `before`) is the
    client's own business and refused."""
    accepted = [name for name, spec in endpoint.params.items() if spec.kind != "cursor"]
    for name in given:
        if name in accepted:
            continue
        if name in ("after", "before"):
            raise ValidationError(
                f"{name} is not accepted: the client follows last_id itself", param=name, endpoint=endpoint.name
            )
        close = difflib.get_close_matches(str(name), accepted, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValidationError(
            f"unknown parameter {name!r}{hint}; allowed: {', '.join(accepted)}", param=str(name), endpoint=endpoint.name
        )
    supplied = {name: value for name, value in given.items() if value is not None}
    params: dict[str, Any] = {}
    for name, spec in endpoint.params.items():
        if spec.kind == "path":
            params[name] = _check_path_id(endpoint.name, name, supplied.get(name))
        elif spec.kind == "limit":
            value = supplied.get(name, endpoint.max_limit)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= endpoint.max_limit:
                raise ValidationError(
                    f"limit {value!r} is not allowed; allowed: 1 to {endpoint.max_limit}",
                    param="limit",
                    endpoint=endpoint.name,
                )
            params[name] = value
        elif name not in supplied or spec.kind == "cursor":
            continue
        elif spec.kind == "bool":
            params[name] = check_bool(endpoint.name, name, supplied[name])
        elif spec.kind == "enums":
            value = supplied[name]
            if value not in spec.allowed:
                raise ValidationError(
                    f"{name} {value!r} is not allowed; allowed: {', '.join(spec.allowed)}",
                    param=name,
                    endpoint=endpoint.name,
                )
            params[name] = value
        else:  # strings
            value = supplied[name]
            if isinstance(value, str) or not isinstance(value, _LIST_TYPES) or not value:
                raise ValidationError(
                    f"{name} must be a non-empty list of strings; got {value!r}", param=name, endpoint=endpoint.name
                )
            params[name] = [_check_id(endpoint.name, name, item) for item in value]
    return params


class _ListQueryBase:
    def __init__(self, endpoint: ListEndpoint, params: dict[str, Any], *, max_pages: int | None) -> None:
        self._endpoint = endpoint
        self._params = params
        self._max_pages = max_pages

    @property
    def endpoint(self) -> str:
        """The list's name, e.g. "projects"."""
        return self._endpoint.name

    @property
    def params(self) -> dict[str, Any]:
        """The checked parameters of the first page (path parameters included)."""
        return dict(self._params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.endpoint!r}, {self._params!r})"


class ListQuery(_ListQueryBase):
    """A lazy Admin list: iterate for every item (a dict, as the API sent it), across all pages."""

    def __init__(
        self, endpoint: ListEndpoint, params: dict[str, Any], transport: SyncTransport, *, max_pages: int | None
    ) -> None:
        super().__init__(endpoint, params, max_pages=max_pages)
        self._transport = transport

    def pages(self) -> Generator[ListPage, None, None]:
        """The decoded pages, in order."""
        yield from iter_list_pages(self._transport.send, self._endpoint, self._params, max_pages=self._max_pages)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for page in self.pages():
            yield from page.data

    def to_list(self) -> list[dict[str, Any]]:
        """Every item, all pages."""
        return list(self)

    def to_dataframe(self) -> Any:
        """Every item as a pandas DataFrame row (nested objects stay dicts); needs pandas."""
        pandas = import_extra("pandas", extra="pandas", what="to_dataframe()")
        return pandas.DataFrame.from_records(self.to_list())


class AsyncListQuery(_ListQueryBase):
    """`ListQuery` with `async for` (and `await q.to_list()`)."""

    def __init__(
        self, endpoint: ListEndpoint, params: dict[str, Any], transport: AsyncTransport, *, max_pages: int | None
    ) -> None:
        super().__init__(endpoint, params, max_pages=max_pages)
        self._transport = transport

    async def pages(self) -> AsyncGenerator[ListPage, None]:
        """The decoded pages, in order."""
        async for page in aiter_list_pages(
            self._transport.send, self._endpoint, self._params, max_pages=self._max_pages
        ):
            yield page

    async def _items(self) -> AsyncIterator[dict[str, Any]]:
        async for page in self.pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._items()

    async def to_list(self) -> list[dict[str, Any]]:
        """Every item, all pages."""
        return [item async for item in self._items()]

    async def to_dataframe(self) -> Any:
        """Every item as a pandas DataFrame row; needs pandas."""
        pandas = import_extra("pandas", extra="pandas", what="to_dataframe()")
        return pandas.DataFrame.from_records(await self.to_list())


@dataclass(frozen=True)
class SpendLimit:
    """A monthly hard spend cap. `amount` is money in `currency` (dollars, exact: the API's cents / 100)."""

    amount: Decimal
    currency: str  # "USD" (upper case, unlike the costs rows' "usd")
    interval: str  # "month"
    enforcement: str  # "enforcing" or "inactive" (open: the API may add values)
    project_id: str | None = None  # None for the organization's limit

    MAX_CENTS: ClassVar[int] = 10**14
    """The largest limit or alert threshold read, in cents ($1 trillion): a larger one is a DecodeError, so that
    every amount is exact and finite (no `Infinity` in JSON, no `$inf` in a table)."""

    @property
    def cents(self) -> int:
        """The amount in integer cents, as on the wire."""
        return int(self.amount * 100)


MAX_LIMIT_CENTS = SpendLimit.MAX_CENTS


def threshold_cents(value: object) -> int | None:
    """`threshold_amount` as whole cents from 0 to MAX_LIMIT_CENTS, or None when it is anything else (a string, a
    float, a negative or an absurd number)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LIMIT_CENTS:
        return None
    return value


def parse_spend_limit(body: object, project_id: str | None, request_id: str | None = None) -> SpendLimit:
    """A spend-limit object (`threshold_amount` in integer cents) as a SpendLimit; a DecodeError otherwise."""
    where = "spend limit" if project_id is None else f"spend limit of {project_id}"
    if not isinstance(body, dict):
        raise DecodeError(f"{where}: expected a JSON object", request_id=request_id)
    cents = threshold_cents(body.get("threshold_amount"))
    if cents is None:
        raise DecodeError(
            f"{where}: threshold_amount must be a whole number of cents from 0 to {MAX_LIMIT_CENTS}",
            field="threshold_amount",
            request_id=request_id,
        )
    enforcement = body.get("enforcement")
    status = enforcement.get("status") if isinstance(enforcement, dict) else None
    return SpendLimit(
        amount=Decimal(cents) / 100,
        currency=str(body.get("currency") or "USD"),
        interval=str(body.get("interval") or "month"),
        enforcement=str(status or "unknown"),
        project_id=project_id,
    )


def _limit_or_none(
    endpoint: SpendLimitEndpoint, path: Mapping[str, object]
) -> tuple[RequestSpec, Callable[[Reply | None, NotFoundError | None], SpendLimit | None]]:
    """The request for a spend limit (its path IDs checked) and a function turning its reply, or the NotFoundError
    it raised, into the answer."""
    ids = {name: _check_path_id(endpoint.name, name, value) for name, value in path.items()}
    project_id = ids.get("project_id")
    request = endpoint.request(project_id)

    def answer(reply: Reply | None, error: NotFoundError | None) -> SpendLimit | None:
        if error is not None:
            if error.code == NO_LIMIT_CODE:
                return None
            raise error
        assert reply is not None
        limit = parse_spend_limit(reply.body, project_id, reply.request_id)
        # The reference's only sample of "no limit" is a 200 with a zero threshold that is not enforced: read it as
        # no limit (a $0 cap would make every projection "over the limit"). A zero cap being enforced is a limit.
        if limit.cents == 0 and limit.enforcement == "inactive":
            return None
        return limit

    return request, answer


def _list_params(name: str, given: Mapping[str, object]) -> tuple[ListEndpoint, dict[str, Any]]:
    endpoint = LISTS[name]
    return endpoint, validate_list(endpoint, given)


class ListCalls:
    """What the generated `list_methods.ListMethods` of `UsageClient` call: a checked lazy list, a spend limit."""

    _transport: SyncTransport
    _settings: Any

    def _list(self, name: str, given: Mapping[str, object]) -> ListQuery:
        endpoint, params = _list_params(name, given)
        return ListQuery(endpoint, params, self._transport, max_pages=self._settings.max_pages)

    def _spend_limit(self, endpoint: SpendLimitEndpoint, path: Mapping[str, object]) -> SpendLimit | None:
        request, answer = _limit_or_none(endpoint, path)
        try:
            reply = self._transport.send(request)
        except NotFoundError as error:
            return answer(None, error)
        return answer(reply, None)


class AsyncListCalls:
    """`ListCalls` for `AsyncUsageClient` (`list_methods.AsyncListMethods`): the spend limit awaited."""

    _transport: AsyncTransport
    _settings: Any

    def _list(self, name: str, given: Mapping[str, object]) -> AsyncListQuery:
        endpoint, params = _list_params(name, given)
        return AsyncListQuery(endpoint, params, self._transport, max_pages=self._settings.max_pages)

    async def _spend_limit(self, endpoint: SpendLimitEndpoint, path: Mapping[str, object]) -> SpendLimit | None:
        request, answer = _limit_or_none(endpoint, path)
        try:
            reply = await self._transport.send(request)
        except NotFoundError as error:
            return answer(None, error)
        return answer(reply, None)
