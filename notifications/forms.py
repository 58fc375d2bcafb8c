"""The borrower's message settings form (parsing only: the view reads and saves)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

YES = "yes"
NO = "no"

# The time zones a borrower may choose for their reminders: where Anxin's borrowers live and study or
# work abroad. Quiet hours (22:00–08:00) and the day of the daily cap are counted in this zone.
TIME_ZONES: tuple[tuple[str, StrOrPromise], ...] = (
    ("Asia/Shanghai", _("Beijing time (Asia/Shanghai)")),
    ("Asia/Urumqi", _("Urumqi time (Asia/Urumqi)")),
    ("Asia/Hong_Kong", _("Hong Kong (Asia/Hong_Kong)")),
    ("Asia/Macau", _("Macau (Asia/Macau)")),
    ("Asia/Singapore", _("Singapore (Asia/Singapore)")),
    ("Asia/Tokyo", _("Tokyo (Asia/Tokyo)")),
    ("Asia/Seoul", _("Seoul (Asia/Seoul)")),
    ("Europe/London", _("London (Europe/London)")),
    ("Europe/Paris", _("Paris (Europe/Paris)")),
    ("America/New_York", _("New York (America/New_York)")),
    ("America/Los_Angeles", _("Los Angeles (America/Los_Angeles)")),
    ("Australia/Sydney", _("Sydney (Australia/Sydney)")),
)


def time_zone_choices(current: str) -> list[tuple[str, StrOrPromise]]:
    """The list, with the borrower's present zone first among them when it is not one of the list (set by
    our staff from the lender's records), so that saving the page never changes it unasked."""
    choices = list(TIME_ZONES)
    if current and current not in dict(choices):
        choices.insert(0, (current, current))
    return choices


class _TickBox(forms.CheckboxInput):
    """A checkbox that hands the form what the browser sent (None when it is not ticked)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class TickField(forms.BooleanField):
    """On when the browser sends the box's value ("on"), off when it sends nothing. Anything else is
    refused, not read as "on": Django's own checkbox takes any text for yes, so a forged or damaged
    request would switch a channel on or off without the borrower having chosen it."""

    widget = _TickBox
    default_error_messages = {"invalid": _("Tick the box or leave it empty.")}

    def to_python(self, value: Any) -> bool:
        if value is None:
            return False
        if value == TICKED:
            return True
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(initial) != bool(data == TICKED)


TICKED = "on"


class MessageSettingsForm(forms.Form):
    sms = TickField(label=_("Text messages (SMS) to your mobile number"), required=False, label_suffix="")
    email = TickField(label=_("Email to your sign-in address"), required=False, label_suffix="")
    marketing = forms.ChoiceField(
        label=_("Offers and news about our products"),
        choices=[(YES, _("Yes, send me offers and news")), (NO, _("No, do not send me offers"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no."), "invalid_choice": _("Choose yes or no.")},
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        help_text=_("Reminders follow the clock where you are: choose the place nearest to you."),
        error_messages={
            "required": _("Choose your time zone."),
            "invalid_choice": _("Choose a time zone from the list."),
        },
    )

    def __init__(self, *args: Any, time_zone: str | None, **kwargs: Any) -> None:
        """`time_zone`: the borrower's present zone, or None for an account with no borrower record (the
        field is left out: there is nobody to remind)."""
        super().__init__(*args, **kwargs)
        if time_zone is None:
            del self.fields["time_zone"]
        else:
            self.fields["time_zone"].choices = time_zone_choices(time_zone)  # type: ignore[attr-defined]

    @property
    def has_time_zone(self) -> bool:
        return "time_zone" in self.fields

    @property
    def marketing_granted(self) -> bool:
        return bool(self.cleaned_data["marketing"] == YES)
