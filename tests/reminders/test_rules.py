"""The reminder rules: six seeded by the data migration, their placeholders checked on save (an unknown
name, an attribute or an index refused, naming it), and staff's edits in the admin audited."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from reminders.forms_admin import ReminderRuleForm
from reminders.models import ReminderRule
from reminders.placeholders import PLACEHOLDERS, fill, placeholder_errors
from tests.conftest import enrol_totp, make_user

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_six_rules_whose_texts_check_and_say_what_every_reminder_must() -> None:
    rules = {rule.code: rule for rule in ReminderRule.objects.all()}
    assert set(rules) == {
        "before_due_3",
        "before_due_1",
        "before_due_0",
        "overdue_1",
        "overdue_7",
        "overdue_30",
    }
    assert {(r.kind, r.days) for r in rules.values()} == {
        ("before_due", 3),
        ("before_due", 1),
        ("before_due", 0),
        ("overdue", 1),
        ("overdue", 7),
        ("overdue", 30),
    }
    for rule in rules.values():
        rule.full_clean()
        assert 8 <= rule.send_hour <= 21
        for body in (rule.body_zh_hans, rule.body_en):
            for needed in ("{amount}", "{cost_of_waiting}", "{next_milestone}", "{link}"):
                assert needed in body, (rule.code, needed)
        # Chinese punctuation is full-width.
        assert "," not in rule.body_zh_hans.replace("{", "").replace("}", "")
        assert "：" in rule.body_zh_hans


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Pay {amout} now", "{amout}"),
        ("{name.__class__}", "{name.__class__}"),
        ("{reference[0]}", "{reference[0]}"),
        ("{amount!r}", "{amount!r}"),
        ("{amount:>20}", "{amount:>20}"),
        ("{}", "{}"),
        ("{0}", "{0}"),
    ],
)
def test_a_bad_placeholder_is_refused_naming_it(text: str, named: str) -> None:
    with translation.override("en"):
        problems = placeholder_errors(text)
    assert len(problems) == 1
    assert named in problems[0]


def test_a_lone_brace_is_refused_and_doubled_braces_are_text() -> None:
    with translation.override("en"):
        assert "brace" in placeholder_errors("Pay {amount")[0]
    assert placeholder_errors("Pay {{now}} {amount}") == []
    assert fill("Pay {{now}} {amount}", {"amount": "¥1.00"}) == "Pay {now} ¥1.00"


def test_fill_never_follows_attributes_even_if_a_text_got_past_the_check() -> None:
    assert fill("{amount}{name.__class__}", {"amount": "¥1.00"}) == "¥1.00"
    assert set(PLACEHOLDERS) >= {"name", "reference", "amount", "due_date", "pay_by", "link"}


def _form_data(rule: ReminderRule, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": rule.code,
        "kind": rule.kind,
        "days": rule.days,
        "channels": rule.channels,
        "send_hour": rule.send_hour,
        "priority": rule.priority,
        "active": rule.active,
        "subject_zh_hans": rule.subject_zh_hans,
        "subject_en": rule.subject_en,
        "body_zh_hans": rule.body_zh_hans,
        "body_en": rule.body_en,
    }
    data.update(changes)
    return data


def test_the_admin_form_refuses_an_unknown_placeholder_and_an_hour_in_the_quiet_hours() -> None:
    rule = ReminderRule.objects.get(code="overdue_7")
    with translation.override("en"):
        form = ReminderRuleForm(
            _form_data(rule, body_en="Pay {amount} by {when}", send_hour=22, channels=[]), instance=rule
        )
        assert not form.is_valid()
    assert "{when}" in form.errors["body_en"][0]
    assert "send_hour" in form.errors
    assert "channels" in form.errors
    rule.refresh_from_db()
    assert "{when}" not in rule.body_en


def test_a_body_that_leaves_out_the_amount_the_cost_of_waiting_or_the_milestone_is_refused() -> None:
    rule = ReminderRule.objects.get(code="overdue_1")
    with translation.override("en"):
        form = ReminderRuleForm(
            _form_data(rule, body_zh_hans="{name}你好，请尽快还款：{link}"), instance=rule
        )
        assert not form.is_valid()
        errors = " ".join(form.errors["body_zh_hans"])
    assert "{amount}" in errors
    assert "{cost_of_waiting}" in errors
    assert "{next_milestone}" in errors
    # The parts of the cost of waiting will do instead of the sentence.
    body = "{name}：{amount}，{pay_by}前还清；{charges_from}起加收{extra_fee}，每天{daily_penalty}。"
    body += "{next_milestone}"
    assert ReminderRuleForm(_form_data(rule, body_zh_hans=body), instance=rule).is_valid()


def _support_client() -> Client:
    agent = make_user("rules.agent@example.com", is_staff=True)
    agent.groups.add(Group.objects.get(name="Support"))
    enrol_totp(agent)
    client = Client()
    client.force_login(agent)
    return client


def test_support_edits_a_rule_in_the_admin_and_the_change_is_audited_with_before_and_after() -> None:
    rule = ReminderRule.objects.get(code="before_due_3")
    client = _support_client()
    url = reverse("admin:reminders_reminderrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, _form_data(rule, body_en="Hello {name.upper}", channels=["sms"]))
    assert refused.status_code == 200
    assert "{name.upper}" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="admin.reminderrule.changed").exists()

    response = client.post(url, _form_data(rule, send_hour=11, channels=["sms", "email"]))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.send_hour, rule.channels) == (11, ["sms", "email"])
    event = AuditEvent.objects.get(action="admin.reminderrule.changed")
    assert event.data["fields"]["send_hour"] == {"from": 10, "to": 11}
    # A rule is never deleted (turned off instead), and Support cannot add one.
    assert client.get(reverse("admin:reminders_reminderrule_delete", args=[rule.pk])).status_code == 403
    assert client.get(reverse("admin:reminders_reminderrule_add")).status_code == 403


@pytest.mark.parametrize("subject", ["Pay {reference}\r\nBcc: evil@example.com", "Two\nlines {reference}"])
def test_a_subject_with_a_line_break_is_refused(subject: str) -> None:
    """Found by the attack pass: it was saved, and every mail of the rule then failed."""
    rule = ReminderRule.objects.get(code="overdue_7")
    with translation.override("en"):
        form = ReminderRuleForm(_form_data(rule, subject_en=subject), instance=rule)
        assert not form.is_valid()
        assert "line break" in form.errors["subject_en"][0]
