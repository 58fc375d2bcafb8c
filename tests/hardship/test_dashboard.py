"""The dashboard lists the borrower's open applications with what they must do next, and only theirs."""

from typing import Any

import pytest
from django.urls import reverse

from hardship import services
from tests.hardship.factories import TODAY, make_applicant, make_staff, submitted
from tests.hardship.test_views import page, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _business_date(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()


def test_an_information_request_shows_on_the_dashboard_with_its_date_and_only_to_its_borrower() -> None:
    user, loans = make_applicant()
    application = submitted(user, loans)
    services.information_request(
        application_id=application.pk, staff=make_staff(), message="Payslip, please."
    )
    application.refresh_from_db()

    text = page(signed_in(user).get(reverse("portal:dashboard")))
    assert application.reference in text
    assert "please answer by" in text
    assert reverse("hardship:detail", args=[application.reference]) in text

    other, _loans = make_applicant()
    assert application.reference not in page(signed_in(other).get(reverse("portal:dashboard")))

    services.application_withdraw(application_id=application.pk, user=user)
    assert application.reference not in page(signed_in(user).get(reverse("portal:dashboard")))
