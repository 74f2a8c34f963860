"""`oai-usage.toml`: the profiles (organizations), the endpoints to keep, the plan of widths and groupings and
the grace windows of a sync.

A profile names the ENVIRONMENT VARIABLE that holds its admin key, never the key: a file with anything like an
API key in it (`sk-...`) is refused, without repeating it. Every mistake is a `ConfigError` naming the setting
and what is allowed.

A file that sets a `base_url` decides where the admin key is sent, so, as ssh does with its config, it is trusted
only when it is owned by the user running the command (or root) and not writable by group or others; otherwise
it is refused in one line (a stray world-writable `./oai-usage.toml` never sends the key elsewhere).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..endpoints import ENDPOINTS
from ..errors import ADMIN_KEY_ENV, ValidationError

CONFIG_NAME = "oai-usage.toml"
CONFIG_VARIABLE = "OAI_USAGE_CONFIG"
DEFAULT_PROFILE = "default"
DEFAULT_SINCE = "30d"
ALL = "all"
RESERVED_PROFILE = "sandbox"  # the organization column of `--sandbox sync`: a real profile of that name would mix in

_SPAN = re.compile(r"^(\d+)\s*([mhdw])$")
_KEY_LIKE = re.compile(r"sk-[A-Za-z0-9_\-]{4,}")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_UNIT = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

DEFAULT_GRACE: dict[str, timedelta] = {
    "1m": timedelta(minutes=15),
    "1h": timedelta(hours=2),
    "1d": timedelta(days=2),
    "costs": timedelta(days=2),
}
"""Re-read window per width: the live API revises usage for about 15 minutes and costs for a day or two."""


class ConfigError(ValidationError):
    """A mistake in oai-usage.toml or in a sync option: one line naming the setting (exit 2 in the CLI)."""


@dataclass(frozen=True)
class Profile:
    """One organization: its name (the `organization` column) and the variable holding its admin key."""

    name: str
    key_env: str = ADMIN_KEY_ENV
    base_url: str | None = None
    organization_id: str | None = None  # sent as OpenAI-Organization when set


@dataclass(frozen=True)
class PlanEntry:
    """One (width, grouping) to keep for some endpoints, with its own history length (None: the sync's --since)."""

    width: str
    group_by: tuple[str, ...] | str  # a tuple of dimensions, () for none, or "all" (every dimension of the endpoint)
    endpoints: tuple[str, ...] | None = None  # None: every endpoint kept
    since: str | None = None


@dataclass(frozen=True)
class Unit:
    """What one sync step keeps: (endpoint, width, grouping) with its history length."""

    endpoint: str
    width: str
    group_by: tuple[str, ...]
    since: str | None

    @property
    def grouping(self) -> str:
        return ",".join(self.group_by)


# What the default report compares: 30 days and the 30 before them, plus a day for a local time zone.
REPORT_SINCE = "61d"

# The default plan: daily by every dimension for the long history of every endpoint; what `report --db` reads
# (costs by project and line item, completions and embeddings by model, and their ungrouped totals, daily and
# hourly), kept for REPORT_SINCE so that the default report works after the default sync; hourly by model and
# project for recent weeks.
DEFAULT_PLAN: tuple[PlanEntry, ...] = (
    PlanEntry("1d", ALL),
    PlanEntry("1d", ("project_id", "line_item"), ("costs",), since=REPORT_SINCE),
    PlanEntry("1d", (), ("costs", "completions", "embeddings"), since=REPORT_SINCE),
    PlanEntry("1d", ("model",), ("completions", "embeddings"), since=REPORT_SINCE),
    PlanEntry("1h", ("model",), ("completions", "embeddings"), since=REPORT_SINCE),
    PlanEntry("1h", (), ("completions", "embeddings"), since=REPORT_SINCE),
    PlanEntry("1h", ("model", "project_id"), ("completions", "embeddings", "images"), since="14d"),
)


@dataclass(frozen=True)
class SyncConfig:
    """Everything oai-usage.toml says (defaults when there is no file)."""

    profiles: Mapping[str, Profile] = field(default_factory=lambda: {DEFAULT_PROFILE: Profile(DEFAULT_PROFILE)})
    default_profile: str = DEFAULT_PROFILE
    endpoints: tuple[str, ...] = tuple(ENDPOINTS)
    plan: tuple[PlanEntry, ...] = DEFAULT_PLAN
    grace: Mapping[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_GRACE))
    since: str = DEFAULT_SINCE
    database: str | None = None
    source: str | None = None  # the file read, for messages
    names: bool = True  # also keep the name directory (projects, keys, users); `names = false` or --no-names: not

    def units(self, endpoints: Sequence[str] | None = None) -> list[Unit]:
        """The (endpoint, width, grouping) units of the plan, each once, in plan order."""
        wanted = tuple(endpoints) if endpoints else self.endpoints
        seen: dict[tuple[str, str, tuple[str, ...]], Unit] = {}
        for entry in self.plan:
            for name in entry.endpoints or wanted:
                if name not in wanted:
                    continue
                endpoint = ENDPOINTS[name]
                if entry.width not in endpoint.bucket_widths:
                    continue  # costs are daily only
                if entry.group_by == ALL:
                    group_by: tuple[str, ...] = tuple(endpoint.group_by)
                else:
                    group_by = tuple(g for g in entry.group_by if g in endpoint.group_by)
                    if len(group_by) != len(entry.group_by):
                        continue  # a grouping this endpoint lacks
                key = (name, entry.width, group_by)
                if key not in seen:
                    seen[key] = Unit(name, entry.width, group_by, entry.since)
        return list(seen.values())

    def grace_for(self, endpoint: str, width: str) -> timedelta:
        return self.grace["costs" if endpoint == "costs" else width]

    def profile(self, name: str | None) -> Profile:
        chosen = name or self.default_profile
        if chosen not in self.profiles:
            where = f" in {self.source}" if self.source else ""
            raise ConfigError(f"{chosen!r}: no such profile{where}; known: {', '.join(self.profiles)}", param="profile")
        return self.profiles[chosen]


