"""Help is never a dead end: /help/ shows the service line, the official repayment channels and account
that staff keep in the admin, a signed-in borrower writes to staff and reads the answer, and every page
that says "contact us" shows how.

Contact details come from migration portal.0002 (demo values: 400-888-2026, one ICBC account). Loans come
from the factories: ¥1,200.00 from 2026-01-15, instalments due on the 15th from 2026-02-15; with the
business date pinned to 2026-03-31 and no payment, instalment 1 is 44 days overdue (2026-02-15 → 03-31).
"""

import importlib
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from borrowers import services as loan_services
from borrowers.models import Loan
from core.exceptions import ApplicationError
from core.models import AuditEvent
from portal import demo, services
from portal.models import ContactDetails, RepaymentAccount, SupportMessage
from tests.borrowers.factories import make_borrower, make_loan
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 31)
HELP = reverse("portal:help")
MESSAGES = reverse("portal:help_messages")
PHONE = "400-888-2026"


SUPPORT_PERMISSIONS: list[str] = importlib.import_module(
    "portal.migrations.0002_contact_defaults_and_support"
).SUPPORT["Support"]


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    # A browser test's flush empties what migration 0002 created; put it back as the migration would.
    demo.seed()
    if not Group.objects.filter(name="Support").exists():
        support = Group.objects.create(name="Support")
        codenames = [name.split(".", 1)[1] for name in SUPPORT_PERMISSIONS]
        support.permissions.add(
            *Permission.objects.filter(content_type__app_label="portal", codename__in=codenames)
        )


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def borrower_with_loan(email: str, *, overdue: bool = True) -> tuple[User, Loan]:
    user = make_user(email)
    loan = make_loan(
        borrower=make_borrower(user),
        disbursed_on=date(2026, 1, 15) if overdue else date(2026, 3, 20),
    )
    loan_services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
    return user, loan


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def send(client: Client, **data: str) -> Any:
    return client.post(MESSAGES, {"topic": "other", "body": "When is my next payment due?", **data})


def support_agent(email: str = "support@anxin.example") -> User:
    agent = User.objects.create_user(email=email, password=PASSWORD, is_staff=True)
    agent.groups.add(Group.objects.get(name="Support"))
    enrol_totp(agent)
    return agent


# --- the help page -------------------------------------------------------------------------------


def test_help_shows_the_service_line_and_the_official_repayment_account_in_both_languages(
    client: Client, english: Client
) -> None:
    chinese = text(Client().get(HELP))
    page = text(english.get(HELP))

    for shown in (chinese, page):
        assert f'href="tel:4008882026">{PHONE}</a>' in shown
        assert "1001 2026 0900 0088 888" in shown
    assert "每天 9:00–21:00" in chinese
    assert "安心消费金融有限公司" in chinese
    assert "我们绝不会要求你向个人账户还款。" in chinese
    assert "Every day 9:00–21:00" in page
    assert "Anxin Consumer Finance Co., Ltd." in page
    assert "Industrial and Commercial Bank of China, Shanghai Branch" in page
    assert "We never ask you to pay into a personal account." in page
    assert "The Anxin app" in page


def test_help_shows_what_staff_changed_in_the_admin_and_hides_an_account_they_withdrew(
    english: Client,
) -> None:
    ContactDetails.objects.filter(pk=1).update(service_phone="95588-1234", hours_en="Weekdays 8:00–20:00")
    RepaymentAccount.objects.update(is_shown=False)
    RepaymentAccount.objects.create(
        account_name_zh_hans="安心消费金融有限公司",
        account_name_en="Anxin Consumer Finance Co., Ltd.",
        account_number="6222 0000 1111",
        bank_zh_hans="招商银行",
        bank_en="China Merchants Bank",
    )

    page = text(english.get(HELP))

    assert "95588-1234" in page
    assert "Weekdays 8:00–20:00" in page
    assert PHONE not in page
    assert "6222 0000 1111" in page
    assert "1001 2026 0900 0088 888" not in page


def test_help_promises_no_online_application_that_does_not_exist(english: Client) -> None:
    page = text(english.get(HELP)).lower()

    assert "apply online" not in page
    assert "/restructur" not in page
    assert "/hardship" not in page


def test_a_visitor_is_asked_to_log_in_to_write_and_the_message_pages_need_a_login(english: Client) -> None:
    page = text(english.get(HELP))
    response = english.get(MESSAGES)

    assert f"{reverse('account_login')}?next={MESSAGES}" in page
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- where a page says "contact us" --------------------------------------------------------------


def test_the_overdue_banner_points_to_a_real_channel_for_a_promise_to_pay(client: Client) -> None:
    user, loan = borrower_with_loan("late@example.com")
    client.force_login(user)

    for page in (text(client.get(reverse("portal:dashboard"))), text(client.get(reverse("borrowers:loans")))):
        assert f"{MESSAGES}?topic=promise_to_pay&amp;loan={loan.reference}" in page
        assert f"{HELP}#contact" in page
        assert f"{HELP}#promise" not in page
        assert PHONE in page
    form = text(client.get(MESSAGES, {"topic": "promise_to_pay", "loan": loan.reference}))
    assert '<option value="promise_to_pay" selected>' in form
    assert f'<option value="{loan.reference}" selected>' in form


