"""Turning the rules into concrete URLs and checking each answer against its rule."""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from tests.security.access_rules import (
    ANY,
    DENY,
    LOGIN,
    PRIVACY_DEFAULT,
    PRIVACY_NAMESPACE,
    REAUTH,
    REDIRECT,
    RULES,
    Case,
    Expect,
    RoleTable,
)
from tests.security.patterns import Pattern
from tests.security.world import STAFF_NO_FACTOR, STAFF_PREFIX, SUPERUSER, VISITOR, World

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "security"
# Where a refused staff member or visitor may be sent: anywhere but into the staff pages.
STAFF_PREFIXES = ("/admin/", "/learn/preview/")
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
REAUTH_PATHS = ("/accounts/reauthenticate/", "/accounts/2fa/reauthenticate/")


def role_chain(role: str) -> list[str]:
    """The names a role's expectation is looked up under, most specific first."""
    chain = [role]
    if role in {"borrower_a", "borrower_b"}:
        chain.append("borrower")
    if role.startswith(STAFF_PREFIX):
        chain.append("staff")
    if role.startswith(STAFF_PREFIX) or role in {STAFF_NO_FACTOR, SUPERUSER}:
        chain.append("staff_any")
    if role != VISITOR:
        chain.append("signed_in")
    chain.append("*")
    return chain


def expected_for(table: RoleTable, role: str) -> Expect:
    for name in role_chain(role):
        if name in table:
            return table[name]
    raise KeyError(f"the rule {table} says nothing for {role}")


def answer_matches(expect: Expect, response: Any) -> bool:
    status: int = response.status_code
    location: str = response.get("Location", "") if status in {301, 302, 303, 307, 308} else ""
    path = location.split("?", 1)[0]
    if status >= 500:
        return False
    if expect == ANY:
        return True
    if expect == REDIRECT:
        return status == 302
    if expect == REAUTH:
        return status == 200 or (status == 302 and path.startswith(REAUTH_PATHS))
    if expect == LOGIN:
        return status == 302 and path.startswith(LOGIN_PATHS)
    if expect == DENY:
        if status in {403, 404, 405}:
            return True
        # Sent away: to sign in, or anywhere outside the staff pages (to enrol a factor, say).
        return status == 302 and (path.startswith(LOGIN_PATHS) or not path.startswith(STAFF_PREFIXES))
    return status == expect


def _fill(template: str, world: World) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: str(world.objects[match.group(1)]), template)


@dataclass(frozen=True)
class Probe:
    key: str
    variant: str
    url: str
    expect: RoleTable

    @property
    def label(self) -> str:
        return f"{self.key}[{self.variant}]" if self.variant else self.key


def cases_for(pattern: Pattern) -> tuple[Case, ...] | None:
    if pattern.key in RULES:
        return RULES[pattern.key]
    if pattern.key.startswith(PRIVACY_NAMESPACE) and not pattern.params:
        return (Case(PRIVACY_DEFAULT),)
    return None


def probes_for(pattern: Pattern, cases: tuple[Case, ...], world: World) -> list[Probe]:
    probes = []
    for case in cases:
        kwargs = {name: _fill(value, world) for name, value in case.kwargs.items()}
        missing = set(pattern.params) - set(kwargs)
        assert case.path or not missing, f"the rule for {pattern.key} gives no value for {sorted(missing)}"
        if case.path:
            url = _fill(case.path, world)
        elif not pattern.named:
            assert not pattern.params, f"the rule for the unnamed {pattern.key} needs a path"
            url = "/" + pattern.route
        else:
            url = reverse(pattern.key, kwargs=kwargs) if pattern.params else reverse(pattern.key)
        if case.query:
            url += "?" + _fill(case.query, world)
        probes.append(Probe(pattern.key, case.variant, url, case.expect))
    return probes


def describe(response: Any) -> str:
    location = response.get("Location", "")
    return f"{response.status_code} -> {location}" if location else str(response.status_code)


def write_artifact(name: str, data: Any) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True))
    return path


def all_probes(world: World) -> list[Probe]:
    """Every ruled URL but the admin's per-model pages (admin_rules.py makes those)."""
    from tests.security.admin_rules import model_admin_keys
    from tests.security.patterns import url_patterns

    probes: list[Probe] = []
    model_pages = model_admin_keys()
    for pattern in url_patterns():
        cases = cases_for(pattern)
        if cases is not None and pattern.key not in model_pages:
            probes.extend(probes_for(pattern, cases, world))
    return probes
