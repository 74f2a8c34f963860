"""Keyword arguments of each endpoint method, for type checkers and editors.

Names are the API's own. Enum-valued arguments use the generated `Literal` types, so a type checker flags a
`group_by` value an endpoint does not support; at run time `validation.py` checks the same rules (and more)
from the registry. tests/overlay/test_params.py keeps these in step with the generated signatures.

No `from __future__ import annotations` here: with string annotations, Python 3.11 cannot see `Required`
at run time and would report no required keys.
"""

from collections.abc import Sequence
from typing import Required, TypedDict

from oai_usage_api.models import (
    CostsBucketWidth,
    CostsGroupBy,
    ImageSize,
    ImageSource,
    UsageAudioSpeechesGroupBy,
    UsageAudioTranscriptionsGroupBy,
    UsageBucketWidth,
    UsageCodeInterpreterSessionsGroupBy,
    UsageCompletionsGroupBy,
    UsageDecisionsGroupBy,
    UsageEmbeddingsGroupBy,
    UsageFileSearchCallsGroupBy,
    UsageImagesGroupBy,
    UsageModerationsGroupBy,
    UsageVectorStoresGroupBy,
    UsageWebSearchCallsGroupBy,
    WebSearchContextLevel,
)

from .timeparse import TimeLike


class _Range(TypedDict, total=False):
    start_time: Required[TimeLike]
    end_time: TimeLike
    limit: int
    project_ids: Sequence[str]


class _UsageRange(_Range, total=False):
    bucket_width: UsageBucketWidth


class _WhoFilters(_UsageRange, total=False):
    user_ids: Sequence[str]
    api_key_ids: Sequence[str]


class _ModelFilters(_WhoFilters, total=False):
    models: Sequence[str]


class CompletionsParams(_ModelFilters, total=False):
    batch: bool
    group_by: Sequence[UsageCompletionsGroupBy]


class DecisionsParams(_ModelFilters, total=False):
    batch: bool
    group_by: Sequence[UsageDecisionsGroupBy]


class EmbeddingsParams(_ModelFilters, total=False):
    group_by: Sequence[UsageEmbeddingsGroupBy]


class ModerationsParams(_ModelFilters, total=False):
    group_by: Sequence[UsageModerationsGroupBy]


class ImagesParams(_ModelFilters, total=False):
    sources: Sequence[ImageSource]
    sizes: Sequence[ImageSize]
    group_by: Sequence[UsageImagesGroupBy]


class AudioSpeechesParams(_ModelFilters, total=False):
    group_by: Sequence[UsageAudioSpeechesGroupBy]


class AudioTranscriptionsParams(_ModelFilters, total=False):
    group_by: Sequence[UsageAudioTranscriptionsGroupBy]


class VectorStoresParams(_UsageRange, total=False):
    group_by: Sequence[UsageVectorStoresGroupBy]


class CodeInterpreterSessionsParams(_UsageRange, total=False):
    group_by: Sequence[UsageCodeInterpreterSessionsGroupBy]


class FileSearchCallsParams(_WhoFilters, total=False):
    vector_store_ids: Sequence[str]
    group_by: Sequence[UsageFileSearchCallsGroupBy]


class WebSearchCallsParams(_ModelFilters, total=False):
    context_levels: Sequence[WebSearchContextLevel]
    group_by: Sequence[UsageWebSearchCallsGroupBy]


class CostsParams(_Range, total=False):
    bucket_width: CostsBucketWidth
    api_key_ids: Sequence[str]
    line_items: Sequence[str]
    group_by: Sequence[CostsGroupBy]


PARAMS_BY_ENDPOINT: dict[str, type] = {
    "completions": CompletionsParams,
    "embeddings": EmbeddingsParams,
    "moderations": ModerationsParams,
    "images": ImagesParams,
    "audio_speeches": AudioSpeechesParams,
    "audio_transcriptions": AudioTranscriptionsParams,
    "vector_stores": VectorStoresParams,
    "code_interpreter_sessions": CodeInterpreterSessionsParams,
    "file_search_calls": FileSearchCallsParams,
    "web_search_calls": WebSearchCallsParams,
    "decisions": DecisionsParams,
    "costs": CostsParams,
}
