"""The features lessons promise: each registered by its app, each check passing now without the database,
and each one reporting a problem once the feature is taken away or switched off (its URL gone from the
URLconf, the beat entry removed, the quiet window moved, the call that cancels reminders taken out…).

No test here asks for the database: pytest-django refuses any query from a test without the `db`
fixture, so every check passing here is also a check that reads no database.
"""

import copy
import dataclasses
from collections.abc import Callable, Iterator
from datetime import time
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path
from django.utils import translation

import loanmath
from core import features as features_module
from core.features import feature_problems, feature_register, features, refers_to, template_problems

KEYS = (
    "quiet-hours",
    "reminders-pause-hardship",
    "hardship-apply",
    "complaints",
    "true-rate",
    "plan-compare",
    "budget-planner",
    "loan-late-costs",
    "payment-waterfall",
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def problems_of(key: str) -> list[str]:
    return features()[key].check()


def urlconf_without(*prefixes: str, extra: list[Any] | None = None) -> ModuleType:
    """The site's URLconf with the top-level patterns `prefixes` taken out (and `extra` put first)."""
    from config import urls

    module = ModuleType("urls_for_feature_test")
    module.urlpatterns = [*(extra or []), *(p for p in urls.urlpatterns if str(p.pattern) not in prefixes)]  # type: ignore[attr-defined]
    return module


@pytest.fixture
def template_edited(settings: Any, tmp_path: Path) -> Callable[[str, Callable[[str], str]], None]:
    """Put an edited copy of one template in front of the project's own."""

    def edit(name: str, change: Callable[[str], str]) -> None:
        original = Path(django_settings.BASE_DIR) / "templates" / name
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        edited = change(original.read_text())
        assert edited != original.read_text(), "the edit changed nothing"
        target.write_text(edited)
        templates = copy.deepcopy(settings.TEMPLATES)
        templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
        settings.TEMPLATES = templates

    return edit


# --- the registry --------------------------------------------------------------------------------


def test_every_feature_lessons_promise_is_registered_by_its_app() -> None:
    registered = features()

    assert set(KEYS) <= set(registered)
    assert all(registered[key].key == key and str(registered[key].label) for key in KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_each_feature_is_there_and_on_now_and_its_check_reads_no_database(key: str) -> None:
    assert problems_of(key) == []
    assert feature_problems([key]) == []


def test_an_unknown_feature_is_reported_by_name_and_known_ones_are_checked_once() -> None:
    problems = feature_problems(["quiet-hours", "reminders-on-mars", "quiet-hours"])

    assert problems == ["No feature is called “reminders-on-mars”, so a lesson cannot promise it."]


def test_a_problem_names_the_feature_it_belongs_to(monkeypatch: pytest.MonkeyPatch) -> None:
    from notifications import contact_rules

    monkeypatch.setattr(contact_rules, "QUIET_START", time(23, 0))

    problems = feature_problems(["quiet-hours"])

    assert problems
    assert all(p.startswith("No reminders 22:00–08:00: ") for p in problems)


def test_a_key_is_registered_once() -> None:
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        feature_register("quiet-hours", label="again", check=list)


def test_a_check_that_crashes_is_a_problem_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[str]:
        raise LookupError("gone")

    monkeypatch.setitem(
        features_module._features, "broken-thing", features_module.Feature("broken-thing", "Thing", broken)
    )

    assert feature_problems(["broken-thing"]) == ["Thing: it could not be checked (LookupError)."]


def test_a_template_check_names_what_is_missing_and_a_missing_template() -> None:
    assert template_problems("portal/help.html", shows=['id="complaint"']) == []
    assert template_problems("portal/help.html", shows=["a-marker-nowhere"]) == [
        "the template portal/help.html no longer shows a-marker-nowhere."
    ]
    assert template_problems("portal/nowhere.html", shows=[]) == [
        "the template portal/nowhere.html does not exist."
    ]


def test_refers_to_sees_a_call_and_what_the_name_is_bound_to() -> None:
    from hardship.services import wizard
    from notifications.services import messages_cancel

    assert refers_to(wizard.application_submit, "messages_cancel", messages_cancel)
    assert not refers_to(wizard.application_submit, "messages_cancel", print)
    assert not refers_to(wizard.application_start, "messages_cancel", messages_cancel)


# --- quiet-hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("QUIET_START", time(23, 0), "at 22:00 borrower time (Asia/Shanghai) a reminder would be sent."),
        ("QUIET_START", time(21, 0), "at 21:59 borrower time (Asia/Shanghai) a reminder would be held back."),
        ("QUIET_END", time(7, 0), "at 07:59 borrower time (Asia/Shanghai) a reminder would be sent."),
        ("QUIET_END", time(9, 0), "at 08:00 borrower time (Asia/Shanghai) a reminder would be held back."),
    ],
)
def test_quiet_hours_moved_is_reported(
    monkeypatch: pytest.MonkeyPatch, name: str, value: time, shown: str
) -> None:
    from notifications import contact_rules

    monkeypatch.setattr(contact_rules, name, value)

    assert shown in problems_of("quiet-hours")


