from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageWebSearchCallsResult")


@_attrs_define
class UsageWebSearchCallsResult:
    """One aggregated row of web search tool calls usage: one per combination of the requested `group_by` values."""

    object_: Literal["organization.usage.web_searches.result"]
    """ Always `organization.usage.web_searches.result`. """
    num_model_requests: int
    """ Number of requests made to the model. """
    num_requests: int
    """ Number of tool calls. """
    project_id: None | str | Unset = UNSET
    """ Project ID of this row's usage when grouped by `project_id`; null otherwise. """
    user_id: None | str | Unset = UNSET
    """ User ID of this row's usage when grouped by `user_id`; null otherwise. """
    api_key_id: None | str | Unset = UNSET
    """ API key ID of this row's usage when grouped by `api_key_id`; null otherwise. """
    model: None | str | Unset = UNSET
    """ Model name of this row's usage when grouped by `model`; null otherwise. """
    context_level: None | str | Unset = UNSET
    """ Search context size (`low`, `medium`, `high`) when grouped by `context_level`; null otherwise. """
    api_source: None | str | Unset = UNSET
    """ Where traffic came from: `agents_api` for Agents API traffic, `unlabeled` for everything else; null unless
    grouped by `api_source`. An open set: a plain string, so new values pass through every generated client; the
    values known today are in `x-known-values`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        num_model_requests = self.num_model_requests

        num_requests = self.num_requests

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        api_key_id: None | str | Unset
        if isinstance(self.api_key_id, Unset):
            api_key_id = UNSET
        else:
            api_key_id = self.api_key_id

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        context_level: None | str | Unset
        if isinstance(self.context_level, Unset):
            context_level = UNSET
        else:
            context_level = self.context_level

        api_source: None | str | Unset
        if isinstance(self.api_source, Unset):
            api_source = UNSET
        else:
            api_source = self.api_source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "num_model_requests": num_model_requests,
                "num_requests": num_requests,
            }
        )
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if model is not UNSET:
            field_dict["model"] = model
        if context_level is not UNSET:
            field_dict["context_level"] = context_level
        if api_source is not UNSET:
            field_dict["api_source"] = api_source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = cast(Literal["organization.usage.web_searches.result"], d.pop("object"))
        if object_ != "organization.usage.web_searches.result":
            raise ValueError(f"object must match const 'organization.usage.web_searches.result', got '{object_}'")

        num_model_requests = d.pop("num_model_requests")

        num_requests = d.pop("num_requests")

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        def _parse_api_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_key_id = _parse_api_key_id(d.pop("api_key_id", UNSET))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_context_level(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        context_level = _parse_context_level(d.pop("context_level", UNSET))

        def _parse_api_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_source = _parse_api_source(d.pop("api_source", UNSET))

        usage_web_search_calls_result = cls(
            object_=object_,
            num_model_requests=num_model_requests,
            num_requests=num_requests,
            project_id=project_id,
            user_id=user_id,
            api_key_id=api_key_id,
            model=model,
            context_level=context_level,
            api_source=api_source,
        )

        usage_web_search_calls_result.additional_properties = d
        return usage_web_search_calls_result

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
