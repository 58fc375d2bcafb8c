"""Every URL pattern × every role, with the expected answer from access_rules.py and admin_rules.py.

Roles: a visitor, borrower A (demo@, three loans), borrower B (other@, two loans: B gets 404 for A's
objects), one staff member per staff group (TOTP enrolled, verified address, signed in with password
and code), a staff member with no factor (must reach no staff page) and a superuser.

GET only here; test_access_posts.py sends the POSTs. The counts land in
test-artifacts/security/matrix.json (URLs × roles, and every mismatch).
"""

import json
from typing import Any

import pytest
from django.contrib import admin

from tests.security import admin_rules
from tests.security.access_rules import RULES
from tests.security.matrix import (
    ARTIFACTS,
    Probe,
    all_probes,
    answer_matches,
    cases_for,
    describe,
    expected_for,
    write_artifact,
)
from tests.security.patterns import url_patterns
from tests.security.world import STAFF_NO_FACTOR, SUPERUSER, VISITOR, World, sign_in

# One xdist worker runs the module: matrix.json sums the parts its tests write one after another.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("security-matrix")]

ROLE_CLASSES = ("visitor", "borrower_a", "borrower_b", "staff_groups", "staff_no_factor", "superuser")


def test_every_url_pattern_has_a_rule() -> None:
    """A new view without a rule fails here (add it to access_rules.RULES, with who may open it)."""
    model_pages = admin_rules.model_admin_keys()
    missing = [
        f"{pattern.key}  ({pattern.route})"
        for pattern in url_patterns()
        if pattern.key not in model_pages and pattern.key != "admin:app_list" and cases_for(pattern) is None
    ]
    assert not missing, "URL patterns with no access rule:\n  " + "\n  ".join(missing)
    unknown = sorted(set(RULES) - {pattern.key for pattern in url_patterns()})
    assert not unknown, f"rules for patterns that no longer exist: {unknown}"


def _run_role(world: World, role: str, probes: list[Probe]) -> tuple[list[dict[str, Any]], list[str]]:
    client = sign_in(world, role)
    user = world.users.get(role)
    rows: list[dict[str, Any]] = []
    failures: list[str] = []

    def check(label: str, url: str, expect: Any) -> None:
        response = client.get(url)
        ok = answer_matches(expect, response)
        rows.append({"role": role, "url": label, "expected": expect, "got": response.status_code, "ok": ok})
        if not ok:
            failures.append(f"{role:<28} {label:<55} expected {expect!s:<8} got {describe(response)}  {url}")

    for probe in probes:
        check(probe.label, probe.url, expected_for(probe.expect, role))
    for model in admin.site._registry:
        urls, present = admin_rules.admin_model_urls(model)
        for action, url in urls.items():
            expect = admin_rules.expected_admin(model, action, role, user, missing=not present)
            key = (
                admin_rules.old_style_key(model)
                if action == "old_style"
                else admin_rules.model_action_key(model, action)
            )
            check(key, url, expect)
    for app_label in admin_rules.app_labels():
        from django.urls import reverse

        url = reverse("admin:app_list", kwargs={"app_label": app_label})
        check(f"admin:app_list[{app_label}]", url, admin_rules.expected_app_list(app_label, role, user))
    # Still signed in as the same person after every GET (no GET signs anyone out or in).
    if role != VISITOR:
        assert str(client.session.get("_auth_user_id")) == str(world.users[role].pk), f"{role} was signed out"
    return rows, failures


@pytest.mark.parametrize("role_class", ROLE_CLASSES)
def test_access_matrix(role_class: str, world: World) -> None:
    world.objects["superuser_id"] = world.users[SUPERUSER].pk
    roles = {
        "staff_groups": world.staff_roles(),
        "staff_no_factor": [STAFF_NO_FACTOR],
    }.get(role_class, [role_class])
    assert roles, "no staff group found (grep groups_grant in */migrations)"
    probes = all_probes(world)
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    for role in roles:
        role_rows, role_failures = _run_role(world, role, probes)
        rows += role_rows
        failures += role_failures
    write_artifact(f"matrix-{role_class}.json", rows)
    _summary_write()
    assert not failures, f"{len(failures)} of {len(rows)} answers differ from the rules:\n" + "\n".join(
        failures
    )


def _summary_write() -> None:
    """matrix.json: the counts over every role class run so far (each writes its own part)."""
    rows: list[dict[str, Any]] = []
    for part in sorted(ARTIFACTS.glob("matrix-*.json")):
        rows += json.loads(part.read_text())
    urls = {row["url"] for row in rows}
    roles = {row["role"] for row in rows}
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[str(row["got"])] = statuses.get(str(row["got"]), 0) + 1
    write_artifact(
        "matrix.json",
        {
            "url_patterns": len(url_patterns()),
            "urls": len(urls),
            "roles": sorted(roles),
            "requests": len(rows),
            "mismatches": [row for row in rows if not row["ok"]],
            "statuses": statuses,
            "server_errors": sum(1 for row in rows if int(row["got"]) >= 500),
        },
    )
