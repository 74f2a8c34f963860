from typing import Literal

SpendAlertInterval = Literal["month"]

SPEND_ALERT_INTERVAL_VALUES: set[SpendAlertInterval] = {
    "month",
}


def check_spend_alert_interval(value: str) -> SpendAlertInterval:
    if value in SPEND_ALERT_INTERVAL_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SPEND_ALERT_INTERVAL_VALUES!r}")
