"""Forms of the help desk. They check what a helper typed and explain problems in plain
language; the services check the same rules again for every other caller."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.accounts.models import User
from digibank.core.credentials import SAFETY_PROMISE, validate_no_credentials
from digibank.core.dates import DateField
from digibank.network.models import Hub, Location
from digibank.people.forms import NewPersonFields, PersonTextField
from digibank.people.models import AgeBand, Gender, Language, Participant, VisitorStatus

from .models import (
    Autonomy,
    Channel,
    HelpdeskSettings,
    HelpQuestion,
    HelpTopic,
    MandateKind,
    Outcome,
)
from .services import HelpValues, MandateValues


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TopicField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SafeNoteField(forms.CharField):
    """A short note that refuses a national register number, a card number or a secret."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Short note"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", SAFETY_PROMISE)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}))
        kwargs.setdefault("validators", [validate_no_credentials])
        super().__init__(**kwargs)


def _locations_field(hub: Hub) -> forms.ModelChoiceField[Location]:
    return forms.ModelChoiceField(
        label=_("Help point"),
        queryset=Location.objects.filter(hub=hub, is_active=True).order_by("name", "pk"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the hub's open help points.")},
    )


class PersonKind:
    ANONYMOUS = "anonymous"
    REGISTERED = "registered"
    NEW = "new"


class HelpForm(NewPersonFields):
    """A help given. Defaults make an anonymous walk-in help a topic and one tap."""

    location = forms.ModelChoiceField(queryset=Location.objects.none())
    topics = TopicChoiceField(
        label=_("What did you help with?"),
        queryset=HelpTopic.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "topic-tiles__input"}),
        error_messages={"required": _("Choose at least one topic.")},
    )
    person_kind = forms.ChoiceField(
        label=_("Who did you help?"),
        choices=[
            (PersonKind.ANONYMOUS, _("Someone who stays anonymous")),
            (PersonKind.REGISTERED, _("A registered person")),
            (PersonKind.NEW, _("A new person to register")),
        ],
        initial=PersonKind.ANONYMOUS,
        widget=forms.RadioSelect,
        help_text=_(
            "Only a registered person counts as a user reached for the digibank's "
            "funding; an anonymous help is counted, but not as a person reached."
        ),
    )
    participant = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a person from the search results.")},
    )
    age_band = forms.ChoiceField(label=_("Age"), choices=AgeBand.choices, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("Not given")), *Gender.choices], required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=VisitorStatus.choices, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
    )
    channel = forms.ChoiceField(
        label=_("How"), choices=Channel.choices, initial=Channel.WALK_IN, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=600,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        error_messages={
            "invalid": _("Type the minutes in digits, for example 15."),
            "min_value": _("Type a duration between 1 and 600 minutes."),
            "max_value": _("Type a duration between 1 and 600 minutes."),
        },
    )
    autonomy = forms.ChoiceField(
        label=_("Who did it?"), choices=Autonomy.choices, required=False, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=_("Result"), choices=Outcome.choices, required=False, widget=forms.RadioSelect
    )
    referred_to = forms.CharField(
        label=_("Referred to which organisation"),
        max_length=200,
        required=False,
        validators=[validate_no_credentials],
        help_text=_("Only when you referred the person, for example the health insurer."),
    )
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    follow_up_due = DateField(
        label=_("Follow up by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: in a week."),
        error_messages={"invalid": _("Type a date like 2025-03-14.")},
    )
    follow_up_assignee = forms.ModelChoiceField(
        label=_("Who follows up"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("I do"),
        error_messages={"invalid_choice": _("Choose a member of this hub's team.")},
    )
    note = SafeNoteField()

    def __init__(
        self, *args: Any, hub: Hub, defaults: HelpdeskSettings | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.hub = hub
        if defaults is not None:  # the hub's own defaults; else nothing is pre-selected
            self.fields["duration_minutes"].initial = defaults.default_duration
            self.fields["autonomy"].initial = defaults.default_autonomy or None
            self.fields["outcome"].initial = defaults.default_outcome or None
        self.fields["follow_up_assignee"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__hub=hub, memberships__is_active=True
        ).order_by("full_name", "pk")
        self.fields["location"] = _locations_field(hub)
        self.fields["topics"].queryset = HelpTopic.objects.filter(is_active=True).order_by(  # type: ignore[attr-defined]
            "position", "code"
        )
        self.fields["participant"].queryset = Participant.objects.filter(  # type: ignore[attr-defined]
            hub=hub, merged_into__isnull=True, anonymised_at__isnull=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("person_kind")
        if kind == PersonKind.REGISTERED and not data.get("participant"):
            self.add_error(
                "participant", _("Find the person and choose them, or choose another option.")
            )
        if kind == PersonKind.NEW and not (data.get("given_name") or data.get("family_name")):
            self.add_error("given_name", _("Type at least a name of the new person."))
        if data.get("outcome") == Outcome.REFERRED and not (data.get("referred_to") or "").strip():
            self.add_error("referred_to", _("Say to which organisation you referred the person."))
        return data

    @staticmethod
    def initial_for(question: HelpQuestion) -> dict[str, Any]:
        return {
            "location": question.location_id,
            "topics": list(question.topics.all()),
            "person_kind": PersonKind.REGISTERED
            if question.participant_id
            else PersonKind.ANONYMOUS,
            "participant": question.participant_id,
            "age_band": question.age_band,
            "gender": question.gender,
            "status": question.status,
            "postcode": question.postcode,
            "channel": question.channel,
            "duration_minutes": question.duration_minutes,
            "autonomy": question.autonomy,
            "outcome": question.outcome,
            "referred_to": question.referred_to,
            "follow_up_needed": question.follow_up_needed,
            "follow_up_due": question.follow_up_due,
            "follow_up_assignee": question.follow_up_assignee_id,
            "note": question.note,
        }

    def chosen_person_kind(self) -> str:
        return str(self.cleaned_data.get("person_kind") or PersonKind.ANONYMOUS)

    def values(self) -> HelpValues:
        data = self.cleaned_data
        registered = self.chosen_person_kind() == PersonKind.REGISTERED
        anonymous = self.chosen_person_kind() == PersonKind.ANONYMOUS
        return HelpValues(
            location=data["location"],
            topics=list(data["topics"]),
            channel=data["channel"],
            duration_minutes=data.get("duration_minutes"),
            autonomy=data.get("autonomy") or "",
            outcome=data.get("outcome") or "",
            referred_to=data.get("referred_to") or "",
            follow_up_needed=data.get("follow_up_needed", False),
            follow_up_due=data.get("follow_up_due"),
            follow_up_assignee=data.get("follow_up_assignee"),
            note=data.get("note") or "",
            participant=data.get("participant") if registered else None,
            age_band=data.get("age_band", "") if anonymous else "",
            gender=data.get("gender", "") if anonymous else "",
            status=data.get("status", "") if anonymous else "",
            postcode=data.get("postcode", "") if anonymous else "",
        )

    def person_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_name": data.get("given_name", ""),
            "family_name": data.get("family_name", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "birth_year": None,
            "gender": "",
            "postcode": "",
            "preferred_language": data.get("preferred_language") or Language.DUTCH,
        }


class DayForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    date = DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Type a date like 2025-03-14.")},
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"] = _locations_field(hub)

    def chosen_day(self) -> datetime.date:
        self.is_valid()
        return self.cleaned_data.get("date") or timezone.localdate()

    def chosen_location(self) -> Location | None:
        self.is_valid()
        return self.cleaned_data.get("location")


class ProfileForm(forms.Form):
    topics = TopicChoiceField(
        label=_("Topics I can help with"),
        queryset=HelpTopic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=[choice for choice in Language.choices if choice[0] != Language.OTHER],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Help points where I help"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.CharField(
        label=_("When I am usually available"),
        max_length=300,
        required=False,
        help_text=_("For example: Tuesday mornings, not in July."),
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = HelpTopic.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["locations"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            hub=hub, is_active=True
        ).order_by("name")


class VolunteerFilterForm(forms.Form):
    topic = TopicField(
        label=_("Can help with"),
        queryset=HelpTopic.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any topic"),
    )
    language = forms.ChoiceField(
        label=_("Speaks"), choices=[("", _("Any language")), *Language.choices], required=False
    )

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        return {
            "topic": self.cleaned_data.get("topic"),
            "language": self.cleaned_data.get("language") or "",
        }


class MandateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of mandate"), choices=MandateKind.choices)
    holder_name = PersonTextField(
        label=_("Who holds the mandate"),
        max_length=200,
        help_text=_("The name of the person the participant trusts, for example a daughter."),
    )
    starts_on = DateField(
        label=_("Starts on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Type a date like 2025-03-14.")},
    )
    ends_on = DateField(
        label=_("Ends on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("A Mijn Burgerprofiel volmacht lasts 2 years."),
        error_messages={"invalid": _("Type a date like 2025-03-14.")},
    )
    note = SafeNoteField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return data

    def values(self) -> MandateValues:
        data = self.cleaned_data
        return MandateValues(
            kind=data["kind"],
            holder_name=data["holder_name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data.get("note") or "",
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw this help?"),
        max_length=300,
        help_text=_("For example: tapped the wrong topic, logged twice."),
        validators=[validate_no_credentials],
        error_messages={"required": _("Say in a few words why you withdraw this help.")},
    )


class FollowUpDoneForm(forms.Form):
    outcome = forms.CharField(
        label=_("What came of it?"),
        max_length=300,
        validators=[validate_no_credentials],
        error_messages={"required": _("Say in a few words what came of it.")},
    )


class FollowUpFilterForm(forms.Form):
    which = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("Open")),
            ("today", _("Due today")),
            ("overdue", _("Overdue")),
            ("done", _("Done")),
        ],
    )
    location = forms.ModelChoiceField(
        label=_("Help point"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("All help points"),
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            hub=hub, is_active=True
        ).order_by("name", "pk")

    def chosen(self) -> tuple[str, Location | None]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return str(data.get("which") or "open"), data.get("location")


class HelpdeskSettingsForm(forms.Form):
    default_duration = forms.IntegerField(
        label=_("Usual duration (minutes)"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("Empty: the helper types it; nothing is filled in for them."),
        error_messages={
            "invalid": _("Type the minutes in digits, for example 15."),
            "min_value": _("Type a duration between 1 and 600 minutes."),
            "max_value": _("Type a duration between 1 and 600 minutes."),
        },
    )
    default_autonomy = forms.ChoiceField(
        label=_("Usual answer to 'Who did it?'"),
        choices=[("", _("None: the helper chooses")), *Autonomy.choices],
        required=False,
    )
    default_outcome = forms.ChoiceField(
        label=_("Usual result"),
        choices=[("", _("None: the helper chooses")), *Outcome.choices],
        required=False,
    )
