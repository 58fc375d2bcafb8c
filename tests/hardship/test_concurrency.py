"""Twenty requests at once (PostgreSQL, real transactions and row locks): the same draft submitted, the same
offer accepted. Exactly one wins; the others are told why (ApplicationError) and change nothing, and the
ledger reconciles.

Each thread has its own database connection (closed when it ends); a `threading.Barrier` releases them
together. Outside CI the tests skip when the database is not PostgreSQL (tests.conftest.require)."""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections, connection

from borrowers.models import LedgerEntry, Loan, Restructure
from borrowers.reconciliation import reconcile
from core.exceptions import ApplicationError
from core.models import AuditEvent
from hardship import services
from hardship.models import Application, ApplicationEvent, Offer
from tests.conftest import require
from tests.hardship.factories import (
    APPROVERS,
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

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("hardship_concurrency")]

THREADS = 20


@pytest.fixture(autouse=True)
def _postgres_and_business_date(settings: Any) -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()


def all_at_once(call: Callable[[], object], threads: int = THREADS) -> list[str]:
    """Run ``call`` in ``threads`` threads released together: "ok", "refused" (ApplicationError) or the
    repr of anything else that went wrong, one per thread."""
    start = threading.Barrier(threads)
    outcomes: list[str] = [""] * threads

    def run(n: int) -> None:
        try:
            start.wait(timeout=30)
            call()
            outcomes[n] = "ok"
        except ApplicationError:
            outcomes[n] = "refused"
        except Exception as error:  # reported by the assertion, with its type
            outcomes[n] = repr(error)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_twenty_submits_of_one_draft_submit_it_once() -> None:
    user, loans = make_applicant()
    application = draft(user, loans)

    outcomes = all_at_once(
        lambda: services.application_submit(application_id=application.pk, user=user, declared=True)
    )

    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    submits = ApplicationEvent.objects.filter(application=application, action="submit")
    assert [(e.from_status, e.to_status, e.actor_id) for e in submits] == [("draft", "submitted", user.pk)]
    assert AuditEvent.objects.filter(action="hardship.submit").count() == 1
    loans[0].refresh_from_db()
    assert loans[0].charges_paused_through == application.breathing_space_through


@pytest.mark.django_db(transaction=True)
def test_twenty_accepts_of_one_offer_restructure_each_loan_once() -> None:
    user, loans = make_applicant()
    loans.append(make_loan_for(user))
    application = offered(user, loans, make_staff())
    entries_before = LedgerEntry.objects.count()

    outcomes = all_at_once(lambda: services.offer_accept(application_id=application.pk, user=user))

    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1)
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED
    for loan in loans:
        assert Restructure.objects.filter(loan=loan).count() == 1
    assert Restructure.objects.count() == len(loans)
    actions = list(
        ApplicationEvent.objects.filter(application=application, action__in=["accept", "apply"]).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["accept", "apply"]
    assert list(application.offers.values_list("status", flat=True)) == [Offer.Status.ACCEPTED]
    assert LedgerEntry.objects.count() > entries_before
    report = reconcile()
    assert report.agrees, report.mismatches


@pytest.mark.django_db(transaction=True)
def test_accepting_and_withdrawing_at_once_leaves_one_outcome() -> None:
    """Half the threads accept, half withdraw: whichever locks first wins, the rest are refused, and the
    loans are restructured if and only if the application was applied."""
    user, loans = make_applicant()
    application = offered(user, loans, make_staff())
    turn = iter(range(THREADS))
    lock = threading.Lock()

    def accept_or_withdraw() -> object:
        with lock:
            n = next(turn)
        if n % 2:
            return services.application_withdraw(application_id=application.pk, user=user)
        return services.offer_accept(application_id=application.pk, user=user)

    outcomes = all_at_once(accept_or_withdraw)

    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1)
    application.refresh_from_db()
    assert application.status in (Application.Status.APPLIED, Application.Status.WITHDRAWN)
    restructured = Restructure.objects.filter(loan=loans[0]).count()
    assert restructured == (1 if application.status == Application.Status.APPLIED else 0)
    loan = Loan.objects.get(pk=loans[0].pk)
    if application.status == Application.Status.WITHDRAWN:
        assert loan.charges_paused_through == TODAY
    assert reconcile().agrees


@pytest.mark.django_db(transaction=True)
def test_approving_an_offer_while_the_borrower_withdraws_never_deadlocks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each thread is held just after taking its first lock until the other has taken its own, so the
    interleaving that deadlocks with opposite lock orders is the one that runs; with one lock order, the
    second waits for the first and is refused."""
    user, loans = make_applicant()
    set_policy(second_approval_threshold=Decimal("1.00"))
    application = submitted(user, loans)
    offer = services.offer_make(application_id=application.pk, staff=make_staff(APPROVERS), terms=WAIVER)
    assert offer.status == Offer.Status.AWAITING_APPROVAL
    approver = make_staff(APPROVERS)
    real_locked = services._locked
    first_locks_taken = threading.Barrier(2, timeout=10)

    def locked(application_id: int) -> Application:
        if threading.current_thread().name == "approve":
            first_locks_taken.wait()  # approve holds what it locked before the application, if anything
            return real_locked(application_id)
        application = real_locked(application_id)
        first_locks_taken.wait()  # withdraw holds the application
        return application

    monkeypatch.setattr(services.common, "_locked", locked)
    outcomes: dict[str, str] = {}

    def run(name: str, call: Callable[[], object]) -> None:
        try:
            call()
            outcomes[name] = "ok"
        except ApplicationError:
            outcomes[name] = "refused"
        except Exception as error:
            outcomes[name] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        finally:
            connection.close()

    def withdraw() -> object:
        return services.application_withdraw(application_id=application.pk, user=user)

    threads = [
        threading.Thread(
            name="approve",
            target=run,
            args=("approve", lambda: services.offer_approve(offer_id=offer.pk, approver=approver)),
        ),
        threading.Thread(
            name="withdraw",
            target=run,
            args=("withdraw", withdraw),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["ok", "refused"], outcomes
