"""The reminders app's tables (issue 13): the reminder rules staff edit, the daily call list and the calls
Support makes, and the flags a call's outcome raises on a borrower (a wrong number, a dispute).

Other apps never import these models (import-linter's "models-reminders" contract): they ask
`reminders.selectors` or `reminders.services`. Loans and borrowers are named by string, so nothing here
imports `borrowers.models`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.contact_rules import QUIET_END, QUIET_START
from reminders.placeholders import missing_placeholders, placeholder_errors

CHANNELS = (
    ("sms", _("Text message")),
    ("email", _("Email")),
    ("in_app", _("In the app")),
)
CHANNEL_CODES = tuple(code for code, _label in CHANNELS)
# A rule's local hour must leave the message outside the quiet hours (22:00–08:00 the borrower's time).
FIRST_SEND_HOUR = QUIET_END.hour
LAST_SEND_HOUR = QUIET_START.hour - 1


class ReminderRule(models.Model):
    """One reminder: when it goes (N days before the due date, or N days overdue), on which channels, at
    which hour of the borrower's own day, and its words in both languages.

    Subject and body carry named placeholders, filled in per loan by `reminders.text`; the names allowed
    are `reminders.placeholders.PLACEHOLDERS`. Anything else (an unknown name, `{a.b}`, `{a[0]}`, a format
    spec, a lone brace) is refused when the rule is saved through a form (`clean`), and so is a body that
    leaves out what every reminder says: the amount, the cost of waiting, the next milestone."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Before the due date")
        OVERDUE = "overdue", _("Overdue")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("when"), max_length=12, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(
        _("days"),
        validators=[MaxValueValidator(365)],
        help_text=_("Days before the due date (0: on the day), or days past due."),
    )
    channels = models.JSONField(_("channels"), default=list, help_text=_("Text message, email, in the app."))
    send_hour = models.PositiveSmallIntegerField(
        _("local hour to send"),
        default=9,
        validators=[MinValueValidator(FIRST_SEND_HOUR), MaxValueValidator(LAST_SEND_HOUR)],
        help_text=_("In the borrower's own time zone, between 08 and 21 (no messages 22:00–08:00)."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=100,
        help_text=_("Lower goes first when the daily limit of 3 messages leaves room for only some."),
    )
    active = models.BooleanField(_("active"), default=True)
    subject_zh_hans = models.CharField(_("subject (Chinese)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_zh_hans = models.TextField(_("text (Chinese)"), max_length=1000)
    body_en = models.TextField(_("text (English)"), max_length=1000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    TEXT_FIELDS = ("subject_zh_hans", "subject_en", "body_zh_hans", "body_en")

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["kind", "days"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "days"], name="reminders_rule_one_per_kind_and_day"),
            models.CheckConstraint(
                condition=Q(send_hour__gte=FIRST_SEND_HOUR, send_hour__lte=LAST_SEND_HOUR),
                name="reminders_rule_hour_outside_quiet_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        for name in self.TEXT_FIELDS:
            problems = placeholder_errors(str(getattr(self, name) or ""))
            if problems:
                errors[name] = problems
        for name in ("body_zh_hans", "body_en"):
            missing = missing_placeholders(str(getattr(self, name) or ""))
            if missing and name not in errors:
                errors[name] = missing
        channels = self.channels if isinstance(self.channels, list) else None
        if (
            not channels
            or any(c not in CHANNEL_CODES for c in channels)
            or len(set(channels)) != len(channels)
        ):
            errors["channels"] = [str(_("Choose one or more of: text message, email, in the app."))]
        if errors:
            raise ValidationError(errors)


class CallListEntry(models.Model):
    """One borrower to phone on a business date, with the loan to talk about and why they are where they
    are on the list (the priority and its parts, `reminders.priority`). Built each morning after close of
    business (`reminders.services.call_list_build`); unique per date and borrower, so building again adds
    nobody twice. The figures are as they were when the list was built; the call screen works them out
    again."""

    business_date = models.DateField(_("business date"))
    borrower = models.ForeignKey(
        "borrowers.BorrowerProfile", verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+"
    )
    loan = models.ForeignKey(
        "borrowers.Loan", verbose_name=_("loan to discuss"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveIntegerField(_("priority score"))
    priority_parts = models.JSONField(_("priority, part by part"), default=dict)
    days_past_due = models.PositiveIntegerField(_("days past due"))
    bucket = models.CharField(_("overdue bucket"), max_length=8)
    amount_due = models.DecimalField(_("amount due"), max_digits=16, decimal_places=2)
    next_milestone_on = models.DateField(_("next milestone"), null=True, blank=True)
    broken_promises = models.PositiveSmallIntegerField(_("broken promises (90 days)"), default=0)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call list entry")
        verbose_name_plural = _("call list")
        ordering = ["-business_date", "-priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_date", "borrower"], name="reminders_call_entry_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["business_date", "-priority"])]
        permissions = [("call_borrower", "Can phone borrowers on the call list and record the outcome")]

    def __str__(self) -> str:
        return f"{self.business_date} #{self.pk}"


class CallAttempt(models.Model):
    """One call to a borrower: started by a member of Support (after the guardrails allowed it), ended
    with its outcome. Counted per borrower and per the borrower's local day (`local_day`)."""

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        PROMISE_MADE = "promise_made", _("Promise to pay made")
        REFERRED_TO_HARDSHIP = "referred_to_hardship", _("Referred to a hardship application")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        DISPUTE = "dispute", _("Disputes the debt")

    entry = models.ForeignKey(
        CallListEntry, verbose_name=_("call list entry"), on_delete=models.PROTECT, related_name="attempts"
    )
    borrower = models.ForeignKey(
        "borrowers.BorrowerProfile", verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The borrower's calendar day and time zone when the call began: the daily limit counts by it.
    local_day = models.DateField(_("borrower's local day"))
    time_zone = models.CharField(_("borrower's time zone"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    promise_amount = models.DecimalField(
        _("amount promised"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    promise_pay_by = models.DateField(_("promised by"), null=True, blank=True)

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["borrower", "local_day"])]

    def __str__(self) -> str:
        return f"{self.borrower_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome or '…'}"


class ContactFlag(models.Model):
    """Do not contact: the number is not the borrower's, or the borrower disputes the debt. Raised by a
    call's outcome, cleared by staff (with a note, audited). While one is open, no reminder goes to the
    borrower and no call can be started."""

    class Kind(models.TextChoices):
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        DISPUTE = "dispute", _("Disputes the debt")

    borrower = models.ForeignKey(
        "borrowers.BorrowerProfile", verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("flag"), max_length=16, choices=Kind.choices)
    attempt = models.ForeignKey(
        CallAttempt,
        verbose_name=_("raised by the call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("raised at"))
    note = models.TextField(_("note"), max_length=1000, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clear_note = models.TextField(_("why it was cleared"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("contact flag")
        verbose_name_plural = _("contact flags")
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["borrower", "kind"],
                condition=Q(cleared_at__isnull=True),
                name="reminders_flag_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.borrower_id} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None
