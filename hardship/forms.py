"""The hardship pages' forms: parse and validate only (the view passes what a form needs to offer)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budget.forms import NOTE_CATEGORIES, BudgetForm, FieldRow, FormSection, note_field_name
from budget.selectors import BUDGET_SECTION_CATEGORIES  # type: ignore[attr-defined]  # not re-exported
from budget.services import NOTE_MAX_LENGTH, BudgetLineInput
from core.text import refuse_control_characters
from hardship.models import Application

MESSAGE_MAX_LENGTH = 2000
FLEXIBLE = "flexible"


class LoansForm(forms.Form):
    """Step 1: which of the borrower's loans the application is for."""

    loans = forms.MultipleChoiceField(
        label=_("Which loans do you need help with?"),
        label_suffix="",  # the label ends in its own punctuation
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one loan."),
            "invalid_choice": _("Choose loans from the list."),
        },
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loans"].choices = list(choices)  # type: ignore[attr-defined]
        self.fields["loans"].widget.attrs["aria-describedby"] = "id_loans_errors"

    def loan_ids(self) -> list[int]:
        return [int(value) for value in self.cleaned_data["loans"]]


class SituationForm(forms.Form):
    """Step 2: what happened and how long it may last."""

    reason = forms.ChoiceField(
        label=_("What happened?"),
        label_suffix="",  # the label ends in its own punctuation
        choices=Application.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened."), "invalid_choice": _("Choose from the list.")},
    )
    duration = forms.ChoiceField(
        label=_("How long do you expect it to last?"),
        label_suffix="",  # the label ends in its own punctuation
        choices=Application.Duration.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how long you expect it to last."),
            "invalid_choice": _("Choose from the list."),
        },
    )
    reason_text = forms.CharField(
        label=_("Tell us in your own words (needed if you chose “Something else”)"),
        label_suffix="",  # the label ends in its own punctuation
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[refuse_control_characters],
        error_messages={"max_length": _("Keep it to 2000 characters or fewer.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["aria-describedby"] = f"id_{name}_errors"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == Application.Reason.OTHER and not (data.get("reason_text") or "").strip():
            self.add_error("reason_text", gettext("Tell us briefly what happened."))
        return data


class StatementForm(BudgetForm):
    """Step 3: the budget form, with a note beside every flexible cost too (one above its guideline asks
    for a few words; it is never refused)."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        guidelines: Mapping[str, Decimal],
        loan_repayments: Decimal | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data, guidelines=guidelines, loan_repayments=loan_repayments, initial=initial)
        for section in self.flexible_categories():
            name = note_field_name(section)
            if name in self.fields:
                continue
            note = forms.CharField(
                label=_("Why is it this much? (optional)"),
                label_suffix="",  # the label ends in its own punctuation
                required=False,
                max_length=NOTE_MAX_LENGTH,
                validators=[refuse_control_characters],
                error_messages={
                    "max_length": gettext("Keep the note to %(max)d characters or fewer.")
                    % {"max": NOTE_MAX_LENGTH}
                },
            )
            note.widget.attrs["aria-describedby"] = f"id_{name}_errors"
            self.fields[name] = note

    @staticmethod
    def flexible_categories() -> tuple[str, ...]:
        return tuple(BUDGET_SECTION_CATEGORIES[FLEXIBLE])

    def _has_note(self, category: str) -> bool:
        return category in NOTE_CATEGORIES or category in self.flexible_categories()

    def sections(self) -> list[FormSection]:
        result = []
        for section in super().sections():
            rows = tuple(
                FieldRow(
                    name=row.name,
                    amount=row.amount,
                    note=self[note_field_name(row.name)] if self._has_note(row.name) else None,
                    guideline=row.guideline,
                    loan_repayments=row.loan_repayments,
                )
                for row in section.rows
            )
            result.append(FormSection(key=section.key, legend=section.legend, intro=section.intro, rows=rows))
        return result

    def lines(self) -> list[BudgetLineInput]:
        return [
            BudgetLineInput(
                category=line.category,
                amount=line.amount,
                note=self.cleaned_data.get(note_field_name(line.category), "") or "",
            )
            for line in super().lines()
        ]


class OptionForm(forms.Form):
    """Step 4: one of the options shown, or "ask staff to propose"."""

    option = forms.ChoiceField(
        label=_("Choose an option"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the options, or ask us to propose one."),
            "invalid_choice": _("The options have changed since the page was shown: please choose again."),
        },
    )

    def __init__(self, *args: Any, values: Sequence[str], staff_value: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v, v) for v in values] + [(staff_value, staff_value)]
        self.fields["option"].choices = choices  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    """Step 5 (and when we ask for information): one document a POST."""

    document = forms.FileField(
        label=_("Add a document (PDF, JPEG or PNG, at most 10 MB)"),
        label_suffix="",  # the label ends in its own punctuation
        error_messages={
            "required": _("Choose a file to send."),
            "empty": _("This file is empty."),
            "invalid": _("This is not a file we can read. Please choose the file again."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].widget.attrs["aria-describedby"] = "id_document_errors"


class RemoveEvidenceForm(forms.Form):
    remove = forms.CharField(max_length=64)


class DeclarationForm(forms.Form):
    """Step 6: the declaration before the application is sent."""

    declared = forms.BooleanField(
        label=_(
            "I confirm that what I have told you is true and complete to the best of my knowledge, "
            "and I agree that you may check it."
        ),
        label_suffix="",  # a sentence: no "：" after its "。"
        error_messages={
            "required": _("Please confirm the declaration before you send the application."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["declared"].widget.attrs["aria-describedby"] = "id_declared_errors"


class AnswerForm(forms.Form):
    """The borrower's answer to a request for information."""

    message = forms.CharField(
        label=_("Your answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[refuse_control_characters],
        error_messages={
            "required": _("Please write a message."),
            "max_length": _("Keep it to 2000 characters or fewer."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].widget.attrs["aria-describedby"] = "id_message_errors"
