from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.project_service_account_list import ProjectServiceAccountList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/projects/{project_id}/service_accounts".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ProjectServiceAccountList | None:
    if response.status_code == 200:
        response_200 = ProjectServiceAccountList.from_dict(response.json())

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
) -> Response[ErrorResponse | ProjectServiceAccountList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorResponse | ProjectServiceAccountList]:
    """List the service accounts of a project

     The project's service accounts. 400 for an archived project, 404 for an unknown one. Pages with an
    object-id cursor: send the `last_id` of a page as `after` while `has_more` is true (see
    `x-pagination`); `limit` over the bounds is a 400 naming `limit`.

    Args:
        project_id (str):
        after (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProjectServiceAccountList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorResponse | ProjectServiceAccountList | None:
    """List the service accounts of a project

     The project's service accounts. 400 for an archived project, 404 for an unknown one. Pages with an
    object-id cursor: send the `last_id` of a page as `after` while `has_more` is true (see
    `x-pagination`); `limit` over the bounds is a 400 naming `limit`.

    Args:
        project_id (str):
        after (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProjectServiceAccountList
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorResponse | ProjectServiceAccountList]:
    """List the service accounts of a project

     The project's service accounts. 400 for an archived project, 404 for an unknown one. Pages with an
    object-id cursor: send the `last_id` of a page as `after` while `has_more` is true (see
    `x-pagination`); `limit` over the bounds is a 400 naming `limit`.

    Args:
        project_id (str):
        after (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProjectServiceAccountList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    after: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorResponse | ProjectServiceAccountList | None:
    """List the service accounts of a project

     The project's service accounts. 400 for an archived project, 404 for an unknown one. Pages with an
    object-id cursor: send the `last_id` of a page as `after` while `has_more` is true (see
    `x-pagination`); `limit` over the bounds is a 400 naming `limit`.

    Args:
        project_id (str):
        after (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProjectServiceAccountList
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            after=after,
            limit=limit,
        )
    ).parsed
