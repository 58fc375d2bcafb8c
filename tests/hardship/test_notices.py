"""The mails an application's moves send: the borrower hears there is news (in their language, with the
link, and nothing of the terms or reasons); whoever made an accepted offer hears it is in place."""

import pytest
from django.test import override_settings

from borrowers.models import BorrowerProfile
from hardship import services
from hardship.models import Application
from notifications.models import OutboundEmail
from tests.hardship.factories import EXTENSION, TODAY, make_applicant, make_staff, offered, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _business_date(settings):  # type: ignore[no-untyped-def]
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()


def mails_to(email: str) -> list[OutboundEmail]:
    return [mail for mail in OutboundEmail.objects.order_by("pk") if email in mail.to]


@override_settings(ACCOUNTS_SITE_URL="https://anxin.example")
def test_the_borrower_hears_of_a_request_and_of_the_arrangement_in_place_and_staff_of_the_acceptance() -> (
    None
):
    user, loans = make_applicant()
    BorrowerProfile.objects.filter(user=user).update(preferred_language="en")
    application = submitted(user, loans)
    assert mails_to(user.email) == []  # sending it is the borrower's own act: no mail

    reviewer = make_staff()
    services.information_request(
        application_id=application.pk, staff=reviewer, message="Your payslip, please."
    )
    [asked] = mails_to(user.email)
    assert asked.kind == "hardship_information_requested"
    assert application.reference in asked.subject
    assert f"https://anxin.example/help/apply/{application.reference}/" in asked.body_text
    assert "payslip" not in asked.body_text  # the request itself is read on the site only
    assert "Information requested" in asked.body_text  # in the borrower's language

    services.information_answer(application_id=application.pk, user=user, message="Attached.")
    maker = make_staff()
    services.offer_make(application_id=application.pk, staff=maker, terms=EXTENSION)
    services.offer_accept(application_id=application.pk, user=user)
    kinds = [m.kind for m in mails_to(user.email)]
    assert kinds == ["hardship_information_requested", "hardship_offered", "hardship_applied"]
    [accepted] = mails_to(maker.email)
    assert accepted.kind == "hardship_offer_accepted"
    assert application.reference in accepted.subject


def test_the_notice_follows_the_borrowers_language() -> None:
    user, loans = make_applicant()
    BorrowerProfile.objects.filter(user=user).update(preferred_language="zh-hans")
    application = offered(user, loans, make_staff())
    [notice] = mails_to(user.email)
    assert "已提出方案" in notice.body_text
    assert Application.objects.get(pk=application.pk).status == Application.Status.OFFERED