def test_quiet_hours_in_the_lenders_time_instead_of_the_borrowers_are_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from notifications import contact_rules

    lenders = contact_rules.local_time
    monkeypatch.setattr(contact_rules, "local_time", lambda at, tz: lenders(at, "Asia/Shanghai"))

    problems = problems_of("quiet-hours")

    assert "at 07:59 borrower time (Asia/Urumqi) a reminder would be sent." in problems
    assert not any("(Asia/Shanghai)" in p for p in problems)


def test_the_release_task_taken_out_of_beat_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from notifications import tasks

    conf = tasks.messages_release.app.conf
    without = {k: v for k, v in conf.beat_schedule.items() if v["task"] != tasks.messages_release.name}
    assert len(without) < len(conf.beat_schedule)
    monkeypatch.setitem(conf, "beat_schedule", without)

    assert problems_of("quiet-hours") == ["Celery beat's schedule no longer runs the release of messages."]


def test_a_release_that_no_longer_applies_the_quiet_hours_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from notifications.services_delivery import release

    monkeypatch.setattr(release, "in_quiet_hours", lambda at, tz: False)

    assert problems_of("quiet-hours") == [
        "releasing messages no longer applies the contact rules' quiet hours."
    ]


# --- reminders-pause-hardship --------------------------------------------------------------------


def test_a_submission_that_no_longer_cancels_reminders_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from hardship import services

    def submit_without_pause(*, application_id: int, user: Any, declared: bool) -> None:
        return None

    monkeypatch.setattr(services, "application_submit", submit_without_pause)

    assert problems_of("reminders-pause-hardship") == [
        "sending a hardship application no longer cancels the loans' waiting reminders."
    ]


def test_a_submission_whose_cancel_is_pointed_elsewhere_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from hardship.services import wizard

    monkeypatch.setattr(wizard, "messages_cancel", lambda **kwargs: 0)

    assert problems_of("reminders-pause-hardship") == [
        "sending a hardship application no longer cancels the loans' waiting reminders."
    ]


def test_a_selection_that_no_longer_skips_loans_under_review_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reminders.services import selection

    monkeypatch.setattr(selection, "loans_under_review", lambda *, loan_ids: frozenset())
    asked = problems_of("reminders-pause-hardship")
    monkeypatch.undo()
    monkeypatch.setattr(selection, "_skip_reason", lambda loan, promised, reviewed, flagged: None)
    skipped = problems_of("reminders-pause-hardship")

    assert asked == ["the daily reminders no longer ask which loans are under a hardship review."]
    assert skipped == ["the daily reminders no longer leave out a loan under a hardship review."]


# --- URL features: the page taken out of the URLconf -----------------------------------------------


@pytest.mark.parametrize(
    ("key", "prefix", "page"),
    [
        ("hardship-apply", "help/apply/", "/help/apply/"),
        ("complaints", "", "/help/"),
        ("true-rate", "plan/", "/plan/rate/"),
        ("plan-compare", "plan/", "/plan/compare/"),
        ("budget-planner", "budget/", "/budget/"),
        ("loan-late-costs", "loans/", "/loans/AX-0000/"),
    ],
)
def test_a_page_taken_out_of_the_urlconf_is_reported(settings: Any, key: str, prefix: str, page: str) -> None:
    settings.ROOT_URLCONF = urlconf_without(prefix)

    assert f"the page {page} is not on the site." in problems_of(key)


def test_a_page_drawn_by_another_view_is_reported(settings: Any) -> None:
    from repayment import views

    elsewhere = path("plan/", include(([path("compare/", views.plan, name="compare")], "repayment")))
    settings.ROOT_URLCONF = urlconf_without("plan/", extra=[elsewhere])

    assert problems_of("plan-compare") == ["/plan/compare/ is no longer drawn by repayment.views.compare."]


def test_a_page_moved_to_another_name_is_reported(settings: Any) -> None:
    from hardship import views

    moved = path("help/apply/", include(([path("", views.start, name="begin")], "hardship")))
    settings.ROOT_URLCONF = urlconf_without("help/apply/", extra=[moved])

    assert "/help/apply/ is no longer the page “hardship:start”." in problems_of("hardship-apply")


# --- hardship-apply ------------------------------------------------------------------------------


def test_an_application_that_takes_no_documents_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from hardship import services, views

    monkeypatch.delitem(views.STEPS, 5)
    no_step = problems_of("hardship-apply")
    monkeypatch.undo()
    monkeypatch.setattr(services, "EVIDENCE_MAX_FILES", 0)
    no_room = problems_of("hardship-apply")

    assert no_step == no_room == ["the application no longer takes documents."]