MAX_SPAN_SECONDS = 36500 * 86400
"""100 years: longer than any history the API has, and short enough that date arithmetic cannot overflow."""


def parse_span(text: str, setting: str, *, positive: bool = False) -> tuple[int, str]:
    """A span such as `30d`, `2h`, `15m` or `2w` as (amount, unit), at most 100 years (and at least 1 when
    `positive`: a history of nothing fetches nothing); ConfigError naming the setting otherwise."""
    match = _SPAN.match(str(text).strip().lower())
    if not match:
        raise ConfigError(f"{setting}: {text!r} is not a span; use a number and a unit: 15m, 2h, 30d, 2w")
    amount, unit = int(match.group(1)), match.group(2)
    if positive and amount < 1:
        raise ConfigError(f"{setting}: {text!r} must be at least 1 (15m, 2h, 30d, 2w)")
    if amount * _UNIT[unit] > MAX_SPAN_SECONDS:
        raise ConfigError(f"{setting}: {text!r} is longer than 100 years")
    return amount, unit


def span_seconds(text: str, setting: str) -> int:
    amount, unit = parse_span(text, setting)
    return amount * _UNIT[unit]


def find_config(explicit: str | None) -> Path | None:
    """--config, else $OAI_USAGE_CONFIG, else ./oai-usage.toml, else $XDG_CONFIG_HOME/oai-usage/oai-usage.toml."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_VARIABLE):
        return Path(os.environ[CONFIG_VARIABLE])
    here = Path(CONFIG_NAME)
    if here.is_file():
        return here
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    user = Path(base) / "oai-usage" / CONFIG_NAME
    return user if user.is_file() else None


MAX_CONFIG_BYTES = 1 << 20
"""A config is a few lines; a larger file is refused before it is parsed."""


def load_config(path: Path | None, *, uid: int | None = None) -> SyncConfig:
    """Read and check a config file (None: the defaults). A file that sets a `base_url` must be trusted
    (`check_trusted`; `uid`: the user running the command, the process's by default)."""
    if path is None:
        return SyncConfig()
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())  # the file read is the file checked, even if the name is swapped under us
            if not stat.S_ISREG(info.st_mode):
                raise ConfigError(f"{path}: not a regular file", param="config")
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})", param="config") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB; not a config file", param="config")
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark (Windows editors) is not a mistake
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text", param="config") from None
    config = parse_config(text, str(path))
    if any(p.base_url for p in config.profiles.values()):
        check_trusted(info, str(path), os.getuid() if uid is None else uid)
    return config


