"""The hardship application's services: the transition table (hardship.rules.TRANSITIONS) move by move,
every refusal (wrong status, wrong actor), the wizard's checks, one open application per loan, the
breathing space, the second approval, accepting (the loans restructured, the ledger reconciled) and
expiry.

Loans come from tests.hardship.factories: ¥1,200.00 over 12 months, lent 2026-01-15, closed through the
business date 2026-03-31 without a payment, so two instalments are overdue with late fees and penalty.
"""

import itertools
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from accounts.models import User
from borrowers.models import LedgerEntry, Loan, Restructure
from borrowers.reconciliation import reconcile
from budget.selectors import saved_budget
from budget.services import BudgetLineInput, budget_save
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.models import AuditEvent
from hardship import services
from hardship.models import Application, ApplicationEvent, ApplicationLoan, Message, Offer, StatementLine
from hardship.rules import TRANSITIONS, Actor, RejectionReason
from tests.conftest import make_user
from tests.hardship.factories import (
    APPROVERS,
    EXTENSION,
    REVIEWERS,
    STATEMENT,
    TODAY,
    WAIVER,
    draft,
    make_applicant,
    make_loan_for,
    make_staff,
    offered,
    set_policy,
    submitted,
)

pytestmark = pytest.mark.django_db

Status = Application.Status
LATER = TODAY + timedelta(days=365)  # every deadline has passed


@pytest.fixture(autouse=True)
def _business_date(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()


@pytest.fixture
def applicant() -> tuple[User, list[Loan]]:
    return make_applicant()


@pytest.fixture
def reviewer() -> User:
    return make_staff(REVIEWERS)


def snapshot(application: Application) -> tuple[object, ...]:
    """Everything a refused call must leave as it was."""
    application.refresh_from_db()
    return (
        application.status,
        application.updated_at,
        application.events.count(),
        Message.objects.filter(application=application).count(),
        tuple(Offer.objects.filter(application=application).order_by("pk").values_list("status", flat=True)),
        tuple(ApplicationLoan.objects.filter(application=application).values_list("loan_id", "is_open")),
        LedgerEntry.objects.count(),
        Restructure.objects.count(),
        AuditEvent.objects.count(),
        tuple(
            Loan.objects.order_by("pk").values_list(
                "charges_paused_through", "fee_balance", "penalty_balance"
            )
        ),
    )


def last_event(application: Application) -> ApplicationEvent:
    return application.events.order_by("at", "id").last()  # type: ignore[return-value]


# --- reaching a status, and taking an action ---------------------------------------------------------

REACHABLE = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.INFORMATION_REQUESTED,
    Status.OFFERED,
    Status.APPLIED,
    Status.REJECTED,
    Status.WITHDRAWN,
    Status.EXPIRED,
)


def reach(status: str, user: User, loans: list[Loan], staff: User) -> Application:
    """An application of ``user``'s in ``status``, through the services only."""
    if status == Status.DRAFT:
        return draft(user, loans)
    application = submitted(user, loans)
    pk = application.pk
    if status == Status.IN_REVIEW:
        services.review_start(application_id=pk, staff=staff)
    elif status == Status.INFORMATION_REQUESTED:
        services.information_request(application_id=pk, staff=staff, message="Please send a payslip.")
    elif status in (Status.OFFERED, Status.APPLIED):
        services.offer_make(application_id=pk, staff=staff, terms=EXTENSION)
        if status == Status.APPLIED:
            services.offer_accept(application_id=pk, user=user)
    elif status == Status.REJECTED:
        services.application_reject(application_id=pk, staff=staff, reasons=[RejectionReason.AFFORDABLE])
    elif status == Status.WITHDRAWN:
        services.application_withdraw(application_id=pk, user=user)
    elif status == Status.EXPIRED:
        services.information_request(application_id=pk, staff=staff, message="Please send a payslip.")
        assert services.applications_expire(today=LATER) == 1
    else:
        assert status == Status.SUBMITTED, status
    application.refresh_from_db()
    assert application.status == status
    return application


