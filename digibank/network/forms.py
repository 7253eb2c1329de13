"""Forms of the network pages. They validate everything on the server and hand clean
values to the services; they never save a model themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from digibank.accounts.roles import HubRole
from digibank.core.dates import DateField
from digibank.core.journal import ACTION_LABELS
from digibank.core.text import digits
from digibank.core.validators import validate_no_national_number, validate_phone

from .models import (
    PARTICIPANT_OPTIONAL_FIELDS,
    HubPartner,
    Location,
    LocationKind,
    Municipality,
    Organisation,
    OrganisationKind,
    PartnerType,
    Weekday,
)
from .queries import local_today
from .services import (
    LocationValues,
    OrganisationValues,
    Period,
    check_periods,
    municipalities_for_postcode,
)
from .validators import format_enterprise_number, validate_enterprise_number

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TIME_ERRORS = {"invalid": _("Enter a time like 09:00 or 17:30.")}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def phone_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Phone"),
        max_length=32,
        required=False,
        validators=[validate_phone],
        help_text=_("For example 09 123 45 67 or 0470 12 34 56."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class AddressMixin(forms.Form):
    """A postcode that must exist, and a municipality to choose only when the postcode lies
    in several municipalities. Forms using it declare street, postcode and municipality
    fields, call setup_address() in __init__ and check_address() in clean()."""

    postcode_required = True

    def setup_address(self) -> None:
        self.fields["postcode"].required = self.postcode_required
        raw = (
            self.data.get(self.add_prefix("postcode"))
            if self.is_bound
            else self.initial.get("postcode")
        )
        code = digits(str(raw or ""))
        municipalities = municipalities_for_postcode(code) if len(code) == 4 else []
        self._set_municipality_choices(municipalities)

    def _set_municipality_choices(self, municipalities: Sequence[Municipality]) -> None:
        field = self.fields["municipality"]
        choices = [("", _("Choose a municipality"))] + [
            (m.nis_code, m.name) for m in municipalities
        ]
        if len(municipalities) > 1:
            field.help_text = _("This postcode lies in several municipalities.")
            field.widget = forms.Select(choices=choices)
        else:
            field.widget = forms.HiddenInput()

    def check_address(self, cleaned: dict[str, Any]) -> None:
        """Check the postcode and settle the municipality."""
        value = str(cleaned.get("postcode") or "").strip()
        if not value:
            if self.postcode_required and "postcode" not in self.errors:
                self.add_error("postcode", _("Enter the postcode."))
            return
        code = digits(value)
        if len(code) != 4 or code != value.replace(" ", ""):
            self.add_error("postcode", _("A postcode has 4 digits, for example 9000."))
            return
        options = municipalities_for_postcode(code)
        if not options:
            self.add_error(
                "postcode",
                _("We do not know the postcode %(code)s. Check it and try again.") % {"code": code},
            )
            return
        cleaned["postcode"] = code
        codes = [m.nis_code for m in options]
        chosen = cleaned.get("municipality") or ""
        if len(options) == 1:
            cleaned["municipality"] = codes[0]
        elif chosen not in codes:
            self._set_municipality_choices(options)
            self.add_error(
                "municipality",
                _("The postcode %(code)s lies in several municipalities. Choose one.")
                % {"code": code},
            )


SERVICE_CHOICES = [
    ("lending", _("Lending devices")),
    ("training", _("Training")),
    ("help_desk", _("Help desk")),
]


class LocationForm(AddressMixin):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the name of the help point.")},
    )
    kind = forms.ChoiceField(label=_("Kind of place"), choices=LocationKind.choices)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=8,
        error_messages={"required": _("Enter the postcode.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    municipality = forms.CharField(label=_("Municipality"), required=False)
    phone = phone_field()
    services = forms.MultipleChoiceField(
        label=_("Services offered"),
        choices=SERVICE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_mobile = forms.BooleanField(label=_("Mobile point (moves between places)"), required=False)
    offers_home_visits = forms.BooleanField(label=_("Home visits"), required=False)
    accessibility_notes = forms.CharField(
        label=_("Accessibility"),
        required=False,
        help_text=_("For example: step-free entrance, lift, accessible toilet, hearing loop."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_address()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_address(cleaned)
        return cleaned

    @classmethod
    def initial_for(cls, location: Location) -> dict[str, Any]:
        services = [
            name
            for name, flag in (
                ("lending", location.offers_lending),
                ("training", location.offers_training),
                ("help_desk", location.offers_help_desk),
            )
            if flag
        ]
        return {
            "name": location.name,
            "kind": location.kind,
            "street": location.street,
            "postcode": location.postcode,
            "municipality": location.municipality_id,
            "phone": location.phone,
            "services": services,
            "is_mobile": location.is_mobile,
            "offers_home_visits": location.offers_home_visits,
            "accessibility_notes": location.accessibility_notes,
        }

    def values(self) -> LocationValues:
        data = self.cleaned_data
        services = set(data["services"])
        return LocationValues(
            name=data["name"],
            kind=data["kind"],
            street=data["street"],
            postcode=data["postcode"],
            municipality_nis=data.get("municipality") or None,
            phone=data["phone"],
            offers_lending="lending" in services,
            offers_training="training" in services,
            offers_help_desk="help_desk" in services,
            is_mobile=data["is_mobile"],
            offers_home_visits=data["offers_home_visits"],
            accessibility_notes=data["accessibility_notes"],
        )


class OpeningPeriodForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", _("No day")), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    opens_at = forms.TimeField(
        label=_("Opens"), required=False, widget=TIME_WIDGET, error_messages=TIME_ERRORS
    )
    closes_at = forms.TimeField(
        label=_("Closes"), required=False, widget=TIME_WIDGET, error_messages=TIME_ERRORS
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        weekday, opens, closes = (
            cleaned.get("weekday"),
            cleaned.get("opens_at"),
            cleaned.get("closes_at"),
        )
        if weekday is None and opens is None and closes is None:
            return cleaned  # an empty row: nothing to save
        if weekday is None:
            self.add_error("weekday", _("Choose the day."))
        if opens is None and "opens_at" not in self.errors:
            self.add_error("opens_at", _("Enter the opening time, for example 09:00."))
        if closes is None and "closes_at" not in self.errors:
            self.add_error("closes_at", _("Enter the closing time, for example 12:30."))
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes_at", _("The closing time must be later than the opening time."))
        return cleaned

    def period(self) -> Period | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("DELETE") or data.get("weekday") is None:
            return None
        opens: time | None = data.get("opens_at")
        closes: time | None = data.get("closes_at")
        if opens is None or closes is None:
            return None
        return Period(int(data["weekday"]), opens, closes)


if TYPE_CHECKING:
    _BaseFormSet = forms.BaseFormSet[OpeningPeriodForm]
else:
    _BaseFormSet = forms.BaseFormSet


class BaseOpeningHoursFormSet(_BaseFormSet):
    def add_fields(self, form: OpeningPeriodForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        check_periods(self.periods())

    def periods(self) -> list[Period]:
        found = (form.period() for form in self.forms)
        return [period for period in found if period is not None]


OpeningHoursFormSet = forms.formset_factory(
    OpeningPeriodForm,
    formset=BaseOpeningHoursFormSet,
    extra=3,
    can_delete=True,
    max_num=42,
    validate_max=True,
)


class OpeningExceptionForm(forms.Form):
    date = DateField(
        label=_("Date"),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Enter the date."),
            "invalid": _("Enter a date like 2026-12-25."),
        },
    )
    is_closed = forms.TypedChoiceField(
        label=_("On this day the help point is"),
        choices=[("1", _("Closed all day")), ("0", _("Open at other hours"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    opens_at = forms.TimeField(
        label=_("Opens"),
        required=False,
        widget=TIME_WIDGET,
        error_messages=TIME_ERRORS,
        help_text=_("Only for other hours."),
    )
    closes_at = forms.TimeField(
        label=_("Closes"),
        required=False,
        widget=TIME_WIDGET,
        error_messages=TIME_ERRORS,
        help_text=_("Only for other hours."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("For example: public holiday, staff training."),
    )

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if day < local_today():
            raise forms.ValidationError(_("Choose today or a date in the future."))
        if (day - local_today()).days > 2 * 366:
            raise forms.ValidationError(_("Choose a date within the next two years."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_closed") is False:
            opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
            if opens is None and "opens_at" not in self.errors:
                self.add_error("opens_at", _("Enter the opening time, for example 09:00."))
            if closes is None and "closes_at" not in self.errors:
                self.add_error("closes_at", _("Enter the closing time, for example 12:30."))
            if opens is not None and closes is not None and closes <= opens:
                self.add_error(
                    "closes_at", _("The closing time must be later than the opening time.")
                )
        return cleaned


NEW_ORGANISATION = "new"


class PartnerAddForm(AddressMixin):
    """Choose an organisation found by the search, or describe a new one."""

    postcode_required = False

    organisation = forms.ChoiceField(label=_("Organisation"), widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Name of the new organisation"),
        max_length=200,
        required=False,
        error_messages={"required": _("Enter the name of the new organisation.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", _("Choose a kind")), *OrganisationKind.choices],
        required=False,
        error_messages={"required": _("Choose what kind of organisation this is.")},
    )
    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=20,
        required=False,
        help_text=_("Ten digits, for example 0123.456.749. Leave empty if it has none."),
    )
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    municipality = forms.CharField(label=_("Municipality"), required=False)
    partner_type = forms.ChoiceField(
        label=_("Partner type"), choices=PartnerType.choices, widget=forms.RadioSelect
    )
    role = forms.CharField(
        label=_("Role in the partnership"),
        max_length=200,
        required=False,
        help_text=_("For example: lends laptops, gives courses, offers a room."),
    )
    q = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[Organisation],
        partner_ids: set[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_address()
        self.organisations = {str(org.pk): org for org in organisations}
        choices: list[tuple[str, Any]] = []
        for org in organisations:
            label = org.name
            if org.enterprise_number:
                label = f"{label} ({format_enterprise_number(org.enterprise_number)})"
            if org.pk in partner_ids:
                label = _("%(name)s: already a partner") % {"name": label}
            choices.append((str(org.pk), label))
        choices.append((NEW_ORGANISATION, _("A new organisation: fill in its details below")))
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        if not organisations:
            field.initial = NEW_ORGANISATION
        self.partner_ids = partner_ids
        chosen = self.data.get(self.add_prefix("organisation")) if self.is_bound else field.initial
        if chosen == NEW_ORGANISATION:
            # Mark them as required (no "optional" label) when a new organisation is made.
            self.fields["name"].required = True
            self.fields["kind"].required = True

    @property
    def is_new(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("organisation") == NEW_ORGANISATION)

    def chosen_organisation(self) -> Organisation | None:
        return self.organisations.get(self.cleaned_data.get("organisation") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        choice = cleaned.get("organisation")
        if choice == NEW_ORGANISATION:
            if not cleaned.get("name") and "name" not in self.errors:
                self.add_error("name", _("Enter the name of the new organisation."))
            if not cleaned.get("kind") and "kind" not in self.errors:
                self.add_error("kind", _("Choose what kind of organisation this is."))
            number = str(cleaned.get("enterprise_number") or "").strip()
            if number:
                try:
                    validate_enterprise_number(number)
                except forms.ValidationError as error:
                    self.add_error("enterprise_number", error)
            self.check_address(cleaned)
        elif choice:
            organisation = self.organisations[choice]
            if organisation.pk in self.partner_ids:
                self.add_error(
                    "organisation",
                    _("“%(name)s” is already a partner of this hub.") % {"name": organisation.name},
                )
        return cleaned

    def organisation_values(self) -> OrganisationValues:
        data = self.cleaned_data
        return OrganisationValues(
            name=data["name"],
            kind=data["kind"],
            enterprise_number=data["enterprise_number"],
            street=data["street"],
            postcode=data.get("postcode") or "",
            municipality_nis=data.get("municipality") or None,
        )


class PartnerEditForm(forms.Form):
    partner_type = forms.ChoiceField(
        label=_("Partner type"), choices=PartnerType.choices, widget=forms.RadioSelect
    )
    role = forms.CharField(label=_("Role in the partnership"), max_length=200, required=False)

    @classmethod
    def initial_for(cls, partner: HubPartner) -> dict[str, Any]:
        return {"partner_type": partner.partner_type, "role": partner.role}


ROLE_HINT = _(
    "Coordinators manage the hub and its team. Staff and digihelpers register and help "
    "people. Trainers see people in their courses. Partners only see the hub's overview."
)


class MemberInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, validators=[validate_no_national_number]
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, validators=[validate_no_national_number]
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=HubRole.choices, widget=forms.RadioSelect, help_text=ROLE_HINT
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation e-mail"), choices=settings.LANGUAGES
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        self.fields["language"].initial = language

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=HubRole.choices, widget=forms.RadioSelect, help_text=ROLE_HINT
    )


PARTICIPANT_FIELD_LABELS = {
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "phone": _("Phone"),
    "email": _("E-mail address"),
    "birth_year": _("Year of birth"),
    "postcode": _("Postcode"),
}


class HubSettingsForm(forms.Form):
    email = forms.EmailField(label=_("Contact e-mail address"), required=False)
    phone = phone_field(_("Contact phone"))
    required_participant_fields = forms.MultipleChoiceField(
        label=_("Required when you register a person"),
        help_text=_("Only ask what you need. Everything you do not tick stays optional."),
        choices=[
            (name, PARTICIPANT_FIELD_LABELS.get(name, name)) for name in PARTICIPANT_OPTIONAL_FIELDS
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    messages_from = forms.TimeField(
        required=False,  # empty: keeps the current time
        label=_("Send messages to people from"),
        help_text=_("No text message or e-mail reaches anyone before this time."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Type a time like 08:00.")},
    )
    messages_until = forms.TimeField(
        required=False,  # empty: keeps the current time
        label=_("Send messages to people until"),
        help_text=_("Messages after this time wait until the next morning."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Type a time like 21:00.")},
    )
    reminder_time = forms.TimeField(
        required=False,  # empty: keeps the current time
        label=_("Send day-before reminders at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Type a time like 10:00.")},
    )


class JournalFilterForm(forms.Form):
    """Filters of the hub journal: who, what and between which days (a GET form)."""

    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("What happened"), required=False)
    start = DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, actors: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        options = sorted(
            ((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda item: item[1]
        )
        field.choices = [("", _("Everything")), *options]
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ChoiceField)
        actor.choices = [("", _("Everyone")), *actors]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("Choose a day on or after the first day."))
        return data
