from typing import Literal

UsageCodeInterpreterSessionsGroupBy = Literal["project_id"]

USAGE_CODE_INTERPRETER_SESSIONS_GROUP_BY_VALUES: set[UsageCodeInterpreterSessionsGroupBy] = {
    "project_id",
}


def check_usage_code_interpreter_sessions_group_by(value: str) -> UsageCodeInterpreterSessionsGroupBy:
    if value in USAGE_CODE_INTERPRETER_SESSIONS_GROUP_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USAGE_CODE_INTERPRETER_SESSIONS_GROUP_BY_VALUES!r}")
