"""The read-only Admin API over the directory: routes, `after`/`last_id`/`has_more` pagination, 400s and 404s."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from .directory import Alert, Directory, KeyEntry, Owner, ProjectEntry
from .errors import ApiError, bad_param
from .params import INTEGER, collect
from .rng import pick, text_key

LIST_LIMIT_DEFAULT = 20
LIST_LIMIT_MAX = 100

Handler = Callable[["AdminApi", list[str], dict[str, list[str]]], dict[str, Any]]
OPERATIONS: dict[str, str] = {
    "/organization/projects": "list_projects",
    "/organization/projects/{project_id}": "retrieve_project",
    "/organization/projects/{project_id}/api_keys": "list_project_api_keys",
    "/organization/projects/{project_id}/api_keys/{api_key_id}": "retrieve_project_api_key",
    "/organization/projects/{project_id}/service_accounts": "list_project_service_accounts",
    "/organization/projects/{project_id}/service_accounts/{service_account_id}": "retrieve_project_service_account",
    "/organization/projects/{project_id}/users": "list_project_users",
    "/organization/projects/{project_id}/users/{user_id}": "retrieve_project_user",
    "/organization/projects/{project_id}/spend_limit": "project_spend_limit",
    "/organization/projects/{project_id}/spend_alerts": "list_project_spend_alerts",
    "/organization/projects/{project_id}/spend_alerts/{alert_id}": "retrieve_project_spend_alert",
    "/organization/users": "list_users",
    "/organization/users/{user_id}": "retrieve_user",
    "/organization/admin_api_keys": "list_admin_api_keys",
    "/organization/admin_api_keys/{key_id}": "retrieve_admin_api_key",
    "/organization/spend_limit": "organization_spend_limit",
    "/organization/spend_alerts": "list_organization_spend_alerts",
    "/organization/spend_alerts/{alert_id}": "retrieve_organization_spend_alert",
}
"""Path template (as in openapi.yaml) -> the AdminApi method that answers it."""
OPERATION_IDS: dict[str, str] = {
    "list_projects": "listProjects",
    "retrieve_project": "retrieveProject",
    "list_project_api_keys": "listProjectApiKeys",
    "retrieve_project_api_key": "retrieveProjectApiKey",
    "list_project_service_accounts": "listProjectServiceAccounts",
    "retrieve_project_service_account": "retrieveProjectServiceAccount",
    "list_project_users": "listProjectUsers",
    "retrieve_project_user": "retrieveProjectUser",
    "project_spend_limit": "getProjectSpendLimit",
    "list_project_spend_alerts": "listProjectSpendAlerts",
    "retrieve_project_spend_alert": "retrieveProjectSpendAlert",
    "list_users": "listUsers",
    "retrieve_user": "retrieveUser",
    "list_admin_api_keys": "listAdminApiKeys",
    "retrieve_admin_api_key": "retrieveAdminApiKey",
    "organization_spend_limit": "getOrganizationSpendLimit",
    "list_organization_spend_alerts": "listOrganizationSpendAlerts",
    "retrieve_organization_spend_alert": "retrieveOrganizationSpendAlert",
}
"""AdminApi method -> the operationId of openapi.yaml (what `forbidden_operations` names)."""
_ROUTES = [(re.compile(re.sub(r"\{[a-z_]+\}", "([^/]+)", path)), name) for path, name in OPERATIONS.items()]


def match(route: str) -> tuple[str, list[str]] | None:
    """The operation a path (without `/v1`) names and its path arguments, or None."""
    for pattern, name in _ROUTES:
        m = pattern.fullmatch(route)
        if m is not None:
            return name, list(m.groups())
    return None


def _not_found(param: str, what: str, value: str) -> ApiError:
    return ApiError(404, f"No {what} found with id '{value}'.", param=param, code="not_found")


def _scalar(q: dict[str, list[str]], name: str) -> str | None:
    return q[name][-1] if name in q else None


def _limit(q: dict[str, list[str]], low: int = 1) -> int:
    text = _scalar(q, "limit")
    if text is None:
        return LIST_LIMIT_DEFAULT
    if not INTEGER.fullmatch(text.strip()):
        raise bad_param("limit", f"Invalid value for 'limit': expected an integer, got {text!r}.")
    value = int(text)
    if not low <= value <= LIST_LIMIT_MAX:
        raise bad_param("limit", f"Invalid value for 'limit': must be between {low} and {LIST_LIMIT_MAX}.")
    return value or LIST_LIMIT_DEFAULT


def _bool(q: dict[str, list[str]], name: str) -> bool:
    text = _scalar(q, name)
    if text is None:
        return False
    if text.lower() not in ("true", "false"):
        raise bad_param(name, f"Invalid value for '{name}': expected true or false, got {text!r}.")
    return text.lower() == "true"


def _choice(q: dict[str, list[str]], name: str, allowed: Sequence[str]) -> str | None:
    text = _scalar(q, name)
    if text is not None and text not in allowed:
        raise bad_param(name, f"Invalid value for '{name}': {text!r}; expected one of {', '.join(allowed)}.")
    return text


def _page(
    items: list[dict[str, Any]], q: dict[str, list[str]], *, low: int = 1, before: bool = False
) -> dict[str, Any]:
    """One page of `items` after the `after` id (exclusive) or, with `before`, the page ending before that id."""
    limit = _limit(q, low)
    ids = [item["id"] for item in items]
    after = _scalar(q, "after")
    back = _scalar(q, "before") if before else None
    if after is not None and back is not None:
        raise bad_param("before", "Invalid request: send either 'after' or 'before', not both.")
    if after is not None:
        if after not in ids:
            raise bad_param("after", f"Invalid value for 'after': {after!r} is not an id of this list.")
        start = ids.index(after) + 1
        chunk = items[start : start + limit]
        more = start + limit < len(items)
    elif back is not None:
        if back not in ids:
            raise bad_param("before", f"Invalid value for 'before': {back!r} is not an id of this list.")
        stop = ids.index(back)
        chunk = items[max(0, stop - limit) : stop]
        more = stop < len(items)
    else:
        chunk = items[:limit]
        more = limit < len(items)
    return {
        "object": "list",
        "data": chunk,
        "first_id": chunk[0]["id"] if chunk else None,
        "last_id": chunk[-1]["id"] if chunk else None,
        "has_more": more,
    }


def _ordered(items: list[dict[str, Any]], q: dict[str, list[str]]) -> list[dict[str, Any]]:
    return items[::-1] if _choice(q, "order", ("asc", "desc")) == "desc" else items


class AdminApi:
    """Answers Admin read requests for one directory; `now` gives keys a recent `last_used_at`."""

    def __init__(self, directory: Directory, seed: int, now: int, limits: dict[str, int] | None = None) -> None:
        self.d = directory
        self.limits = limits or {}  # project id -> cents, over the synthetic limits (`SandboxConfig.project_limits`)
        self.seed = seed
        self.now = now

    def answer(
        self, name: str, args: list[str], query: Sequence[tuple[str, str]], forbidden: Sequence[str] = ()
    ) -> dict[str, Any]:
        """The JSON body for operation `name`; ApiError for a 400, a 404 or (its operationId `forbidden`) a 403."""
        if OPERATION_IDS[name] in forbidden:
            raise ApiError(
                403,
                "You have insufficient permissions for this operation. Missing scopes: api.management.read.",
                code="insufficient_permissions",
            )
        handler: Handler = getattr(AdminApi, name)
        return handler(self, args, collect(query))

    # -- lookups -------------------------------------------------------------------------------------------------
    def _project(self, project_id: str) -> ProjectEntry:
        project = self.d.project(project_id)
        if project is None:
            raise _not_found("project_id", "project", project_id)
        return project

    def _active_project(self, project_id: str) -> ProjectEntry:
        project = self._project(project_id)
        if project.archived:
            raise bad_param("project_id", f"Project '{project_id}' is archived.")
        return project

    # -- objects -------------------------------------------------------------------------------------------------
    @staticmethod
    def project_json(p: ProjectEntry) -> dict[str, Any]:
        """A project as the API sends it."""
        return {
            "id": p.id,
            "object": "organization.project",
            "created_at": p.created_at,
            "name": p.name,
            "archived_at": p.archived_at,
            "status": "archived" if p.archived else "active",
            "external_key_id": None,
            "residency": "GLOBAL",
        }

    def user_json(self, user_id: str) -> dict[str, Any]:
        """An organization user as the API sends it."""
        u = self.d.user(user_id)
        assert u is not None
        return {
            "id": u.id,
            "object": "organization.user",
            "added_at": u.added_at,
            "name": u.name,
            "email": u.email,
            "role": u.role,
        }

    def key_json(self, k: KeyEntry) -> dict[str, Any]:
        """A project API key as the API sends it (redacted)."""
        last_used: int | None = None
        if k.owner.kind == "user":
            last_used = self.now // 3600 * 3600 - pick(7200, self.seed, text_key(k.id))
            if last_used <= k.created_at:
                last_used = None
        owner: dict[str, Any] = {"type": k.owner.kind}
        if k.owner.kind == "user":
            owner["user"] = {
                "id": k.owner.id,
                "email": k.owner.email,
                "name": k.owner.name,
                "created_at": k.owner.created_at,
                "role": k.owner.role,
            }
        else:
            owner["service_account"] = _account(k.owner, with_object=False)
        return {
            "id": k.id,
            "object": "organization.project.api_key",
            "name": k.name,
            "redacted_value": k.redacted_value,
            "created_at": k.created_at,
            "last_used_at": last_used,
            "owner_project_access": "active",
            "owner": owner,
            "expires_at": None,
        }

    def member_json(self, user_id: str, role: str, added_at: int) -> dict[str, Any]:
        """A project user as the API sends it."""
        u = self.d.user(user_id)
        assert u is not None
        return {
            "id": u.id,
            "object": "organization.project.user",
            "role": role,
            "added_at": added_at,
            "name": u.name,
            "email": u.email,
        }

    def limit_json(self, obj: str, cents: int) -> dict[str, Any]:
        """A spend limit (cents, USD, monthly)."""
        return {
            "object": obj,
            "threshold_amount": cents,
            "currency": "USD",
            "interval": "month",
            "enforcement": {"status": "inactive"},
        }

    @staticmethod
    def alert_json(a: Alert) -> dict[str, Any]:
        """A spend alert (cents, USD, monthly, e-mail)."""
        return {
            "id": a.id,
            "object": "project.spend_alert" if a.project_id else "organization.spend_alert",
            "threshold_amount": a.threshold_cents,
            "currency": "USD",
            "interval": "month",
            "notification_channel": {"type": "email", "recipients": list(a.recipients), "subject_prefix": None},
        }

    # -- operations ----------------------------------------------------------------------------------------------
    def list_projects(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """Projects, archived ones only with `include_archived=true`."""
        archived = _bool(q, "include_archived")
        return _page([self.project_json(p) for p in self.d.projects if archived or not p.archived], q)

    def retrieve_project(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """One project, archived or not."""
        return self.project_json(self._project(args[0]))

    def list_users(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """Organization users, optionally filtered by e-mail (`emails=` or `emails[]=`, commas split)."""
        emails = [part for v in q.get("emails", []) for part in v.split(",")]
        if "emails" in q and not all(emails):
            raise bad_param("emails", "Invalid value for 'emails': e-mail addresses must not be empty.")
        wanted = {e.lower() for e in emails}
        users = [self.user_json(u.id) for u in self.d.users if not wanted or u.email.lower() in wanted]
        return _page(users, q)

    def retrieve_user(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """One organization user."""
        if self.d.user(args[0]) is None:
            raise _not_found("user_id", "user", args[0])
        return self.user_json(args[0])

    def list_project_api_keys(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """A project's keys (deleted keys never); every key's owner has access, so `inactive` lists none."""
        self._project(args[0])
        access = _choice(q, "owner_project_access", ("active", "inactive", "any"))
        keys = [] if access == "inactive" else self.d.project_keys(args[0])
        return _page([self.key_json(k) for k in keys], q)

    def retrieve_project_api_key(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """One listed key of a project (a deleted key is a 404)."""
        self._project(args[0])
        key = next((k for k in self.d.project_keys(args[0]) if k.id == args[1]), None)
        if key is None:
            raise _not_found("api_key_id", "API key", args[1])
        return self.key_json(key)

    def list_project_service_accounts(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """A project's service accounts (400 for an archived project, as the official spec says)."""
        self._active_project(args[0])
        return _page([_account(sa) for sa in self.d.service_accounts[args[0]]], q)

    def retrieve_project_service_account(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """One service account of a project."""
        self._project(args[0])
        sa = next((s for s in self.d.service_accounts[args[0]] if s.id == args[1]), None)
        if sa is None:
            raise _not_found("service_account_id", "service account", args[1])
        return _account(sa)

    def list_project_users(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """A project's members (400 for an archived project, as the official spec says)."""
        self._active_project(args[0])
        return _page([self.member_json(*m) for m in self.d.members[args[0]]], q)

    def retrieve_project_user(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """One member of a project."""
        self._project(args[0])
        member = next((m for m in self.d.members[args[0]] if m[0] == args[1]), None)
        if member is None:
            raise _not_found("user_id", "project user", args[1])
        return self.member_json(*member)

    def list_admin_api_keys(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """Admin keys by creation time (`order`)."""
        return _page(_ordered([dict(k) for k in self.d.admin_keys], q), q)

    def retrieve_admin_api_key(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """One admin key."""
        key = next((k for k in self.d.admin_keys if k["id"] == args[0]), None)
        if key is None:
            raise _not_found("key_id", "admin API key", args[0])
        return dict(key)

    def organization_spend_limit(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """The organization's monthly cap in cents."""
        return self.limit_json("organization.spend_limit", self.d.org_limit_cents)

    def project_spend_limit(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """A project's monthly cap in cents; 404 `spend_limit_not_set` when it has none."""
        project = self._project(args[0])
        cents = self.limits.get(project.id, project.limit_cents)
        if cents is None:
            raise ApiError(
                404, f"Project '{project.id}' has no spend limit.", param="project_id", code="spend_limit_not_set"
            )
        return self.limit_json("project.spend_limit", cents)

    def _alerts(self, project_id: str | None, q: dict[str, list[str]]) -> dict[str, Any]:
        alerts = [self.alert_json(a) for a in self.d.alerts if a.project_id == project_id]
        alerts.sort(key=lambda a: str(a["id"]))
        return _page(_ordered(alerts, q), q, low=0, before=True)

    def list_organization_spend_alerts(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """The organization's alerts, by id (`order`), `after`/`before` paging; `limit=0` means the default."""
        return self._alerts(None, q)

    def list_project_spend_alerts(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """A project's alerts, as the organization's."""
        self._project(args[0])
        return self._alerts(args[0], q)

    def _alert(self, project_id: str | None, alert_id: str) -> dict[str, Any]:
        alert = next((a for a in self.d.alerts if a.id == alert_id and a.project_id == project_id), None)
        if alert is None:
            raise _not_found("alert_id", "spend alert", alert_id)
        return self.alert_json(alert)

    def retrieve_organization_spend_alert(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """One organization alert."""
        return self._alert(None, args[0])

    def retrieve_project_spend_alert(self, args: list[str], q: dict[str, list[str]]) -> dict[str, Any]:
        """One alert of a project."""
        self._project(args[0])
        return self._alert(args[0], args[1])


def _account(sa: Owner, *, with_object: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"id": sa.id}
    if with_object:
        out["object"] = "organization.project.service_account"
    out.update({"name": sa.name, "role": sa.role, "created_at": sa.created_at})
    return out