def check_trusted(info: os.stat_result, source: str, uid: int) -> None:
    """ConfigError unless the file `info` describes is owned by `uid` (or root) and not writable by group or
    others: such a file decides where the admin key is sent (`base_url`)."""
    mode = stat.S_IMODE(info.st_mode)
    if info.st_uid not in (uid, 0):
        raise ConfigError(f"{source}: sets base_url (where the admin key is sent) but is owned by another user "
                          f"(uid {info.st_uid}); refusing it: use a config file of your own")  # fmt: skip
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(f"{source}: sets base_url (where the admin key is sent) but is writable by group or others "
                          f"(mode {mode:04o}); refusing it: chmod go-w {source}")  # fmt: skip


def parse_config(text: str, source: str = CONFIG_NAME) -> SyncConfig:
    """Check and read the text of oai-usage.toml. Refuses anything that looks like an API key."""
    for number, line in enumerate(text.splitlines(), 1):
        if _KEY_LIKE.search(line):
            raise ConfigError(
                f"{source}, line {number}: this looks like an API key; never put a key in the file: name the "
                'environment variable that holds it (key_env = "ACME_ADMIN_KEY")'
            )
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:  # arrays or inline tables nested thousands deep: no config is
        raise ConfigError(f"{source}: nested too deeply; not a config file") from None
    _no_key_values(data, source, "")
    known = {"profiles", "default_profile", "endpoints", "plan", "grace", "since", "database", "names"}
    _no_unknown(data, known, source)
    profiles = _profiles(data.get("profiles"), source)
    default = data.get("default_profile", next(iter(profiles)))
    if default not in profiles:
        raise ConfigError(f"{source}: default_profile {default!r} is not a profile; known: {', '.join(profiles)}")
    endpoints = _endpoints(data.get("endpoints"), f"{source}: endpoints") or tuple(ENDPOINTS)
    grace = dict(DEFAULT_GRACE)
    raw_grace = data.get("grace", {})
    if not isinstance(raw_grace, dict):
        raise ConfigError(f"{source}: [grace] must be a table of width = span (1m, 1h, 1d, costs)")
    for width, value in raw_grace.items():
        if width not in DEFAULT_GRACE:
            raise ConfigError(f"{source}: grace.{width}: unknown width; allowed: {', '.join(DEFAULT_GRACE)}")
        grace[width] = timedelta(seconds=span_seconds(value, f"{source}: grace.{width}"))
    since = str(data.get("since", DEFAULT_SINCE))
    parse_span(since, f"{source}: since", positive=True)
    database = data.get("database")
    if database is not None and not isinstance(database, str):
        raise ConfigError(f"{source}: database must be a path (a string)")
    plan = _plan(data.get("plan"), source) if "plan" in data else DEFAULT_PLAN
    names = data.get("names", True)
    if not isinstance(names, bool):
        raise ConfigError(f"{source}: names must be true or false (keep the name directory of projects, keys, users)")
    return SyncConfig(profiles, default, endpoints, plan, grace, since, database, source, names)


MAX_DEPTH = 16
"""How deeply a config's tables and arrays may nest (the deepest setting needs 3)."""


def _no_key_values(value: Any, source: str, setting: str, depth: int = 0) -> None:
    """Refuse a key that the line scan missed because TOML escapes hid it (`"sk\\u002d..."`), naming the setting;
    and nesting deeper than any setting needs."""
    if depth > MAX_DEPTH and isinstance(value, dict | list):
        raise ConfigError(f"{source}: {setting or 'the file'}: nested too deeply; not a config file")
    if isinstance(value, dict):
        for name, item in value.items():
            _no_key_values(item, source, f"{setting}.{name}" if setting else str(name), depth + 1)
    elif isinstance(value, list):
        for item in value:
            _no_key_values(item, source, setting, depth + 1)
    elif isinstance(value, str) and _KEY_LIKE.search(value):
        raise ConfigError(f"{source}: {setting}: this looks like an API key; never put a key in the file: name the "
                          'environment variable that holds it (key_env = "ACME_ADMIN_KEY")')  # fmt: skip