def act(action: str, application: Application, user: User, staff: User) -> object:
    """Take ``action`` through its service: ``user`` for a borrower's action, ``staff`` for staff's."""
    pk = application.pk
    calls: dict[str, Callable[[], object]] = {
        "submit": lambda: services.application_submit(application_id=pk, user=user, declared=True),
        "start_review": lambda: services.review_start(application_id=pk, staff=staff),
        "request_information": lambda: services.information_request(
            application_id=pk, staff=staff, message="Please send your last three payslips."
        ),
        "answer": lambda: services.information_answer(application_id=pk, user=user, message="Attached."),
        "offer": lambda: services.offer_make(application_id=pk, staff=staff, terms=EXTENSION),
        "accept": lambda: services.offer_accept(application_id=pk, user=user),
        "apply": lambda: services.offer_accept(application_id=pk, user=user),  # the service applies it
        "reject": lambda: services.application_reject(
            application_id=pk, staff=staff, reasons=[RejectionReason.NO_SUSTAINABLE_OPTION]
        ),
        "withdraw": lambda: services.application_withdraw(application_id=pk, user=user),
        "expire": lambda: services.applications_expire(today=LATER),
        "reconsider": lambda: _accept_after_the_figures_grew(pk, user),
    }
    return calls[action]()


def _accept_after_the_figures_grew(pk: int, user: User) -> None:
    """The borrower accepts an offer made by one person whose figures now give up more than one person may
    agree (here: the threshold lowered below them): the offer goes back to staff, and the borrower reads
    why."""
    set_policy(second_approval_threshold=Decimal("-1.00"))
    try:
        services.offer_accept(application_id=pk, user=user)
    except ApplicationError as refusal:
        if "figures of this offer have changed" not in refusal.message:
            raise  # refused for another reason (no offer open): the move is not available
        return
    raise AssertionError("the offer was applied although its figures passed the threshold")


ALLOWED = [(action, source) for action, t in TRANSITIONS.items() for source in sorted(t.sources)]
REFUSED = [
    (action, status)
    for action, t in TRANSITIONS.items()
    if action != "apply"  # no service of its own: only offer_accept applies, tested below
    for status in REACHABLE
    if status not in t.sources
]


