from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import refuse_control_characters
from portal.models import SupportMessage
from portal.services import BODY_MAX_CHARS, BODY_MIN_CHARS, REPLY_MAX_CHARS

if TYPE_CHECKING:
    from borrowers.models import Loan


class LoanChoiceField(forms.ModelChoiceField["Loan"]):
    def label_from_instance(self, obj: "Loan") -> str:
        return obj.reference


class SupportMessageForm(forms.Form):
    """A message to staff. The loan is chosen by its reference among the account's own loans only
    (`loans`, from borrowers.selectors.lookups: the view passes them), so another borrower's reference
    is refused like any unknown one."""

    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=SupportMessage.Topic.choices,
        error_messages={
            "required": _("Choose what your message is about."),
            "invalid_choice": _("Choose what your message is about."),
        },
    )
    loan = LoanChoiceField(
        label=_("Loan (optional)"),
        queryset=None,
        to_field_name="reference",
        required=False,
        empty_label=_("Not about one loan"),
        error_messages={"invalid_choice": _("Choose one of your own loans.")},
    )
    body = forms.CharField(
        label=_("Your message"),
        min_length=BODY_MIN_CHARS,
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write your message."),
            "min_length": _("Write at least %(limit_value)d characters."),
            "max_length": _("Keep it to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )

    def __init__(self, *args: Any, loans: "QuerySet[Loan]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = gettext(
            "Up to %(max)d characters. Never write your password or your full ID number here."
        ) % {"max": BODY_MAX_CHARS}
        field = cast(LoanChoiceField, self.fields["loan"])
        field.queryset = loans
        self.has_loans = loans.exists()
        if not self.has_loans:
            del self.fields["loan"]


class SupportAnswerForm(forms.Form):
    """Staff's answer in the admin; the service decides which moves are allowed."""

    reply = forms.CharField(
        label=_("Answer to the borrower"),
        required=False,
        max_length=REPLY_MAX_CHARS,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_("The borrower reads this on their messages page. Required to answer; optional to close."),
    )
