"""Forms of the lending app: they check what staff typed; the services check the same
rules again for every other caller."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digibank.devices.models import Device, DeviceKind
from digibank.network.models import HubPartner
from digibank.people.models import TargetGroup

from .models import EvidenceKind, LendingPolicy, LoanKind, Need, ReturnOutcome


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
    reminder_days = forms.IntegerField(
        label=_("Days before the due date to send a reminder"), min_value=0, max_value=60
    )
    conditions = forms.CharField(
        label=_("Conditions printed in the agreement"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
            "reminder_days": policy.reminder_days,
            "conditions": policy.conditions,
        }
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
            "reminder_days": data["reminder_days"],
            "conditions": data["conditions"].strip(),
        }


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Evidence you have seen"), choices=EvidenceKind.choices)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of device"), choices=DeviceKind.choices)
    needs = forms.MultipleChoiceField(
        label=_("What the person needs it for"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_note = forms.CharField(
        label=_("More about the needs (optional)"), max_length=300, required=False
    )


class UrgencyForm(forms.Form):
    points = forms.IntegerField(
        label=_("Urgency points"),
        help_text=_("Each point moves the request up as if it was made one day earlier."),
        min_value=0,
        max_value=365,
    )


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why is this person skipped?"), max_length=300)


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
    )
    signed_on_paper = forms.BooleanField(
        label=_("The person signed the paper agreement"), required=False
    )


class CheckoutForm(LoanTermsForm):
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
    damage_note = forms.CharField(label=_("Damage (if any)"), max_length=500, required=False)
    note = forms.CharField(label=_("Notes"), max_length=500, required=False)
    outcome = forms.ChoiceField(
        label=_("What happens with the device now?"),
        choices=ReturnOutcome.choices,
        widget=forms.RadioSelect,
        help_text=_("A device that stores data gets a new data wipe before it is lent again."),
    )


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


class ReservationForm(forms.Form):
    partner: forms.ModelChoiceField[HubPartner] = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=HubPartner.objects.none()
    )
    purpose = forms.CharField(label=_("For what (course, class)"), max_length=200)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
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
}
MAX_CLASS_ROWS = 200


class ClassAssignForm(forms.Form):
    file = forms.FileField(
        label=_("Class list (CSV)"),
        help_text=_(
            "Columns: given_name, family_name, tag (one pupil per row). At most 200 pupils."
        ),
    )
    goals_plan = forms.CharField(
        label=_("Goals plan for the class"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def clean_file(self) -> list[dict[str, str]]:
        import csv
        import io

        upload = self.cleaned_data["file"]
        if upload.size > 200_000:
            raise forms.ValidationError(_("The file is too big."))
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        sample = text[:2000]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
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
        if len(rows) > MAX_CLASS_ROWS:
            raise forms.ValidationError(_("At most 200 pupils at a time."))
        return rows