def _no_unknown(table: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown setting {unknown[0]!r}; allowed: {', '.join(sorted(known))}")


def _profiles(raw: Any, source: str) -> dict[str, Profile]:
    if raw is None:
        return {DEFAULT_PROFILE: Profile(DEFAULT_PROFILE)}
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f'{source}: [profiles.NAME] tables expected, each with key_env = "VARIABLE"')
    profiles: dict[str, Profile] = {}
    for name, body in raw.items():
        where = f"{source}: profiles.{name}"
        if not _NAME.match(name):
            raise ConfigError(f"{where}: a profile name is letters, digits, '_', '.', '-' (at most 64)")
        if name == RESERVED_PROFILE:
            raise ConfigError(f"{where}: the name is kept for the synthetic organization of the sandbox; use another")
        if not isinstance(body, dict):
            raise ConfigError(f'{where}: must be a table with key_env = "VARIABLE"')
        _no_unknown(body, {"key_env", "base_url", "organization_id"}, where)
        key_env = body.get("key_env", ADMIN_KEY_ENV)
        if not isinstance(key_env, str) or not _ENV_NAME.match(key_env):
            raise ConfigError(f"{where}: key_env must name an environment variable (ACME_ADMIN_KEY), not hold a key")
        for option in ("base_url", "organization_id"):
            if option in body and not isinstance(body[option], str):
                raise ConfigError(f"{where}: {option} must be a string")
        profiles[name] = Profile(name, key_env, body.get("base_url"), body.get("organization_id"))
    return profiles


def _endpoints(raw: Any, where: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw or not all(isinstance(e, str) for e in raw):
        raise ConfigError(f"{where}: a non-empty list of endpoint names; allowed: {', '.join(ENDPOINTS)}")
    for name in raw:
        if name not in ENDPOINTS:
            raise ConfigError(f"{where}: unknown endpoint {name!r}; allowed: {', '.join(ENDPOINTS)}")
    return tuple(dict.fromkeys(raw))


def _plan(raw: Any, source: str) -> tuple[PlanEntry, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{source}: plan must be one or more [[plan]] tables with width and group_by")
    entries: list[PlanEntry] = []
    for index, body in enumerate(raw, 1):
        where = f"{source}: plan #{index}"
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: must be a table")
        _no_unknown(body, {"width", "group_by", "endpoints", "since"}, where)
        width = body.get("width")
        if width not in ("1m", "1h", "1d"):
            raise ConfigError(f"{where}: width {width!r}; allowed: 1m, 1h, 1d")
        group_by = body.get("group_by", [])
        if group_by != ALL and (not isinstance(group_by, list) or not all(isinstance(g, str) for g in group_by)):
            raise ConfigError(f'{where}: group_by is a list of dimensions ([] for none) or "all"')
        endpoints = _endpoints(body.get("endpoints"), f"{where}: endpoints")
        if group_by != ALL and not endpoints:  # a typo would otherwise match no endpoint and keep nothing
            known = {g for e in ENDPOINTS.values() for g in e.group_by}
            for dimension in group_by:
                if dimension not in known:
                    raise ConfigError(f"{where}: group_by {dimension!r} is no endpoint's dimension; allowed: "
                                      f"{', '.join(sorted(known))}")  # fmt: skip
        if group_by != ALL and endpoints:
            for name in endpoints:
                lacking = [g for g in group_by if g not in ENDPOINTS[name].group_by]
                if lacking:
                    allowed = ", ".join(ENDPOINTS[name].group_by)
                    raise ConfigError(f"{where}: {name} cannot be grouped by {lacking[0]!r}; allowed: {allowed}")
        since = body.get("since")
        if since is not None:
            parse_span(str(since), f"{where}: since", positive=True)
        grouping: tuple[str, ...] | str = ALL if group_by == ALL else tuple(dict.fromkeys(group_by))
        entries.append(PlanEntry(width, grouping, endpoints, None if since is None else str(since)))
    return tuple(entries)


def default_database(config: SyncConfig | None = None) -> Path:
    """The database file: the config's `database`, else $XDG_DATA_HOME/oai-usage/usage.duckdb (~/.local/share)."""
    if config is not None and config.database:
        return Path(os.path.expanduser(config.database))
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "oai-usage" / "usage.duckdb"
