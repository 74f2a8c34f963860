from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageCompletionsResult")


@_attrs_define
class UsageCompletionsResult:
    """One aggregated row of completions usage: one per combination of the requested `group_by` values."""

    object_: Literal["organization.usage.completions.result"]
    """ Always `organization.usage.completions.result`. """
    input_tokens: int
    """ Input tokens used, cached and cache-write tokens included, across text, audio and image. """
    output_tokens: int
    """ Output tokens generated, across text, audio and image. """
    num_model_requests: int
    """ Number of requests made to the model. """
    input_cached_tokens: int | None | Unset = UNSET
    """ Input tokens served from the prompt cache, all modalities. """
    input_cache_write_tokens: int | None | Unset = UNSET
    """ Input tokens written to the prompt cache (30-minute and 12-hour retention together). """
    input_cache_write_30m_tokens: int | None | Unset = UNSET
    """ Input tokens written to the prompt cache with 30-minute retention; absent on data older than the split (so
    not required), null when not known. """
    input_cache_write_12h_tokens: int | None | Unset = UNSET
    """ Input tokens written to the prompt cache with 12-hour retention; absent on data older than the split (so not
    required), null when not known. """
    input_uncached_tokens: int | None | Unset = UNSET
    """ Input tokens neither read from nor written to the cache. """
    input_text_tokens: int | None | Unset = UNSET
    """ Uncached text input tokens, cache writes excluded. """
    input_cached_text_tokens: int | None | Unset = UNSET
    """ Cached text input tokens. """
    input_audio_tokens: int | None | Unset = UNSET
    """ Uncached audio input tokens. """
    input_cached_audio_tokens: int | None | Unset = UNSET
    """ Cached audio input tokens. """
    input_image_tokens: int | None | Unset = UNSET
    """ Uncached image input tokens. """
    input_cached_image_tokens: int | None | Unset = UNSET
    """ Cached image input tokens. """
    output_text_tokens: int | None | Unset = UNSET
    """ Text output tokens. """
    output_audio_tokens: int | None | Unset = UNSET
    """ Audio output tokens. """
    output_image_tokens: int | None | Unset = UNSET
    """ Image output tokens. """
    project_id: None | str | Unset = UNSET
    """ Project ID of this row's usage when grouped by `project_id`; null otherwise. """
    user_id: None | str | Unset = UNSET
    """ User ID of this row's usage when grouped by `user_id`; null otherwise. """
    api_key_id: None | str | Unset = UNSET
    """ API key ID of this row's usage when grouped by `api_key_id`; null otherwise. """
    model: None | str | Unset = UNSET
    """ Model name of this row's usage when grouped by `model`; null otherwise. """
    batch: bool | None | Unset = UNSET
    """ True for Batch API jobs, false for other requests, when grouped by `batch`; null otherwise. """
    service_tier: None | str | Unset = UNSET
    """ Service tier (for example `default`, `flex`, `priority`) when grouped by `service_tier`; null otherwise. """
    api_source: None | str | Unset = UNSET
    """ Where traffic came from: `agents_api` for Agents API traffic, `unlabeled` for everything else; null unless
    grouped by `api_source`. An open set: a plain string, so new values pass through every generated client; the
    values known today are in `x-known-values`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        input_tokens = self.input_tokens

        output_tokens = self.output_tokens

        num_model_requests = self.num_model_requests

        input_cached_tokens: int | None | Unset
        if isinstance(self.input_cached_tokens, Unset):
            input_cached_tokens = UNSET
        else:
            input_cached_tokens = self.input_cached_tokens

        input_cache_write_tokens: int | None | Unset
        if isinstance(self.input_cache_write_tokens, Unset):
            input_cache_write_tokens = UNSET
        else:
            input_cache_write_tokens = self.input_cache_write_tokens

        input_cache_write_30m_tokens: int | None | Unset
        if isinstance(self.input_cache_write_30m_tokens, Unset):
            input_cache_write_30m_tokens = UNSET
        else:
            input_cache_write_30m_tokens = self.input_cache_write_30m_tokens

        input_cache_write_12h_tokens: int | None | Unset
        if isinstance(self.input_cache_write_12h_tokens, Unset):
            input_cache_write_12h_tokens = UNSET
        else:
            input_cache_write_12h_tokens = self.input_cache_write_12h_tokens

        input_uncached_tokens: int | None | Unset
        if isinstance(self.input_uncached_tokens, Unset):
            input_uncached_tokens = UNSET
        else:
            input_uncached_tokens = self.input_uncached_tokens

        input_text_tokens: int | None | Unset
        if isinstance(self.input_text_tokens, Unset):
            input_text_tokens = UNSET
        else:
            input_text_tokens = self.input_text_tokens

        input_cached_text_tokens: int | None | Unset
        if isinstance(self.input_cached_text_tokens, Unset):
            input_cached_text_tokens = UNSET
        else:
            input_cached_text_tokens = self.input_cached_text_tokens

        input_audio_tokens: int | None | Unset
        if isinstance(self.input_audio_tokens, Unset):
            input_audio_tokens = UNSET
        else:
            input_audio_tokens = self.input_audio_tokens

        input_cached_audio_tokens: int | None | Unset
        if isinstance(self.input_cached_audio_tokens, Unset):
            input_cached_audio_tokens = UNSET
        else:
            input_cached_audio_tokens = self.input_cached_audio_tokens

        input_image_tokens: int | None | Unset
        if isinstance(self.input_image_tokens, Unset):
            input_image_tokens = UNSET
        else:
            input_image_tokens = self.input_image_tokens

        input_cached_image_tokens: int | None | Unset
        if isinstance(self.input_cached_image_tokens, Unset):
            input_cached_image_tokens = UNSET
        else:
            input_cached_image_tokens = self.input_cached_image_tokens

        output_text_tokens: int | None | Unset
        if isinstance(self.output_text_tokens, Unset):
            output_text_tokens = UNSET
        else:
            output_text_tokens = self.output_text_tokens

        output_audio_tokens: int | None | Unset
        if isinstance(self.output_audio_tokens, Unset):
            output_audio_tokens = UNSET
        else:
            output_audio_tokens = self.output_audio_tokens

        output_image_tokens: int | None | Unset
        if isinstance(self.output_image_tokens, Unset):
            output_image_tokens = UNSET
        else:
            output_image_tokens = self.output_image_tokens

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

        batch: bool | None | Unset
        if isinstance(self.batch, Unset):
            batch = UNSET
        else:
            batch = self.batch

        service_tier: None | str | Unset
        if isinstance(self.service_tier, Unset):
            service_tier = UNSET
        else:
            service_tier = self.service_tier

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
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "num_model_requests": num_model_requests,
            }
        )
        if input_cached_tokens is not UNSET:
            field_dict["input_cached_tokens"] = input_cached_tokens
        if input_cache_write_tokens is not UNSET:
            field_dict["input_cache_write_tokens"] = input_cache_write_tokens
        if input_cache_write_30m_tokens is not UNSET:
            field_dict["input_cache_write_30m_tokens"] = input_cache_write_30m_tokens
        if input_cache_write_12h_tokens is not UNSET:
            field_dict["input_cache_write_12h_tokens"] = input_cache_write_12h_tokens
        if input_uncached_tokens is not UNSET:
            field_dict["input_uncached_tokens"] = input_uncached_tokens
        if input_text_tokens is not UNSET:
            field_dict["input_text_tokens"] = input_text_tokens
        if input_cached_text_tokens is not UNSET:
            field_dict["input_cached_text_tokens"] = input_cached_text_tokens
        if input_audio_tokens is not UNSET:
            field_dict["input_audio_tokens"] = input_audio_tokens
        if input_cached_audio_tokens is not UNSET:
            field_dict["input_cached_audio_tokens"] = input_cached_audio_tokens
        if input_image_tokens is not UNSET:
            field_dict["input_image_tokens"] = input_image_tokens
        if input_cached_image_tokens is not UNSET:
            field_dict["input_cached_image_tokens"] = input_cached_image_tokens
        if output_text_tokens is not UNSET:
            field_dict["output_text_tokens"] = output_text_tokens
        if output_audio_tokens is not UNSET:
            field_dict["output_audio_tokens"] = output_audio_tokens
        if output_image_tokens is not UNSET:
            field_dict["output_image_tokens"] = output_image_tokens
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if model is not UNSET:
            field_dict["model"] = model
        if batch is not UNSET:
            field_dict["batch"] = batch
        if service_tier is not UNSET:
            field_dict["service_tier"] = service_tier
        if api_source is not UNSET:
            field_dict["api_source"] = api_source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = cast(Literal["organization.usage.completions.result"], d.pop("object"))
        if object_ != "organization.usage.completions.result":
            raise ValueError(f"object must match const 'organization.usage.completions.result', got '{object_}'")

        input_tokens = d.pop("input_tokens")

        output_tokens = d.pop("output_tokens")

        num_model_requests = d.pop("num_model_requests")

        def _parse_input_cached_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_cached_tokens = _parse_input_cached_tokens(d.pop("input_cached_tokens", UNSET))

        def _parse_input_cache_write_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_cache_write_tokens = _parse_input_cache_write_tokens(d.pop("input_cache_write_tokens", UNSET))

        def _parse_input_cache_write_30m_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_cache_write_30m_tokens = _parse_input_cache_write_30m_tokens(d.pop("input_cache_write_30m_tokens", UNSET))

        def _parse_input_cache_write_12h_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_cache_write_12h_tokens = _parse_input_cache_write_12h_tokens(d.pop("input_cache_write_12h_tokens", UNSET))

        def _parse_input_uncached_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_uncached_tokens = _parse_input_uncached_tokens(d.pop("input_uncached_tokens", UNSET))

        def _parse_input_text_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_text_tokens = _parse_input_text_tokens(d.pop("input_text_tokens", UNSET))

        def _parse_input_cached_text_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_cached_text_tokens = _parse_input_cached_text_tokens(d.pop("input_cached_text_tokens", UNSET))

        def _parse_input_audio_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_audio_tokens = _parse_input_audio_tokens(d.pop("input_audio_tokens", UNSET))

        def _parse_input_cached_audio_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_cached_audio_tokens = _parse_input_cached_audio_tokens(d.pop("input_cached_audio_tokens", UNSET))

        def _parse_input_image_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_image_tokens = _parse_input_image_tokens(d.pop("input_image_tokens", UNSET))

        def _parse_input_cached_image_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_cached_image_tokens = _parse_input_cached_image_tokens(d.pop("input_cached_image_tokens", UNSET))

        def _parse_output_text_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        output_text_tokens = _parse_output_text_tokens(d.pop("output_text_tokens", UNSET))

        def _parse_output_audio_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        output_audio_tokens = _parse_output_audio_tokens(d.pop("output_audio_tokens", UNSET))

        def _parse_output_image_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        output_image_tokens = _parse_output_image_tokens(d.pop("output_image_tokens", UNSET))

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

        def _parse_batch(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        batch = _parse_batch(d.pop("batch", UNSET))

        def _parse_service_tier(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service_tier = _parse_service_tier(d.pop("service_tier", UNSET))

        def _parse_api_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_source = _parse_api_source(d.pop("api_source", UNSET))

        usage_completions_result = cls(
            object_=object_,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            num_model_requests=num_model_requests,
            input_cached_tokens=input_cached_tokens,
            input_cache_write_tokens=input_cache_write_tokens,
            input_cache_write_30m_tokens=input_cache_write_30m_tokens,
            input_cache_write_12h_tokens=input_cache_write_12h_tokens,
            input_uncached_tokens=input_uncached_tokens,
            input_text_tokens=input_text_tokens,
            input_cached_text_tokens=input_cached_text_tokens,
            input_audio_tokens=input_audio_tokens,
            input_cached_audio_tokens=input_cached_audio_tokens,
            input_image_tokens=input_image_tokens,
            input_cached_image_tokens=input_cached_image_tokens,
            output_text_tokens=output_text_tokens,
            output_audio_tokens=output_audio_tokens,
            output_image_tokens=output_image_tokens,
            project_id=project_id,
            user_id=user_id,
            api_key_id=api_key_id,
            model=model,
            batch=batch,
            service_tier=service_tier,
            api_source=api_source,
        )

        usage_completions_result.additional_properties = d
        return usage_completions_result

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
