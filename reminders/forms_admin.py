"""The staff forms of the reminders app: a reminder rule, a call's outcome, clearing a contact flag.
Parse and validate only (the rule's placeholders are checked by ReminderRule.clean, which the admin's
form runs)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField
from core.text import refuse_control_characters
from loanmath import CENT
from reminders.models import CHANNELS, CallAttempt, ReminderRule
from reminders.placeholders import PLACEHOLDERS

NOTE_MAX = 1000


def _placeholder_help() -> str:
    names = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    return str(_("Placeholders: %(names)s. Write a brace itself as {{ or }}.")) % {"names": names}


def _one_line(value: str) -> None:
    if "\r" in value or "\n" in value:
        raise forms.ValidationError(_("A subject is one line: take out the line break."), code="line_break")


class ReminderRuleForm(forms.ModelForm[ReminderRule]):
    channels = forms.MultipleChoiceField(
        label=_("channels"), choices=CHANNELS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ReminderRule
        fields = (
            "code",
            "kind",
            "days",
            "channels",
            "send_hour",
            "priority",
            "active",
            "subject_zh_hans",
            "subject_en",
            "body_zh_hans",
            "body_en",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ReminderRule.TEXT_FIELDS:
            if name in self.fields:
                self.fields[name].help_text = _placeholder_help()
                self.fields[name].validators.append(refuse_control_characters)
        for name in ("subject_zh_hans", "subject_en"):
            if name in self.fields:
                # An email subject is one line: a line break would make every mail of the rule fail.
                self.fields[name].validators.append(_one_line)


class CallOutcomeForm(forms.Form):
    """What happened on the call: the button pressed names the outcome; a promise carries its amount and
    date."""

    outcome = forms.ChoiceField(label=_("outcome"), choices=CallAttempt.Outcome.choices)
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[refuse_control_characters],
    )
    promise_amount = MoneyField(label=_("amount promised (¥)"), required=False, min_value=CENT)
    promise_pay_by = forms.DateField(
        label=_("promised by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == CallAttempt.Outcome.PROMISE_MADE:
            if data.get("promise_amount") is None and "promise_amount" not in self.errors:
                self.add_error("promise_amount", _("Enter the amount the borrower promised."))
            if data.get("promise_pay_by") is None and "promise_pay_by" not in self.errors:
                self.add_error("promise_pay_by", _("Enter the date the borrower promised to pay by."))
        return data


class FlagClearForm(forms.Form):
    note = forms.CharField(
        label=_("why the flag can be cleared"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[refuse_control_characters],
    )
