"""Forms of the assessments app: the questionnaire (one radio group per statement, grouped
per DigComp area) and the search for a participant. The service checks the same rules
again for every other caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.core.dates import DateField
from digibank.learning.digcomp import AREAS
from digibank.learning.models import Course
from digibank.network.models import Hub

from .models import Moment, Rating, Statement, Way
from .services import rating_field


@dataclass(frozen=True)
class AreaGroup:
    """The statements of one DigComp area, for one fieldset."""

    area: int
    label: str | Promise
    fields: list[forms.BoundField]


@dataclass(frozen=True)
class ErrorLink:
    anchor: str
    label: str | Promise
    message: str


class AssessmentForm(forms.Form):
    moment = forms.ChoiceField(
        label=_("When does the person fill this in?"),
        choices=Moment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when the person fills this in.")},
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("No course"),
        error_messages={"invalid_choice": _("Choose a course from the list.")},
    )
    way = forms.ChoiceField(
        label=_("How are the answers given?"),
        choices=Way.choices,
        initial=Way.SCREEN,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the answers are given.")},
    )
    taken_on = DateField(
        label=_("Date on the paper form"),
        required=False,
        help_text=_("Only for a paper form filled in on another day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Type a date, for example 14/03/2026.")},
    )

    def __init__(
        self, data: Any = None, *, hub: Hub, statements: list[Statement], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.statements = statements
        course_field: Any = self.fields["course"]
        course_field.queryset = Course.objects.filter(hub=hub).order_by("title", "id")
        for statement in statements:
            self.fields[rating_field(statement.pk)] = forms.TypedChoiceField(
                label=statement.text,
                choices=Rating.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer for this sentence."),
                    "invalid_choice": _("Choose one of the five answers."),
                },
            )

    def clean_taken_on(self) -> Any:
        value = self.cleaned_data.get("taken_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return value

    def ratings(self) -> dict[int, int]:
        return {
            statement.pk: self.cleaned_data[rating_field(statement.pk)]
            for statement in self.statements
            if rating_field(statement.pk) in self.cleaned_data
        }

    def details_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("moment", "course", "way", "taken_on")]

    def area_groups(self) -> list[AreaGroup]:
        groups: dict[int, list[forms.BoundField]] = {}
        for statement in self.statements:
            groups.setdefault(statement.area, []).append(self[rating_field(statement.pk)])
        return [
            AreaGroup(area=area, label=AREAS.get(area, str(area)), fields=fields)
            for area, fields in sorted(groups.items())
        ]

    def error_links(self) -> list[ErrorLink]:
        """Each error with a link to the first input of its field (radio groups have no
        element with the field's own id)."""
        links = []
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            field = self[name]
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor = f"{field.auto_id}_0"
            for message in errors:
                links.append(ErrorLink(anchor=anchor, label=field.label, message=str(message)))
        order = {name: index for index, name in enumerate(self.fields)}
        anchors = {self[name].auto_id: order[name] for name in self.fields}
        links.sort(key=lambda link: anchors.get(link.anchor.removesuffix("_0"), 0))
        return links


class ParticipantSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, phone number or postcode"), required=False, max_length=200)

    def query(self) -> str:
        if self.is_valid():
            return str(self.cleaned_data.get("q") or "")
        return ""
