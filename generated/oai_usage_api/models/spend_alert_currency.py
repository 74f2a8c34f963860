from typing import Literal

SpendAlertCurrency = Literal["USD"]

SPEND_ALERT_CURRENCY_VALUES: set[SpendAlertCurrency] = {
    "USD",
}


def check_spend_alert_currency(value: str) -> SpendAlertCurrency:
    if value in SPEND_ALERT_CURRENCY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SPEND_ALERT_CURRENCY_VALUES!r}")
