"""Internal: findings sent through Apprise (`oai-usage[alerts]`), each once per period, with a small state file.

A target is an Apprise URL (`json://host/path`, `slack://...`, `mailto://...`). A finding is sent to each target
once per `Finding.key` (the key holds the period: a month for limits, a day otherwise); what was sent is kept in a
JSON state file written atomically (a temporary file renamed over it), keyed by a hash of each URL, never the URL
(it may hold a token). A target that fails gets nothing more in this run; its findings stay unsent and are tried
again next run. Messages hold no secret: any live admin key and anything shaped like an API key is masked.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from ..errors import MissingDependencyError, OaiUsageError, ValidationError
from ..redaction import redact_secrets
from .model import Finding

__all__ = [
    "EXTRA_HINT",
    "STATE_NAME",
    "Delivery",
    "NotifyState",
    "NotifyStateError",
    "check_targets",
    "default_state_path",
    "mask_key_like",
    "message",
    "notify_findings",
    "require_apprise",
    "target_label",
]

log = logging.getLogger("oai_usage.alerts")

EXTRA_HINT = "pip install 'oai-usage[alerts]' (or pip install apprise)"
STATE_NAME = "oai-usage-check-state.json"
KEEP_DAYS = 70
"""Entries of the state file older than this (by the day they were sent) are dropped: every period is shorter."""
_KEY_LIKE = re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{20,}")
"""An OpenAI API key (sk-admin-..., sk-proj-..., sk-...): `sk-` starting a word and 20 or more key characters, so
that names such as "Risk-analysis" or "task-force" are left as they are."""
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
MAX_STATE_BYTES = 8 << 20

Sender = Callable[[str, str, str, str], bool]
"""Sends one message: (url, title, body, severity) -> whether the target took it."""


class NotifyStateError(OaiUsageError):
    """The state file cannot be read or written (a broken file, a full disk): one line, exit 1."""


def require_apprise() -> ModuleType:
    """The apprise module, or MissingDependencyError naming the extra (exit 2 in the CLI)."""
    try:
        import apprise
    except ImportError:
        raise MissingDependencyError(f"notifications need apprise: {EXTRA_HINT}") from None
    return apprise


def target_label(url: str) -> str:
    """A URL as messages may show it: its scheme and host, never a path, user, password or query. Many Apprise
    URLs carry a token where the host goes (`pbul://TOKEN`, `pover://USER@TOKEN`, `slack://TOKEN_A/...`): a host
    that is not a DNS name with a dot, `localhost` or an IP address shows only its first and last character."""
    scheme = urlsplit(url).scheme or ""
    shown = _private_netloc(url)
    if shown is None:
        parts = urlsplit(url)
        shown = parts.netloc.rpartition("@")[2]
    host, port = _host_port(shown)
    if not scheme:
        return "(not a URL)"
    if not host:
        return f"{scheme}://..."
    return f"{scheme}://{_masked_host(host)}{port}"


_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]|localhost|"
                       r"\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\]", re.IGNORECASE)  # fmt: skip
_PORT = re.compile(r":(\d{1,5})$")


def _private_netloc(url: str) -> str | None:
    """The host (and port) of `url` as Apprise's privacy mode writes it (tokens masked), or None (no apprise, or
    a URL it does not know)."""
    try:
        import apprise
    except ImportError:
        return None
    try:
        with _quiet_apprise():
            plugin: Any = apprise.Apprise.instantiate(url)
            private = plugin.url(privacy=True) if plugin else None
    except Exception:  # a plug-in's bug: the label falls back to the URL's own host, masked below
        return None
    return urlsplit(private).netloc.rpartition("@")[2] if isinstance(private, str) else None


def _host_port(netloc: str) -> tuple[str, str]:
    match = _PORT.search(netloc)
    if match and not netloc.endswith("]"):
        return netloc[: match.start()], match.group()
    return netloc, ""


def _masked_host(host: str) -> str:
    if _HOSTNAME.fullmatch(host):
        return host.lower()
    return f"{host[0]}...{host[-1]}" if len(host) > 2 else "..."


def _target_id(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def check_targets(urls: Sequence[str], param: str = "notify") -> None:
    """Every URL is one Apprise can send to; ValidationError naming the first that is not (by scheme and host)."""
    if not urls:
        return
    apprise = require_apprise()
    for url in urls:
        with _quiet_apprise():
            known = apprise.Apprise().add(url)
        if not known:
            raise ValidationError(f"notification target {target_label(url)}: not a URL Apprise knows; see "
                                  "https://github.com/caronc/apprise/wiki (json://host/path, slack://..., "
                                  "mailto://...)", param=param)  # fmt: skip


_QUIET = ("apprise", "urllib3", "requests")
"""Apprise's loggers and those of the HTTP library it sends with (urllib3's DEBUG line quotes the request path,
where a webhook keeps its token)."""


@contextlib.contextmanager
def _quiet_apprise() -> Iterator[None]:
    """Apprise's own log lines (and its HTTP library's) may quote a URL with its token: they are silenced; this
    module says what failed."""
    loggers = [logging.getLogger(name) for name in _QUIET]
    before = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, before, strict=True):
            logger.setLevel(level)


def mask_key_like(text: str) -> str:
    """`text` with every live secret masked (`redact_secrets`) and anything shaped like an OpenAI API key cut to
    `sk-***`: names read back from a warehouse may hold a key a server echoed, when no client (no live key) is
    around to know it."""
    return _KEY_LIKE.sub("sk-***", redact_secrets(text))


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", mask_key_like(text))


def message(finding: Finding) -> tuple[str, str]:
    """The title and body sent for a finding: what, where, how much, the baseline; no secret, no control character."""
    org = f" [{finding.organization}]" if finding.organization else ""
    title = f"oai-usage{org} {finding.severity}: {finding.rule} - {finding.where}"
    lines = [
        finding.what,
        f"baseline: {finding.basis}",
        f"period: {finding.period}",
        f"key: {finding.key}",
    ]
    return _clean(title), _clean("\n".join(lines))


def _apprise_sender(url: str, title: str, body: str, severity: str) -> bool:
    apprise = require_apprise()
    kinds = {"info": apprise.NotifyType.INFO, "warning": apprise.NotifyType.WARNING,
             "critical": apprise.NotifyType.FAILURE}  # fmt: skip
    with _quiet_apprise():
        target = apprise.Apprise()
        if not target.add(url):
            return False
        return bool(target.notify(body=body, title=title, notify_type=kinds.get(severity, apprise.NotifyType.INFO)))


def default_state_path(config_file: str | os.PathLike[str] | None) -> Path:
    """Beside the config file when there is one, else $XDG_STATE_HOME/oai-usage/ (~/.local/state)."""
    if config_file is not None:
        return Path(config_file).resolve().parent / STATE_NAME
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "oai-usage" / STATE_NAME


def _probe_writable(where: Path) -> None:
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{where.name}.", dir=where.parent)
        os.close(fd)
        os.unlink(temp)
    except OSError as exc:
        raise NotifyStateError(f"state file {where}: cannot write it ({exc.strerror or exc}); nothing was "
                               "sent") from None  # fmt: skip


@dataclass
class NotifyState:
    """What was sent: finding key -> target hash -> the day it was sent."""

    path: Path
    sent: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> NotifyState:
        """The state kept in `path` (a missing file: nothing sent yet)."""
        where = Path(path)
        try:
            with open(where, "rb") as fh:
                raw = fh.read(MAX_STATE_BYTES + 1)
        except FileNotFoundError:
            return cls(where)
        except OSError as exc:
            raise NotifyStateError(f"state file {where}: cannot read it ({exc.strerror or exc})") from None
        if len(raw) <= MAX_STATE_BYTES and not raw.strip():  # an empty file (touch, mktemp): nothing sent yet
            return cls(where)
        try:
            data = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_STATE_BYTES else None
        except (UnicodeDecodeError, ValueError):
            data = None
        sent = data.get("sent") if isinstance(data, dict) and data.get("version") == 1 else None
        if not isinstance(sent, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) and all(isinstance(d, str) for d in v.values())
            for k, v in sent.items()
        ):
            raise NotifyStateError(f"state file {where}: not a state file of oai-usage check; move it away (the "
                                   "findings it recorded will be sent again)")  # fmt: skip
        return cls(where, {k: dict(v) for k, v in sent.items()})

    @classmethod
    @contextlib.contextmanager
    def held(cls, path: str | os.PathLike[str]) -> Iterator[NotifyState]:
        """The state of `path`, loaded and kept under an exclusive lock on `<path>.lock` (POSIX, fcntl) until the
        block ends: a second run at the same moment waits, then sees what the first one sent. Without fcntl (Windows)
        the state is used unlocked, with one warning: two runs at the very same moment could send a finding twice."""
        try:
            import fcntl
        except ImportError:
            fcntl = None  # type: ignore[assignment]
        where = Path(path)
        lock = where.with_name(where.name + ".lock")
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise NotifyStateError(f"state file {where}: cannot lock it ({exc.strerror or exc})") from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:
                log.warning("state file %s: not locked (no fcntl on this system): run one check at a time", where)
            state = cls.load(where)
            _probe_writable(where)  # a state that cannot be saved would send the same findings again every run
            yield state
        finally:
            os.close(fd)  # closing releases the lock

    def was_sent(self, key: str, url: str) -> bool:
        """Whether the finding `key` went to `url` already."""
        return _target_id(url) in self.sent.get(key, {})

    def mark(self, key: str, url: str, day: date) -> None:
        """Note that the finding `key` went to `url` on `day`."""
        self.sent.setdefault(key, {})[_target_id(url)] = day.isoformat()

    def prune(self, today: date) -> None:
        """Forget what was sent more than KEEP_DAYS ago."""
        oldest = (today - timedelta(days=KEEP_DAYS)).isoformat()
        for key in list(self.sent):
            kept = {t: d for t, d in self.sent[key].items() if d >= oldest}
            if kept:
                self.sent[key] = kept
            else:
                del self.sent[key]

    def save(self) -> None:
        """Write the state atomically: a temporary file beside it, renamed over it."""
        body = json.dumps({"version": 1, "sent": self.sent}, indent=1, sort_keys=True) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(body)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError as exc:
            raise NotifyStateError(f"state file {self.path}: cannot write it ({exc.strerror or exc})") from None


@dataclass(frozen=True)
class Delivery:
    """What one run sent: (finding key, target label) pairs, how many were sent in an earlier run, and the
    targets that failed (their findings are tried again next run)."""

    sent: tuple[tuple[str, str], ...] = ()
    earlier: int = 0
    failed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"sent": [{"key": k, "target": t} for k, t in self.sent], "sent_earlier": self.earlier,
                "failed_targets": list(self.failed)}  # fmt: skip


def notify_findings(
    findings: Sequence[Finding],
    urls: Sequence[str],
    state: NotifyState,
    *,
    today: date,
    send: Sender | None = None,
) -> Delivery:
    """Send each finding not yet sent to each target, note each success in `state` and save it (also when a
    target fails: what went out is never sent twice). A failing target is logged once and skipped for the rest
    of the run."""
    sender = send or _apprise_sender
    sent: list[tuple[str, str]] = []
    earlier = 0
    failed: dict[str, str] = {}
    try:
        for finding in findings:
            title, body = message(finding)
            for url in urls:
                if state.was_sent(finding.key, url):
                    earlier += 1
                    continue
                label = target_label(url)
                if url in failed:
                    continue
                try:
                    took = sender(url, title, body, finding.severity)
                except Exception as exc:  # a plug-in's bug or a network error: never a lost finding
                    log.debug("notification to %s raised %s", label, type(exc).__name__)
                    took = False
                if took:
                    state.mark(finding.key, url, today)
                    sent.append((finding.key, label))
                else:
                    failed[url] = label
                    log.warning("notification to %s failed; its findings are sent again next run", label)
    finally:
        state.prune(today)
        state.save()
    return Delivery(tuple(sent), earlier, tuple(failed.values()))
