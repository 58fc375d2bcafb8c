import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError
from core.features import features
from education.examples import ExampleError, examples_check, examples_parse
from education.models import BODY_MAX_CHARS, Lesson
from education.quiz import QuestionItem
from education.services import AnswerFeedback, body_render

ANSWER_PREFIX = "q"


class QuizForm(forms.Form):
    """One radio group per question, named q<question id>; the values are choice ids.

    `required_all` is for a lesson's quiz (every question must be answered); a review accepts any subset.
    """

    lesson = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, questions: Sequence[QuestionItem], required_all: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"{ANSWER_PREFIX}{question.id}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(choice.id, choice.text) for choice in question.choices],
                coerce=int,
                widget=forms.RadioSelect,
                required=required_all,
                error_messages={"required": _("Choose an answer.")},
            )

    def answers(self) -> dict[int, int]:
        return {
            question.id: self.cleaned_data[f"{ANSWER_PREFIX}{question.id}"]
            for question in self.questions
            if self.cleaned_data.get(f"{ANSWER_PREFIX}{question.id}") not in (None, "")
        }

    def rows(self) -> list[tuple[QuestionItem, forms.BoundField]]:
        return [(question, self[f"{ANSWER_PREFIX}{question.id}"]) for question in self.questions]


# A lesson's worked examples are a few kilobytes; this is ten times the starter curriculum's largest.
EXAMPLES_MAX_CHARS = 64_000


class IndentedJSONField(forms.JSONField):
    """JSON an editor can read: one key a line, indented, Chinese as Chinese (not \\u escapes). Too long,
    too deep or a number too long for Python is refused beside the field, never a server error."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > EXAMPLES_MAX_CHARS:
            raise forms.ValidationError(
                _("The worked examples may be at most %(most)s characters long.")
                % {"most": EXAMPLES_MAX_CHARS},
                code="too_long",
            )
        try:
            return super().to_python(value)
        except (RecursionError, ValueError) as error:
            if isinstance(error, forms.ValidationError):
                raise
            raise forms.ValidationError(
                _(
                    "The worked examples are not JSON this page can read (nested too deep, or a number too "
                    "long)."
                ),
                code="invalid",
            ) from error

    def bound_data(self, data: Any, initial: Any) -> Any:
        # Shown back as typed when it cannot be read (Django's catches only JSONDecodeError).
        if isinstance(data, str) and len(data) > EXAMPLES_MAX_CHARS:
            return forms.fields.InvalidJSONInput(data)
        try:
            return super().bound_data(data, initial)
        except (RecursionError, ValueError):
            return forms.fields.InvalidJSONInput(data)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


class LessonAdminForm(forms.ModelForm[Lesson]):
    """The editor's form: a body over BODY_MAX_CHARS is refused beside the field (the model field's
    max_length), before anything renders it."""

    class Meta:
        model = Lesson
        fields = (
            "course",
            "key",
            "language",
            "order",
            "title",
            "summary",
            "minutes",
            "pass_mark_percent",
            "body_markdown",
            "worked_examples",
            "promises",
        )
        widgets = {
            "body_markdown": forms.Textarea(
                attrs={"rows": 24, "cols": 100, "maxlength": BODY_MAX_CHARS, "class": "vLargeTextField"}
            ),
            "worked_examples": forms.Textarea(
                attrs={"rows": 20, "cols": 100, "spellcheck": "false", "class": "vLargeTextField lesson-json"}
            ),
        }
        field_classes = {"worked_examples": IndentedJSONField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "promises" in self.fields:
            # The features Anxin has (core.features), as boxes to tick; a key no longer registered stays
            # visible so an editor can untick it.
            registered = {key: str(feature.label) for key, feature in features().items()}
            current = self.instance.promises if isinstance(self.instance.promises, list) else []
            extra = {key: key for key in current if isinstance(key, str) and key not in registered}
            choices: list[tuple[str, str]] = sorted({**registered, **extra}.items(), key=lambda item: item[1])
            self.fields["promises"] = forms.MultipleChoiceField(
                label=_("What the lesson promises about Anxin"),
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_(
                    "Tick each feature the text promises (for example, “no reminders at night”). The lesson "
                    "cannot be submitted or published while one of them is missing or switched off."
                ),
            )

    def clean_worked_examples(self) -> Any:
        raw = self.cleaned_data.get("worked_examples")
        if raw in (None, ""):
            return []
        try:
            # Parsed and worked out now, so a figure loanmath cannot compute is refused at the save.
            examples_parse(raw)
            examples_check(raw, text="")
        except ExampleError as error:
            raise forms.ValidationError(error.message, code="examples") from error
        return raw

    def clean_body_markdown(self) -> str:
        body: str = self.cleaned_data["body_markdown"]
        try:
            body_render(body)  # refuses text that cannot be formatted in time, here beside the field
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return body


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("Empty: publish now. A later time: the lesson appears then, by itself."),
    )


@dataclass(frozen=True)
class QuizRow:
    question: QuestionItem
    field: forms.BoundField
    feedback: AnswerFeedback | None


def quiz_rows(form: QuizForm, feedback: Sequence[AnswerFeedback]) -> list[QuizRow]:
    """Each question with its radio group and, once answered, what the reader chose and why."""
    by_question = {f.question_id: f for f in feedback}
    return [QuizRow(question=q, field=field, feedback=by_question.get(q.id)) for q, field in form.rows()]
