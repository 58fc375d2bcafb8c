"""Hostile input into every form and htmx request a visitor, a borrower and staff can reach.

The forms are read from the pages themselves (htmlforms.py): every page the access rules open for the
role is fetched and each <form> and hx-get/hx-post found is an endpoint, so a new form is fuzzed without
being listed. The admin's changelists get junk search (`?q=`), ordering, paging and filter parameters.

Each submission is the form's own values with at least one field junk (huge, negative, NaN, Infinity,
1e309, -0, RTL overrides, emoji, NUL, lone surrogates, far or impossible dates…), some fields missing or
repeated, and unknown extra fields; half are sent as htmx requests. Asserted: never a 5xx, and nothing in
the database changes (row counts of every table, and a checksum of the money tables' rows).

Counts go to test-artifacts/security/hostile.json. HOSTILE_EXAMPLES=500 runs it harder.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.security import snapshot
from tests.security.access_rules import RULES
from tests.security.htmlforms import Form, forms_on
from tests.security.known_findings import known
from tests.security.matrix import expected_for, probes_for, write_artifact
from tests.security.patterns import url_patterns
from tests.security.strategies import ADMIN_EXAMPLES, EXAMPLES, hostile_settings, junk_values, submissions
from tests.security.world import ROLE_A, SUPERUSER, VISITOR, World, sign_in

# One xdist worker runs the module: hostile.json holds the counts of all its tests.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("security-hostile")]

# Forms whose every submission acts, whatever is in it (nothing to validate): not junk targets.
NOT_JUNK_TARGETS = (
    "/accounts/logout/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/sessions/",
    "/admin/logout/",
    "/privacy/export/",  # any POST downloads the data and records the export (PIPL: it is on record)
)
# Fields that take any text by design (a valid message may say anything): they keep the page's value.
FREE_TEXT: dict[str, frozenset[str]] = {
    "/help/messages/": frozenset({"body"}),
    "/privacy/correct/": frozenset({"note"}),
}
COUNTS: dict[str, int] = {}
KNOWN: dict[str, int] = {}  # known findings met: name -> cases
ERRORS: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    write_artifact(
        "hostile.json",
        {
            "cases_per_endpoint": EXAMPLES,
            "cases_per_admin_changelist": ADMIN_EXAMPLES,
            "endpoints": COUNTS,
            "cases": sum(COUNTS.values()),
            "errors": ERRORS,
            "known_findings_met": KNOWN,
        },
    )


def _pages_for(world: World, role: str) -> list[str]:
    """Every non-admin page the rules open (200) for this role."""
    urls = []
    keys = {pattern.key: pattern for pattern in url_patterns()}
    for key, cases in RULES.items():
        if key.startswith("admin:") or key not in keys:
            continue
        for probe in probes_for(keys[key], cases, world):
            if expected_for(probe.expect, role) == 200 and "format=" not in probe.url:
                urls.append(probe.url)
    return urls


def _endpoints(client: Client, pages: list[str]) -> list[Form]:
    seen: dict[str, Form] = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in forms_on(page, response.content.decode()):
            if form.action.startswith(NOT_JUNK_TARGETS):
                continue
            # One endpoint per method and path: its htmx twin is the same view (half the cases are
            # sent with HX-Request anyway), and so is the language switch on every page.
            key = f"{form.method} {form.action}"
            if key in seen:
                seen[key].htmx = seen[key].htmx or form.htmx
                for name, values in form.fields.items():
                    seen[key].fields.setdefault(name, values)
            else:
                seen[key] = form
    return list(seen.values())


def _send(client: Client, form: Form, data: dict[str, list[str]], htmx: bool) -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    if form.method == "post":
        return client.post(form.action, data, headers=headers)
    return client.get(form.action, data, headers=headers)


def _fuzz(world: World, role: str, form: Form, label: str, examples: int) -> None:
    client = sign_in(world, role)
    client.raise_request_exception = False  # a crash is a 500 to assert on, not an exception here
    count = 0

    @hostile_settings(examples)
    @given(data=submissions(form.fields, FREE_TEXT.get(form.action, frozenset())), htmx=st.booleans())
    def run(data: dict[str, list[str]], htmx: bool) -> None:
        nonlocal count
        count += 1
        cache.clear()  # allauth's rate limits would turn later cases into the same "too many" page
        before = snapshot.take()
        response = _send(client, form, data, htmx)
        changes = before.diff(snapshot.take())
        finding = known(form.action, response.exc_info[1] if response.exc_info else None)
        if response.status_code >= 500 and finding is not None:
            KNOWN[finding.name] = KNOWN.get(finding.name, 0) + 1
            response.status_code = 200  # reported already (known_findings.py); go on
        assert response.status_code < 500, f"{label}: {response.status_code} for {data!r}"[:2000]
        assert not changes, f"{label}: junk changed the database: {changes} for {data!r}"[:2000]

    try:
        run()
    except Exception as error:
        inner = getattr(error, "exceptions", ())  # a flaky failure carries the first one's error
        text = " / ".join(str(part) for part in (error, *inner))[:3000]
        ERRORS.append(text)
        raise AssertionError(text) from error
    finally:
        COUNTS[label] = count


def _run_all(world: World, role: str, forms: list[Form], examples: int = EXAMPLES) -> None:
    failures = []
    for form in forms:
        label = f"{role} {form.key} {form.page}"
        try:
            _fuzz(world, role, form, label, examples)
        except AssertionError as error:
            failures.append(str(error)[:1500])
    assert not failures, f"{len(failures)} of {len(forms)} endpoints failed:\n" + "\n\n".join(failures)


@pytest.mark.parametrize("role", [VISITOR, ROLE_A])
def test_junk_into_every_form_changes_nothing_and_never_fails(role: str, world: World) -> None:
    world.objects["superuser_id"] = world.users[SUPERUSER].pk
    forms = _endpoints(sign_in(world, role), _pages_for(world, role))
    assert len(forms) >= 5, f"found only {[form.key for form in forms]}"
    _run_all(world, role, forms)


def _changelist_params(model_admin: Any) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {"q": [""], "o": ["1"], "p": ["1"], "all": [""]}
    for entry in model_admin.list_filter:
        name = entry if isinstance(entry, str) else getattr(entry, "parameter_name", None)
        if isinstance(entry, tuple):
            name = entry[0]
        if name:
            params[f"{name}__exact"] = [""]
            params[name] = [""]
    if model_admin.date_hierarchy:
        for part, value in (("year", "2026"), ("month", "1"), ("day", "1")):
            params[f"{model_admin.date_hierarchy}__{part}"] = [value]
    return params


def test_junk_in_the_admins_search_filters_and_ordering_never_fails(world: World) -> None:
    forms = [
        Form(
            page="admin",
            method="get",
            action=reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
            fields=_changelist_params(model_admin),
        )
        for model, model_admin in admin.site._registry.items()
    ]
    _run_all(world, SUPERUSER, forms, ADMIN_EXAMPLES)


@hostile_settings()
@given(value=junk_values())
def test_junk_language_switch_changes_nothing(client: Client, value: str) -> None:
    COUNTS["visitor POST /i18n/setlang/ (language and next)"] = (
        COUNTS.get("visitor POST /i18n/setlang/ (language and next)", 0) + 1
    )
    before = snapshot.take()
    response = client.post(reverse("set_language"), {"language": value, "next": value})
    assert response.status_code < 500
    assert not before.diff(snapshot.take())