def test_the_loan_link_page_shows_how_to_contact_us_when_linking_is_paused(client: Client) -> None:
    client.force_login(make_user("new@example.com"))
    for _ in range(6):
        response = client.post(
            reverse("borrowers:link"),
            {"reference": "AX-NONE", "date_of_birth": "2000-01-01", "national_id_last4": "1234"},
        )

    page = text(response)
    assert "请联系我们" in page
    assert f'href="tel:4008882026">{PHONE}</a>' in page
    assert f"{MESSAGES}?topic=account" in page


# --- writing to staff ----------------------------------------------------------------------------


def test_a_borrower_sends_a_message_about_their_own_loan_and_sees_it_waiting(english: Client) -> None:
    user, loan = borrower_with_loan("me@example.com")
    english.force_login(user)

    response = send(english, topic="promise_to_pay", loan=loan.reference, body="  I can pay on 15 April.  ")

    message = SupportMessage.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:help_message", args=[message.pk])
    assert (message.topic, message.loan, message.body, message.status) == (
        "promise_to_pay",
        loan,
        "I can pay on 15 April.",
        SupportMessage.Status.OPEN,
    )
    assert AuditEvent.objects.filter(
        action="support_message.sent", actor=user, object_id=str(message.pk)
    ).exists()
    listed = text(english.get(MESSAGES))
    assert "When I can pay" in listed
    assert "Waiting for our answer" in listed
    assert "We have your message and will answer here." in text(english.get(response["Location"]))


def test_another_borrowers_loan_is_refused_with_a_message_and_nothing_is_sent(english: Client) -> None:
    user, _ = borrower_with_loan("me@example.com")
    _, theirs = borrower_with_loan("them@example.com")
    english.force_login(user)

    page = text(send(english, loan=theirs.reference))

    assert "Choose one of your own loans." in page
    assert not SupportMessage.objects.exists()


def test_the_service_refuses_another_borrowers_loan_even_without_the_form() -> None:
    user, _ = borrower_with_loan("me@example.com")
    _, theirs = borrower_with_loan("them@example.com")

    with pytest.raises(ApplicationError) as refused:
        services.support_message_send(user=user, topic="other", body="About that loan", loan=theirs)

    assert refused.value.code == "not_your_loan"
    assert not SupportMessage.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"topic": "refund_me"}, "Choose what your message is about."),
        ({"topic": ""}, "Choose what your message is about."),
        ({"body": ""}, "Write your message."),
        ({"body": "hi"}, "Write at least 5 characters."),
        ({"body": "x" * 2001}, "Keep it to 2000 characters (it has 2001)."),
        ({"loan": "AX-NO-SUCH"}, "Choose one of your own loans."),
        # A right-to-left override would show the text to Support in another order than it was typed.
        ({"body": "please call \u202elatot"}, "invisible control characters"),
        ({"body": "bell \x07 ringing"}, "invisible control characters"),
    ],
)
def test_bad_input_gets_a_clear_message_and_sends_nothing(
    english: Client, data: dict[str, str], error: str
) -> None:
    user, _ = borrower_with_loan("me@example.com")
    english.force_login(user)

    page = text(send(english, **data))

    assert error in page
    assert not SupportMessage.objects.exists()


def test_a_burst_of_messages_is_stopped_after_five_in_an_hour_with_a_plain_message(english: Client) -> None:
    user, _ = borrower_with_loan("me@example.com")
    english.force_login(user)
    for n in range(services.MESSAGES_PER_HOUR):
        assert send(english, body=f"Question number {n}").status_code == 302

    page = text(send(english, body="One more question"))

    assert "You have sent us several messages in a short time." in page
    assert SupportMessage.objects.filter(user=user).count() == services.MESSAGES_PER_HOUR


def test_a_borrower_never_sees_another_borrowers_message(client: Client) -> None:
    owner, _ = borrower_with_loan("owner@example.com")
    theirs = services.support_message_send(user=owner, topic="other", body="My secret question")
    client.force_login(make_user("other@example.com"))

    detail = client.get(reverse("portal:help_message", args=[theirs.pk]))
    listed = text(client.get(MESSAGES))

    assert detail.status_code == 404
    assert "My secret question" not in listed


# --- Support answers in the admin ----------------------------------------------------------------


