from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.admin_api_key_list import AdminApiKeyList
from ...models.error_response import ErrorResponse
from ...models.list_order import ListOrder
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order

    params["order"] = json_order

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/admin_api_keys",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AdminApiKeyList | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = AdminApiKeyList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = ErrorResponse.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AdminApiKeyList | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> Response[AdminApiKeyList | ErrorResponse]:
    """List the admin API keys of the organization

     The organization's Admin API keys, redacted, by creation time (`order`). The official SDK pages with
    the id of the last item of `data`, which equals `last_id`. Pages with an object-id cursor: send the
    `last_id` of a page as `after` while `has_more` is true (see `x-pagination`); `limit` over the
    bounds is a 400 naming `limit`.

    Args:
        after (str | Unset):
        limit (int | Unset):
        order (ListOrder | Unset): Sort order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminApiKeyList | ErrorResponse]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        order=order,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> AdminApiKeyList | ErrorResponse | None:
    """List the admin API keys of the organization

     The organization's Admin API keys, redacted, by creation time (`order`). The official SDK pages with
    the id of the last item of `data`, which equals `last_id`. Pages with an object-id cursor: send the
    `last_id` of a page as `after` while `has_more` is true (see `x-pagination`); `limit` over the
    bounds is a 400 naming `limit`.

    Args:
        after (str | Unset):
        limit (int | Unset):
        order (ListOrder | Unset): Sort order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminApiKeyList | ErrorResponse
    """

    return sync_detailed(
        client=client,
        after=after,
        limit=limit,
        order=order,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> Response[AdminApiKeyList | ErrorResponse]:
    """List the admin API keys of the organization

     The organization's Admin API keys, redacted, by creation time (`order`). The official SDK pages with
    the id of the last item of `data`, which equals `last_id`. Pages with an object-id cursor: send the
    `last_id` of a page as `after` while `has_more` is true (see `x-pagination`); `limit` over the
    bounds is a 400 naming `limit`.

    Args:
        after (str | Unset):
        limit (int | Unset):
        order (ListOrder | Unset): Sort order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminApiKeyList | ErrorResponse]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        order=order,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> AdminApiKeyList | ErrorResponse | None:
    """List the admin API keys of the organization

     The organization's Admin API keys, redacted, by creation time (`order`). The official SDK pages with
    the id of the last item of `data`, which equals `last_id`. Pages with an object-id cursor: send the
    `last_id` of a page as `after` while `has_more` is true (see `x-pagination`); `limit` over the
    bounds is a 400 naming `limit`.

    Args:
        after (str | Unset):
        limit (int | Unset):
        order (ListOrder | Unset): Sort order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminApiKeyList | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            limit=limit,
            order=order,
        )
    ).parsed
