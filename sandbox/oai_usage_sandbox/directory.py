"""The organization around the usage numbers: projects, users, keys, service accounts, spend limits and alerts.

Built from the synthetic `Org` so that every project, user and key id of usage and costs resolves: some projects are
archived, some keys deleted (their usage stays, no list shows them), some keys owned by service accounts.
Deterministic by seed; timestamps are fixed instants (they do not follow the sandbox's "now").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .org import _ALNUM, Org, _ident, build_org
from .rng import pick, unit

EPOCH = 1735689600
"""2025-01-01T00:00Z: every created_at of the directory falls in the year after it."""
DAY = 86400

FIRST_NAMES = (
    "Ada", "Grace", "Alan", "Margaret", "Linus", "Barbara", "Dennis", "Katherine", "Ken", "Frances", "Edsger",
    "Radia", "Donald", "Hedy", "Guido", "Shafi", "Tim", "Sophie", "John", "Mary", "Niklaus", "Joan", "Bjarne", "Anita",
)  # fmt: skip
LAST_NAMES = (
    "Lovelace", "Hopper", "Turing", "Hamilton", "Torvalds", "Liskov", "Ritchie", "Johnson", "Thompson", "Allen",
    "Dijkstra", "Perlman", "Knuth", "Lamarr", "van Rossum", "Goldwasser", "Berners-Lee", "Wilson", "McCarthy",
    "Keller", "Wirth", "Clarke", "Stroustrup", "Borg",
)  # fmt: skip
PROJECT_NAMES = (
    "Customer support bot", "Search relevance", "Marketing copy", "Data extraction", "Internal assistant",
    "Voice agent", "Code review helper", "Translation pipeline", "Fraud signals", "Docs Q&A", "Sales email drafts",
    "Analytics summaries", "Onboarding flows", "Content moderation", "Image studio", "Research sandbox",
)  # fmt: skip
KEY_PURPOSES = ("prod", "staging", "dev", "ci", "batch", "notebook", "backend", "worker")
SERVICE_ACCOUNT_NAMES = ("batch-runner", "etl-pipeline", "slack-bot", "eval-harness", "nightly-reports", "webhooks")
DOMAIN = "example.com"
ORG_SPEND_LIMIT_CENTS = 5_000_000
"""The organization's monthly hard cap: $50,000.00, above the sandbox's usual month of spend (about $30,000)."""


@dataclass(frozen=True)
class Owner:
    """Who owns a project API key: a user (`kind == "user"`) or a service account."""

    kind: str
    id: str
    name: str
    email: str | None
    role: str
    created_at: int


@dataclass(frozen=True)
class KeyEntry:
    """A project API key; a deleted one appears in usage and costs but in no list."""

    id: str
    project_id: str
    name: str
    redacted_value: str
    created_at: int
    last_used_at: int | None
    owner: Owner
    deleted: bool = False


@dataclass(frozen=True)
class ProjectEntry:
    """A project; an archived one is listed only with `include_archived=true`."""

    id: str
    name: str
    created_at: int
    archived_at: int | None
    limit_cents: int | None

    @property
    def archived(self) -> bool:
        """Whether the project is archived."""
        return self.archived_at is not None


@dataclass(frozen=True)
class UserEntry:
    """An organization user."""

    id: str
    name: str
    email: str
    role: str
    added_at: int


@dataclass(frozen=True)
class Alert:
    """A spend alert; `project_id` None for an organization alert."""

    id: str
    project_id: str | None
    threshold_cents: int
    recipients: tuple[str, ...]


@dataclass
class Directory:
    """Every Admin object of a synthetic organization, each list in the order the sandbox serves it."""

    projects: list[ProjectEntry] = field(default_factory=list)
    users: list[UserEntry] = field(default_factory=list)
    keys: list[KeyEntry] = field(default_factory=list)
    service_accounts: dict[str, list[Owner]] = field(default_factory=dict)
    members: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    """project id -> (user id, project role, added_at) of its members."""
    admin_keys: list[dict[str, Any]] = field(default_factory=list)
    org_limit_cents: int = ORG_SPEND_LIMIT_CENTS
    alerts: list[Alert] = field(default_factory=list)

    def project(self, project_id: str) -> ProjectEntry | None:
        """The project with this id, archived or not."""
        return next((p for p in self.projects if p.id == project_id), None)

    def user(self, user_id: str) -> UserEntry | None:
        """The organization user with this id."""
        return next((u for u in self.users if u.id == user_id), None)

    def project_keys(self, project_id: str) -> list[KeyEntry]:
        """The listed (not deleted) keys of a project."""
        return [k for k in self.keys if k.project_id == project_id and not k.deleted]

    @property
    def deleted_key_ids(self) -> frozenset[str]:
        """Ids of deleted keys: present in usage and costs, in no list."""
        return frozenset(k.id for k in self.keys if k.deleted)


def _redact(prefix: str, *coords: int) -> str:
    head = _ident("", _ALNUM, 3, *coords, 1)
    tail = _ident("", _ALNUM, 4, *coords, 2)
    return f"{prefix}{head}...{tail}"


def _person(seed: int, i: int) -> tuple[str, str]:
    """A distinct realistic name and e-mail for user number i."""
    first = FIRST_NAMES[(pick(len(FIRST_NAMES), seed, 0xA1) + i) % len(FIRST_NAMES)]
    last = LAST_NAMES[(pick(len(LAST_NAMES), seed, 0xA2) + 7 * i) % len(LAST_NAMES)]
    local = f"{first}.{last}".lower().replace(" ", "")
    if i >= len(FIRST_NAMES):
        local += str(i // len(FIRST_NAMES) + 1)
    return f"{first} {last}", f"{local}@{DOMAIN}"


def build_directory(org: Org) -> Directory:
    """The Admin objects of `org`: a pure function of its seed and scale."""
    seed = org.seed
    d = Directory()
    for ui, uid in enumerate(org.users):
        name, email = _person(seed, ui)
        role = "owner" if ui == 0 else ("owner" if unit(seed, 0xA3, ui) < 0.15 else "reader")
        d.users.append(UserEntry(uid, name, email, role, EPOCH + ui * 9 * DAY + pick(DAY, seed, 0xA4, ui)))
    users = {u.id: u for u in d.users}
    n = len(org.projects)
    # The second of every four projects is archived (none below three projects). Its synthetic traffic goes on:
    # the traffic model has no end date (a known difference, see the README).
    archived = {pi for pi in range(n) if pi % 4 == 1} if n >= 3 else set()
    for pi, pid in enumerate(org.projects):
        created = EPOCH + 20 * DAY + pi * 11 * DAY + pick(DAY, seed, 0xB1, pi)
        name = PROJECT_NAMES[(pick(len(PROJECT_NAMES), seed, 0xB2) + pi) % len(PROJECT_NAMES)]
        if pi >= len(PROJECT_NAMES):
            name += f" {pi // len(PROJECT_NAMES) + 1}"
        arch = created + (200 + pick(100, seed, 0xB3, pi)) * DAY if pi in archived else None
        limit = None if arch is not None or pi % 2 else (4 + pick(12, seed, 0xB4, pi)) * 100_000
        d.projects.append(ProjectEntry(pid, name, created, arch, limit))
    # members: every owner of a key in the project, plus one more user; the first member owns the project
    for p in d.projects:
        ids = list(dict.fromkeys(k.user_id for k in org.keys if k.project_id == p.id))
        extra = org.users[pick(len(org.users), seed, 0xB5, text_index(p.id))]
        if extra not in ids:
            ids.append(extra)
        d.members[p.id] = [
            (uid, "owner" if mi == 0 else "member", max(p.created_at, users[uid].added_at) + mi * DAY)
            for mi, uid in enumerate(ids)
        ]
    # service accounts: one or two per project, each owning a key that has not been used (no usage)
    for pi, p in enumerate(d.projects):
        accounts = []
        for si in range(1 + pick(2, seed, 0xC1, pi)):
            sid = _ident("svc_acct_", _ALNUM, 16, seed, 0xC2, pi, si)
            sname = SERVICE_ACCOUNT_NAMES[(pi + si) % len(SERVICE_ACCOUNT_NAMES)]
            accounts.append(Owner("service_account", sid, sname, None, "member", p.created_at + (si + 1) * DAY))
        d.service_accounts[p.id] = accounts
    # keys of usage: owned by their user; one in six (at least one) deleted
    deleted = {ki for ki in range(len(org.keys)) if ki % 6 == 5} or ({len(org.keys) - 1} if org.keys else set())
    for ki, key in enumerate(org.keys):
        proj = d.project(key.project_id)
        assert proj is not None
        member = next(m for m in d.members[key.project_id] if m[0] == key.user_id)
        u = users[key.user_id]
        owner = Owner("user", u.id, u.name, u.email, member[1], member[2])
        first = u.name.split()[0].lower()
        purpose = KEY_PURPOSES[pick(len(KEY_PURPOSES), seed, 0xD1, ki)]
        d.keys.append(
            KeyEntry(
                id=key.id,
                project_id=key.project_id,
                name=f"{first}-{purpose}",
                redacted_value=_redact("sk-proj-", seed, 0xD2, ki),
                created_at=max(proj.created_at, member[2]) + pick(10 * DAY, seed, 0xD3, ki),
                last_used_at=None,  # filled at answer time from the sandbox's "now"
                owner=owner,
                deleted=ki in deleted,
            )
        )
    for pi, p in enumerate(d.projects):
        for si, sa in enumerate(d.service_accounts[p.id]):
            d.keys.append(
                KeyEntry(
                    id=_ident("key_", _ALNUM, 16, seed, 0xD4, pi, si),
                    project_id=p.id,
                    name=f"{sa.name} key",
                    redacted_value=_redact("sk-svcacct-", seed, 0xD5, pi, si),
                    created_at=sa.created_at + DAY,
                    last_used_at=None,
                    owner=sa,
                )
            )
    d.keys.sort(key=lambda k: (k.created_at, k.id))
    owner0 = d.users[0]
    for ai in range(2):
        d.admin_keys.append(
            {
                "id": _ident("key_", _ALNUM, 16, seed, 0xE1, ai),
                "object": "organization.admin_api_key",
                "redacted_value": _redact("sk-admin-", seed, 0xE2, ai),
                "created_at": EPOCH + (ai * 90 + 3) * DAY,
                "owner": {
                    "id": owner0.id,
                    "object": "organization.user",
                    "type": "user",
                    "name": owner0.name,
                    "created_at": owner0.added_at,
                    "role": "owner",
                },
                "name": ("usage exporter", "finops dashboard")[ai],
                "last_used_at": None,
                "expires_at": None,
            }
        )
    finops = (d.users[0].email,)
    for ai, share in enumerate((50, 80)):
        aid = _ident("alert_", _ALNUM, 16, seed, 0xF1, ai)
        d.alerts.append(Alert(aid, None, d.org_limit_cents * share // 100, finops))
    for pi, p in enumerate(d.projects):
        if p.limit_cents is not None:
            lead = users[d.members[p.id][0][0]]
            aid = _ident("alert_", _ALNUM, 16, seed, 0xF2, pi)
            d.alerts.append(Alert(aid, p.id, p.limit_cents * 3 // 4, (lead.email,)))
    return d


def text_index(text: str) -> int:
    """A small stable integer for an id (a hash coordinate)."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(text))


@lru_cache(maxsize=16)
def directory_for(seed: int, scale: int) -> Directory:
    """The directory of the organization for a seed and scale (cached: immutable in practice)."""
    return build_directory(build_org(seed, scale))
