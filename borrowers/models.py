"""The borrower's money: who owes, under which product and policy, the schedule, and the ledger.

The ledger is the truth. The balances on Loan and the paid/charged amounts on Instalment are caches
for reading speed: they change only in the same transaction as the ledger entries that explain them
(see borrowers.services), and `manage.py reconcile` proves they agree.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from core.i18n import in_language
from core.text import phone_masked
from loanmath import DayCount, MilestoneKind, OverdueBucket, OverpaymentHandling, RepaymentMethod

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

ZERO = Decimal("0.00")


class MoneyField(models.DecimalField[Decimal | int | str, Decimal]):
    """Amounts in yuan to the cent (DESIGN: max_digits=14, decimal_places=2), zero by default."""

    def __init__(self, verbose_name: "StrOrPromise | None" = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", ZERO)
        super().__init__(verbose_name, **kwargs)


class RateField(models.DecimalField[Decimal | int | str, Decimal]):
    """Annual rates as fractions with 6 places: 0.180000 is 18 % a year (0 to 1000 %)."""

    def __init__(self, verbose_name: "StrOrPromise | None" = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("validators", [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(10))])
        super().__init__(verbose_name, **kwargs)


class BorrowerProfile(models.Model):
    """A borrower as the lender's core system knows them, and (once linked) their Anxin account.

    The national ID number is never stored: only a keyed hash (HMAC-SHA256 with NATIONAL_ID_HASH_KEY,
    so the hash cannot be reversed by trying every possible number) and its last 4 characters.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="borrower_profile",
    )
    customer_number = models.CharField(_("customer number"), max_length=32, unique=True)
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=20)
    national_id_hash = models.CharField(_("national ID (keyed hash)"), max_length=64, db_index=True)
    national_id_last4 = models.CharField(_("national ID, last 4"), max_length=4)
    # Empty only once the profile is anonymised (privacy.services_deletion); every form still requires it.
    date_of_birth = models.DateField(_("date of birth"), null=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        ordering = ["customer_number"]

    def __str__(self) -> str:
        return f"{self.customer_number} {self.full_name}"

    @property
    def phone_masked(self) -> str:
        return phone_masked(self.phone)


class OverduePolicy(models.Model):
    """What being late costs under a product. Staff edit it; loanmath applies it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    grace_days = models.PositiveSmallIntegerField(
        _("grace days"),
        default=3,
        validators=[MaxValueValidator(60)],
        help_text=_("Days after the due date with no late fee and no penalty interest."),
    )
    late_fee_flat = MoneyField(_("late fee, fixed part (¥)"), validators=[MinValueValidator(ZERO)])
    late_fee_rate = RateField(
        _("late fee, share of the overdue instalment"),
        default=Decimal(0),
        help_text=_("A fraction: 0.050000 means 5 percent of the overdue principal and interest."),
    )
    penalty_rate = RateField(
        _("penalty interest, yearly rate"),
        default=Decimal(0),
        help_text=_(
            "A yearly fraction charged by the day on overdue principal: 0.180000 means 18 percent a year."
        ),
    )
    day_count = models.PositiveSmallIntegerField(
        _("day count"), choices=[(360, "ACT/360"), (365, "ACT/365")], default=365
    )
    annual_cost_cap = RateField(
        _("yearly cap on total cost"),
        default=Decimal("0.240000"),
        help_text=_(
            "Contract interest, penalty interest and fees together never exceed this yearly share of the "
            "principal."
        ),
    )

    class Meta:
        verbose_name = _("overdue policy")
        verbose_name_plural = _("overdue policies")

    def __str__(self) -> str:
        return self.name

    @property
    def day_count_convention(self) -> DayCount:
        return DayCount.ACT_360 if self.day_count == 360 else DayCount.ACT_365


class Milestone(models.Model):
    """Day N past due: what happens, in the words the borrower reads (both languages)."""

    policy = models.ForeignKey(
        OverduePolicy, verbose_name=_("overdue policy"), on_delete=models.CASCADE, related_name="milestones"
    )
    day = models.PositiveSmallIntegerField(_("day past due"), validators=[MinValueValidator(1)])
    kind = models.CharField(
        _("what happens"),
        max_length=20,
        choices=[
            (MilestoneKind.REMINDER.value, _("Reminder")),
            (MilestoneKind.CREDIT_BUREAU.value, _("Reported to the credit bureau")),
            (MilestoneKind.COLLECTIONS.value, _("Collections")),
            (MilestoneKind.LEGAL.value, _("Legal action")),
        ],
    )
    text_zh_hans = models.CharField(_("what the borrower reads (Chinese)"), max_length=300)
    text_en = models.CharField(_("what the borrower reads (English)"), max_length=300)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["policy", "day"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "day", "kind"], name="milestone_unique_day_kind")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.get_kind_display()}"

    @property
    def text(self) -> str:
        return in_language(self.text_zh_hans, self.text_en)


class LoanProduct(models.Model):
    """A loan product: its contract rate, repayment method, term, and overdue policy.

    Its name is kept in both languages, like a course's title (education.Course): the borrower reads the
    one of the page's language. A product from before names were bilingual has no English name yet; it
    shows its Chinese name until staff give it one (the admin asks for both)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    annual_rate = RateField(_("contract rate, yearly"))
    method = models.CharField(
        _("repayment method"),
        max_length=20,
        choices=[
            (RepaymentMethod.EQUAL_INSTALMENT.value, _("Equal instalments")),
            (RepaymentMethod.EQUAL_PRINCIPAL.value, _("Equal principal")),
            (RepaymentMethod.INTEREST_ONLY.value, _("Interest only, principal at the end")),
        ],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    overdue_policy = models.ForeignKey(
        OverduePolicy, verbose_name=_("overdue policy"), on_delete=models.PROTECT, related_name="products"
    )
    overpayment_handling = models.CharField(
        _("money paid beyond what is due"),
        max_length=20,
        choices=[
            (OverpaymentHandling.PREPAY_PRINCIPAL.value, _("Repays future principal, last instalment first")),
            (OverpaymentHandling.REFUND.value, _("Is refunded to the borrower")),
        ],
        default=OverpaymentHandling.PREPAY_PRINCIPAL.value,
    )

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return in_language(self.name_zh_hans, self.name_en)


class Loan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAID_OFF = "paid_off", _("Paid off")

    class Bucket(models.TextChoices):
        CURRENT = OverdueBucket.CURRENT.value, _("Current")
        M1 = OverdueBucket.M1.value, _("M1 (1–30 days)")
        M2 = OverdueBucket.M2.value, _("M2 (31–60 days)")
        M3 = OverdueBucket.M3.value, _("M3 (61–90 days)")
        M3_PLUS = OverdueBucket.M3_PLUS.value, _("M3+ (over 90 days)")

    reference = models.CharField(_("loan reference"), max_length=32, unique=True)
    borrower = models.ForeignKey(
        BorrowerProfile, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="loans"
    )
    product = models.ForeignKey(
        LoanProduct, verbose_name=_("loan product"), on_delete=models.PROTECT, related_name="loans"
    )
    principal = MoneyField(_("principal lent"))
    annual_rate = RateField(_("contract rate, yearly"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    method = models.CharField(_("repayment method"), max_length=20)
    disbursed_on = models.DateField(_("disbursed on"))
    first_due_date = models.DateField(_("first due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    # Cached balances: what is owed now, changed only together with ledger entries.
    principal_balance = MoneyField(_("principal outstanding"))
    interest_balance = MoneyField(_("interest due and unpaid"))
    fee_balance = MoneyField(_("late fees unpaid"))
    penalty_balance = MoneyField(_("penalty interest unpaid"))
    # Classification, set by close of business and by payments.
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    bucket = models.CharField(
        _("overdue bucket"), max_length=8, choices=Bucket.choices, default=Bucket.CURRENT
    )
    closed_through = models.DateField(
        _("close of business done through"),
        null=True,
        blank=True,
        help_text=_("The last business date whose charges are in the ledger."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["disbursed_on", "reference"]
        indexes = [models.Index(fields=["status", "bucket"])]
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(
                condition=Q(principal_balance__gte=0, principal_balance__lte=F("principal"))
                & Q(interest_balance__gte=0)
                & Q(fee_balance__gte=0)
                & Q(penalty_balance__gte=0),
                name="loan_balances_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def total_balance(self) -> Decimal:
        return self.principal_balance + self.interest_balance + self.fee_balance + self.penalty_balance


class Instalment(models.Model):
    """One scheduled instalment, with what has been charged and paid on it (caches of the ledger)."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="instalments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    principal = MoneyField(_("scheduled principal"))
    interest = MoneyField(_("scheduled interest"))
    interest_billed = MoneyField(_("interest fallen due"))
    principal_paid = MoneyField(_("principal paid"))
    interest_paid = MoneyField(_("interest paid"))
    fees_charged = MoneyField(_("late fees charged"))
    fees_paid = MoneyField(_("late fees paid"))
    penalty_charged = MoneyField(_("penalty interest charged"))
    penalty_paid = MoneyField(_("penalty interest paid"))
    # The penalty accrual period under way: penalty accrues on the days after this date, and
    # `penalty_period_formula` is what the formula gave for the period so far (see loanmath.projection).
    penalty_period_start = models.DateField(_("penalty accrual period from"), null=True, blank=True)
    penalty_period_formula = MoneyField(_("penalty accrued in period (formula)"))

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="instalment_unique_number"),
            models.CheckConstraint(
                condition=Q(principal_paid__gte=0, principal_paid__lte=F("principal"))
                & Q(interest_paid__gte=0, interest_paid__lte=F("interest_billed"))
                & Q(interest_billed__lte=F("interest"))
                & Q(fees_paid__gte=0, fees_paid__lte=F("fees_charged"))
                & Q(penalty_paid__gte=0, penalty_paid__lte=F("penalty_charged")),
                name="instalment_paid_within_charged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.number}"

    @property
    def principal_unpaid(self) -> Decimal:
        return self.principal - self.principal_paid

    @property
    def interest_unpaid(self) -> Decimal:
        """Interest fallen due and not paid (interest not yet due is not owed yet)."""
        return self.interest_billed - self.interest_paid

    @property
    def fees_unpaid(self) -> Decimal:
        return self.fees_charged - self.fees_paid

    @property
    def penalty_unpaid(self) -> Decimal:
        return self.penalty_charged - self.penalty_paid

    @property
    def is_settled(self) -> bool:
        """Nothing left to pay on it. (Interest of an instalment whose principal was repaid early is never
        billed, so it is not owed.)"""
        return (
            self.principal_unpaid == 0
            and self.interest_unpaid == 0
            and self.fees_unpaid == 0
            and (self.penalty_unpaid == 0)
        )


class Payment(models.Model):
    """Money received from the borrower, identified by the receipt number of the payment channel."""

    receipt_number = models.CharField(_("receipt number"), max_length=64, unique=True)
    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    unapplied = MoneyField(_("refunded (more than was owed)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=20, default="admin")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(unapplied__gte=0, unapplied__lte=F("amount")), name="payment_unapplied_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class LedgerIsAppendOnlyError(AppendOnlyError):
    """Someone tried to change or delete a ledger entry."""


class LedgerEntry(AppendOnlyModel):
    """One append-only line of a loan's ledger. Never updated, never deleted: a correction is a new entry.

    Each amount is signed from the borrower's side: positive adds to what they owe, negative reduces it.
    Entries written by jobs carry an idempotency key (loan, kind, business date, instalment) that the
    database holds unique, so running a job twice, or again after a crash, adds nothing twice.
    """

    class Kind(models.TextChoices):
        DISBURSEMENT = "disbursement", _("Loan paid out")
        INTEREST_DUE = "interest_due", _("Interest due")
        PENALTY_INTEREST = "penalty_interest", _("Penalty interest")
        LATE_FEE = "late_fee", _("Late fee")
        PAYMENT = "payment", _("Payment")
        WAIVER = "waiver", _("Waiver")
        RESTRUCTURE = "restructure", _("Restructure")
        REVERSAL = "reversal", _("Reversal")

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="ledger_entries"
    )
    instalment = models.ForeignKey(
        Instalment,
        verbose_name=_("instalment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    business_date = models.DateField(_("business date"))
    principal = MoneyField(_("principal"))
    interest = MoneyField(_("interest"))
    fees = MoneyField(_("late fees"))
    penalty = MoneyField(_("penalty interest"))
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # How a charge was worked out (base, rate, flat part, dates), for "why this amount".
    basis = models.JSONField(_("basis"), default=dict, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()
    append_only_error = LedgerIsAppendOnlyError
    append_only_refused_change = "Ledger entries cannot be changed; write a reversal instead."
    append_only_refused_delete = "Ledger entries cannot be deleted; write a reversal instead."

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["loan", "business_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "kind", "business_date", "instalment"],
                condition=Q(kind__in=["interest_due", "penalty_interest", "late_fee"]),
                name="ledger_job_entry_idempotent",
            ),
            models.UniqueConstraint(
                fields=["loan"], condition=Q(kind="disbursement"), name="ledger_one_disbursement"
            ),
            models.UniqueConstraint(
                fields=["payment", "instalment"], condition=Q(kind="payment"), name="ledger_payment_line_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.business_date} {self.kind}"

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalty


class LinkAttempt(models.Model):
    """Every attempt to link a loan to an account, successful or not (the lock-out counts failures)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reference_tried = models.CharField(max_length=64)
    succeeded = models.BooleanField(default=False)
    attempted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The client's address (core.http.client_ip), for the per-IP limit; None when it is unknown.
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("loan link attempt")
        verbose_name_plural = _("loan link attempts")
        indexes = [
            models.Index(fields=["user", "attempted_at"]),
            # The limits across accounts: failures per reference and per client IP in a window.
            models.Index(fields=["reference_tried", "attempted_at"]),
            models.Index(fields=["ip_address", "attempted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference_tried} {'ok' if self.succeeded else 'failed'}"


class ImportJob(models.Model):
    """One CSV file from the lender's core system (loans or payments), imported all-or-nothing.

    The file is kept privately; `report` lists each row's problem when the file is refused.
    `sha256` makes a second import of the same file a no-op.
    """

    class Kind(models.TextChoices):
        LOANS = "loans", _("Loans")
        PAYMENTS = "payments", _("Payments")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Refused")
        DUPLICATE = "duplicate", _("Already imported")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the stored file (full national ID numbers) was deleted: once the report is made, or by the
    # retention purge (borrowers.imports_retention).
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def progress_percent(self) -> int:
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0


# --- the budget: a month's income and spending (shaped like the UK Standard Financial Statement) ---------

BUDGET_AMOUNT_MAX = Decimal("10000000.00")


class BudgetSection(models.TextChoices):
    """The statement's sections (the same values as loanmath.BudgetSection)."""

    INCOME = "income", _("Income")
    FIXED = "fixed", _("Fixed costs")
    FLEXIBLE = "flexible", _("Flexible costs")
    SAVINGS = "savings", _("Savings")
    DEBT_REPAYMENTS = "debt", _("Debt repayments")


class BudgetCategory(models.TextChoices):
    """Each line of the statement. The order here is the order on the page."""

    SALARY = "salary", _("Salary or wages (after tax)")
    SIDE_INCOME = "side_income", _("Part-time and side work")
    FAMILY_SUPPORT = "family_support", _("Money from family")
    OTHER_INCOME = "other_income", _("Other income")
    HOUSING = "housing", _("Rent or housing")
    UTILITIES = "utilities", _("Water, electricity and gas")
    PHONE_INTERNET = "phone_internet", _("Phone and internet")
    TRANSPORT = "transport", _("Transport")
    INSURANCE = "insurance", _("Insurance")
    CHILDCARE = "childcare", _("Childcare")
    OTHER_FIXED = "other_fixed", _("Other fixed costs")
    FOOD = "food", _("Food and groceries")
    EATING_OUT = "eating_out", _("Eating out and takeaway")
    SHOPPING = "shopping", _("Shopping and clothes")
    ENTERTAINMENT = "entertainment", _("Entertainment and subscriptions")
    PERSONAL_CARE = "personal_care", _("Personal care")
    OTHER_FLEXIBLE = "other_flexible", _("Other flexible costs")
    SAVINGS = "savings", _("Savings")
    LOANS_WITH_US = "loans_with_us", _("Loans with us")
    CREDIT_CARDS = "credit_cards", _("Credit cards")
    OTHER_LOANS = "other_loans", _("Other loans and instalment plans")
    OTHER_DEBTS = "other_debts", _("Other debts (for example to family or friends)")


BUDGET_SECTION_CATEGORIES: dict[str, tuple[str, ...]] = {
    BudgetSection.INCOME: (
        BudgetCategory.SALARY,
        BudgetCategory.SIDE_INCOME,
        BudgetCategory.FAMILY_SUPPORT,
        BudgetCategory.OTHER_INCOME,
    ),
    BudgetSection.FIXED: (
        BudgetCategory.HOUSING,
        BudgetCategory.UTILITIES,
        BudgetCategory.PHONE_INTERNET,
        BudgetCategory.TRANSPORT,
        BudgetCategory.INSURANCE,
        BudgetCategory.CHILDCARE,
        BudgetCategory.OTHER_FIXED,
    ),
    BudgetSection.FLEXIBLE: (
        BudgetCategory.FOOD,
        BudgetCategory.EATING_OUT,
        BudgetCategory.SHOPPING,
        BudgetCategory.ENTERTAINMENT,
        BudgetCategory.PERSONAL_CARE,
        BudgetCategory.OTHER_FLEXIBLE,
    ),
    BudgetSection.SAVINGS: (BudgetCategory.SAVINGS,),
    BudgetSection.DEBT_REPAYMENTS: (
        BudgetCategory.LOANS_WITH_US,
        BudgetCategory.CREDIT_CARDS,
        BudgetCategory.OTHER_LOANS,
        BudgetCategory.OTHER_DEBTS,
    ),
}
BUDGET_SECTION_OF: dict[str, str] = {
    category: section for section, categories in BUDGET_SECTION_CATEGORIES.items() for category in categories
}


def _budget_amount_in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0, f"{field}__lte": BUDGET_AMOUNT_MAX})


def _budget_category_in_its_section() -> Q:
    condition = Q()
    for section, categories in BUDGET_SECTION_CATEGORIES.items():
        condition |= Q(section=section, category__in=categories)
    return condition


class Budget(models.Model):
    """A borrower's current monthly budget: one per account, its figures kept as rows (BudgetLine) so the
    hardship application can show and reuse them. Written only by `services_budget.budget_save`, which
    replaces every line at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="budget"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"))

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.updated_at:%Y-%m-%d}"


class BudgetLine(models.Model):
    """One monthly amount of a budget. Only lines with an amount (or a note) are kept."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    section = models.CharField(_("section"), max_length=10, choices=BudgetSection.choices)
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    amount = MoneyField(
        _("amount a month (¥)"), validators=[MinValueValidator(ZERO), MaxValueValidator(BUDGET_AMOUNT_MAX)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["budget", "id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "category"], name="budget_line_unique_category"),
            models.CheckConstraint(
                condition=_budget_amount_in_range("amount"), name="budget_line_amount_in_range"
            ),
            models.CheckConstraint(
                condition=_budget_category_in_its_section(), name="budget_line_category_in_its_section"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount}"


class BudgetGuideline(models.Model):
    """What one person living alone might reasonably spend a month on a flexible cost. Staff edit it; a
    flexible cost above its guideline is flagged on the budget page, never refused."""

    category = models.CharField(
        _("flexible cost"),
        max_length=20,
        unique=True,
        choices=[(c, BudgetCategory(c).label) for c in BUDGET_SECTION_CATEGORIES[BudgetSection.FLEXIBLE]],
    )
    monthly_amount = MoneyField(
        _("monthly guideline for one person (¥)"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(BUDGET_AMOUNT_MAX)],
        help_text=_("Spending above this a month is flagged, never refused."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("budget guideline")
        verbose_name_plural = _("budget guidelines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=_budget_amount_in_range("monthly_amount"), name="budget_guideline_amount_in_range"
            ),
            models.CheckConstraint(
                condition=Q(category__in=BUDGET_SECTION_CATEGORIES[BudgetSection.FLEXIBLE]),
                name="budget_guideline_flexible_only",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_category_display())
