"""The six reminder rules a lender starts with: 3 days, 1 day and the day before a due date; 1, 7 and 30
days overdue. Staff change them in the admin afterwards (channels, hour, words); these are the first
words. Each says the amount, the cost of waiting and the next milestone, and links to the loan (or, once
overdue, to the page where the borrower promises a date)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

RULES = [
    {
        "code": "before_due_3",
        "kind": "before_due",
        "days": 3,
        "channels": ["sms", "in_app"],
        "send_hour": 10,
        "priority": 60,
        "subject_zh_hans": "还款提醒：{due_date}到期",
        "subject_en": "Reminder: a payment is due on {due_date}",
        "body_zh_hans": (
            "{name}你好，你的借款{reference}本期应还{amount}，将于{due_date}到期。{cost_of_waiting}"
            "{next_milestone}提前安排好，就不用多付一分钱。查看或还款：{link}"
        ),
        "body_en": (
            "Hello {name}, {amount} is due on {due_date} for your loan {reference}. {cost_of_waiting} "
            "{next_milestone} Planning ahead means paying nothing extra. See it or pay: {link}"
        ),
    },
    {
        "code": "before_due_1",
        "kind": "before_due",
        "days": 1,
        "channels": ["sms", "in_app"],
        "send_hour": 10,
        "priority": 50,
        "subject_zh_hans": "还款提醒：明天到期",
        "subject_en": "Reminder: a payment is due tomorrow",
        "body_zh_hans": (
            "{name}你好，你的借款{reference}本期{amount}将于明天{due_date}到期。{cost_of_waiting}"
            "{next_milestone}如已还款，请忽略本条提醒。查看或还款：{link}"
        ),
        "body_en": (
            "Hello {name}, {amount} for your loan {reference} is due tomorrow, {due_date}. {cost_of_waiting} "
            "{next_milestone} If you have paid already, please ignore this reminder. See it or pay: {link}"
        ),
    },
    {
        "code": "before_due_0",
        "kind": "before_due",
        "days": 0,
        "channels": ["sms", "in_app"],
        "send_hour": 9,
        "priority": 40,
        "subject_zh_hans": "还款提醒：今天到期",
        "subject_en": "Reminder: a payment is due today",
        "body_zh_hans": (
            "{name}你好，你的借款{reference}本期{amount}今天到期。{cost_of_waiting}{next_milestone}"
            "如已还款，请忽略本条提醒。查看或还款：{link}"
        ),
        "body_en": (
            "Hello {name}, {amount} for your loan {reference} is due today. {cost_of_waiting} "
            "{next_milestone} If you have paid already, please ignore this reminder. See it or pay: {link}"
        ),
    },
    {
        "code": "overdue_1",
        "kind": "overdue",
        "days": 1,
        "channels": ["sms", "in_app"],
        "send_hour": 10,
        "priority": 30,
        "subject_zh_hans": "你的借款{reference}有一笔还款未到账",
        "subject_en": "A payment on your loan {reference} has not arrived",
        "body_zh_hans": (
            "{name}你好，你的借款{reference}在{due_date}到期的款项还没有收到，目前应还{amount}。"
            "最晚在{pay_by}还清，就不会再增加费用。{cost_of_waiting}{next_milestone}"
            "如果一时周转不开，可以告诉我们你能还款的日期：{link}"
        ),
        "body_en": (
            "Hello {name}, the payment due on {due_date} for your loan {reference} has not arrived; {amount} "
            "is due now. Pay it by {pay_by} and nothing more is added. {cost_of_waiting} {next_milestone} "
            "If money is tight right now, tell us the date you can pay: {link}"
        ),
    },
    {
        "code": "overdue_7",
        "kind": "overdue",
        "days": 7,
        "channels": ["sms", "email", "in_app"],
        "send_hour": 10,
        "priority": 20,
        "subject_zh_hans": "你的借款{reference}已逾期{days_overdue}天",
        "subject_en": "Your loan {reference} is {days_overdue} days overdue",
        "body_zh_hans": (
            "{name}你好，你的借款{reference}已逾期{days_overdue}天，目前应还{amount}，最好在{pay_by}还清。"
            "{cost_of_waiting}{next_milestone}如果还款有困难，你可以承诺一个还款日期，"
            "或在“帮助”页申请困难协商，我们会认真考虑你的情况：{link}"
        ),
        "body_en": (
            "Hello {name}, your loan {reference} is {days_overdue} days overdue and {amount} is due now; "
            "best paid by {pay_by}. {cost_of_waiting} {next_milestone} If paying is hard, you can promise a "
            "date, or apply for a hardship arrangement on the Help page, and we will look at your situation "
            "carefully: {link}"
        ),
    },
    {
        "code": "overdue_30",
        "kind": "overdue",
        "days": 30,
        "channels": ["sms", "email", "in_app"],
        "send_hour": 10,
        "priority": 10,
        "subject_zh_hans": "重要：你的借款{reference}已逾期{days_overdue}天",
        "subject_en": "Important: your loan {reference} is {days_overdue} days overdue",
        "body_zh_hans": (
            "{name}你好，你的借款{reference}已逾期{days_overdue}天，目前应还{amount}。{next_milestone}"
            "{cost_of_waiting}现在还款、承诺一个还款日期，或申请困难协商，都还来得及。"
            "我们愿意和你一起想办法：{link}"
        ),
        "body_en": (
            "Hello {name}, your loan {reference} is {days_overdue} days overdue and {amount} is due now. "
            "{next_milestone} {cost_of_waiting} There is still time to pay, to promise a date, or to apply "
            "for a hardship arrangement. We are ready to work it out with you: {link}"
        ),
    },
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    for rule in RULES:
        ReminderRule.objects.update_or_create(code=rule["code"], defaults=rule)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("reminders", "ReminderRule").objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
