"""Forms of the people app. They check what a person typed and explain problems in plain
language; the services check the same rules again for every other caller."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from digibank.core.credentials import validate_no_credentials
from digibank.core.dates import DateField
from digibank.network.models import PARTICIPANT_OPTIONAL_FIELDS, Hub, Location, Postcode

from .consent import PRIVACY_NOTICE_VERSION
from .models import (
    AgeBand,
    ConsentPurpose,
    Gender,
    Language,
    Participant,
    TargetGroup,
    VisitorStatus,
)
from .services import visitor_date_range
from .validation import clean_phone, clean_postcode, refuse_national_number


class NoNationalNumberMixin:
    """A text field that refuses a Belgian national register number, before any other
    check, with one clear explanation."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            refuse_national_number(value)
        return super().clean(value)  # type: ignore[misc]


class PersonTextField(NoNationalNumberMixin, forms.CharField):
    """Free text about a person (a name, a note): never a national register number, a
    card number, a PIN or a password (core.credentials)."""

    default_validators = [validate_no_credentials]


class PersonEmailField(NoNationalNumberMixin, forms.EmailField):
    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).lower()


class PhoneField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"})

    def clean(self, value: Any) -> str:
        return clean_phone(str(super().clean(value) or ""))


class PostcodeField(forms.CharField):
    """A Belgian postcode that exists."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Postcode"))
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        code = clean_postcode(str(super().clean(value) or ""))
        if code and not Postcode.objects.filter(code=code).exists():
            raise ValidationError(
                _("This postcode does not exist in Belgium. Check the number."),
                code="postcode_unknown",
            )
        return code


def _year_now() -> int:
    return timezone.localdate().year


class NewPersonFields(forms.Form):
    """A brand-new person registered in passing (the help log, the enrol page): the few
    fields people.services.participant_create needs, and the consent to keep them."""

    given_name = PersonTextField(label=_("Given name"), max_length=100, required=False)
    family_name = PersonTextField(label=_("Family name"), max_length=100, required=False)
    phone = PhoneField(label=_("Phone number"), max_length=32, required=False)
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
        label=_("The person agrees that we keep their data to help them."), required=False
    )


class ParticipantForm(forms.Form):
    """A person's details. Only what the hub requires is required."""

    given_name = PersonTextField(
        label=_("Given name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = PersonTextField(
        label=_("Family name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = PhoneField(
        label=_("Phone number"),
        max_length=32,
        required=False,
        help_text=_("For example 0470 12 34 56 or +32 470 12 34 56."),
    )
    email = PersonEmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Type an e-mail address like name@example.be.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        help_text=_("Four digits, for example 1956."),
        error_messages={"invalid": _("Type the year in digits, for example 1956.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", _("Not given")), *Gender.choices],
    )
    postcode = PostcodeField(required=False, help_text=_("Where the person lives."))
    preferred_language = forms.ChoiceField(
        label=_("Language the person prefers"),
        choices=Language.choices,
        initial=Language.DUTCH,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose all that apply. This helps the hub report its figures."),
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hub = hub
        for name in hub.required_participant_fields or []:
            if name in PARTICIPANT_OPTIONAL_FIELDS and name in self.fields:
                field = self.fields[name]
                field.required = True
                field.error_messages["required"] = _("This hub needs the %(label)s.") % {
                    "label": str(field.label).lower()
                }

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= _year_now():
            raise ValidationError(
                _("Type a year between 1900 and %(year)s.") % {"year": _year_now()},
                code="birth_year",
            )
        return year

    def personal_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name)
            for name in (
                "given_name",
                "family_name",
                "phone",
                "email",
                "birth_year",
                "gender",
                "postcode",
                "preferred_language",
            )
        }

    @staticmethod
    def initial_for(participant: Participant) -> dict[str, Any]:
        return {
            "given_name": participant.given_name,
            "family_name": participant.family_name,
            "phone": participant.phone,
            "email": participant.email,
            "birth_year": participant.birth_year,
            "gender": participant.gender,
            "postcode": participant.postcode,
            "preferred_language": participant.preferred_language,
            "target_groups": [tg.group for tg in participant.target_groups.all()],
        }


