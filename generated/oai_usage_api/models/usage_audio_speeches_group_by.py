from typing import Literal

UsageAudioSpeechesGroupBy = Literal["api_key_id", "model", "project_id", "user_id"]

USAGE_AUDIO_SPEECHES_GROUP_BY_VALUES: set[UsageAudioSpeechesGroupBy] = {
    "api_key_id",
    "model",
    "project_id",
    "user_id",
}


def check_usage_audio_speeches_group_by(value: str) -> UsageAudioSpeechesGroupBy:
    if value in USAGE_AUDIO_SPEECHES_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_AUDIO_SPEECHES_GROUP_BY_VALUES!r}")
