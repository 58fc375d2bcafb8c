"""Hardship (restructuring) applications: a borrower who cannot pay asks for a new arrangement, backed by
an income and expenditure statement, and follows it to a decision.

The workflow is the `status` field with its transition table beside it (hardship.rules), moved only by
`hardship.services.application_transition`, which writes an `ApplicationEvent` (who, when, from, to,
note) for every move. One open application per loan is a database constraint (`ApplicationLoan.is_open`).
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from loanmath import BORROWER_AMOUNT_MAX, ZERO

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def _money(
    verbose_name: "StrOrPromise", **kwargs: Any
) -> "models.DecimalField[Decimal | int | str, Decimal]":
    """An amount in yuan to the fen (the ledger's column: 14 digits, 2 after the point), zero by default."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class HardshipPolicy(models.Model):
    """The settings staff edit: one row (pk 1)."""

    service_level_working_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    breathing_space_days = models.PositiveSmallIntegerField(
        _("breathing space (days)"),
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_(
            "While an application is reviewed, reminders and late charges on its loans pause this long."
        ),
    )
    information_days = models.PositiveSmallIntegerField(
        _("days to send requested information"),
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    offer_days = models.PositiveSmallIntegerField(
        _("days to accept an offer"), default=14, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    second_approval_threshold = _money(
        _("second approval above (¥ given up)"),
        default=Decimal("5000.00"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(BORROWER_AMOUNT_MAX)],
        help_text=_(
            "An offer that gives up more interest, fees and penalty than this needs a second approver."
        ),
    )
    repeat_window_months = models.PositiveSmallIntegerField(
        _("flag a second forbearance within (months)"), default=12
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hardship policy")
        verbose_name_plural = _("hardship policy")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="hardship_policy_single_row")]

    def __str__(self) -> str:
        return str(_("Hardship policy"))


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        INFORMATION_REQUESTED = "information_requested", _("Information requested")
        OFFERED = "offered", _("Offer made")
        ACCEPTED = "accepted", _("Offer accepted")
        APPLIED = "applied", _("New arrangement in place")
        REJECTED = "rejected", _("Not approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class Reason(models.TextChoices):
        JOB_LOSS = "job_loss", _("I lost my job")
        ILLNESS = "illness", _("Illness or injury")
        REDUCED_INCOME = "reduced_income", _("My income went down")
        FAMILY = "family", _("A family emergency")
        OTHER = "other", _("Something else")

    class Duration(models.TextChoices):
        SHORT = "short", _("Short term (a few months)")
        LONG = "long", _("Long term")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        related_name="hardship_applications",
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    reason = models.CharField(_("what happened"), max_length=20, choices=Reason.choices, blank=True)
    reason_text = models.TextField(_("in your own words"), max_length=2000, blank=True)
    duration = models.CharField(_("how long"), max_length=10, choices=Duration.choices, blank=True)
    # The option the borrower chose (loanmath.OptionTerms.as_dict), or empty: staff are asked to propose.
    chosen_terms = models.JSONField(_("option chosen"), default=dict, blank=True)
    staff_to_propose = models.BooleanField(_("asks staff to propose"), default=False)
    step_reached = models.PositiveSmallIntegerField(_("wizard step reached"), default=1)
    declared_at = models.DateTimeField(_("declaration made at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    answer_due_on = models.DateField(_("answer due by"), null=True, blank=True)
    breathing_space_through = models.DateField(_("breathing space until"), null=True, blank=True)
    information_due_on = models.DateField(_("information due by"), null=True, blank=True)
    offer_expires_on = models.DateField(_("offer open until"), null=True, blank=True)
    rejection_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    rejection_note = models.TextField(_("note to the borrower"), max_length=2000, blank=True)
    repeat_forbearance = models.BooleanField(
        _("second forbearance within 12 months"),
        default=False,
        help_text=_("Flagged for staff, never refused."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    OPEN = (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.INFORMATION_REQUESTED,
        Status.OFFERED,
        Status.ACCEPTED,
    )
    # Under review: the loans' breathing space holds (reminders and late charges paused).
    UNDER_REVIEW = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED, Status.OFFERED)

    class Meta:
        verbose_name = _("hardship application")
        verbose_name_plural = _("hardship applications")
        ordering = ["-created_at"]
        permissions = [
            ("review_application", "Can review hardship applications"),
            ("approve_offer", "Can approve hardship offers (second approval)"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ApplicationLoan(models.Model):
    """A loan the application is for. `is_open` follows the application's status; the database allows one
    open application per loan."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="loans")
    loan = models.ForeignKey(
        "borrowers.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="+"
    )
    is_open = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("loan in the application")
        verbose_name_plural = _("loans in the application")
        constraints = [
            models.UniqueConstraint(fields=["application", "loan"], name="hardship_loan_once"),
            models.UniqueConstraint(
                fields=["loan"], condition=Q(is_open=True), name="hardship_one_open_application_per_loan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.loan_id}"


class StatementLine(models.Model):
    """One monthly amount of the application's income and expenditure statement (the budget's categories)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="statement_lines")
    section = models.CharField(_("section"), max_length=10)
    category = models.CharField(_("category"), max_length=20)
    amount = _money(
        _("amount a month (¥)"), validators=[MinValueValidator(ZERO), MaxValueValidator(BORROWER_AMOUNT_MAX)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "category"], name="hardship_statement_category_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, amount__lte=BORROWER_AMOUNT_MAX),
                name="hardship_statement_amount_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount}"


class Evidence(models.Model):
    """A document the borrower uploaded, stored privately under a random name (hardship.evidence)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(_("file"), upload_to="hardship/")
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["application", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Message(models.Model):
    """A request for information from staff, or the borrower's answer, read on the site."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.created_at:%Y-%m-%d}"


class Offer(models.Model):
    """Terms staff offer. Above the policy's threshold an offer waits for a second approver before the
    borrower sees it."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting second approval")
        OPEN = "open", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        DECLINED = "declined", _("Not approved")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    terms = models.JSONField(_("terms"))
    given_up = _money(_("given up (interest, fees and penalty)"))
    note = models.TextField(_("note to the borrower"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["application", "-made_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("made_by")),
                name="hardship_offer_four_eyes",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["awaiting_approval", "open"]),
                name="hardship_one_live_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"


class ApplicationEventIsAppendOnlyError(AppendOnlyError):
    pass


class ApplicationEvent(AppendOnlyModel):
    """One move of an application's status (or a refusal-free action on it), never changed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=24)
    to_status = models.CharField(_("to"), max_length=24)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()
    append_only_error = ApplicationEventIsAppendOnlyError

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"