class ParticipantCreateForm(ParticipantForm):
    consent = forms.BooleanField(
        label=_("The person agrees that we keep their data to help them"),
        required=False,
        # format_lazy, not %: formatted at import the text would stay in one language.
        help_text=format_lazy(
            _("Tell the person what we keep and why (privacy notice version {version})."),
            version=PRIVACY_NOTICE_VERSION,
        ),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a person"),
        required=False,
        help_text=_("Type a name, phone number, postcode or e-mail address. Part of it is enough."),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "maxlength": 200,
            }
        ),
    )
    group = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        choices=[("", _("All target groups")), *TargetGroup.choices],
    )

    def __init__(self, *args: Any, live_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if live_url:
            # Progressive enhancement: results follow the typing when JavaScript runs.
            common = {
                "hx-get": live_url,
                "hx-target": "#search-results",
                "hx-push-url": "true",
                "hx-include": "closest form",
                "hx-indicator": "#search-indicator",
            }
            self.fields["q"].widget.attrs.update(
                common, **{"hx-trigger": "input changed delay:300ms, search"}
            )
            self.fields["group"].widget.attrs.update(common, **{"hx-trigger": "change"})

    # A bad value in one field (an unknown group) does not throw away the other one.
    def query(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("q") or "")

    def target_group(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("group") or "")


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("What does the person agree to?"),
        choices=ConsentPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the person agrees to.")},
    )

    def __init__(self, *args: Any, exclude: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if exclude:
            purpose = self.fields["purpose"]
            assert isinstance(purpose, forms.ChoiceField)
            purpose.choices = [
                (value, label) for value, label in ConsentPurpose.choices if value not in exclude
            ]


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone"),
        error_messages={
            "required": _("Tick the box to show you understand that this cannot be undone.")
        },
    )


class MergeForm(forms.Form):
    """Per field that differs: keep the value of this record or of the other one."""

    confirm = forms.BooleanField(
        label=_("These two records are the same person"),
        error_messages={"required": _("Tick the box if these records are the same person.")},
    )

    def __init__(
        self,
        *args: Any,
        target: Participant,
        source: Participant,
        rows: list[tuple[str, str, str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.differing = [row for row in rows if row[2] != row[3]]
        for name, label, target_value, source_value in self.differing:
            self.fields[f"keep_{name}"] = forms.ChoiceField(
                label=label,
                choices=[
                    ("target", target_value or _("(empty)")),
                    ("source", source_value or _("(empty)")),
                ],
                widget=forms.RadioSelect,
                initial="target" if target_value or not source_value else "source",
            )
        # The confirmation comes last.
        self.fields["confirm"] = self.fields.pop("confirm")

    def fields_from_source(self) -> list[str]:
        return [
            name
            for name, *_rest in self.differing
            if self.cleaned_data.get(f"keep_{name}") == "source"
        ]


class VisitorForm(forms.Form):
    visited_on = DateField(
        label=_("Date of the visit"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Type a date like 2025-03-31.")},
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("Not at a location (for example a home visit)"),
    )
    age_band = forms.ChoiceField(label=_("Age"), required=False, choices=AgeBand.choices)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Not given")), *Gender.choices]
    )
    status = forms.ChoiceField(
        label=_("Work or school"), required=False, choices=VisitorStatus.choices
    )
    postcode = PostcodeField(required=False, help_text=_("Where the person lives, if they say."))

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location_field = self.fields["location"]
        assert isinstance(location_field, forms.ModelChoiceField)
        location_field.queryset = Location.objects.filter(hub=hub, is_active=True).order_by("name")
        self.fields["visited_on"].initial = timezone.localdate

    def clean_visited_on(self) -> Any:
        visited_on = self.cleaned_data["visited_on"]
        earliest, latest = visitor_date_range()
        if visited_on > latest:
            raise ValidationError(_("The date cannot be in the future."), code="future")
        if visited_on < earliest:
            raise ValidationError(_("The date cannot be more than a year ago."), code="too_old")
        return visited_on


class VisitorFilterForm(forms.Form):
    start = DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Type a date like 2025-03-31.")},
    )
    end = DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Type a date like 2025-03-31.")},
    )
