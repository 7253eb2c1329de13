"""Forms of the grant pages. Amounts are typed in euros and handed to the services in
cents; the services check the rules again and recompute every total."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.core.dates import DateField

from ..models import Grant, Instalment, Report
from ..services.grants import TierInput, normalise_iban

MAX_EUROS = Decimal("100000000")
_GROUPS = re.compile(r"^\d{1,3}([.,  ]\d{3})+$")


def parse_euros(text: str) -> int:
    """Euros as typed ("350000", "350.000", "350 000,00", "12,50", "12.50") in cents.
    A point or comma followed by exactly three digits groups thousands; followed by one
    or two digits it starts the cents."""
    value = text.strip().replace("€", "").replace("EUR", "").strip()
    if not value:
        raise ValidationError(_("Enter an amount in euros, for example 350000 or 12,50."))
    whole, cents = value, ""
    last = max(value.rfind(","), value.rfind("."))
    if last != -1 and len(value) - last - 1 in (1, 2):
        whole, cents = value[:last], value[last + 1 :]
    if _GROUPS.match(whole):
        whole = re.sub(r"[.,  ]", "", whole)
    try:
        if not whole.isdigit() or (cents and not cents.isdigit()):
            raise InvalidOperation
        amount = Decimal(f"{whole}.{cents or '0'}")
    except InvalidOperation:
        raise ValidationError(_("Enter an amount in euros, for example 350000 or 12,50.")) from None
    if amount > MAX_EUROS:
        raise ValidationError(_("Enter an amount of at most € 100,000,000."))
    return int((amount * 100).to_integral_value())


class EuroField(forms.CharField):
    """An amount in euros, cleaned to integer cents."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "")
        if not text.strip():
            return None
        return parse_euros(text)


def cents_as_euros(cents: int | None) -> str:
    """Cents as euros for an input field: 35000000 -> "350000", 1250 -> "12.50"."""
    if cents is None:
        return ""
    return str(cents // 100) if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class BankAccountForm(forms.Form):
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=50,
        help_text=_("The lead organisation's account, for example BE71 0961 2345 6769."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    account_holder = forms.CharField(label=_("Account holder"), max_length=200)

    def clean_iban(self) -> str:
        try:
            return normalise_iban(self.cleaned_data["iban"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["iban"]) from None


class InstalmentForm(forms.Form):
    label = forms.CharField(
        label=_("What for"), max_length=200, help_text=_("For example “Advance” or “Balance”.")
    )
    amount = EuroField(label=_("Amount in euros"), help_text=_("For example 210000 or 12,50."))
    planned_on = DateField(label=_("Planned for"), widget=DateInput())
    after_report = forms.ModelChoiceField(
        label=_("Paid after the report"),
        queryset=Report.objects.none(),
        required=False,
        empty_label=_("Not tied to a report"),
        help_text=_("The payment can be approved only once this report is approved."),
    )

    def __init__(self, *args: Any, grant: Grant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["after_report"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Report.objects.filter(grant=grant).order_by("due_on", "id")

    @classmethod
    def initial_for(cls, instalment: Instalment) -> dict[str, Any]:
        return {
            "label": instalment.label,
            "amount": cents_as_euros(instalment.amount_cents),
            "planned_on": instalment.planned_on,
            "after_report": instalment.after_report_id,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "label": data["label"],
            "amount_cents": data["amount"],
            "planned_on": data["planned_on"],
            "after_report": data["after_report"],
        }


class PaidForm(forms.Form):
    paid_on = DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        help_text=_("The reference on the bank transfer, to find it back later."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class TierForm(forms.Form):
    from_users = forms.IntegerField(
        label=_("From (users)"),
        min_value=1,
        error_messages={"required": _("Enter the number of users the tier starts at.")},
    )
    to_users = forms.IntegerField(
        label=_("Up to (users)"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for an open tier (only the last one)."),
    )
    amount = EuroField(
        label=_("Amount in euros"),
        error_messages={"required": _("Enter the amount the tier earns.")},
    )

    def tier(self) -> TierInput:
        data = self.cleaned_data
        return TierInput(data["from_users"], data.get("to_users"), data["amount"])


class BaseTierFormSet(forms.BaseFormSet):
    """Rows of tiers. Empty extra rows are left out; a row ticked "Remove this tier" is
    left out whatever it holds."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = _("Remove this tier")

    def tiers(self) -> list[TierInput]:
        """The kept rows, in the order shown."""
        return [
            form.tier()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get(forms.formsets.DELETION_FIELD_NAME)
        ]


TierFormSet = forms.formset_factory(
    TierForm, formset=BaseTierFormSet, extra=2, max_num=20, validate_max=True, can_delete=True
)


def tier_initial(tiers: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "from_users": tier.from_users,
            "to_users": tier.to_users,
            "amount": cents_as_euros(tier.amount_cents),
        }
        for tier in tiers
    ]


class AmendForm(forms.Form):
    """An amendment: the grant's amount and period as they become, and why."""

    amount = EuroField(label=_("Amount in euros"))
    starts_on = DateField(label=_("Starts on"), widget=DateInput())
    ends_on = DateField(label=_("Ends on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept with the grant and sent to the hub."),
    )

    @classmethod
    def initial_for(cls, grant: Grant) -> dict[str, Any]:
        return {
            "amount": cents_as_euros(grant.amount_cents),
            "starts_on": grant.starts_on,
            "ends_on": grant.ends_on,
        }


class InstalmentAmendForm(InstalmentForm):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept with the grant and sent to the hub."),
    )