def test_support_answers_in_the_admin_and_the_borrower_reads_the_answer(english: Client) -> None:
    user, loan = borrower_with_loan("me@example.com")
    message = services.support_message_send(user=user, topic="cannot_pay", body="I lost my job.", loan=loan)
    agent = support_agent()
    staff = Client()
    staff.cookies["django_language"] = "en"
    staff.force_login(agent)
    answer_url = reverse("admin:portal_supportmessage_answer", args=[message.pk])

    queue = staff.get(reverse("admin:portal_supportmessage_changelist"))
    page = text(staff.get(answer_url))
    answered = staff.post(answer_url, {"action": "answer", "reply": "We will call you tomorrow at 10:00."})

    assert queue.status_code == 200
    assert answer_url in queue.content.decode()
    assert "I lost my job." in page
    assert answered.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.answered_by) == (SupportMessage.Status.ANSWERED, agent)
    event = AuditEvent.objects.get(action="support_message.answered", object_id=str(message.pk))
    assert event.actor == agent
    assert event.data == {"from": "open", "to": "answered", "replied": True}
    english.force_login(user)
    shown = text(english.get(reverse("portal:help_message", args=[message.pk])))
    assert "We will call you tomorrow at 10:00." in shown
    assert "Answered" in shown


def test_an_answer_needs_text_and_a_closed_message_stays_closed(client: Client) -> None:
    user, _ = borrower_with_loan("me@example.com")
    message = services.support_message_send(user=user, topic="other", body="Thanks, all sorted.")
    client.cookies["django_language"] = "en"
    client.force_login(support_agent())
    answer_url = reverse("admin:portal_supportmessage_answer", args=[message.pk])

    empty = text(client.post(answer_url, {"action": "answer", "reply": "  "}))
    closed = client.post(answer_url, {"action": "close", "reply": ""})
    again = text(client.post(answer_url, {"action": "answer", "reply": "Late reply"}))

    assert "Write the answer the borrower will read." in empty
    assert closed.status_code == 302
    message.refresh_from_db()
    assert message.status == SupportMessage.Status.CLOSED
    assert message.reply == ""
    assert "cannot be changed that way" in again
    assert AuditEvent.objects.filter(action="support_message.closed", object_id=str(message.pk)).count() == 1


def test_staff_without_the_right_cannot_answer_and_nobody_deletes_a_message(client: Client) -> None:
    user, _ = borrower_with_loan("me@example.com")
    message = services.support_message_send(user=user, topic="other", body="A question for you")
    editor = User.objects.create_user(email="editor@anxin.example", password=PASSWORD, is_staff=True)
    enrol_totp(editor)
    client.force_login(editor)

    refused = client.post(
        reverse("admin:portal_supportmessage_answer", args=[message.pk]), {"action": "answer", "reply": "x"}
    )
    client.force_login(support_agent())
    delete = client.get(reverse("admin:portal_supportmessage_delete", args=[message.pk]))

    assert refused.status_code == 403
    assert delete.status_code == 403
    message.refresh_from_db()
    assert message.status == SupportMessage.Status.OPEN


def test_the_support_group_reads_and_answers_messages_and_only_reads_the_repayment_account() -> None:
    granted = set(
        Group.objects.get(name="Support")
        .permissions.filter(content_type__app_label="portal")
        .values_list("codename", flat=True)
    )

    assert granted == {
        "view_supportmessage",
        "change_supportmessage",
        "view_contactdetails",
        "view_repaymentaccount",
        "view_repaymentchannel",
    }


def test_a_change_to_the_contact_details_in_the_admin_is_audited_with_old_and_new_values(
    client: Client,
) -> None:
    admin = User.objects.create_superuser(email="admin@anxin.example", password=PASSWORD)
    enrol_totp(admin)
    client.force_login(admin)
    details = ContactDetails.objects.get(pk=1)
    data = {
        "service_phone": "400-111-2222",
        "hours_zh_hans": details.hours_zh_hans,
        "hours_en": details.hours_en,
        "reply_time_zh_hans": details.reply_time_zh_hans,
        "reply_time_en": details.reply_time_en,
    }

    response = client.post(reverse("admin:portal_contactdetails_change", args=[1]), data)
    add = client.get(reverse("admin:portal_contactdetails_add"))

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.contactdetails.changed")
    assert event.data["fields"] == {"service_phone": {"from": PHONE, "to": "400-111-2222"}}
    assert add.status_code == 403  # one row only
    assert "400-111-2222" in text(Client().get(HELP))


def test_the_demo_seed_puts_back_missing_contact_details_and_keeps_what_staff_edited() -> None:
    ContactDetails.objects.all().delete()
    RepaymentAccount.objects.all().delete()
    demo.seed()
    ContactDetails.objects.filter(pk=1).update(service_phone="400-111-2222")
    demo.seed()

    assert ContactDetails.objects.get().service_phone == "400-111-2222"
    assert list(RepaymentAccount.objects.values_list("account_number", flat=True)) == [
        "1001 2026 0900 0088 888"
    ]


def test_an_account_with_no_loan_linked_yet_can_still_write_to_us(english: Client) -> None:
    user = make_user("new@example.com")
    english.force_login(user)

    form = text(english.get(MESSAGES, {"topic": "account"}))
    response = send(english, topic="account", body="I cannot link my loan.")

    assert 'name="loan"' not in form
    assert response.status_code == 302
    assert SupportMessage.objects.get(user=user).loan is None
