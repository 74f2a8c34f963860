"""oai-usage.toml: profiles name key variables (a key in the file is refused, unrepeated), plans and grace."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from oai_usage.warehouse.config import ConfigError, check_trusted, default_database, load_config, parse_config

GOOD = """
since = "60d"
endpoints = ["costs", "completions"]
default_profile = "acme"

[grace]
"1h" = "3h"
costs = "3d"

[profiles.acme]
key_env = "ACME_ADMIN_KEY"

[profiles.beta]
key_env = "BETA_ADMIN_KEY"
organization_id = "org-beta"

[[plan]]
width = "1d"
group_by = "all"

[[plan]]
width = "1h"
group_by = ["model"]
endpoints = ["completions"]
since = "14d"
"""


def test_a_config_names_profiles_endpoints_plan_and_grace() -> None:
    config = parse_config(GOOD)
    assert list(config.profiles) == ["acme", "beta"]
    assert config.profile(None).key_env == "ACME_ADMIN_KEY"
    assert config.profiles["beta"].organization_id == "org-beta"
    assert config.grace_for("completions", "1h") == timedelta(hours=3)
    assert config.grace_for("costs", "1d") == timedelta(days=3)
    assert config.grace_for("completions", "1m") == timedelta(minutes=15)  # the default stays
    units = [(u.endpoint, u.width, u.grouping, u.since) for u in config.units()]
    assert units == [
        ("costs", "1d", "api_key_id,api_source,line_item,project_id,user_id", None),
        ("completions", "1d", "api_key_id,api_source,batch,model,project_id,service_tier,user_id", None),
        ("completions", "1h", "model", "14d"),
    ]


@pytest.mark.parametrize(
    "line",
    ['key_env = "sk-admin-abcdef123456"', 'admin_key = "sk-proj-abcdef"', "# old key: sk-admin-XYZW1234"],
)
def test_a_file_with_something_like_a_key_is_refused_without_repeating_it(line: str) -> None:
    text = f"[profiles.acme]\n{line}\n"
    with pytest.raises(ConfigError, match=r"line 2: this looks like an API key") as caught:
        parse_config(text)
    assert "sk-" not in str(caught.value).replace("sk-admin-...", "")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[profiles.acme]\nkey_env = "not a variable"', "key_env must name an environment variable"),
        ('[profiles.acme]\nkey = "X"', "unknown setting 'key'"),
        ('endpoints = ["completion"]', "unknown endpoint 'completion'"),
        ('[[plan]]\nwidth = "5m"', "width '5m'; allowed: 1m, 1h, 1d"),
        ('[[plan]]\nwidth = "1d"\ngroup_by = ["size"]\nendpoints = ["costs"]', "costs cannot be grouped by 'size'"),
        ('[grace]\n"1h" = "two hours"', "grace.1h: 'two hours' is not a span"),
        ('since = "30"', "since: '30' is not a span"),
        ('default_profile = "nope"', "default_profile 'nope' is not a profile"),
        ("since = ", "not valid TOML"),
    ],
)
def test_mistakes_name_the_setting(text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("(", r"\(").replace(")", r"\)")):
        parse_config(text)


def test_an_unknown_profile_is_named_with_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"^'gamma': no such profile.*known: acme, beta") as caught:
        parse_config(GOOD).profile("gamma")
    assert caught.value.param == "profile"  # the library names no option; the CLI says --profile


def test_the_default_database_lives_in_the_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database() == tmp_path / "oai-usage" / "usage.duckdb"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_database() == tmp_path / ".local" / "share" / "oai-usage" / "usage.duckdb"


def test_no_file_gives_the_default_plan_with_what_the_report_needs() -> None:
    config = load_config(None)
    units = {(u.endpoint, u.width, u.grouping) for u in config.units()}
    for needed in [("costs", "1d", "project_id,line_item"), ("costs", "1d", ""), ("completions", "1d", "model"),
                   ("embeddings", "1h", "model"), ("embeddings", "1h", "")]:  # fmt: skip
        assert needed in units
    assert ("vector_stores", "1d", "project_id") in units  # daily by every dimension, every endpoint


def test_names_is_on_by_default_and_a_boolean_turns_it_off() -> None:
    assert parse_config('[profiles.acme]\nkey_env = "A"\n').names is True
    assert parse_config('names = false\n[profiles.acme]\nkey_env = "A"\n').names is False


def test_names_that_is_not_a_boolean_is_refused_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match="names must be true or false"):
        parse_config('names = "no"\n[profiles.acme]\nkey_env = "A"\n')


# --- Review of issue 16 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('since = "0d"', "since: '0d' must be at least 1"),
        ('[[plan]]\nwidth = "1d"\nsince = "0h"', "plan #1: since: '0h' must be at least 1"),
        ('since = "99999999999d"', "since: '99999999999d' is longer than 100 years"),
        ('[grace]\n"1d" = "9999999999999w"', "grace.1d: '9999999999999w' is longer than 100 years"),
        ('[[plan]]\nwidth = "1d"\ngroup_by = ["modle"]', "group_by 'modle' is no endpoint's dimension"),
    ],
)
def test_review_mistakes_name_the_setting(text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("(", r"\(").replace(")", r"\)")):
        parse_config(text)


def test_a_grace_of_zero_is_allowed_and_means_no_re_read() -> None:
    assert parse_config('[grace]\n"1h" = "0h"').grace["1h"] == timedelta(0)


def test_a_key_hidden_by_a_toml_escape_is_still_refused_without_repeating_it() -> None:
    text = 'database = "/data/sk\\u002dadmin-abcdef123456.duckdb"\n'
    with pytest.raises(ConfigError, match=r"database: this looks like an API key") as caught:
        parse_config(text)
    assert "abcdef" not in str(caught.value)


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "oai-usage.toml"
    path.write_bytes('\ufeffsince = "7d"\n'.encode())
    assert load_config(path).since == "7d"


def test_a_profile_named_like_the_sandbox_organization_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"profiles.sandbox: the name is kept for the synthetic organization"):
        parse_config('[profiles.sandbox]\nkey_env = "SANDBOX_KEY"\n')


# --- Issue 26: a config that decides where the key goes must be the user's; deep nesting is one line -------------

ELSEWHERE = '[profiles.acme]\nkey_env = "ACME_ADMIN_KEY"\nbase_url = "https://elsewhere.example/v1"\n'


def _as_owned_by(info: os.stat_result, uid: int, mode: int | None = None) -> os.stat_result:
    """`info` as if the file belonged to `uid` (root may not be refused by the file system: the check reads stat)."""
    fields = list(info)
    fields[4] = uid
    if mode is not None:
        fields[0] = stat.S_IFREG | mode
    return os.stat_result(fields)


def test_a_config_setting_base_url_writable_by_others_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "oai-usage.toml"
    path.write_text(ELSEWHERE, encoding="utf-8")
    path.chmod(0o666)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (f"{path}: sets base_url (where the admin key is sent) but is writable by group or "
                                 f"others (mode 0666); refusing it: chmod go-w {path}")  # fmt: skip


def test_a_config_setting_base_url_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "oai-usage.toml"
    path.write_text(ELSEWHERE, encoding="utf-8")
    stranger = _as_owned_by(os.stat(path), 4242, 0o644)
    with pytest.raises(ConfigError, match=r"owned by another user \(uid 4242\); refusing it"):
        check_trusted(stranger, str(path), uid=1000)


@pytest.mark.parametrize("owner", [1000, 0], ids=["the user", "root"])
def test_a_config_of_the_user_or_root_not_writable_by_others_is_trusted(tmp_path: Path, owner: int) -> None:
    path = tmp_path / "oai-usage.toml"
    path.write_text(ELSEWHERE, encoding="utf-8")
    check_trusted(_as_owned_by(os.stat(path), owner, 0o644), str(path), uid=1000)  # no error
    path.chmod(0o600)
    assert load_config(path, uid=os.stat(path).st_uid).profiles["acme"].base_url == "https://elsewhere.example/v1"


def test_a_group_writable_config_without_base_url_is_read(tmp_path: Path) -> None:
    path = tmp_path / "oai-usage.toml"
    path.write_text('[profiles.acme]\nkey_env = "ACME_ADMIN_KEY"\n', encoding="utf-8")
    path.chmod(0o664)  # a shared team file: it cannot send the key anywhere but the API
    assert load_config(path).profiles["acme"].key_env == "ACME_ADMIN_KEY"


@pytest.mark.parametrize("deep", ["since = " + "[" * 5000 + "]" * 5000, "x = " + "{ a = " * 5000 + "1" + " }" * 5000,
                                  "x = " + "[" * 20 + "]" * 20])  # fmt: skip
def test_a_deeply_nested_config_is_one_line(deep: str) -> None:
    with pytest.raises(ConfigError, match=r"nested too deeply; not a config file$"):
        parse_config(deep)
