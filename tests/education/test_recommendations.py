"""Just-in-time recommendations from the borrower's situation, driven by the rules staff edit.

The loan in every case: ¥1,200 disbursed 2026-01-15, first instalment due 2026-02-15 (tests/borrowers/
factories.py); the clock sets "today" and borrowers.selectors computes days past due from it.
"""

from datetime import datetime

import pytest
from django.test import Client

from accounts.models import User
from borrowers.models import Loan
from education import selectors
from education.models import Lesson, RecommendationRule, Situation
from hardship.models import Application
from tests.borrowers.factories import make_borrower, make_loan
from tests.education.conftest import SHANGHAI, Clock, LessonGetter
from tests.education.test_progress_and_language import complete

pytestmark = pytest.mark.django_db


def recommended(user: User) -> list[str]:
    return [r.lesson.key for r in selectors.learning_recommendations(user=user)]


def open_an_application(user: User, status: str = Application.Status.SUBMITTED) -> Application:
    return Application.objects.create(user=user, reference=f"HA-TEST{user.pk}", status=status)


def at(clock: Clock, day: str) -> None:
    clock.set(datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=SHANGHAI))


@pytest.fixture
def loan(borrower: User) -> Loan:
    return make_loan(borrower=make_borrower(borrower))


def test_a_borrower_without_loans_is_shown_how_to_read_a_statement(borrower: User, curriculum: None) -> None:
    assert recommended(borrower)[0] == "reading-your-statement"


def test_a_loan_whose_first_instalment_is_not_due_yet_counts_as_new(
    borrower: User, loan: Loan, curriculum: None, clock: Clock
) -> None:
    at(clock, "2026-01-20")
    assert recommended(borrower) == ["reading-your-statement"]


def test_a_payment_due_within_three_days_recommends_what_to_pay_first(
    borrower: User, loan: Loan, curriculum: None, clock: Clock
) -> None:
    at(clock, "2026-02-13")  # the first instalment is due on 2026-02-15
    assert recommended(borrower)[0] == "when-money-is-short"


def test_a_first_missed_payment_recommends_what_happens_when_a_payment_is_late(
    borrower: User, loan: Loan, curriculum: None, clock: Clock
) -> None:
    at(clock, "2026-02-20")  # 5 days past the 2026-02-15 instalment
    assert recommended(borrower)[0] == "when-a-payment-is-late"


def test_thirty_days_overdue_recommends_rights_with_collectors_and_fake_agents(
    borrower: User, loan: Loan, curriculum: None, clock: Clock
) -> None:
    at(clock, "2026-03-25")  # 38 days past 2026-02-15
    assert recommended(borrower)[:2] == ["your-rights-with-collectors", "fake-debt-relief-agents"]


def test_a_paid_off_loan_recommends_an_emergency_fund(
    borrower: User, loan: Loan, curriculum: None, clock: Clock
) -> None:
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.PAID_OFF)
    assert recommended(borrower)[0] == "emergency-fund"


def test_an_open_hardship_application_matches_the_hardship_rules(
    borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    RecommendationRule.objects.create(situation=Situation.HARDSHIP, tag=Situation.HARDSHIP, priority=1)
    assert "a-budget-you-can-keep" not in recommended(borrower)  # no application: not in that situation
    application = open_an_application(borrower)
    assert "a-budget-you-can-keep" in recommended(borrower)
    # Decided, it is no longer open: the borrower is not asking any more.
    Application.objects.filter(pk=application.pk).update(status=Application.Status.REJECTED)
    assert "a-budget-you-can-keep" not in recommended(borrower)


def test_rules_are_data_staff_can_switch_off_and_reorder(borrower: User, curriculum: None) -> None:
    RecommendationRule.objects.filter(situation=Situation.NEW_BORROWER).update(active=False)
    assert recommended(borrower) == []
    RecommendationRule.objects.create(situation=Situation.NEW_BORROWER, tag=Situation.PAID_OFF, priority=1)
    assert recommended(borrower) == ["emergency-fund"]


def test_completed_and_unpublished_lessons_are_not_recommended(
    borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    Lesson.objects.filter(key="reading-your-statement").update(status=Lesson.Status.UNPUBLISHED)
    assert "reading-your-statement" not in recommended(borrower)
    Lesson.objects.filter(key="reading-your-statement").update(status=Lesson.Status.PUBLISHED)
    assert "reading-your-statement" in recommended(borrower)
    complete(borrower, lesson_of("reading-your-statement"))
    assert "reading-your-statement" not in recommended(borrower)


def test_the_dashboard_and_learn_show_the_recommendations(
    client: Client, borrower: User, loan: Loan, curriculum: None, clock: Clock
) -> None:
    at(clock, "2026-02-20")
    client.force_login(borrower)
    for url in ("/learn/", "/dashboard/"):
        html = client.get(url).content.decode()
        assert 'href="/learn/loan-basics/when-a-payment-is-late/"' in html, url


def test_each_reason_is_said_once_above_the_lessons_it_brings(
    client: Client, borrower: User, loan: Loan, curriculum: None, clock: Clock
) -> None:
    at(clock, "2026-03-25")  # 38 days past 2026-02-15: three lessons for one situation
    recommendations = selectors.learning_recommendations(user=borrower)
    assert [r.situation for r in recommendations] == [Situation.OVERDUE_30_PLUS] * 3
    client.force_login(borrower)
    client.cookies["django_language"] = "en"
    reason = "Your loan is more than 30 days overdue."
    for url in ("/learn/", "/dashboard/"):
        html = client.get(url).content.decode()
        assert html.count(reason) == 1, url
        assert html.count('class="learn-list__item"') >= 3, url


def test_lessons_for_one_situation_come_together_in_the_order_of_their_best_rule(
    borrower: User, curriculum: None, lesson_of: LessonGetter
) -> None:
    # No loans (new) and an open hardship application; the rules interleave the two situations.
    for priority, situation, key in (
        (1, Situation.NEW_BORROWER, "emergency-fund"),
        (2, Situation.HARDSHIP, "a-budget-you-can-keep"),
        (3, Situation.NEW_BORROWER, "reading-your-statement"),
    ):
        RecommendationRule.objects.create(situation=situation, lesson=lesson_of(key), priority=priority)
    open_an_application(borrower)
    recommendations = selectors.learning_recommendations(user=borrower)
    assert [(r.situation, r.lesson.key) for r in recommendations] == [
        (Situation.NEW_BORROWER, "emergency-fund"),
        (Situation.NEW_BORROWER, "reading-your-statement"),
        (Situation.HARDSHIP, "a-budget-you-can-keep"),
    ]
