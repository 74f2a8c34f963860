from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.usage_bucket_width import UsageBucketWidth
from ...models.usage_web_search_calls_group_by import UsageWebSearchCallsGroupBy
from ...models.usage_web_search_calls_page import UsageWebSearchCallsPage
from ...models.web_search_context_level import WebSearchContextLevel
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageBucketWidth | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    user_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    models: list[str] | Unset = UNSET,
    context_levels: list[WebSearchContextLevel] | Unset = UNSET,
    group_by: list[UsageWebSearchCallsGroupBy] | Unset = UNSET,
    limit: int | Unset = UNSET,
    page: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["start_time"] = start_time

    params["end_time"] = end_time

    json_bucket_width: str | Unset = UNSET
    if not isinstance(bucket_width, Unset):
        json_bucket_width = bucket_width

    params["bucket_width"] = json_bucket_width

    json_project_ids: list[str] | Unset = UNSET
    if not isinstance(project_ids, Unset):
        json_project_ids = project_ids

    params["project_ids"] = json_project_ids

    json_user_ids: list[str] | Unset = UNSET
    if not isinstance(user_ids, Unset):
        json_user_ids = user_ids

    params["user_ids"] = json_user_ids

    json_api_key_ids: list[str] | Unset = UNSET
    if not isinstance(api_key_ids, Unset):
        json_api_key_ids = api_key_ids

    params["api_key_ids"] = json_api_key_ids

    json_models: list[str] | Unset = UNSET
    if not isinstance(models, Unset):
        json_models = models

    params["models"] = json_models

    json_context_levels: list[str] | Unset = UNSET
    if not isinstance(context_levels, Unset):
        json_context_levels = []
        for context_levels_item_data in context_levels:
            context_levels_item: str = context_levels_item_data
            json_context_levels.append(context_levels_item)

    params["context_levels"] = json_context_levels

    json_group_by: list[str] | Unset = UNSET
    if not isinstance(group_by, Unset):
        json_group_by = []
        for group_by_item_data in group_by:
            group_by_item: str = group_by_item_data
            json_group_by.append(group_by_item)

    params["group_by"] = json_group_by

    params["limit"] = limit

    params["page"] = page

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/usage/web_search_calls",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UsageWebSearchCallsPage | None:
    if response.status_code == 200:
        response_200 = UsageWebSearchCallsPage.from_dict(response.json())

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
) -> Response[ErrorResponse | UsageWebSearchCallsPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageBucketWidth | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    user_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    models: list[str] | Unset = UNSET,
    context_levels: list[WebSearchContextLevel] | Unset = UNSET,
    group_by: list[UsageWebSearchCallsGroupBy] | Unset = UNSET,
    limit: int | Unset = UNSET,
    page: str | Unset = UNSET,
) -> Response[ErrorResponse | UsageWebSearchCallsPage]:
    """Get web search tool calls usage of the organization

     Aggregated web search tool calls usage of the organization in time buckets of one minute, hour or
    day, optionally grouped and filtered. Bucket edges: the first bucket starts at `start_time` rounded
    down to the minute, as the live API does (a partial bucket when `start_time` is not on a
    `bucket_width` boundary), the next ones on boundaries (UTC), and the last one ends at `end_time` or
    at the time of the request, whichever is earlier (so the current bucket is partial). Follow
    `next_page` while `has_more` is true (see `x-pagination`).

    Args:
        start_time (int):
        end_time (int | Unset):
        bucket_width (UsageBucketWidth | Unset): Bucket width of a usage query: one minute, one
            hour or one day.
        project_ids (list[str] | Unset):
        user_ids (list[str] | Unset):
        api_key_ids (list[str] | Unset):
        models (list[str] | Unset):
        context_levels (list[WebSearchContextLevel] | Unset):
        group_by (list[UsageWebSearchCallsGroupBy] | Unset):
        limit (int | Unset):
        page (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UsageWebSearchCallsPage]
    """

    kwargs = _get_kwargs(
        start_time=start_time,
        end_time=end_time,
        bucket_width=bucket_width,
        project_ids=project_ids,
        user_ids=user_ids,
        api_key_ids=api_key_ids,
        models=models,
        context_levels=context_levels,
        group_by=group_by,
        limit=limit,
        page=page,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageBucketWidth | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    user_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    models: list[str] | Unset = UNSET,
    context_levels: list[WebSearchContextLevel] | Unset = UNSET,
    group_by: list[UsageWebSearchCallsGroupBy] | Unset = UNSET,
    limit: int | Unset = UNSET,
    page: str | Unset = UNSET,
) -> ErrorResponse | UsageWebSearchCallsPage | None:
    """Get web search tool calls usage of the organization

     Aggregated web search tool calls usage of the organization in time buckets of one minute, hour or
    day, optionally grouped and filtered. Bucket edges: the first bucket starts at `start_time` rounded
    down to the minute, as the live API does (a partial bucket when `start_time` is not on a
    `bucket_width` boundary), the next ones on boundaries (UTC), and the last one ends at `end_time` or
    at the time of the request, whichever is earlier (so the current bucket is partial). Follow
    `next_page` while `has_more` is true (see `x-pagination`).

    Args:
        start_time (int):
        end_time (int | Unset):
        bucket_width (UsageBucketWidth | Unset): Bucket width of a usage query: one minute, one
            hour or one day.
        project_ids (list[str] | Unset):
        user_ids (list[str] | Unset):
        api_key_ids (list[str] | Unset):
        models (list[str] | Unset):
        context_levels (list[WebSearchContextLevel] | Unset):
        group_by (list[UsageWebSearchCallsGroupBy] | Unset):
        limit (int | Unset):
        page (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UsageWebSearchCallsPage
    """

    return sync_detailed(
        client=client,
        start_time=start_time,
        end_time=end_time,
        bucket_width=bucket_width,
        project_ids=project_ids,
        user_ids=user_ids,
        api_key_ids=api_key_ids,
        models=models,
        context_levels=context_levels,
        group_by=group_by,
        limit=limit,
        page=page,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageBucketWidth | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    user_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    models: list[str] | Unset = UNSET,
    context_levels: list[WebSearchContextLevel] | Unset = UNSET,
    group_by: list[UsageWebSearchCallsGroupBy] | Unset = UNSET,
    limit: int | Unset = UNSET,
    page: str | Unset = UNSET,
) -> Response[ErrorResponse | UsageWebSearchCallsPage]:
    """Get web search tool calls usage of the organization

     Aggregated web search tool calls usage of the organization in time buckets of one minute, hour or
    day, optionally grouped and filtered. Bucket edges: the first bucket starts at `start_time` rounded
    down to the minute, as the live API does (a partial bucket when `start_time` is not on a
    `bucket_width` boundary), the next ones on boundaries (UTC), and the last one ends at `end_time` or
    at the time of the request, whichever is earlier (so the current bucket is partial). Follow
    `next_page` while `has_more` is true (see `x-pagination`).

    Args:
        start_time (int):
        end_time (int | Unset):
        bucket_width (UsageBucketWidth | Unset): Bucket width of a usage query: one minute, one
            hour or one day.
        project_ids (list[str] | Unset):
        user_ids (list[str] | Unset):
        api_key_ids (list[str] | Unset):
        models (list[str] | Unset):
        context_levels (list[WebSearchContextLevel] | Unset):
        group_by (list[UsageWebSearchCallsGroupBy] | Unset):
        limit (int | Unset):
        page (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UsageWebSearchCallsPage]
    """

    kwargs = _get_kwargs(
        start_time=start_time,
        end_time=end_time,
        bucket_width=bucket_width,
        project_ids=project_ids,
        user_ids=user_ids,
        api_key_ids=api_key_ids,
        models=models,
        context_levels=context_levels,
        group_by=group_by,
        limit=limit,
        page=page,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageBucketWidth | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    user_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    models: list[str] | Unset = UNSET,
    context_levels: list[WebSearchContextLevel] | Unset = UNSET,
    group_by: list[UsageWebSearchCallsGroupBy] | Unset = UNSET,
    limit: int | Unset = UNSET,
    page: str | Unset = UNSET,
) -> ErrorResponse | UsageWebSearchCallsPage | None:
    """Get web search tool calls usage of the organization

     Aggregated web search tool calls usage of the organization in time buckets of one minute, hour or
    day, optionally grouped and filtered. Bucket edges: the first bucket starts at `start_time` rounded
    down to the minute, as the live API does (a partial bucket when `start_time` is not on a
    `bucket_width` boundary), the next ones on boundaries (UTC), and the last one ends at `end_time` or
    at the time of the request, whichever is earlier (so the current bucket is partial). Follow
    `next_page` while `has_more` is true (see `x-pagination`).

    Args:
        start_time (int):
        end_time (int | Unset):
        bucket_width (UsageBucketWidth | Unset): Bucket width of a usage query: one minute, one
            hour or one day.
        project_ids (list[str] | Unset):
        user_ids (list[str] | Unset):
        api_key_ids (list[str] | Unset):
        models (list[str] | Unset):
        context_levels (list[WebSearchContextLevel] | Unset):
        group_by (list[UsageWebSearchCallsGroupBy] | Unset):
        limit (int | Unset):
        page (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UsageWebSearchCallsPage
    """

    return (
        await asyncio_detailed(
            client=client,
            start_time=start_time,
            end_time=end_time,
            bucket_width=bucket_width,
            project_ids=project_ids,
            user_ids=user_ids,
            api_key_ids=api_key_ids,
            models=models,
            context_levels=context_levels,
            group_by=group_by,
            limit=limit,
            page=page,
        )
    ).parsed
