"""How a borrower reaches the lender: the service line, the official ways to repay, and messages to staff.

The contact details and repayment accounts are data that staff keep up to date in the admin (every change
audited), because a borrower who cannot find the real account is the one a fake "debt-relief agent"
reaches first. A message is the borrower's own: only they see it on the site, and Support answers it in
the admin (portal.services).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.i18n import in_language


class ContactDetails(models.Model):
    """The lender's service line: one row (pk 1), created by migration 0002 and edited in the admin."""

    SINGLETON_PK = 1

    service_phone = models.CharField(_("service phone"), max_length=32)
    hours_zh_hans = models.CharField(_("opening hours (Chinese)"), max_length=200)
    hours_en = models.CharField(_("opening hours (English)"), max_length=200)
    reply_time_zh_hans = models.CharField(_("how soon messages are answered (Chinese)"), max_length=200)
    reply_time_en = models.CharField(_("how soon messages are answered (English)"), max_length=200)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="contactdetails_single_row")]

    def __str__(self) -> str:
        return str(_("Contact details"))

    @property
    def hours(self) -> str:
        return in_language(self.hours_zh_hans, self.hours_en)

    @property
    def reply_time(self) -> str:
        return in_language(self.reply_time_zh_hans, self.reply_time_en)


class RepaymentAccount(models.Model):
    """A bank account of the lender's that borrowers may pay into by transfer."""

    account_name_zh_hans = models.CharField(_("account name (Chinese)"), max_length=100)
    account_name_en = models.CharField(_("account name (English)"), max_length=100)
    account_number = models.CharField(_("account number"), max_length=40)
    bank_zh_hans = models.CharField(_("bank and branch (Chinese)"), max_length=100)
    bank_en = models.CharField(_("bank and branch (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order on the page"), default=0)
    is_shown = models.BooleanField(_("shown to borrowers"), default=True)

    class Meta:
        verbose_name = _("official repayment account")
        verbose_name_plural = _("official repayment accounts")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["account_number"], name="repaymentaccount_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.bank_zh_hans} {self.account_number}"

    @property
    def account_name(self) -> str:
        return in_language(self.account_name_zh_hans, self.account_name_en)

    @property
    def bank(self) -> str:
        return in_language(self.bank_zh_hans, self.bank_en)


class RepaymentChannel(models.Model):
    """Another official way to repay (the app, automatic debit, …), with how to use it."""

    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    how_zh_hans = models.CharField(_("how to use it (Chinese)"), max_length=300)
    how_en = models.CharField(_("how to use it (English)"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order on the page"), default=0)
    is_shown = models.BooleanField(_("shown to borrowers"), default=True)

    class Meta:
        verbose_name = _("official repayment channel")
        verbose_name_plural = _("official repayment channels")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name_zh_hans

    @property
    def name(self) -> str:
        return in_language(self.name_zh_hans, self.name_en)

    @property
    def how(self) -> str:
        return in_language(self.how_zh_hans, self.how_en)


class SupportMessage(models.Model):
    """A borrower's message to staff, and staff's answer. Never deleted: it is a record of what was said."""

    class Topic(models.TextChoices):
        PROMISE_TO_PAY = "promise_to_pay", _("When I can pay")
        CANNOT_PAY = "cannot_pay", _("I cannot pay on time")
        PAYMENT = "payment", _("A payment or what I owe")
        ACCOUNT = "account", _("My account or linking a loan")
        # A complaint is a message like any other, marked so Support finds it (the admin filters by it).
        COMPLAINT = "complaint", _("A complaint, e.g. about how you were contacted")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for our answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="support_messages",
    )
    loan = models.ForeignKey(
        "borrowers.Loan",
        verbose_name=_("loan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_messages",
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    reply = models.TextField(_("our answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message from a borrower")
        verbose_name_plural = _("messages from borrowers")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["user", "-sent_at"]), models.Index(fields=["status", "sent_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(reply=""), name="supportmessage_answered_has_reply"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_topic_display()}"
