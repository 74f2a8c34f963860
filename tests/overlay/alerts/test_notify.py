"""Notifications through Apprise to a real loopback receiver: the body, once per period, a failing target retried,
no secret in a message, the state file written atomically."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from oai_usage import Finding, NotifyState, ValidationError
from oai_usage.alerts import NotifyStateError, check_targets, message, notify_findings, target_label

from .receiver import receiving

DAY = date(2026, 11, 24)


def _finding(name: str = "Support bot", period: str = "2026-11") -> Finding:
    return Finding(rule="limits", severity="warning", dimension="project", id="proj_a", name=name, amount=850.0,
                   baseline=1000.0, basis="the $1,000.00 monthly spend limit; month to date, 2026-11", period=period,
                   threshold="80", what=f"limit: project {name} (proj_a) has used 85.0% of its $1,000.00 monthly "
                   "limit ($850.00 so far in 2026-11; threshold 80%)")  # fmt: skip


def test_a_finding_posts_its_what_and_baseline_to_a_json_webhook(tmp_path: Path) -> None:
    with receiving() as got:
        delivery = notify_findings([_finding()], [got.url()], NotifyState(tmp_path / "s.json"), today=DAY)
    assert len(got.posts) == 1
    path, body = got.posts[0]
    assert path == "/hook" and body["type"] == "warning"
    assert "Support bot (proj_a)" in body["title"]
    assert "has used 85.0% of its $1,000.00 monthly limit" in body["message"]
    assert "baseline: the $1,000.00 monthly spend limit" in body["message"]
    assert delivery.sent == ((_finding().key, f"json://127.0.0.1:{got.port}"),)


def test_a_rerun_in_the_same_period_sends_nothing(tmp_path: Path) -> None:
    state_file = tmp_path / "s.json"
    with receiving() as got:
        notify_findings([_finding()], [got.url()], NotifyState.load(state_file), today=DAY)
        again = notify_findings([_finding()], [got.url()], NotifyState.load(state_file), today=DAY)
    assert len(got.posts) == 1
    assert again.sent == () and again.earlier == 1


def test_a_new_period_sends_again(tmp_path: Path) -> None:
    state_file = tmp_path / "s.json"
    with receiving() as got:
        notify_findings([_finding()], [got.url()], NotifyState.load(state_file), today=DAY)
        notify_findings([_finding(period="2026-12")], [got.url()], NotifyState.load(state_file), today=DAY)
    assert len(got.posts) == 2


def test_a_failing_target_is_one_warning_and_its_finding_is_sent_next_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state_file = tmp_path / "s.json"
    findings = [_finding(), replace(_finding(name="Search"), id="proj_b")]
    with receiving() as got:
        got.status = 500
        failed = notify_findings(findings, [got.url()], NotifyState.load(state_file), today=DAY)
        assert failed.failed == (f"json://127.0.0.1:{got.port}",) and failed.sent == ()
        assert len(got.posts) == 1  # the target got nothing more in that run
        got.status = 200
        retried = notify_findings(findings, [got.url()], NotifyState.load(state_file), today=DAY)
    assert [r.levelname for r in caplog.records if r.name == "oai_usage.alerts"] == ["WARNING"]
    assert len(retried.sent) == 2 and retried.failed == ()


def test_no_log_line_quotes_a_token_in_the_target_path(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # as -vv sets it
    with receiving() as got:
        notify_findings([_finding()], [got.url("/hooks/T0KENsecret42")], NotifyState.load(tmp_path / "s.json"),
                        today=DAY)  # fmt: skip
    assert len(got.posts) == 1 and "T0KENsecret42" not in caplog.text


def test_one_target_failing_does_not_resend_to_the_other(tmp_path: Path) -> None:
    state_file = tmp_path / "s.json"
    with receiving() as good, receiving() as bad:
        bad.status = 503
        notify_findings([_finding()], [good.url(), bad.url()], NotifyState.load(state_file), today=DAY)
        bad.status = 200
        notify_findings([_finding()], [good.url(), bad.url()], NotifyState.load(state_file), today=DAY)
    assert len(good.posts) == 1 and len(bad.posts) == 2


def test_the_admin_key_never_appears_in_a_message() -> None:
    key = "sk-admin-test-abcdEFGH1234ijkl5678"
    title, body = message(_finding(name=f"leak {key}"))
    assert key not in title and key not in body and "sk-***" in body


def test_a_name_with_sk_inside_a_word_is_sent_as_it_is() -> None:
    _, body = message(_finding(name="Risk-analysis task-force-alpha"))
    assert "Risk-analysis task-force-alpha" in body


def test_a_message_holds_no_control_character() -> None:
    title, body = message(_finding(name="evil\x1b[2Jname\u202e"))
    assert "\x1b" not in title + body and "\u202e" not in title + body


def test_the_state_file_keeps_no_url_and_is_replaced_whole(tmp_path: Path) -> None:
    state_file = tmp_path / "s.json"
    with receiving() as got:
        notify_findings([_finding()], [got.url("/secret-token-path")], NotifyState.load(state_file), today=DAY)
    text = state_file.read_text(encoding="utf-8")
    assert "secret-token-path" not in text and json.loads(text)["version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temporary file left


def test_a_broken_state_file_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "s.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(NotifyStateError, match="not a state file of oai-usage check"):
        NotifyState.load(broken)


def test_an_unknown_url_scheme_is_refused_naming_it_without_its_token() -> None:
    with pytest.raises(ValidationError, match=r"notification target nosuchscheme://hooks.example: not a URL Apprise"):
        check_targets(["nosuchscheme://hooks.example/TOKEN123"])


def test_a_target_label_shows_no_path_or_credentials() -> None:
    assert target_label("jsons://user:pass@hooks.example:8443/abc") == "jsons://hooks.example:8443"


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("pbul://o.gn5kj6nfhv736I7jC3cj3QLRiyhgl98b", "pbul://o...b"),  # Pushbullet: the host is the access token
        ("pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi", "pover://a...i"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "slack://T...2"),
        ("nosuchscheme://tok3nSecretValue/x", "nosuchscheme://t...e"),  # unknown to Apprise: masked all the same
    ],
)
def test_a_target_label_never_shows_a_token_in_the_host(url: str, label: str) -> None:
    assert target_label(url) == label


def test_an_empty_state_file_is_nothing_sent_yet(tmp_path: Path) -> None:
    empty = tmp_path / "s.json"
    empty.write_text("", encoding="utf-8")  # as `touch` or `mktemp` leave it
    assert NotifyState.load(empty).sent == {}


def test_a_held_state_file_makes_a_second_run_wait(tmp_path: Path) -> None:
    import fcntl
    import os

    state_file = tmp_path / "s.json"
    with NotifyState.held(state_file):
        fd = os.open(tmp_path / "s.json.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    fd = os.open(tmp_path / "s.json.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released at the end of the block
    finally:
        os.close(fd)


def test_without_fcntl_the_state_is_used_unlocked_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "fcntl", None)  # as on Windows: `import fcntl` raises ImportError
    state_file = tmp_path / "s.json"
    with caplog.at_level(logging.WARNING, logger="oai_usage.alerts"), NotifyState.held(state_file) as state:
        state.mark("k", "json://localhost/x", date(2026, 11, 24))
        state.save()
    assert NotifyState.load(state_file).was_sent("k", "json://localhost/x")
    assert [r.getMessage() for r in caplog.records if "not locked" in r.getMessage()] != []
