"""Forms of the lending app: they check what staff typed; the services check the same
rules again for every other caller."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.core.credentials import validate_no_credentials
from digibank.core.dates import DateField
from digibank.devices.models import Device, DeviceKind
from digibank.network.models import HubPartner
from digibank.network.templatetags.network import euros
from digibank.people.models import TargetGroup

from .models import (
    DepositMethod,
    EvidenceKind,
    LendingPolicy,
    LoanKind,
    LossKind,
    Need,
    ReturnOutcome,
    WaitingRule,
)
from .reminders import validate_overdue_days

# The conditions in the other languages (Dutch is the `conditions` field).
CONDITION_LANGUAGE_LABELS = {
    "fr": _("Conditions printed in the agreement, in French"),
    "en": _("Conditions printed in the agreement, in English"),
}


class PolicyForm(forms.Form):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups that may borrow"),
        help_text=_("Leave all unticked to lend to everyone."),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    residence_required = forms.BooleanField(
        label=_("The person must live in the hub's service area"), required=False
    )
    required_evidence = forms.MultipleChoiceField(
        label=_("Evidence staff must have seen"),
        help_text=_("We only record that someone saw it, never the document."),
        choices=EvidenceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    max_concurrent_loans = forms.IntegerField(
        label=_("Most devices on loan at the same time per person"), min_value=1, max_value=20
    )
    default_loan_days = forms.IntegerField(
        label=_("Loan period in days"), min_value=1, max_value=1000
    )
    max_renewals = forms.IntegerField(label=_("Most renewals"), min_value=0, max_value=20)
    deposit_euros = forms.DecimalField(
        label=_("Deposit in euros (0 for none)"), min_value=0, max_value=1000, decimal_places=2
    )
    approval_required = forms.BooleanField(
        label=_("A coordinator must approve each request"), required=False
    )
    offer_days = forms.IntegerField(
        label=_("Days a person has to accept an offered device"), min_value=1, max_value=60
    )
    offer_when_ready = forms.BooleanField(
        label=_("Offer a device to the first person waiting as soon as it is ready"),
        help_text=_(
            "Otherwise ready devices that people wait for show on the “ready and wanted” "
            "list, and staff offer them."
        ),
        required=False,
    )
    reminder_days = forms.IntegerField(
        label=_("Days before the due date to send a reminder"), min_value=0, max_value=60
    )
    conditions = forms.CharField(
        label=_("Conditions printed in the agreement, in Dutch"),
        widget=forms.Textarea(attrs={"rows": 5, "lang": "nl"}),
        required=False,
        max_length=4000,
    )
    checkout_when_waiting = forms.ChoiceField(
        label=_("Lending a device directly while others wait for that kind"),
        choices=[c for c in WaitingRule.choices if c[0] != WaitingRule.ALLOW],
        widget=forms.RadioSelect,
        required=False,  # left out: unchanged
    )
    renew_when_waiting = forms.ChoiceField(
        label=_("Renewing a loan while others wait for that kind"),
        choices=WaitingRule.choices,
        widget=forms.RadioSelect,
        required=False,  # left out: unchanged
    )
    staff_set_urgency = forms.BooleanField(
        label=_("Staff may set urgency on a request (coordinators always may)"), required=False
    )
    overdue_reminder_days = forms.CharField(
        label=_("Days after the due date to send a reminder"),
        help_text=_(
            "Numbers separated by commas, for example 1, 7, 14. The last reminder asks "
            "the person to contact you."
        ),
        required=False,
        max_length=60,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in CONDITION_LANGUAGE_LABELS.items():
            self.fields[f"conditions_{code}"] = forms.CharField(
                label=name,
                widget=forms.Textarea(attrs={"rows": 5, "lang": code}),
                required=False,
                max_length=4000,
                validators=[validate_no_credentials],
            )
        for kind, label in DeviceKind.choices:
            self.fields[f"days_{kind}"] = forms.IntegerField(
                label=_("Loan period for: %(kind)s (days)") % {"kind": label},
                help_text=_("Leave empty to use the loan period above."),
                min_value=1,
                max_value=1000,
                required=False,
            )

    @classmethod
    def initial_for(cls, policy: LendingPolicy) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "target_groups": policy.target_groups,
            "residence_required": policy.residence_required,
            "required_evidence": policy.required_evidence,
            "max_concurrent_loans": policy.max_concurrent_loans,
            "default_loan_days": policy.default_loan_days,
            "max_renewals": policy.max_renewals,
            "deposit_euros": policy.deposit_cents / 100,
            "approval_required": policy.approval_required,
            "offer_days": policy.offer_days,
            "offer_when_ready": policy.offer_when_ready,
            "reminder_days": policy.reminder_days,
            "conditions": policy.conditions,
            "checkout_when_waiting": policy.checkout_when_waiting,
            "renew_when_waiting": policy.renew_when_waiting,
            "staff_set_urgency": policy.staff_set_urgency,
            "overdue_reminder_days": ", ".join(str(day) for day in policy.overdue_reminder_days),
        }
        for code in CONDITION_LANGUAGE_LABELS:
            initial[f"conditions_{code}"] = policy.conditions_by_language.get(code, "")
        for kind, days in policy.loan_days_by_kind.items():
            initial[f"days_{kind}"] = days
        return initial

    def policy_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "target_groups": sorted(data["target_groups"]),
            "residence_required": data["residence_required"],
            "required_evidence": sorted(data["required_evidence"]),
            "max_concurrent_loans": data["max_concurrent_loans"],
            "default_loan_days": data["default_loan_days"],
            "loan_days_by_kind": {
                kind: data[f"days_{kind}"] for kind in DeviceKind.values if data.get(f"days_{kind}")
            },
            "max_renewals": data["max_renewals"],
            "deposit_cents": int(data["deposit_euros"] * 100),
            "approval_required": data["approval_required"],
            "offer_days": data["offer_days"],
            "offer_when_ready": data["offer_when_ready"],
            "reminder_days": data["reminder_days"],
            "conditions": data["conditions"].strip(),
            "staff_set_urgency": data["staff_set_urgency"],
            **{
                key: data[key]
                for key in ("checkout_when_waiting", "renew_when_waiting")
                if data.get(key)
            },
            "conditions_by_language": {
                code: data[f"conditions_{code}"].strip()
                for code in CONDITION_LANGUAGE_LABELS
                if data.get(f"conditions_{code}", "").strip()
            },
            "overdue_reminder_days": data["overdue_reminder_days"],
        }

    def clean_overdue_reminder_days(self) -> list[int]:
        text = self.cleaned_data["overdue_reminder_days"]
        parts = [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Give whole numbers separated by commas."))
        try:
            return validate_overdue_days([int(part) for part in parts])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["overdue_reminder_days"]) from None


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Evidence you have seen"), choices=EvidenceKind.choices)
    valid_until = DateField(
        label=_("Valid until (optional)"),
        help_text=_(
            "For example the end date of the increased allowance. After this date the "
            "evidence no longer counts."
        ),
        required=False,
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of device"), choices=DeviceKind.choices)
    needs = forms.MultipleChoiceField(
        label=_("What the person needs it for"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_note = forms.CharField(
        label=_("More about the needs (optional)"),
        max_length=300,
        required=False,
        validators=[validate_no_credentials],
    )


class UrgencyForm(forms.Form):
    points = forms.IntegerField(
        label=_("Urgency points"),
        help_text=_("Each point moves the request up as if it was made one day earlier."),
        min_value=0,
        max_value=365,
    )
    reason = forms.CharField(
        label=_("Why is this urgent?"),
        max_length=300,
        validators=[validate_no_credentials],
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this person taken off the list?"),
        max_length=300,
        validators=[validate_no_credentials],
    )


class PassOverForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this person passed over for this device?"),
        help_text=_("They keep their place and get the next device of this kind."),
        max_length=300,
        validators=[validate_no_credentials],
    )


class WaitingFieldsMixin(forms.Form):
    """The two fields a check-out or renewal needs when others wait for the kind
    (lending/fairness.py). Hidden until the service asks for them."""

    waiting_acknowledged = forms.BooleanField(
        label=_("I know people are waiting; lend anyway"),
        required=False,
        widget=forms.HiddenInput,
    )
    waiting_override_reason = forms.CharField(
        label=_("Coordinator's decision: why go past the waiting list?"),
        max_length=300,
        required=False,
        validators=[validate_no_credentials],
        widget=forms.HiddenInput,
    )

    def ask_waiting(
        self, *, refuse: bool = False, renewal: bool = False, coordinator: bool = False
    ) -> None:
        """Show what the hub's rule asks for: the confirmation box (warn), or the
        reason field for a coordinator (refuse). Others get the refusal above the form."""
        if not refuse:
            box = self.fields["waiting_acknowledged"]
            box.widget = forms.CheckboxInput()
            if renewal:
                box.label = _("I know people are waiting; renew anyway")
        elif coordinator:
            self.fields["waiting_override_reason"].widget = forms.TextInput()
        else:
            del self.fields["waiting_override_reason"]
        cache: dict[str, Any] = getattr(self, "_bound_fields_cache", {})
        for name in ("waiting_acknowledged", "waiting_override_reason"):
            cache.pop(name, None)  # bound before: take the new label

    def waiting_kwargs(self) -> dict[str, Any]:
        return {
            "waiting_acknowledged": bool(self.cleaned_data.get("waiting_acknowledged")),
            "waiting_override_reason": self.cleaned_data.get("waiting_override_reason", ""),
        }


class RenewForm(WaitingFieldsMixin):
    pass


class OfferForm(forms.Form):
    device = forms.ModelChoiceField(
        label=_("Ready device to offer"), queryset=Device.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, devices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["device"]
        field.queryset = devices
        field.label_from_instance = lambda device: f"{device.tag} {device.make} {device.model}"


class LoanTermsForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of loan"),
        choices=LoanKind.choices,
        initial=LoanKind.TEMPORARY,
        widget=forms.RadioSelect,
    )
    goals_plan = forms.CharField(
        label=_("Goals plan"),
        help_text=_("What the person wants to learn or do with the device."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        validators=[validate_no_credentials],
    )
    signed_on_paper = forms.BooleanField(
        label=_("The person signed the paper agreement"), required=False
    )

    def __init__(self, *args: Any, deposit_cents: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deposit_cents = deposit_cents
        if deposit_cents:
            add_deposit_fields(self, deposit_cents)

    def deposit_kwargs(self) -> dict[str, Any]:
        """The deposit received, for the check-out service (nothing without one)."""
        if not self.deposit_cents:
            return {}
        data = self.cleaned_data
        return {
            "deposit_method": data["deposit_method"],
            "deposit_received_cents": to_cents(data.get("deposit_received")),
            "deposit_waiver_reason": data.get("deposit_waiver_reason", ""),
        }


class CheckoutForm(LoanTermsForm, WaitingFieldsMixin):
    tag = forms.CharField(
        label=_("Asset tag"),
        help_text=_("Scan the label or type the tag, for example DB00001234."),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    field_order = ["tag", "kind", "goals_plan", "signed_on_paper"]


class ReturnForm(forms.Form):
    powers_on = forms.BooleanField(label=_("The device powers on"), required=False)
    accessories_back = forms.BooleanField(
        label=_("The charger and accessories are back"), required=False
    )
    data_removed = forms.BooleanField(label=_("The borrower's data is removed"), required=False)
    damage_note = forms.CharField(
        label=_("Damage (if any)"),
        max_length=500,
        required=False,
        validators=[validate_no_credentials],
    )
    note = forms.CharField(
        label=_("Notes"), max_length=500, required=False, validators=[validate_no_credentials]
    )
    outcome = forms.ChoiceField(
        label=_("What happens with the device now?"),
        choices=ReturnOutcome.choices,
        widget=forms.RadioSelect,
        help_text=_("A device that stores data gets a new data wipe before it is lent again."),
    )

    def __init__(self, *args: Any, deposit_received_cents: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deposit_received_cents = deposit_received_cents
        if deposit_received_cents:
            add_refund_fields(self, deposit_received_cents)

    def deposit_kwargs(self) -> dict[str, Any]:
        if not self.deposit_received_cents:
            return {}
        return {
            "deposit_refunded_cents": to_cents(self.cleaned_data["deposit_refunded"]),
            "deposit_kept_reason": self.cleaned_data.get("deposit_kept_reason", ""),
        }


class LoanFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("Current loans")),
            ("overdue", _("Overdue")),
            ("returned", _("Returned")),
            ("all", _("All")),
        ],
    )

    def state_value(self) -> str:
        if self.is_valid():
            return self.cleaned_data["state"] or "open"
        return "open"


class LoanSearchForm(LoanFilterForm):
    """The loan list's search: a name or asset tag, the kind of device, a due date range
    and the state (overdue among them)."""

    q = forms.CharField(label=_("Name or asset tag"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind of device"),
        required=False,
        choices=[("", _("All kinds")), *DeviceKind.choices],
    )
    due_from = DateField(label=_("Due from"), required=False)
    due_until = DateField(label=_("Due until"), required=False)

    field_order = ["q", "kind", "state", "due_from", "due_until"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("due_from"), data.get("due_until")
        if start and end and end < start:
            self.add_error("due_until", _("This date must not be before “Due from”."))
        return data

    def filters(self) -> dict[str, Any]:
        """What to search for; an invalid form searches for the open loans only."""
        if not self.is_valid():
            return {"state": "open"}
        data = self.cleaned_data
        return {
            "state": data["state"] or "open",
            "query": data["q"].strip(),
            "kind": data["kind"],
            "due_from": data["due_from"],
            "due_until": data["due_until"],
        }


class ReservationForm(forms.Form):
    partner: forms.ModelChoiceField[HubPartner] = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=HubPartner.objects.none()
    )
    purpose = forms.CharField(label=_("For what (course, class)"), max_length=200)
    starts_on = DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    tags = forms.CharField(
        label=_("Asset tags"),
        help_text=_("One tag per line, scanned or typed."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["partner"]
        field.queryset = partners

    def tag_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["tags"].splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        """A reservation starts today or later and ends on or after its start."""
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and starts_on < timezone.localdate():
            self.add_error("starts_on", _("A reservation cannot start in the past."))
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return data


class CapForm(forms.Form):
    partner: forms.ModelChoiceField[HubPartner] = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=HubPartner.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    max_devices = forms.IntegerField(
        label=_("Most devices in the year"), min_value=0, max_value=100000
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["partner"]
        field.queryset = partners


CLASS_COLUMNS = {
    "given_name": "given_name",
    "voornaam": "given_name",
    "prénom": "given_name",
    "family_name": "family_name",
    "familienaam": "family_name",
    "naam": "family_name",
    "nom": "family_name",
    "tag": "tag",
    "asset_tag": "tag",
    "label": "tag",
    "birth_year": "birth_year",
    "geboortejaar": "birth_year",
    "année de naissance": "birth_year",
    "annee_naissance": "birth_year",
}
MAX_CLASS_ROWS = 200
CLASS_LIST_BYTES = 200_000


class ClassAssignForm(forms.Form):
    class_name = forms.CharField(
        label=_("Class"),
        help_text=_(
            "For example “5A 2026-2027”. At the end of the school year you take the "
            "devices of the class back together."
        ),
        max_length=100,
    )
    file = forms.FileField(
        label=_("Class list (CSV)"),
        help_text=_(
            "Columns: given_name, family_name, tag and, best, birth_year (one pupil per "
            "row). At most 200 pupils. Pupils already in the class are recognised by name "
            "and year of birth. You see what will happen before anything is saved."
        ),
    )
    goals_plan = forms.CharField(
        label=_("Goals plan for the class"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        validators=[validate_no_credentials],
    )

    def clean_file(self) -> list[dict[str, str]]:
        import csv
        import io

        upload = self.cleaned_data["file"]
        if upload.size > CLASS_LIST_BYTES:
            raise forms.ValidationError(_("The file is too big."))
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        sample = text[:2000]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(reader, [])
            columns = [CLASS_COLUMNS.get(name.strip().lower(), "") for name in header]
            if not {"given_name", "family_name", "tag"} <= set(columns):
                raise forms.ValidationError(
                    _("The first row must name the columns: given_name, family_name, tag.")
                )
            rows = [
                {column: value for column, value in zip(columns, line, strict=False) if column}
                for line in reader
                if any(cell.strip() for cell in line)
            ]
        except csv.Error:  # a value longer than csv allows, or a quote never closed
            raise forms.ValidationError(
                _("Row %(row)s cannot be read: a value is too long or a quote is not closed.")
                % {"row": max(1, reader.line_num - 1)}
            ) from None
        if len(rows) > MAX_CLASS_ROWS:
            raise forms.ValidationError(_("At most 200 pupils at a time."))
        return rows


class ScreenSignForm(forms.Form):
    """The borrower signs on screen: a drawn signature (sent by the signature pad as a
    PNG data: URL in `signature`), or without one their typed full name. Ticking
    `agree` is needed either way."""

    signer_name = forms.CharField(
        label=_("Your full name"),
        help_text=_("Type your first name and last name. This counts as your signature."),
        max_length=200,
        validators=[validate_no_credentials],
        error_messages={"required": _("Type your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    agree = forms.BooleanField(
        label=_("I have read the agreement and I agree"),
        error_messages={"required": _("Tick the box to say you read the agreement and agree.")},
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200_000)


# --- deposits ---------------------------------------------------------------------------


def to_cents(amount: Decimal | None) -> int:
    """Euros typed in a form as integer cents (0 when empty)."""
    if amount is None:
        return 0
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _euro_field(label: str, *, initial_cents: int, max_cents: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=Decimal(max_cents) / 100,
        decimal_places=2,
        initial=Decimal(initial_cents) / 100,
        required=False,
    )


def add_deposit_fields(form: forms.Form, due_cents: int) -> None:
    form.fields["deposit_method"] = forms.ChoiceField(
        label=_("Deposit"),
        help_text=_("The deposit for this loan is %(amount)s.") % {"amount": euros(due_cents)},
        choices=DepositMethod.choices,
        widget=forms.RadioSelect,
    )
    form.fields["deposit_received"] = _euro_field(
        str(_("Amount received in euros")), initial_cents=due_cents, max_cents=due_cents
    )
    form.fields["deposit_waiver_reason"] = forms.CharField(
        label=_("Why is the deposit (partly) waived?"),
        max_length=300,
        required=False,
        validators=[validate_no_credentials],
    )


def add_refund_fields(form: forms.Form, received_cents: int) -> None:
    form.fields["deposit_refunded"] = _euro_field(
        str(_("Deposit refunded in euros")), initial_cents=received_cents, max_cents=received_cents
    )
    form.fields["deposit_refunded"].required = True
    form.fields["deposit_refunded"].help_text = _(
        "%(amount)s was received. Refund less only to pay for damage."
    ) % {"amount": euros(received_cents)}
    form.fields["deposit_kept_reason"] = forms.CharField(
        label=_("Why is part of the deposit kept?"),
        max_length=300,
        required=False,
        validators=[validate_no_credentials],
    )


class DepositCollectForm(forms.Form):
    def __init__(self, *args: Any, due_cents: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_deposit_fields(self, due_cents)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "method": data["deposit_method"],
            "received_cents": to_cents(data.get("deposit_received")),
            "waiver_reason": data.get("deposit_waiver_reason", ""),
        }


class DepositRefundForm(forms.Form):
    def __init__(self, *args: Any, received_cents: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_refund_fields(self, received_cents)

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "refunded_cents": to_cents(self.cleaned_data["deposit_refunded"]),
            "kept_reason": self.cleaned_data.get("deposit_kept_reason", ""),
        }


# --- handing a reserved set over, and taking devices back in bulk ------------------------


class OrganisationCheckoutForm(forms.Form):
    devices = forms.TypedMultipleChoiceField(
        label=_("Devices handed over"),
        help_text=_("Untick a device the organisation does not take: it leaves the reservation."),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    picked_up_by = forms.CharField(
        label=_("Who takes the devices for the organisation?"),
        help_text=_("Full name of the contact person."),
        max_length=200,
    )
    language = forms.ChoiceField(
        label=_("Language of the agreement"),
        choices=[("nl", "Nederlands"), ("fr", "Français"), ("en", "English")],
    )
    signed_on_paper = forms.BooleanField(
        label=_("The contact person signed the paper agreement"), required=False
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["devices"]
        field.choices = choices


class BulkReturnForm(forms.Form):
    """One shared checklist and outcome for many devices, a row per device with a tick
    (on by default), an exception to the outcome and a note."""

    powers_on = forms.BooleanField(label=_("The devices power on"), required=False)
    accessories_back = forms.BooleanField(
        label=_("The chargers and accessories are back"), required=False
    )
    data_removed = forms.BooleanField(label=_("The borrowers' data is removed"), required=False)
    outcome = forms.ChoiceField(
        label=_("What happens with the devices now?"),
        choices=ReturnOutcome.choices,
        widget=forms.RadioSelect,
        help_text=_("For one device you can choose something else in its row."),
    )
    note = forms.CharField(
        label=_("Notes for all devices"),
        max_length=500,
        required=False,
        validators=[validate_no_credentials],
    )

    def __init__(self, *args: Any, rows: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_ids = [pk for pk, _label in rows]
        self.rows: list[dict[str, Any]] = []
        for pk, label in rows:
            self.fields[f"pick_{pk}"] = forms.BooleanField(
                label=_("Take back %(device)s") % {"device": label}, required=False, initial=True
            )
            self.fields[f"outcome_{pk}"] = forms.ChoiceField(
                label=_("Outcome for %(device)s") % {"device": label},
                choices=[("", _("As for all")), *ReturnOutcome.choices],
                required=False,
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("Note for %(device)s") % {"device": label},
                max_length=500,
                required=False,
                validators=[validate_no_credentials],
            )
            self.rows.append(
                {
                    "pk": pk,
                    "label": label,
                    "pick": self[f"pick_{pk}"],
                    "outcome": self[f"outcome_{pk}"],
                    "note": self[f"note_{pk}"],
                }
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.picked():
            raise forms.ValidationError(_("Tick at least one device."))
        shared = data.get("outcome")
        if shared and not (data.get("powers_on") and data.get("data_removed")):
            ready = [
                row["label"]
                for row in self.rows
                if data.get(f"pick_{row['pk']}")
                and (data.get(f"outcome_{row['pk']}") or shared) == ReturnOutcome.READY
            ]
            if ready:
                self.add_error(
                    "outcome",
                    _(
                        "A device can only be lent again when it powers on and the "
                        "borrower's data is removed. Choose repair for: %(devices)s."
                    )
                    % {"devices": ", ".join(ready)},
                )
        return data

    def picked(self) -> list[int]:
        data = getattr(self, "cleaned_data", {})
        return [pk for pk in self.row_ids if data.get(f"pick_{pk}")]

    def outcome_of(self, pk: int) -> str:
        return str(self.cleaned_data.get(f"outcome_{pk}") or self.cleaned_data["outcome"])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        picked = self.picked()
        return {
            "powers_on": data["powers_on"],
            "accessories_back": data["accessories_back"],
            "data_removed": data["data_removed"],
            "outcome": data["outcome"],
            "note": data["note"],
            "exceptions": {pk: data[f"outcome_{pk}"] for pk in picked if data[f"outcome_{pk}"]},
            "notes": {pk: data[f"note_{pk}"] for pk in picked if data[f"note_{pk}"]},
        }


class LossForm(forms.Form):
    """Close a loan as lost, stolen or not returned (losses.loan_close_lost)."""

    loss = forms.ChoiceField(
        label=_("What happened to the device?"), choices=LossKind.choices, widget=forms.RadioSelect
    )
    lost_on = DateField(
        label=_("On what date was it lost, stolen or due back at the latest?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    police_report = forms.CharField(
        label=_("Police report number (if any)"),
        max_length=60,
        required=False,
        validators=[validate_no_credentials],
    )

    def __init__(self, *args: Any, deposit_received_cents: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deposit_received_cents = deposit_received_cents
        if deposit_received_cents:
            add_refund_fields(self, deposit_received_cents)
            self.fields["deposit_refunded"].initial = 0
            self.fields["deposit_refunded"].help_text = _(
                "%(amount)s was received. Give 0 to keep all of it, or the amount refunded."
            ) % {"amount": euros(deposit_received_cents)}
            self.fields["deposit_kept_reason"].label = _("Why is (part of) the deposit kept?")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "loss": data["loss"],
            "lost_on": data["lost_on"],
            "police_report": data["police_report"],
        }
        if self.deposit_received_cents:
            kwargs["deposit_refunded_cents"] = to_cents(data["deposit_refunded"])
            kwargs["deposit_reason"] = data.get("deposit_kept_reason", "")
        return kwargs


class AgreementScanForm(forms.Form):
    file = forms.FileField(
        label=_("Scan of the signed agreement"),
        help_text=_("A PDF, or a photo (JPEG or PNG); at most 10 MB."),
    )