# --- complaints ----------------------------------------------------------------------------------


def test_a_form_without_the_complaint_topic_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.forms import SupportMessageForm

    field = SupportMessageForm.base_fields["topic"]
    choices = [(value, label) for value, label in field.choices if value != "complaint"]  # type: ignore[attr-defined]
    monkeypatch.setattr(field, "choices", choices)

    assert problems_of("complaints") == ["the message form no longer offers complaints."]


def test_a_help_page_without_the_complaint_section_is_reported(template_edited: Any) -> None:
    template_edited("portal/help.html", lambda text: text.replace('id="complaint"', 'id="grumble"'))

    assert problems_of("complaints") == ['the template portal/help.html no longer shows id="complaint".']


# --- plan-compare, budget-planner, loan-late-costs -------------------------------------------------


def test_a_comparison_of_one_plan_or_without_apr_is_reported(
    monkeypatch: pytest.MonkeyPatch, template_edited: Any
) -> None:
    from repayment import selectors, views

    monkeypatch.setattr(views, "COMPARE_PREFIXES", ("p1",))
    one_plan = problems_of("plan-compare")
    monkeypatch.undo()
    real = selectors.plan_view
    monkeypatch.setattr(
        selectors,
        "plan_view",
        lambda result: dataclasses.replace(real(result), apr_nominal_percent=Decimal(0)),
    )
    no_apr = problems_of("plan-compare")
    monkeypatch.undo()
    template_edited(
        "repayment/compare.html", lambda text: text.replace("apr_nominal_percent", "quoted_percent")
    )
    not_drawn = problems_of("plan-compare")

    assert one_plan == ["the comparison no longer takes more than one plan."]
    assert no_apr == ["a plan compared no longer has its true yearly rate (APR)."]
    assert not_drawn == ["the template repayment/compare.html no longer shows apr_nominal_percent."]


def test_a_budget_that_no_longer_flags_spending_above_its_guideline_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loanmath.budget, "above_guideline", lambda items: ())

    assert problems_of("budget-planner") == ["spending above its guideline is no longer flagged."]


def test_a_loan_page_without_the_credit_bureau_date_is_reported(
    monkeypatch: pytest.MonkeyPatch, template_edited: Any
) -> None:
    from borrowers.selectors import cards

    real = cards.milestone_views
    monkeypatch.setattr(
        cards,
        "milestone_views",
        lambda info, first, days: tuple(dataclasses.replace(m, on=None) for m in real(info, first, days)),
    )
    undated = problems_of("loan-late-costs")
    monkeypatch.undo()
    template_edited(
        "borrowers/loan_detail.html",
        lambda text: text.replace("detail.policy.penalty_rate", "detail.policy.x"),
    )
    no_penalty = problems_of("loan-late-costs")

    assert undated == ["a loan's page no longer dates the report to the credit bureau."]
    assert no_penalty == [
        "the template borrowers/loan_detail.html no longer shows detail.policy.penalty_rate."
    ]


# --- payment-waterfall ---------------------------------------------------------------------------

WATERFALL_BROKEN = (
    "a payment of 0.60 no longer goes to penalty, fees, interest, then principal, oldest instalment first."
)


def test_a_waterfall_that_pays_principal_first_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real = loanmath.allocate_payment

    def principal_first(*, instalments: Any, **kwargs: Any) -> loanmath.Allocation:
        swapped = [dataclasses.replace(i, penalty=i.principal, principal=i.penalty) for i in instalments]
        allocation = real(instalments=swapped, **kwargs)
        lines = tuple(
            dataclasses.replace(ln, penalty=ln.principal, principal=ln.penalty) for ln in allocation.lines
        )
        return dataclasses.replace(allocation, lines=lines)

    monkeypatch.setattr(loanmath, "allocate_payment", principal_first)

    assert problems_of("payment-waterfall") == [WATERFALL_BROKEN]


def test_a_waterfall_that_pays_the_newest_instalment_first_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = loanmath.allocate_payment

    def newest_first(*, instalments: Any, **kwargs: Any) -> loanmath.Allocation:
        latest = max(i.due_date for i in instalments)
        flipped = [
            dataclasses.replace(
                i, due_date=latest if i.due_date != latest else min(j.due_date for j in instalments)
            )
            for i in instalments
        ]
        return real(instalments=flipped, **kwargs)

    monkeypatch.setattr(loanmath, "allocate_payment", newest_first)

    assert problems_of("payment-waterfall") == [WATERFALL_BROKEN]


def test_recording_a_payment_without_the_waterfall_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from borrowers.services import payments

    monkeypatch.setattr(payments, "_apply_payment", lambda book, payment, policy: None)

    assert problems_of("payment-waterfall") == [
        "recording a payment no longer shares it out by the waterfall."
    ]
