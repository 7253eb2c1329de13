"""Forms of the learning pages. They check and shape input; services enforce the rules."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.accounts.models import User
from digibank.core.dates import DateField
from digibank.network.models import Hub, Location
from digibank.people.forms import NewPersonFields
from digibank.people.models import Language

from .digcomp import AREAS, Competence, ProficiencyLevel
from .models import (
    DEFAULT_OFFER_HOURS,
    AttendanceStatus,
    Audience,
    CertificateHours,
    Course,
    CourseFormat,
)
from .services import COURSE_FIELDS, TRAINER_ROLES

LEVEL_CHOICES = [("", _("Not in this course"))] + [
    (str(value), label) for value, label in ProficiencyLevel.choices
]


def _level_field_name(competence: Competence) -> str:
    return "level_" + competence.code.replace(".", "_")


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In plain language: what people learn and what they need to bring."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("For whom"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    technical_track = forms.CharField(
        label=_("Technical track"),
        max_length=100,
        required=False,
        help_text=_("For example: IT repair."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=CourseFormat.choices,
        initial=CourseFormat.IN_PERSON,
        widget=forms.RadioSelect,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of instruction"),
        choices=[choice for choice in Language.choices if choice[0] != "other"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meeting_count = forms.IntegerField(
        label=_("Number of meetings"), min_value=1, max_value=200, initial=1
    )
    hours = forms.DecimalField(
        label=_("Hours in total"),
        min_value=Decimal("0.5"),
        max_value=Decimal("9999"),
        decimal_places=1,
        initial=Decimal("2.0"),
    )
    materials = forms.CharField(
        label=_("Materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One link per line, starting with https://"),
    )
    min_attendance_percent = forms.IntegerField(
        label=_("Attendance needed for the certificate (%)"),
        min_value=0,
        max_value=100,
        initial=75,
        help_text=_("For example 75: people must come to at least 3 of 4 meetings."),
    )
    certificate_hours = forms.ChoiceField(
        label=_("Hours on the certificate"),
        choices=CertificateHours.choices,
        initial=CertificateHours.ATTENDED,
        widget=forms.RadioSelect,
        required=False,
    )
    is_shared_template = forms.BooleanField(
        label=_("Share this course as a template with other hubs"),
        required=False,
        help_text=_("Other hubs see the description only, never sessions or people."),
    )

    def __init__(self, *args: Any, competences: list[Competence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competence_list = competences
        for competence in competences:
            self.fields[_level_field_name(competence)] = forms.TypedChoiceField(
                label=f"{competence.code} {competence.name}",
                choices=LEVEL_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )

    @classmethod
    def initial_for(cls, course: Course) -> dict[str, Any]:
        initial: dict[str, Any] = {field: getattr(course, field) for field in COURSE_FIELDS}
        for row in course.course_competences.all():
            initial[_level_field_name(row.competence)] = str(row.target_level)
        return initial

    def clean_materials(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["materials"].splitlines()]
        validate = URLValidator(schemes=["http", "https"])
        for line in filter(None, lines):
            try:
                validate(line)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(line)s” is not a web link. Put one link per line."), params={"line": line}
                ) from error
        return "\n".join(filter(None, lines))

    def course_fields(self) -> list[BoundField]:
        return [self[name] for name in COURSE_FIELDS]

    def competence_groups(self) -> list[tuple[Promise, list[BoundField]]]:
        return [
            (
                label,
                [self[_level_field_name(c)] for c in self.competence_list if c.area == area],
            )
            for area, label in AREAS.items()
        ]

    def clean_certificate_hours(self) -> str:
        return str(self.cleaned_data.get("certificate_hours") or CertificateHours.ATTENDED)

    def course_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in COURSE_FIELDS}

    def chosen_competences(self) -> list[tuple[Competence, int]]:
        return [
            (competence, self.cleaned_data[_level_field_name(competence)])
            for competence in self.competence_list
            if self.cleaned_data.get(_level_field_name(competence))
        ]


def trainer_choices(hub: Hub) -> Any:
    return (
        User.objects.filter(
            memberships__hub=hub, memberships__is_active=True, memberships__role__in=TRAINER_ROLES
        )
        .order_by("full_name", "email")
        .distinct()
    )


class TrainerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class MeetingFields(forms.Form):
    """Date, start and end, a location of the hub or an online link."""

    date = DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False
    )
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For an online or hybrid meeting."),
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        forms.Form.__init__(self, *args, **kwargs)
        self.limit_to(hub)

    def limit_to(self, hub: Hub) -> None:
        self.fields["location"].queryset = Location.objects.filter(hub=hub, is_active=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The meeting must end after it starts."))
        if (
            not data.get("location")
            and not data.get("online_url")
            and "location" not in self.errors
        ):
            self.add_error("location", _("Choose a location or give an online link."))
        return data

    def meeting(self) -> dict[str, Any]:
        day: date = self.cleaned_data["date"]
        zone = timezone.get_current_timezone()

        def at(moment: time) -> datetime:
            return datetime.combine(day, moment, tzinfo=zone)

        return {
            "starts_at": at(self.cleaned_data["start"]),
            "ends_at": at(self.cleaned_data["end"]),
            "location": self.cleaned_data["location"],
            "online_url": self.cleaned_data["online_url"],
        }


class SessionForm(forms.Form):
    name = forms.CharField(
        label=_("Name of this run"),
        max_length=100,
        required=False,
        help_text=_("For example: Spring, Tuesday mornings."),
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10_000, initial=12)
    trainers = TrainerField(
        label=_("Trainers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    offer_hours = forms.IntegerField(
        label=_("Hours to accept a freed seat"),
        min_value=1,
        max_value=24 * 14,
        initial=DEFAULT_OFFER_HOURS,
        help_text=_("When a seat frees, the next person waiting gets this long to say yes."),
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        forms.Form.__init__(self, *args, **kwargs)
        self.limit_to(hub)

    def limit_to(self, hub: Hub) -> None:
        self.fields["trainers"].queryset = trainer_choices(hub)  # type: ignore[attr-defined]


class SessionCreateForm(SessionForm, MeetingFields):
    field_order = [
        "name",
        "capacity",
        "trainers",
        "offer_hours",
        "date",
        "start",
        "end",
        "location",
        "online_url",
    ]

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        forms.Form.__init__(self, *args, **kwargs)
        SessionForm.limit_to(self, hub)
        MeetingFields.limit_to(self, hub)


class EnrolForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("People on the session get a message that it is cancelled."),
    )


class AttendanceForm(forms.Form):
    enrolment = forms.IntegerField(min_value=1)
    status = forms.ChoiceField(choices=AttendanceStatus.choices)


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("People on the session get a message that this meeting does not take place."),
    )


class NewLearnerForm(NewPersonFields):
    """A brand-new person, registered and enrolled in one step: the same fields as the
    help log's "new person" (people.services.participant_create does the rest)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_name") or data.get("family_name")) and not self.errors.get(
            "given_name"
        ):
            self.add_error("given_name", _("Type at least a name of the new person."))
        return data

    def person_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_name": data.get("given_name", ""),
            "family_name": data.get("family_name", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "preferred_language": data.get("preferred_language") or Language.DUTCH,
        }
