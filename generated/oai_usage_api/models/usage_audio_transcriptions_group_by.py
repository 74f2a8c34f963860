from typing import Literal

UsageAudioTranscriptionsGroupBy = Literal["api_key_id", "model", "project_id", "user_id"]

USAGE_AUDIO_TRANSCRIPTIONS_GROUP_BY_VALUES: set[UsageAudioTranscriptionsGroupBy] = {
    "api_key_id",
    "model",
    "project_id",
    "user_id",
}


def check_usage_audio_transcriptions_group_by(value: str) -> UsageAudioTranscriptionsGroupBy:
    if value in USAGE_AUDIO_TRANSCRIPTIONS_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_AUDIO_TRANSCRIPTIONS_GROUP_BY_VALUES!r}")
