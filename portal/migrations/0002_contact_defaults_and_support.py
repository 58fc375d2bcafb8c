"""Default contact details and repayment channels, so a fresh install shows real-looking help; and Support's
rights over borrowers' messages.

The phone number, bank account and channels below are demo values: a deployment replaces them in the admin
(Portal → contact details / official repayment accounts) before going live. A database that already has
contact details keeps them.

Support reads and answers (changes) messages; it may read, not change, the contact details and accounts:
the account borrowers are told to pay into is changed by an administrator, and every change is audited.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.staff_permissions import groups_grant, groups_revoke

CONTACT_DETAILS = {
    "service_phone": "400-888-2026",
    "hours_zh_hans": "每天 9:00–21:00（法定节假日 10:00–18:00）",
    "hours_en": "Every day 9:00–21:00 (public holidays 10:00–18:00)",
    "reply_time_zh_hans": "我们会在 1 个工作日内回复你的留言。",
    "reply_time_en": "We answer messages within one working day.",
}
REPAYMENT_ACCOUNTS = [
    {
        "account_name_zh_hans": "安心消费金融有限公司",
        "account_name_en": "Anxin Consumer Finance Co., Ltd.",
        "account_number": "1001 2026 0900 0088 888",
        "bank_zh_hans": "中国工商银行上海分行营业部",
        "bank_en": "Industrial and Commercial Bank of China, Shanghai Branch",
        "position": 1,
    }
]
REPAYMENT_CHANNELS = [
    {
        "name_zh_hans": "安心 App",
        "name_en": "The Anxin app",
        "how_zh_hans": "打开“我的借款”，选择要还的借款，点“还款”。",
        "how_en": "Open “My loans”, choose the loan and tap “Repay”.",
        "position": 1,
    },
    {
        "name_zh_hans": "自动扣款",
        "name_en": "Automatic debit",
        "how_zh_hans": "到期日当天从借款时绑定的银行卡自动扣款。请在到期日前确保卡内余额充足。",
        "how_en": "On the due date the instalment is taken from the bank card linked to your loan. "
        "Make sure the money is in the account the day before.",
        "position": 2,
    },
    {
        "name_zh_hans": "银行转账",
        "name_en": "Bank transfer",
        "how_zh_hans": "转账到下面的公司对公账户，并在附言中写上借款编号。",
        "how_en": "Transfer to the company account below, with your loan reference in the payment note.",
        "position": 3,
    },
]
SUPPORT = {
    "Support": [
        "portal.view_supportmessage",
        "portal.change_supportmessage",
        "portal.view_contactdetails",
        "portal.view_repaymentaccount",
        "portal.view_repaymentchannel",
    ]
}


def create_defaults(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ContactDetails = apps.get_model("portal", "ContactDetails")
    if not ContactDetails.objects.exists():
        ContactDetails.objects.create(pk=1, **CONTACT_DETAILS)
    RepaymentAccount = apps.get_model("portal", "RepaymentAccount")
    if not RepaymentAccount.objects.exists():
        for account in REPAYMENT_ACCOUNTS:
            RepaymentAccount.objects.create(**account)
    RepaymentChannel = apps.get_model("portal", "RepaymentChannel")
    if not RepaymentChannel.objects.exists():
        for channel in REPAYMENT_CHANNELS:
            RepaymentChannel.objects.create(**channel)
    groups_grant(apps, SUPPORT)


def remove_defaults(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    groups_revoke(apps, SUPPORT)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
