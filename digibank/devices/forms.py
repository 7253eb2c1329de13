"""Forms of the device bank. They check what a person typed; the services check the
same rules again for every other caller."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digibank.core.dates import DateField
from digibank.network.models import Hub, Location, Organisation

from .models import (
    ConditionGrade,
    Device,
    DeviceKind,
    DeviceStatus,
    KeyboardLayout,
    RepairOutcome,
    RetirementReason,
    WipeMethod,
    WipeResult,
)

# Largest files each upload page takes (its view declares the request ceiling from these).
WIPE_CERTIFICATE_BYTES = 5 * 1024 * 1024
IMPORT_FILE_BYTES = 5 * 1024 * 1024
PHOTO_BYTES = 8 * 1024 * 1024


def hub_locations(hub: Hub) -> Any:
    return Location.objects.filter(hub=hub).order_by("name")


def hub_organisations(hub: Hub) -> Any:
    return (
        Organisation.objects.filter(Q(partnerships__hub=hub) | Q(led_hubs=hub))
        .distinct()
        .order_by("name")
    )


def donor_choices(hub: Hub, extra_ids: list[int] | tuple[int, ...] = ()) -> Any:
    """The donors offered in the list: the hub's partners and lead organisation, plus
    `extra_ids` (the current donor, organisations found by name; kept short)."""
    return (
        Organisation.objects.filter(
            Q(partnerships__hub=hub) | Q(led_hubs=hub) | Q(pk__in=list(extra_ids)[:50])
        )
        .distinct()
        .order_by("name", "pk")
    )


class EuroField(forms.CharField):
    """An amount in euros ("12,50" or "12.50"), given back in cents."""

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").strip().replace("€", "").replace(" ", "")
        if not text:
            return None
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_("Type an amount in euros, for example 150 or 12,50.")) from None
        if amount < 0 or amount > Decimal("1000000"):
            raise ValidationError(_("Type an amount between 0 and 1,000,000 euros."))
        return int((amount * 100).quantize(Decimal(1)))


class DeviceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tag, serial number, make or model"), required=False, max_length=100
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *DeviceKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *DeviceStatus.choices]
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        required=False,
        queryset=Location.objects.none(),
        empty_label=_("All locations"),
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = hub_locations(hub)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"kind": "", "status": "", "location": None, "query": ""}
        location = self.cleaned_data.get("location")
        return {
            "kind": self.cleaned_data.get("kind") or "",
            "status": self.cleaned_data.get("status") or "",
            "location": location.pk if location else None,
            "query": self.cleaned_data.get("q") or "",
        }


class DonorChoiceField(forms.ModelChoiceField):
    """A short list to choose from (the hub's partners and lead organisation, the
    current donor, organisations found by name) that accepts any organisation on the
    platform: the list is what is shown, not a limit on who may donate."""

    def to_python(self, value: Any) -> Organisation | None:
        if value in self.empty_values:
            return None
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = 0
        organisation = Organisation.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
        if organisation is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return organisation


class DeviceForm(forms.ModelForm):
    value = EuroField(label=_("Value in euros"), required=False, max_length=20)
    donor = DonorChoiceField(
        label=_("Donor organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No donor or not known"),
    )
    donor_name = forms.CharField(
        label=_("Or the donor's name"),
        required=False,
        max_length=200,
        help_text=_(
            "Type part of a name and choose “Find organisations” below the form to pick "
            "any organisation on the platform in the list above. Or type the full name of "
            "a new donor: it is added when you save."
        ),
    )

    class Meta:
        model = Device
        fields = [
            "kind",
            "make",
            "model",
            "serial_number",
            "cpu",
            "ram_gb",
            "storage_gb",
            "os",
            "keyboard_layout",
            "source",
            "donor",
            "programme_note",
            "intake_date",
            "condition",
            "location",
        ]
        widgets = {"intake_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        field_classes = {"intake_date": DateField}

    def __init__(
        self,
        *args: Any,
        hub: Hub,
        donor_ids: list[int] | tuple[int, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = hub_locations(hub)  # type: ignore[attr-defined]
        self.fields["donor"].queryset = donor_choices(hub, donor_ids)  # type: ignore[attr-defined]
        self.fields["donor"].help_text = _(
            "For a donation: the hub's partners, or organisations you found by name."
        )
        layouts = [("", _("Not known")), *KeyboardLayout.choices]
        self.fields["keyboard_layout"].choices = layouts  # type: ignore[attr-defined]
        self.fields["condition"].choices = ConditionGrade.choices  # type: ignore[attr-defined]
        self.fields["kind"].choices = DeviceKind.choices  # type: ignore[attr-defined]
        self.fields["intake_date"].required = False
        self.fields["value"].help_text = _("Optional. For example 150 or 12,50.")
        order = [*self.Meta.fields[:-2], "value", "condition", "location"]
        order.insert(order.index("donor") + 1, "donor_name")
        self.order_fields(order)

    def clean_intake_date(self) -> Any:
        from django.core.exceptions import ValidationError

        from .services import check_intake_date

        value = self.cleaned_data.get("intake_date")
        if value:
            try:
                check_intake_date(value)
            except ValidationError as error:
                raise forms.ValidationError(error.message_dict["intake_date"]) from None
        return value

    def device_values(self) -> dict[str, Any]:
        values = {k: v for k, v in self.cleaned_data.items() if k not in ("value", "donor_name")}
        values["value_cents"] = self.cleaned_data.get("value")
        values["donor_name"] = self.cleaned_data.get("donor_name") or ""
        return values


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=DeviceStatus.choices)
    reason = forms.ChoiceField(
        label=_("Why is the device retired?"),
        required=False,
        choices=[("", _("Choose a reason")), *RetirementReason.choices],
    )


class WipeForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method (NIST SP 800-88)"),
        choices=WipeMethod.choices,
        widget=forms.RadioSelect,
    )
    tool = forms.CharField(
        label=_("Tool"), max_length=100, help_text=_("For example Blancco, nwipe or ShredOS.")
    )
    wiped_on = DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    result = forms.ChoiceField(
        label=_("Verification"), choices=WipeResult.choices, widget=forms.RadioSelect
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=100, required=False
    )
    certificate = forms.FileField(
        label=_("Certificate (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_certificate(self) -> Any:
        upload = self.cleaned_data.get("certificate")
        if upload and upload.size > WIPE_CERTIFICATE_BYTES:
            raise ValidationError(_("The PDF is too large: at most 5 MB."))
        return upload


class RepairForm(forms.Form):
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}))
    parts = forms.CharField(
        label=_("Parts used"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cost = EuroField(label=_("Cost in euros"), required=False, max_length=20)
    minutes_spent = forms.IntegerField(
        label=_("Time spent (minutes)"), min_value=0, max_value=100_000, required=False
    )
    done_by_me = forms.BooleanField(label=_("I did this repair myself"), required=False)
    trainee_name = forms.CharField(
        label=_("Or: name of the trainee who did it"),
        max_length=200,
        required=False,
        help_text=_("For example a trainee of the IT-repair course."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=RepairOutcome.choices, widget=forms.RadioSelect
    )
    repaired_on = DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class StockTakeForm(forms.Form):
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    tags = forms.CharField(
        label=_("Tags"),
        help_text=_("Scan or type one tag per line."),
        widget=forms.Textarea(attrs={"rows": 10, "autocomplete": "off"}),
        max_length=100_000,
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = hub_locations(hub)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Comma- or semicolon-separated, UTF-8, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_FILE_BYTES:
            raise ValidationError(_("The file is too large: at most 5 MB."))
        return upload


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("A JPEG or PNG file of at most 8 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    description = forms.CharField(
        label=_("What the photo shows (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: scratch on the lid."),
    )

    def clean_photo(self) -> Any:
        upload = self.cleaned_data["photo"]
        if upload.size > PHOTO_BYTES:
            raise ValidationError(_("The photo is too large: at most 8 MB."))
        return upload
