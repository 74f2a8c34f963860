from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.list_order import ListOrder
from ...models.organization_spend_alert_list import OrganizationSpendAlertList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["before"] = before

    params["limit"] = limit

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order

    params["order"] = json_order

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/spend_alerts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | OrganizationSpendAlertList | None:
    if response.status_code == 200:
        response_200 = OrganizationSpendAlertList.from_dict(response.json())

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
) -> Response[ErrorResponse | OrganizationSpendAlertList]:
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
    before: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> Response[ErrorResponse | OrganizationSpendAlertList]:
    """List the organization's spend alerts

     E-mail alerts on the organization's monthly spend, thresholds in integer cents. Pages with an
    object-id cursor: send the `last_id` of a page as `after` while `has_more` is true (see
    `x-pagination`); `limit` over the bounds is a 400 naming `limit`.

    Args:
        after (str | Unset):
        before (str | Unset):
        limit (int | Unset):
        order (ListOrder | Unset): Sort order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | OrganizationSpendAlertList]
    """

    kwargs = _get_kwargs(
        after=after,
        before=before,
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
    before: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> ErrorResponse | OrganizationSpendAlertList | None:
    """List the organization's spend alerts

     E-mail alerts on the organization's monthly spend, thresholds in integer cents. Pages with an
    object-id cursor: send the `last_id` of a page as `after` while `has_more` is true (see
    `x-pagination`); `limit` over the bounds is a 400 naming `limit`.

    Args:
        after (str | Unset):
        before (str | Unset):
        limit (int | Unset):
        order (ListOrder | Unset): Sort order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | OrganizationSpendAlertList
    """

    return sync_detailed(
        client=client,
        after=after,
        before=before,
        limit=limit,
        order=order,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> Response[ErrorResponse | OrganizationSpendAlertList]:
    """List the organization's spend alerts

     E-mail alerts on the organization's monthly spend, thresholds in integer cents. Pages with an
    object-id cursor: send the `last_id` of a page as `after` while `has_more` is true (see
    `x-pagination`); `limit` over the bounds is a 400 naming `limit`.

    Args:
        after (str | Unset):
        before (str | Unset):
        limit (int | Unset):
        order (ListOrder | Unset): Sort order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | OrganizationSpendAlertList]
    """

    kwargs = _get_kwargs(
        after=after,
        before=before,
        limit=limit,
        order=order,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListOrder | Unset = UNSET,
) -> ErrorResponse | OrganizationSpendAlertList | None:
    """List the organization's spend alerts

     E-mail alerts on the organization's monthly spend, thresholds in integer cents. Pages with an
    object-id cursor: send the `last_id` of a page as `after` while `has_more` is true (see
    `x-pagination`); `limit` over the bounds is a 400 naming `limit`.

    Args:
        after (str | Unset):
        before (str | Unset):
        limit (int | Unset):
        order (ListOrder | Unset): Sort order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | OrganizationSpendAlertList
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            before=before,
            limit=limit,
            order=order,
        )
    ).parsed
