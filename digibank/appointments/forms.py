"""Forms of the appointments pages. They check input; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digibank.core.credentials import validate_no_credentials
from digibank.core.dates import DateField, DateTimeField
from digibank.people.forms import PersonEmailField, PersonTextField, PhoneField
from digibank.people.models import Language

from .models import SlotSettings, Topic

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ShiftForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Helper"), coerce=int)
    date = DateField(
        label=_("Date"),
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Type a date like 2026-03-23.")},
    )
    starts_at = forms.TimeField(
        label=_("From"),
        widget=TIME_WIDGET,
        error_messages={"invalid": _("Type a time like 09:00.")},
    )
    ends_at = forms.TimeField(
        label=_("Until"),
        widget=TIME_WIDGET,
        error_messages={"invalid": _("Type a time like 12:30.")},
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ChoiceField)
        user_field.choices = [("", _("Choose a helper")), *members]


class SlotSettingsForm(forms.ModelForm):
    class Meta:
        model = SlotSettings
        fields = ["slot_minutes", "desks", "book_ahead_days", "min_notice_hours"]
        help_texts = {
            "desks": _(
                "At most this many people get help at the same time. On days with a "
                "rota, also at most the number of helpers on duty."
            ),
            "min_notice_hours": _(
                "For example 2: nobody books an appointment that starts in less than 2 hours."
            ),
        }


class BookingForm(forms.Form):
    """What the appointment is about, and — when no registered person was chosen — a
    new person with the least data needed to confirm and remind."""

    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("Choose a topic")), *Topic.choices])
    about = forms.CharField(
        label=_("What it is about"),
        required=False,
        max_length=1000,
        validators=[validate_no_credentials],
        help_text=_("A few words. Never a PIN code, password or national register number."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_to_bring = forms.CharField(
        label=_("What to bring"),
        required=False,
        max_length=1000,
        validators=[validate_no_credentials],
        help_text=_(
            "Leave empty for the usual list for the topic (for example eID card and "
            "PIN, or a phone with itsme)."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NewPersonForm(forms.Form):
    given_name = PersonTextField(label=_("Given name"), max_length=100)
    family_name = PersonTextField(label=_("Family name"), max_length=100, required=False)
    phone = PhoneField(
        label=_("Phone number"),
        max_length=32,
        required=False,
        help_text=_("For the confirmation and the reminder by SMS."),
    )
    email = PersonEmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Type an e-mail address like name@example.be.")},
    )
    preferred_language = forms.ChoiceField(
        label=_("Language the person prefers"), choices=Language.choices, initial=Language.DUTCH
    )
    consent = forms.BooleanField(
        label=_("The person agrees that we keep these details to help them"), required=False
    )

    def data_for_service(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("consent", None)
        values.update(birth_year=None, gender="", postcode="")
        return values


class BookingWithNewPersonForm(BookingForm):
    """The booking form with the new person's fields in front."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = NewPersonForm()
        fields = {name: person.fields[name] for name in NewPersonForm.base_fields}
        fields.update(self.fields)
        self.fields = fields

    def person_data(self) -> dict[str, Any]:
        values = {name: self.cleaned_data.get(name) for name in NewPersonForm.base_fields}
        values.pop("consent", None)
        values.update(birth_year=None, gender="", postcode="")
        values["family_name"] = values["family_name"] or ""
        values["phone"] = values["phone"] or ""
        values["email"] = values["email"] or ""
        return values


class RescheduleForm(forms.Form):
    starts_at = DateTimeField(label=_("New time"), widget=forms.HiddenInput)


class TicketForm(forms.Form):
    name = PersonTextField(
        label=_("Name (optional)"),
        max_length=100,
        required=False,
        help_text=_("Only for the desk. The waiting-room screen shows numbers, never names."),
    )
    topic = forms.ChoiceField(
        label=_("Topic (optional)"), required=False, choices=[("", _("Not known")), *Topic.choices]
    )


class DeskForm(forms.Form):
    desk = forms.CharField(
        label=_("Your desk"),
        max_length=40,
        help_text=_("Shown on the screen, for example Desk 2."),
        error_messages={"required": _("Say which desk calls, for example Desk 1.")},
    )
