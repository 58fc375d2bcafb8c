"""A person's mails, for their data rights: theirs exactly, never a mail to an address that contains
theirs (o@anxin.example is inside demo@anxin.example)."""

import pytest

from notifications import personal_data
from notifications.models import OutboundEmail
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def mail(to: list[str], subject: str) -> OutboundEmail:
    return OutboundEmail.objects.create(
        kind="test", to=to, from_email="noreply@anxin.example", subject=subject, body_text="body"
    )


def test_the_export_holds_only_mails_to_the_persons_own_address() -> None:
    mail(["demo@anxin.example"], "for demo")
    mail(["O@Anxin.example"], "for o, in capitals")
    mail(["Someone <o@anxin.example>"], "for o, with a name")
    (table,) = personal_data.export_tables(user=make_user("o@anxin.example"))
    assert sorted(row["subject"] for row in table.rows) == ["for o, in capitals", "for o, with a name"]


def test_erasing_a_persons_mails_leaves_anothers_untouched() -> None:
    other = mail(["zzvictim@anxin.example"], "someone else's, still queued")
    own = mail(["victim@anxin.example"], "mine")
    assert personal_data.erase(email="victim@anxin.example") == {"mails": 1}
    other.refresh_from_db()
    own.refresh_from_db()
    assert (other.to, other.subject, other.status) == (
        ["zzvictim@anxin.example"],
        "someone else's, still queued",
        "queued",
    )
    assert (own.to, own.subject) == ([], "")
