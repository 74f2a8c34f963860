"""`[check]` in oai-usage.toml: defaults, a profile's own rules over the file's, and one clear line per mistake."""

from __future__ import annotations

import pytest
from oai_usage import CheckSettings, ValidationError
from oai_usage.alerts import SETTINGS, parse_check_settings
from oai_usage.warehouse.config import parse_config


def test_no_check_table_gives_the_defaults() -> None:
    settings = parse_config("").check
    assert settings == CheckSettings()
    assert settings.limit_thresholds == (80.0, 90.0, 100.0) and settings.unusual_basis_days == 28


def test_a_profile_overrides_only_the_keys_it_sets() -> None:
    config = parse_config(
        "[check]\nlimit_thresholds = [50, 100]\nunusual_min_amount = 25\n"
        '[profiles.acme]\nkey_env = "ACME_KEY"\n[profiles.acme.check]\nunusual_min_amount = 5\n'
        '[profiles.beta]\nkey_env = "BETA_KEY"\n'
    )
    acme, beta = config.check_for("acme"), config.check_for("beta")
    assert acme.limit_thresholds == (50.0, 100.0) and acme.unusual_min_amount == 5.0
    assert beta.unusual_min_amount == 25.0


def test_an_unknown_key_is_named_with_what_is_allowed() -> None:
    with pytest.raises(ValidationError, match=r"check: unknown setting 'treshold'; allowed: rules, limit_thresholds"):
        parse_config("[check]\ntreshold = 80\n")


def test_an_unknown_key_of_a_profile_names_the_profile() -> None:
    with pytest.raises(ValidationError, match=r"profiles\.acme\.check: unknown setting 'spike'"):
        parse_config('[profiles.acme]\nkey_env = "ACME_KEY"\n[profiles.acme.check]\nspike = 2\n')


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ({"rules": ["limits", "spikes"]}, "unknown 'spikes'; allowed: limits, unusual, new, stale"),
        ({"limit_thresholds": []}, "a non-empty list of percentages"),
        ({"limit_thresholds": [0.8]}, "must be a number of at least 1"),
        ({"unusual_min_amount": -1}, "must be a number of at least 0"),
        ({"unusual_basis_days": 3}, "must be a whole number of at least 7"),
        ({"unusual_basis_days": 100_000_000}, "must be a whole number of at least 7 and at most 366"),
        ({"unusual_factor": float("inf")}, "must be a number of at least 1"),
        ({"new_min_amount": float("nan")}, "must be a number of at least 0"),
        ({"stale_after": "soon"}, "is not a span"),
        ({"notify": ["not a url"]}, "a list of Apprise URLs"),
        ({"unusual_dimensions": ["user"]}, "unknown 'user'; allowed: project, model, line_item, api_key"),
    ],
)
def test_a_bad_value_names_the_setting_and_what_is_allowed(raw: dict[str, object], said: str) -> None:
    with pytest.raises(ValidationError, match=f"\\[check\\]\\.{next(iter(raw))}: .*{said}"):
        parse_check_settings(raw)


def test_every_setting_has_a_default() -> None:
    assert set(SETTINGS) == set(vars(CheckSettings()))
