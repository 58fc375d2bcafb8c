"""Staff forms in the admin. They parse and validate; the admin then calls the service."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from borrowers.identity import national_id_birth_date, national_id_normalize, national_id_problem
from borrowers.models import BorrowerProfile, ImportJob, Loan, LoanProduct, OverduePolicy
from core.business_date import business_date_today
from core.forms import MoneyField
from loanmath import CENT

# A loans file of 50,000 rows is about 6 MB; anything far larger is not a daily file from the core system.
IMPORT_MAX_MB = 100
IMPORT_MAX_BYTES = IMPORT_MAX_MB * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class NeverShownInput(forms.TextInput):
    """A text box whose value is never written back into the page, not even after an error elsewhere:
    the national ID number is typed, hashed, and forgotten."""

    def format_value(self, value: Any) -> str | None:
        return None


class BorrowerProfileAdminForm(forms.ModelForm[BorrowerProfile]):
    national_id = forms.CharField(
        label=_("National ID number"),
        max_length=30,
        required=False,
        widget=NeverShownInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": "22"}),
        help_text=_(
            "Never stored or shown: only a keyed hash and the last 4 characters are kept. "
            "Leave empty to keep the number on file."
        ),
    )

    class Meta:
        model = BorrowerProfile
        fields = ("customer_number", "full_name", "phone", "date_of_birth", "preferred_language", "time_zone")
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.fields["national_id"].required = True
            self.fields["national_id"].help_text = _(
                "Never stored or shown: only a keyed hash and the last 4 characters are kept."
            )

    def clean_national_id(self) -> str:
        value: str = self.cleaned_data["national_id"]
        if not value:
            return ""
        problem = national_id_problem(value)
        if problem:
            raise ValidationError(problem)
        return national_id_normalize(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        national_id, date_of_birth = cleaned.get("national_id"), cleaned.get("date_of_birth")
        if national_id and date_of_birth and national_id_birth_date(national_id) != date_of_birth:
            self.add_error("date_of_birth", _("This is not the date of birth in the national ID number."))
        elif not national_id and "date_of_birth" in self.changed_data and not self.instance._state.adding:
            # Only the hash is on file, so the new date can be checked against the number only if it is
            # typed again; a borrower proves who they are with both when linking a loan.
            self.add_error(
                "national_id", _("Enter the national ID number again to change the date of birth.")
            )
        return cleaned


def _loan_by_reference(reference: str) -> Loan:
    loan = Loan.objects.filter(reference=reference.strip().upper()).first()
    if loan is None:
        raise ValidationError(_("No loan has this reference."))
    return loan


class PaymentRecordForm(forms.Form):
    loan = forms.CharField(
        label=_("Loan reference"), max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=64,
        help_text=_("As issued by the payment channel; each receipt is recorded once."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # From one fen to the ledger's ceiling (MoneyField's default), in Django's own messages.
    amount = MoneyField(label=_("Amount (¥)"), min_value=CENT)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput(), input_formats=["%Y-%m-%d"])

    def clean_loan(self) -> Loan:
        return _loan_by_reference(self.cleaned_data["loan"])


class LoanBookForm(forms.Form):
    """A loan disbursed by the core system but missing here; it is booked by services.loan_create."""

    reference = forms.CharField(label=_("Loan reference"), max_length=32)
    customer_number = forms.CharField(label=_("Customer number"), max_length=32)
    product = forms.ModelChoiceField(label=_("Product"), queryset=LoanProduct.objects.all())
    principal = MoneyField(label=_("Principal lent (¥)"), min_value=CENT)
    disbursed_on = forms.DateField(label=_("Disbursed on"), widget=DateInput(), input_formats=["%Y-%m-%d"])
    first_due_date = forms.DateField(
        label=_("First due date"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        help_text=_("Leave empty for one month after disbursement."),
    )

    def clean_reference(self) -> str:
        return str(self.cleaned_data["reference"]).strip().upper()

    def clean_customer_number(self) -> BorrowerProfile:
        profile = BorrowerProfile.objects.filter(customer_number=self.cleaned_data["customer_number"]).first()
        if profile is None:
            raise ValidationError(_("No borrower has this customer number; add the borrower first."))
        return profile

    def clean_disbursed_on(self) -> date:
        disbursed_on: date = self.cleaned_data["disbursed_on"]
        if disbursed_on > business_date_today():
            raise ValidationError(_("A loan cannot be disbursed after today's business date."))
        return disbursed_on


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV with the header row the import expects. Nothing is imported unless every row is valid."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than %(max)d MB.") % {"max": IMPORT_MAX_MB})
        return upload


class KeptWhenBlankField(forms.IntegerField):
    """A whole number a form may leave out: blank keeps the value the record has (and is no change)."""

    def has_changed(self, initial: Any, data: Any) -> bool:
        if data in self.empty_values:
            return False
        return super().has_changed(initial, data)


class OverduePolicyAdminForm(forms.ModelForm[OverduePolicy]):
    """The overdue policy's change form. How long a promise to pay may wait is a later setting: a form
    sent without it (an older page, a script) keeps the policy's value rather than fail."""

    promise_max_days = KeptWhenBlankField(
        label=_("promise to pay: longest wait (days)"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("A borrower may promise to pay an overdue loan by a date at most this many days ahead."),
    )

    class Meta:
        model = OverduePolicy
        fields = (
            "name",
            "grace_days",
            "late_fee_flat",
            "late_fee_rate",
            "penalty_rate",
            "penalty_basis",
            "penalty_markup",
            "day_count",
            "promise_max_days",
            "annual_cost_cap",
        )

    def clean_promise_max_days(self) -> int:
        value: int | None = self.cleaned_data.get("promise_max_days")
        if value is None:
            return int(self.instance.promise_max_days or 14)
        return value