@pytest.mark.parametrize(("action", "source"), ALLOWED)
def test_every_transition_moves_from_each_of_its_sources(
    action: str, source: str, applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    transition = TRANSITIONS[action]
    # ACCEPTED lasts only inside offer_accept's transaction: reach it through "accept" from OFFERED.
    application = reach(Status.OFFERED if source == Status.ACCEPTED else source, user, loans, reviewer)
    events_before = application.events.count()

    act(action, application, user, reviewer)

    application.refresh_from_db()
    moves = list(application.events.order_by("at", "id")[events_before:])
    event = next(e for e in moves if e.action == action)
    assert (event.from_status, event.to_status) == (source, transition.target)
    expected_actor = {Actor.BORROWER: user, Actor.STAFF: reviewer, Actor.SYSTEM: None}[transition.actor]
    assert event.actor == expected_actor
    final = Status.APPLIED if action in ("accept", "apply") else transition.target
    assert application.status == final
    assert AuditEvent.objects.filter(action=f"hardship.{action}").exists()
    open_now = application.status in Application.OPEN
    assert set(application.loans.values_list("is_open", flat=True)) == {open_now}


@pytest.mark.parametrize("status", REACHABLE)
def test_every_other_move_is_refused_and_changes_nothing(
    status: str, applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    application = reach(status, user, loans, reviewer)
    refused = [action for action, at in REFUSED if at == status]
    assert refused
    before = snapshot(application)

    for action in refused:
        if action == "expire":
            assert services.applications_expire(today=LATER) == 0
        else:
            with pytest.raises(ApplicationError):
                act(action, application, user, reviewer)
        assert snapshot(application) == before, f"{action} from {status} changed something"

    assert reconcile().agrees


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_the_transition_refuses_an_actor_of_the_wrong_kind(
    action: str, applicant: tuple[User, list[Loan]]
) -> None:
    user, loans = applicant
    application = draft(user, loans)
    transition = TRANSITIONS[action]
    Application.objects.filter(pk=application.pk).update(status=sorted(transition.sources)[0])
    for by in Actor:
        if by is transition.actor:
            continue
        with pytest.raises(ApplicationError), transaction.atomic():
            services.application_transition(
                application=Application.objects.select_for_update().get(pk=application.pk),
                action=action,
                actor=user,
                by=by,
            )
    application.refresh_from_db()
    assert application.status == sorted(transition.sources)[0]
    assert list(application.events.values_list("action", flat=True)) == ["start"]


def test_an_unknown_action_is_refused(applicant: tuple[User, list[Loan]]) -> None:
    user, loans = applicant
    application = draft(user, loans)
    with pytest.raises(ApplicationError), transaction.atomic():
        services.application_transition(application=application, action="approve", actor=user, by=Actor.STAFF)


# --- who may act -------------------------------------------------------------------------------------


def _awaiting_offer(user: User, loans: list[Loan], maker: User) -> Offer:
    set_policy(second_approval_threshold=Decimal("1.00"))
    application = submitted(user, loans)
    offer = services.offer_make(application_id=application.pk, staff=maker, terms=WAIVER)
    assert offer.status == Offer.Status.AWAITING_APPROVAL
    return offer


STAFF_ACTIONS: dict[str, Callable[[Application, Offer, User], object]] = {
    "start_review": lambda a, o, who: services.review_start(application_id=a.pk, staff=who),
    "request_information": lambda a, o, who: services.information_request(
        application_id=a.pk, staff=who, message="Send payslips."
    ),
    "offer": lambda a, o, who: services.offer_make(application_id=a.pk, staff=who, terms=EXTENSION),
    "reject": lambda a, o, who: services.application_reject(
        application_id=a.pk, staff=who, reasons=[RejectionReason.AFFORDABLE]
    ),
    "approve_offer": lambda a, o, who: services.offer_approve(offer_id=o.pk, approver=who),
    "decline_offer": lambda a, o, who: services.offer_decline(offer_id=o.pk, approver=who, note="No."),
}


@pytest.mark.parametrize("who", ["the borrower", "staff in no hardship group", "Support staff"])
def test_only_hardship_staff_take_staff_actions(who: str, applicant: tuple[User, list[Loan]]) -> None:
    user, loans = applicant
    offer = _awaiting_offer(user, loans, make_staff(APPROVERS))
    application = offer.application
    actor = {
        "the borrower": user,
        "staff in no hardship group": make_staff(None),
        "Support staff": make_staff("Support"),
    }[who]
    # "offer" last, with the waiting offer out of the way (it would refuse a second offer anyway)
    for action in [*sorted(set(STAFF_ACTIONS) - {"offer"}), "offer"]:
        if action == "offer":
            Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.DECLINED)
        before = snapshot(application)
        with pytest.raises(ApplicationError):
            STAFF_ACTIONS[action](application, offer, actor)
        assert snapshot(application) == before, action


def test_an_inactive_reviewer_is_refused(applicant: tuple[User, list[Loan]], reviewer: User) -> None:
    user, loans = applicant
    application = submitted(user, loans)
    reviewer.is_active = False
    reviewer.save()
    with pytest.raises(ApplicationError):
        services.review_start(application_id=application.pk, staff=reviewer)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


BORROWER_ACTIONS: dict[str, tuple[str, Callable[[Application, User], object]]] = {
    "situation": (
        Status.DRAFT,
        lambda a, who: services.application_situation_save(
            application_id=a.pk, user=who, reason="illness", reason_text="", duration="long"
        ),
    ),
    "statement": (
        Status.DRAFT,
        lambda a, who: services.application_statement_save(application_id=a.pk, user=who, lines=STATEMENT),
    ),
    "option": (
        Status.DRAFT,
        lambda a, who: services.application_option_choose(application_id=a.pk, user=who, terms=None),
    ),
    "submit": (
        Status.DRAFT,
        lambda a, who: services.application_submit(application_id=a.pk, user=who, declared=True),
    ),
    "withdraw": (
        Status.SUBMITTED,
        lambda a, who: services.application_withdraw(application_id=a.pk, user=who),
    ),
    "answer": (
        Status.INFORMATION_REQUESTED,
        lambda a, who: services.information_answer(application_id=a.pk, user=who, message="Here."),
    ),
    "accept": (Status.OFFERED, lambda a, who: services.offer_accept(application_id=a.pk, user=who)),
}


@pytest.mark.parametrize("action", sorted(BORROWER_ACTIONS))
def test_only_the_applicant_takes_the_borrowers_actions(
    action: str, applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    status, call = BORROWER_ACTIONS[action]
    application = reach(status, user, loans, reviewer)
    other, _other_loans = make_applicant()
    for actor in (other, reviewer):
        budget_before = saved_budget(user=actor)
        before = snapshot(application)
        lines_before = list(application.statement_lines.values_list("category", "amount"))

        with pytest.raises(ApplicationError):
            call(application, actor)

        assert snapshot(application) == before
        assert list(application.statement_lines.values_list("category", "amount")) == lines_before
        assert saved_budget(user=actor) == budget_before


# --- the wizard and submitting -----------------------------------------------------------------------


def test_a_draft_needs_loans_of_ones_own_with_something_to_pay(applicant: tuple[User, list[Loan]]) -> None:
    user, loans = applicant
    _other, other_loans = make_applicant()
    for loan_ids in ([], [other_loans[0].pk], [loans[0].pk, other_loans[0].pk], [999_999]):
        with pytest.raises(ApplicationError):
            services.application_start(user=user, loan_ids=loan_ids)
    assert not Application.objects.exists()
    assert not ApplicationEvent.objects.exists()


@pytest.mark.parametrize("missing", ["situation", "statement", "income", "choice", "declaration"])
def test_submit_refuses_an_incomplete_application(missing: str, applicant: tuple[User, list[Loan]]) -> None:
    user, loans = applicant
    lines: tuple[BudgetLineInput, ...] = STATEMENT
    if missing == "statement":
        lines = ()
    elif missing == "income":  # spending only
        lines = tuple(line for line in STATEMENT if line.category != "salary")
    application = draft(
        user, loans, lines=lines, situation=missing != "situation", choose=missing != "choice"
    )
    before = snapshot(application)

    with pytest.raises(ApplicationError):
        services.application_submit(
            application_id=application.pk, user=user, declared=missing != "declaration"
        )

    assert snapshot(application) == before
    application.refresh_from_db()
    assert application.submitted_at is None
    assert application.breathing_space_through is None


def test_submit_refuses_an_application_without_loans(applicant: tuple[User, list[Loan]]) -> None:
    user, loans = applicant
    application = draft(user, loans)
    ApplicationLoan.objects.filter(application=application).delete()  # not reachable through a service
    with pytest.raises(ApplicationError):
        services.application_submit(application_id=application.pk, user=user, declared=True)


def test_asking_staff_to_propose_is_a_choice(applicant: tuple[User, list[Loan]]) -> None:
    user, loans = applicant
    application = draft(user, loans, terms=None)
    assert application.staff_to_propose
    assert application.chosen_terms == {}
    services.application_submit(application_id=application.pk, user=user, declared=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.answer_due_on == services.add_working_days(TODAY, 5)


def test_a_submitted_application_can_no_longer_be_edited(
    applicant: tuple[User, list[Loan]],
) -> None:
    user, loans = applicant
    application = submitted(user, loans)
    before = snapshot(application)
    for action in ("situation", "statement", "option"):
        with pytest.raises(ApplicationError):
            BORROWER_ACTIONS[action][1](application, user)
    assert snapshot(application) == before


# --- the statement and the budget ------------------------------------------------------------------


def _budget_lines(user: User) -> list[tuple[str, Decimal, str]]:
    saved = saved_budget(user=user)
    assert saved is not None
    return sorted((line.category, line.amount, line.note) for line in saved.lines)


def test_the_statement_is_saved_back_to_the_budget(applicant: tuple[User, list[Loan]]) -> None:
    user, loans = applicant
    application = draft(user, loans, lines=())
    assert saved_budget(user=user) is None

    services.application_statement_save(application_id=application.pk, user=user, lines=STATEMENT)

    expected = sorted((line.category, line.amount, line.note) for line in STATEMENT)
    assert _budget_lines(user) == expected
    assert sorted(application.statement_lines.values_list("category", "amount", "note")) == expected
    assert dict(application.statement_lines.values_list("category", "section"))["salary"] == "income"

    smaller = [BudgetLineInput(category="salary", amount=Decimal("3000.00"))]
    services.application_statement_save(application_id=application.pk, user=user, lines=smaller)
    assert _budget_lines(user) == [("salary", Decimal("3000.00"), "")]
    assert list(application.statement_lines.values_list("category", "amount")) == [
        ("salary", Decimal("3000.00"))
    ]


def test_a_bad_statement_line_refuses_both_the_statement_and_the_budget(
    applicant: tuple[User, list[Loan]],
) -> None:
    user, loans = applicant
    application = draft(user, loans)
    budget_before = _budget_lines(user)
    lines_before = sorted(application.statement_lines.values_list("category", "amount"))
    for bad in (
        [*STATEMENT, BudgetLineInput(category="lottery", amount=Decimal("1.00"))],
        [BudgetLineInput(category="salary", amount=Decimal("1.005"))],
        [BudgetLineInput(category="salary", amount=Decimal("-1.00"))],
    ):
        with pytest.raises(ApplicationError):
            services.application_statement_save(application_id=application.pk, user=user, lines=bad)
    assert _budget_lines(user) == budget_before
    assert sorted(application.statement_lines.values_list("category", "amount")) == lines_before


def test_a_new_application_starts_from_the_saved_budget(applicant: tuple[User, list[Loan]]) -> None:
    user, loans = applicant
    budget_save(user=user, lines=STATEMENT)
    application = services.application_start(user=user, loan_ids=[loans[0].pk])
    assert sorted(
        StatementLine.objects.filter(application=application).values_list("category", "amount")
    ) == sorted((line.category, line.amount) for line in STATEMENT)


# --- one open application per loan; repeat forbearance ---------------------------------------------


def test_a_loan_has_one_open_application_at_a_time(
    applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    second_loan = make_loan_for(user)
    first = draft(user, loans)
    count = Application.objects.count()

    for loan_ids in ([loans[0].pk], [second_loan.pk, loans[0].pk]):
        with pytest.raises(ApplicationError, match="already has an application"):
            services.application_start(user=user, loan_ids=loan_ids)
    assert Application.objects.count() == count  # nothing half made
    assert not ApplicationLoan.objects.filter(loan=second_loan).exists()

    services.application_submit(application_id=first.pk, user=user, declared=True)
    with pytest.raises(ApplicationError):
        services.application_start(user=user, loan_ids=[loans[0].pk])

    services.application_reject(application_id=first.pk, staff=reviewer, reasons=[RejectionReason.AFFORDABLE])
    again = services.application_start(user=user, loan_ids=[loans[0].pk])
    assert again.status == Status.DRAFT
    services.application_withdraw(application_id=again.pk, user=user)
    assert services.application_start(user=user, loan_ids=[loans[0].pk]).status == Status.DRAFT


def test_a_second_forbearance_within_the_window_is_flagged(
    applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    first = offered(user, loans, reviewer)
    assert first.repeat_forbearance is False
    services.offer_accept(application_id=first.pk, user=user)

    second = submitted(user, loans)

    assert second.repeat_forbearance is True
    assert second.status == Status.SUBMITTED  # flagged, never refused
    other_user, other_loans = make_applicant()
    assert submitted(other_user, other_loans).repeat_forbearance is False


# --- breathing space ---------------------------------------------------------------------------------


def test_submitting_pauses_the_loans_charges_for_the_policys_days(
    applicant: tuple[User, list[Loan]],
) -> None:
    user, loans = applicant
    loans.append(make_loan_for(user))
    set_policy(breathing_space_days=45)

    application = submitted(user, loans)

    assert application.breathing_space_through == TODAY + timedelta(days=45)
    for loan in loans:
        loan.refresh_from_db()
        assert loan.charges_paused_through == TODAY + timedelta(days=45)


def _end_by(how: str, application: Application, user: User, staff: User, settings: Any) -> None:
    pk = application.pk
    if how == "reject":
        services.application_reject(
            application_id=pk, staff=staff, reasons=[RejectionReason.OTHER], note="No."
        )
    elif how == "withdraw":
        services.application_withdraw(application_id=pk, user=user)
    else:
        services.information_request(application_id=pk, staff=staff, message="Payslips, please.")
        application.refresh_from_db()
        assert application.information_due_on is not None
        day = application.information_due_on + timedelta(days=1)
        settings.ANXIN_BUSINESS_DATE = day.isoformat()  # the job runs on the day after the deadline
        assert services.applications_expire(today=day) == 1


@pytest.mark.parametrize("how", ["reject", "withdraw", "expire"])
def test_ending_an_application_ends_its_breathing_space_that_day(
    how: str, applicant: tuple[User, list[Loan]], reviewer: User, settings: Any
) -> None:
    user, loans = applicant
    application = submitted(user, loans)
    loan = loans[0]
    loan.refresh_from_db()
    assert loan.charges_paused_through == TODAY + timedelta(days=30)

    _end_by(how, application, user, reviewer, settings)

    loan.refresh_from_db()
    assert loan.charges_paused_through == business_date_today()
    assert loan.charges_paused_through < TODAY + timedelta(days=30)
    application.refresh_from_db()
    assert application.status not in Application.OPEN


def test_expiring_as_of_a_day_ends_the_breathing_space_that_day(
    applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    application = submitted(user, loans)
    services.information_request(application_id=application.pk, staff=reviewer, message="Payslips, please.")
    day = TODAY + timedelta(days=29)  # past the information's date, within the 30 days' pause

    assert services.applications_expire(today=day) == 1

    loans[0].refresh_from_db()
    assert loans[0].charges_paused_through == day


# --- the second approval (maker-checker) -----------------------------------------------------------


@pytest.fixture
def in_review(applicant: tuple[User, list[Loan]], reviewer: User) -> Application:
    user, loans = applicant
    application = submitted(user, loans)
    return services.review_start(application_id=application.pk, staff=reviewer)


def test_an_offer_above_the_threshold_waits_for_a_second_approver(
    in_review: Application, reviewer: User
) -> None:
    set_policy(second_approval_threshold=Decimal("1.00"))
    maker, checker = make_staff(APPROVERS), make_staff(APPROVERS)
    expected_given_up = sum(
        (plan.given_up for plan in services.offer_plans(application=in_review, terms=WAIVER)), Decimal(0)
    )
    assert expected_given_up > Decimal("1.00")

    offer = services.offer_make(application_id=in_review.pk, staff=maker, terms=WAIVER, note="Fees waived.")

    assert (offer.status, offer.given_up, offer.approved_by) == (
        Offer.Status.AWAITING_APPROVAL,
        expected_given_up,
        None,
    )
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert in_review.offer_expires_on is None
    assert not in_review.events.filter(action="offer").exists()
    with pytest.raises(ApplicationError):  # one waiting offer at a time
        services.offer_make(application_id=in_review.pk, staff=maker, terms=EXTENSION)

    before = snapshot(in_review)
    for refused in (maker, reviewer):  # the maker, though an approver; a reviewer, who may not approve
        with pytest.raises(ApplicationError):
            services.offer_approve(offer_id=offer.pk, approver=refused)
        with pytest.raises(ApplicationError):
            services.offer_decline(offer_id=offer.pk, approver=refused, note="No.")
    assert snapshot(in_review) == before

    services.offer_approve(offer_id=offer.pk, approver=checker)

    offer.refresh_from_db()
    assert (offer.status, offer.approved_by, offer.made_by) == (Offer.Status.OPEN, checker, maker)
    assert offer.approved_at is not None
    in_review.refresh_from_db()
    assert in_review.status == Status.OFFERED
    assert in_review.offer_expires_on == TODAY + timedelta(days=14)
    event = last_event(in_review)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "offer",
        Status.IN_REVIEW,
        Status.OFFERED,
        checker,
    )
    with pytest.raises(ApplicationError):  # approved once
        services.offer_approve(offer_id=offer.pk, approver=make_staff(APPROVERS))


def test_a_declined_offer_leaves_the_application_in_review(in_review: Application) -> None:
    set_policy(second_approval_threshold=Decimal("1.00"))
    maker, checker = make_staff(APPROVERS), make_staff(APPROVERS)
    offer = services.offer_make(application_id=in_review.pk, staff=maker, terms=WAIVER)
    with pytest.raises(ApplicationError):
        services.offer_decline(offer_id=offer.pk, approver=checker, note="   ")  # a note is needed

    services.offer_decline(offer_id=offer.pk, approver=checker, note="Too generous.")

    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert list(in_review.events.values_list("action", flat=True)) == ["start", "submit", "start_review"]
    with pytest.raises(ApplicationError):
        services.offer_approve(offer_id=offer.pk, approver=checker)
    # another offer can be made now, and one within the threshold is offered at once
    small = services.offer_make(application_id=in_review.pk, staff=maker, terms=EXTENSION)
    assert small.status == Offer.Status.OPEN


def test_an_offer_exactly_at_the_threshold_needs_no_second_approval(
    in_review: Application, reviewer: User
) -> None:
    given_up = sum(
        (p.given_up for p in services.offer_plans(application=in_review, terms=WAIVER)), Decimal(0)
    )
    set_policy(second_approval_threshold=given_up)

    offer = services.offer_make(application_id=in_review.pk, staff=reviewer, terms=WAIVER)

    assert offer.status == Offer.Status.OPEN
    in_review.refresh_from_db()
    assert in_review.status == Status.OFFERED


def test_rejecting_takes_back_an_offer_waiting_for_approval(in_review: Application, reviewer: User) -> None:
    set_policy(second_approval_threshold=Decimal("1.00"))
    offer = services.offer_make(application_id=in_review.pk, staff=make_staff(APPROVERS), terms=WAIVER)

    services.application_reject(
        application_id=in_review.pk, staff=reviewer, reasons=[RejectionReason.OTHER], note="x"
    )

    offer.refresh_from_db()
    assert offer.status != Offer.Status.AWAITING_APPROVAL


def test_withdrawing_takes_back_every_live_offer(
    in_review: Application, applicant: tuple[User, list[Loan]]
) -> None:
    user, _loans = applicant
    set_policy(second_approval_threshold=Decimal("1.00"))
    offer = services.offer_make(application_id=in_review.pk, staff=make_staff(APPROVERS), terms=WAIVER)

    services.application_withdraw(application_id=in_review.pk, user=user)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_approving_an_offer_that_does_not_exist_is_an_application_error() -> None:
    with pytest.raises(ApplicationError):
        services.offer_approve(offer_id=999_999, approver=make_staff(APPROVERS))


# --- accepting -----------------------------------------------------------------------------------


def test_accepting_applies_the_offer_to_every_loan_once(
    applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    loans.append(make_loan_for(user))
    application = offered(user, loans, reviewer)
    offer = application.offers.get()

    services.offer_accept(application_id=application.pk, user=user)

    application.refresh_from_db()
    assert application.status == Status.APPLIED
    assert application.decided_at is not None
    for loan in loans:
        record = Restructure.objects.get(loan=loan)
        assert record.source == f"{application.reference}-{loan.pk}"
        assert record.terms == EXTENSION.as_dict()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert not application.loans.filter(is_open=True).exists()
    assert [(e.action, e.from_status, e.to_status) for e in application.events.order_by("at", "id")][-2:] == [
        ("accept", Status.OFFERED, Status.ACCEPTED),
        ("apply", Status.ACCEPTED, Status.APPLIED),
    ]
    report = reconcile()
    assert report.agrees, report.mismatches

    before = snapshot(application)
    with pytest.raises(ApplicationError, match="already accepted"):
        services.offer_accept(application_id=application.pk, user=user)
    assert snapshot(application) == before
    assert Restructure.objects.count() == len(loans)


def test_accepting_a_waiver_waives_the_fees_and_penalty(
    applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    loan = loans[0]
    assert loan.fee_balance + loan.penalty_balance > 0
    application = offered(user, loans, reviewer, terms=WAIVER)

    services.offer_accept(application_id=application.pk, user=user)

    loan.refresh_from_db()
    assert (loan.fee_balance, loan.penalty_balance) == (Decimal(0), Decimal(0))
    assert reconcile().agrees


def test_an_offer_past_its_date_cannot_be_accepted(
    applicant: tuple[User, list[Loan]], reviewer: User, settings: Any
) -> None:
    user, loans = applicant
    application = offered(user, loans, reviewer)
    assert application.offer_expires_on is not None
    settings.ANXIN_BUSINESS_DATE = (application.offer_expires_on + timedelta(days=1)).isoformat()
    before = snapshot(application)

    with pytest.raises(ApplicationError, match="expired"):
        services.offer_accept(application_id=application.pk, user=user)

    assert snapshot(application) == before


# --- expiry ----------------------------------------------------------------------------------------


def test_what_waited_too_long_expires_and_expiring_again_changes_nothing(
    reviewer: User,
) -> None:
    asked_user, asked_loans = make_applicant()
    asked = submitted(asked_user, asked_loans)
    services.information_request(application_id=asked.pk, staff=reviewer, message="Payslips, please.")
    offer_user, offer_loans = make_applicant()
    with_offer = offered(offer_user, offer_loans, reviewer)
    answered_user, answered_loans = make_applicant()
    answered = submitted(answered_user, answered_loans)
    services.information_request(application_id=answered.pk, staff=reviewer, message="Payslips, please.")
    services.information_answer(application_id=answered.pk, user=answered_user, message="Sent.")
    asked.refresh_from_db()
    assert asked.information_due_on == TODAY + timedelta(days=28)
    assert with_offer.offer_expires_on == TODAY + timedelta(days=14)

    assert services.applications_expire(today=TODAY + timedelta(days=14)) == 0  # due that day: not yet
    assert services.applications_expire(today=TODAY + timedelta(days=15)) == 1  # the offer
    assert services.applications_expire(today=TODAY + timedelta(days=29)) == 1  # the information

    def state() -> list[tuple[str, int, list[str]]]:
        return [
            (
                a.status,
                a.events.filter(action="expire").count(),
                list(a.offers.values_list("status", flat=True)),
            )
            for a in Application.objects.filter(pk__in=[asked.pk, with_offer.pk, answered.pk]).order_by("pk")
        ]

    after_first = state()
    assert after_first == [
        (Status.EXPIRED, 1, []),
        (Status.EXPIRED, 1, [Offer.Status.EXPIRED]),
        (Status.SUBMITTED, 0, []),
    ]
    events = ApplicationEvent.objects.count()
    assert services.applications_expire(today=TODAY + timedelta(days=29)) == 0
    assert services.applications_expire(today=LATER) == 0
    assert state() == after_first
    assert ApplicationEvent.objects.count() == events
    for application in (asked, with_offer):
        event = application.events.get(action="expire")
        assert event.actor is None
        assert event.to_status == Status.EXPIRED
    assert asked.events.get(action="expire").from_status == Status.INFORMATION_REQUESTED
    assert with_offer.events.get(action="expire").from_status == Status.OFFERED


# --- the event trail ---------------------------------------------------------------------------------


def test_every_move_is_an_event_with_its_actor_from_and_to(
    applicant: tuple[User, list[Loan]], reviewer: User
) -> None:
    user, loans = applicant
    application = submitted(user, loans)
    pk = application.pk
    services.review_start(application_id=pk, staff=reviewer)
    services.information_request(application_id=pk, staff=reviewer, message="Payslips, please.")
    services.information_answer(application_id=pk, user=user, message="Sent them.")
    services.offer_make(application_id=pk, staff=reviewer, terms=EXTENSION)
    services.offer_accept(application_id=pk, user=user)

    events = list(application.events.order_by("at", "id"))

    assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
        ("start", "", Status.DRAFT, user),
        ("submit", Status.DRAFT, Status.SUBMITTED, user),
        ("start_review", Status.SUBMITTED, Status.IN_REVIEW, reviewer),
        ("request_information", Status.IN_REVIEW, Status.INFORMATION_REQUESTED, reviewer),
        ("answer", Status.INFORMATION_REQUESTED, Status.SUBMITTED, user),
        ("offer", Status.SUBMITTED, Status.OFFERED, reviewer),
        ("accept", Status.OFFERED, Status.ACCEPTED, user),
        ("apply", Status.ACCEPTED, Status.APPLIED, None),
    ]
    for previous, event in itertools.pairwise(events):
        assert event.from_status == previous.to_status
        transition = TRANSITIONS[event.action]
        assert event.from_status in transition.sources
        assert event.to_status == transition.target
    assert events[3].note == "Payslips, please."
    assert events[4].note == "Sent them."
    assert list(Message.objects.filter(application=application).values_list("from_staff", "body")) == [
        (True, "Payslips, please."),
        (False, "Sent them."),
    ]
    application.refresh_from_db()
    assert application.information_due_on is None


def test_a_borrower_cannot_make_another_borrowers_loan_part_of_their_application() -> None:
    user = make_user("loanless@example.com")
    _owner, loans = make_applicant()
    with pytest.raises(ApplicationError):
        services.application_start(user=user, loan_ids=[loans[0].pk])
    assert not Application.objects.exists()
