"""Forms of the officers' call pages. Money is typed in euros and kept in cents; dates
and times are typed as Brussels time and kept as aware datetimes."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from digibank.core.dates import DateField
from digibank.network.models import OrganisationKind, PartnerType, Region

from ..models import (
    Call,
    CallAudience,
    CallKind,
    Criterion,
    Goal,
    PaymentRule,
    Question,
    QuestionKind,
    Round,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_EUROS = Decimal("100000000")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def euros_to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def cents_to_euros(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents) / 100


def brussels_datetime(day: date, moment: time) -> datetime | None:
    """The aware datetime of a Brussels wall-clock time, or None when that time does not
    exist (the hour skipped when summer time starts). A time that happens twice (when
    summer time ends) means its first occurrence."""
    local = datetime.combine(day, moment.replace(tzinfo=None, fold=0), tzinfo=BRUSSELS)
    back = local.astimezone(ZoneInfo("UTC")).astimezone(BRUSSELS)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local


class KindChoiceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of call?"),
        choices=CallKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A preparation call starts with at most € 15,000 and 4 months; an implementation "
            "call with at most € 500,000, at least 24 months and all three goals. You can "
            "change these values on the next page."
        ),
    )


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the call is for and who should apply. Shown on the public page."),
    )
    kind = forms.ChoiceField(label=_("Kind of call"), choices=CallKind.choices)
    max_amount_euros = forms.DecimalField(
        label=_("Maximum amount per application, in euros"),
        min_value=Decimal("0.01"),
        max_value=MAX_EUROS,
        decimal_places=2,
    )
    min_duration_months = forms.IntegerField(
        label=_("Shortest project, in months"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Leave empty for no minimum."),
    )
    max_duration_months = forms.IntegerField(
        label=_("Longest project, in months"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Leave empty for no maximum."),
    )
    lead_organisation_kinds = forms.MultipleChoiceField(
        label=_("Who may lead the partnership"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to let any organisation lead."),
    )
    required_partner_types = forms.MultipleChoiceField(
        label=_("Partner types the partnership must include"),
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ChoiceField(
        label=_("Region"),
        choices=[("", _("Anywhere")), *list(Region.choices)],
        required=False,
        help_text=_("Where the project must work."),
    )
    required_goals = forms.MultipleChoiceField(
        label=_("Goals the project must cover"),
        choices=Goal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    score_scale_max = forms.IntegerField(
        label=_("Highest score reviewers can give"),
        min_value=2,
        max_value=100,
        initial=5,
        help_text=_("Reviewers score each criterion from 0 to this number."),
    )

    limits_reason = forms.CharField(
        label=_("Why the limits differ from the kind's"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the amount, the duration or the goals differ from what the kind "
            "of call sets. Kept with the call's history."
        ),
    )
    audience = forms.ChoiceField(
        label=_("For whom"),
        choices=CallAudience.choices,
        initial=CallAudience.NEW,
        required=False,
        help_text=_("Existing digibanken apply for a follow-on or an extension of their hub."),
    )
    payment_rule = forms.ChoiceField(
        label=_("Payment rule for reach tiers"),
        choices=PaymentRule.choices,
        initial=PaymentRule.STEPS,
        required=False,
    )
    payment_rule_source = forms.CharField(
        label=_("Where the payment rule comes from"),
        required=False,
        max_length=300,
        help_text=_("For example the regulation or the article of the call text."),
    )

    @staticmethod
    def initial_for(call: Call) -> dict[str, Any]:
        return {
            "title": call.title,
            "description": call.description,
            "kind": call.kind,
            "max_amount_euros": cents_to_euros(call.max_amount_cents),
            "min_duration_months": call.min_duration_months,
            "max_duration_months": call.max_duration_months,
            "lead_organisation_kinds": call.lead_organisation_kinds,
            "required_partner_types": call.required_partner_types,
            "region": call.region,
            "required_goals": call.required_goals,
            "score_scale_max": call.score_scale_max,
            "limits_reason": call.limits_reason,
            "audience": call.audience,
            "payment_rule": call.payment_rule,
            "payment_rule_source": call.payment_rule_source,
        }

    @staticmethod
    def initial_for_kind(kind: str, defaults: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": kind,
            "max_amount_euros": cents_to_euros(defaults["max_amount_cents"]),
            "min_duration_months": defaults["min_duration_months"],
            "max_duration_months": defaults["max_duration_months"],
            "required_goals": defaults["required_goals"],
            "score_scale_max": 5,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_duration_months"), data.get("max_duration_months")
        if low and high and high < low:
            self.add_error(
                "max_duration_months",
                _("The longest project cannot be shorter than the shortest project."),
            )
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "kind": data["kind"],
            "max_amount_cents": euros_to_cents(data["max_amount_euros"]),
            "min_duration_months": data["min_duration_months"],
            "max_duration_months": data["max_duration_months"],
            "lead_organisation_kinds": data["lead_organisation_kinds"],
            "required_partner_types": data["required_partner_types"],
            "region": data["region"],
            "required_goals": data["required_goals"],
            "score_scale_max": data["score_scale_max"],
            "limits_reason": data["limits_reason"],
            "audience": data["audience"] or CallAudience.NEW,
            "payment_rule": data["payment_rule"] or PaymentRule.STEPS,
            "payment_rule_source": data["payment_rule_source"],
        }


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name of the round"), max_length=100)
    opens_on = DateField(
        label=_("Opens on"), widget=DATE_WIDGET, first_year=FIRST_YEAR, last_year=LAST_YEAR
    )
    opens_time = forms.TimeField(
        label=_("Opens at (time, Brussels)"), widget=TIME_WIDGET, initial=time(9, 0)
    )
    closes_on = DateField(
        label=_("Closes on"), widget=DATE_WIDGET, first_year=FIRST_YEAR, last_year=LAST_YEAR
    )
    closes_time = forms.TimeField(
        label=_("Closes at (time, Brussels)"), widget=TIME_WIDGET, initial=time(17, 0)
    )
    budget_euros = forms.DecimalField(
        label=_("Budget of the round, in euros"),
        min_value=Decimal("0.01"),
        max_value=MAX_EUROS * 100,
        decimal_places=2,
    )

    # Service errors on opens_at/closes_at are shown at these fields.
    SERVICE_FIELDS = {
        "opens_at": "opens_on",
        "closes_at": "closes_on",
        "budget_cents": "budget_euros",
    }

    @staticmethod
    def initial_for(round_: Round) -> dict[str, Any]:
        opens, closes = round_.opens_at.astimezone(BRUSSELS), round_.closes_at.astimezone(BRUSSELS)
        return {
            "name": round_.name,
            "opens_on": opens.date(),
            "opens_time": opens.time().replace(second=0, microsecond=0),
            "closes_on": closes.date(),
            "closes_time": closes.time().replace(second=0, microsecond=0),
            "budget_euros": cents_to_euros(round_.budget_cents),
        }

    def _moment(self, data: dict[str, Any], day_field: str, time_field: str) -> datetime | None:
        day, moment = data.get(day_field), data.get(time_field)
        if day is None or moment is None:
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.add_error(
                day_field,
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
            return None
        found = brussels_datetime(day, moment)
        if found is None:
            self.add_error(
                time_field,
                _(
                    "This time does not exist in Brussels on that day (the clocks move "
                    "forward an hour). Choose another time."
                ),
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["opens_at"] = self._moment(data, "opens_on", "opens_time")
        data["closes_at"] = self._moment(data, "closes_on", "closes_time")
        if data["opens_at"] and data["closes_at"] and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_on", _("The round must close after it opens."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "budget_cents": euros_to_cents(data["budget_euros"]),
        }


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(
        label=_("Explanation for applicants"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only for the kind “Choice”: at least two."),
    )
    is_required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "label": question.label,
            "help_text": question.help_text,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "is_required": question.is_required,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "label": data["label"],
            "help_text": data["help_text"],
            "kind": data["kind"],
            "choices": data["choices"].splitlines(),
            "is_required": data["is_required"],
        }


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(
        label=_("What reviewers look at"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("A criterion with weight 2 counts twice as much as one with weight 1."),
    )

    @staticmethod
    def initial_for(criterion: Criterion) -> dict[str, Any]:
        return {
            "name": criterion.name,
            "description": criterion.description,
            "weight": criterion.weight,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "description": data["description"], "weight": data["weight"]}
