"""Forms of the applicant's pages: registering, starting an application and each small
section of the editor (so a draft is saved section by section, at any time)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from digibank.core.dates import DateField
from digibank.core.validators import validate_no_national_number
from digibank.network.models import Hub, Organisation, OrganisationKind, PartnerType
from digibank.network.validators import normalise_enterprise_number, validate_enterprise_number

from ..models import Application, BudgetCategory, Goal, Question, QuestionKind
from ..services.applications import validate_upload

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KIND_CHOICES = [("", _("Choose…")), *OrganisationKind.choices]


class EnterpriseNumberField(forms.CharField):
    """A Belgian enterprise number in any common notation, given back as ten digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Enterprise number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("Ten digits, for example 0123.456.749."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        validate_enterprise_number(text)
        return normalise_enterprise_number(text)


class OrganisationFieldsMixin(forms.Form):
    enterprise_number = EnterpriseNumberField()
    organisation_name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=200,
        required=False,
        help_text=_("Only needed when the organisation is new here."),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=KIND_CHOICES,
        required=False,
        help_text=_("Only needed when the organisation is new here."),
    )


class RegisterForm(OrganisationFieldsMixin):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)

    field_order = [
        "full_name",
        "email",
        "enterprise_number",
        "organisation_name",
        "organisation_kind",
    ]


class JoinForm(OrganisationFieldsMixin):
    pass


class StartForm(forms.Form):
    lead_organisation = forms.ModelChoiceField(
        label=_("Which organisation leads the partnership?"),
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    title = forms.CharField(label=_("Project title"), max_length=200)
    existing_hub = forms.ModelChoiceField(
        label=_("For which digibank?"),
        queryset=Hub.objects.none(),
        required=False,
        empty_label=_("A new partnership (no digibank yet)"),
        help_text=_(
            "For a follow-on or an extension, choose the digibank your organisation leads."
        ),
    )
    follows = forms.ModelChoiceField(
        label=_("Does this carry on a preparation (voortraject)?"),
        queryset=Application.objects.none(),
        required=False,
        empty_label=_("No"),
        help_text=_("The partners, service area and goals of the preparation are copied."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        hubs: Any = None,
        preparations: Any = None,
        hub_required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        only = list(organisations[:2])
        if len(only) == 1:
            field.initial = only[0].pk
        # Only the choices this call offers are shown.
        if hubs is None:
            del self.fields["existing_hub"]
        else:
            self.fields["existing_hub"].queryset = hubs  # type: ignore[attr-defined]
            self.fields["existing_hub"].required = hub_required
            if hub_required:
                self.fields["existing_hub"].empty_label = None  # type: ignore[attr-defined]
                self.fields["existing_hub"].error_messages["required"] = _(
                    "Choose the digibank you apply for."
                )
        if preparations is None:
            del self.fields["follows"]
        else:
            self.fields["follows"].queryset = preparations  # type: ignore[attr-defined]


class GeneralForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_no_national_number],
        help_text=_("What will the partnership do, for whom, and where? A few sentences."),
    )
    starts_on = DateField(label=_("Starts on"), required=False, widget=DATE_WIDGET)
    ends_on = DateField(
        label=_("Ends on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("The last day of the project."),
    )

    @classmethod
    def initial_for(cls, application: Application) -> dict[str, Any]:
        return {
            "title": application.title,
            "summary": application.summary,
            "starts_on": application.starts_on,
            "ends_on": application.ends_on,
        }


def _checked_upload(upload: Any, *, pdf_only: bool = False) -> Any:
    if upload:
        validate_upload(upload, pdf_only=pdf_only)
    return upload


class PartnerForm(OrganisationFieldsMixin):
    partner_type = forms.ChoiceField(
        label=_("Kind of partner"), choices=PartnerType.choices, widget=forms.RadioSelect
    )
    role = forms.CharField(label=_("Role in the partnership"), max_length=200, required=False)
    commitment_letter = forms.FileField(
        label=_("Commitment letter (PDF, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("You can also add it later."),
    )

    def clean_commitment_letter(self) -> Any:
        return _checked_upload(self.cleaned_data.get("commitment_letter"), pdf_only=True)


class PartnerEditForm(forms.Form):
    partner_type = forms.ChoiceField(
        label=_("Kind of partner"), choices=PartnerType.choices, widget=forms.RadioSelect
    )
    role = forms.CharField(label=_("Role in the partnership"), max_length=200, required=False)
    commitment_letter = forms.FileField(
        label=_("Commitment letter (PDF, at most 10 MB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        help_text=_("A new file replaces the letter sent before."),
    )

    def clean_commitment_letter(self) -> Any:
        return _checked_upload(self.cleaned_data.get("commitment_letter"), pdf_only=True)


class AreaSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Municipality or postcode"),
        max_length=60,
        required=False,
        help_text=_("For example Gent or 9000."),
    )


class GoalsForm(forms.Form):
    goals = forms.MultipleChoiceField(
        label=_("Goals the project covers"),
        choices=Goal.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class OutputsForm(forms.Form):
    planned_people = forms.IntegerField(
        label=_("People to reach"), min_value=0, max_value=10_000_000, required=False
    )
    planned_devices = forms.IntegerField(
        label=_("Devices to lend"), min_value=0, max_value=10_000_000, required=False
    )
    planned_trainings = forms.IntegerField(
        label=_("Trainings"), min_value=0, max_value=10_000_000, required=False
    )
    planned_help_points = forms.IntegerField(
        label=_("Help points"), min_value=0, max_value=10_000_000, required=False
    )


class AmountField(forms.CharField):
    """An amount in euros ("1.250,50", "1250.50" or "1250"), given back in cents."""

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").strip().replace("€", "").replace(" ", "")
        if not text:
            return None
        if "," in text:  # Dutch and French: points group thousands, a comma the cents
            text = text.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("Type an amount in euros, for example 1250 or 1250,50.")
            ) from None
        if not amount.is_finite() or amount <= 0 or amount > Decimal("100000000"):
            raise ValidationError(_("Type an amount above 0 euros."))
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(_("Use at most two digits after the comma."))
        return int(amount * 100)


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=BudgetCategory.choices)
    description = forms.CharField(label=_("Description"), max_length=200)
    amount = AmountField(label=_("Amount in euros"), max_length=20)

    @classmethod
    def initial_for(cls, line: Any) -> dict[str, Any]:
        amount = Decimal(line.amount_cents) / 100
        text = f"{amount:.2f}".replace(".", ",")
        return {"category": line.category, "description": line.description, "amount": text}


def answer_field_name(question: Question) -> str:
    return f"question_{question.pk}"


class AnswersForm(forms.Form):
    """One field per question of the call, all optional while drafting (the submit page
    lists required questions that are still open)."""

    def __init__(
        self, *args: Any, questions: list[Question], answers: dict[int, Any], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            answer = answers.get(question.pk)
            label = question.label
            common: dict[str, Any] = {
                "label": label,
                "required": False,
                "help_text": question.help_text,
            }
            text: dict[str, Any] = {**common, "validators": [validate_no_national_number]}
            field: forms.Field
            initial: Any = None
            if question.kind == QuestionKind.TEXT:
                field = forms.CharField(max_length=300, **text)
                initial = answer.text if answer else ""
            elif question.kind == QuestionKind.LONG_TEXT:
                field = forms.CharField(
                    max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}), **text
                )
                initial = answer.text if answer else ""
            elif question.kind == QuestionKind.NUMBER:
                field = forms.DecimalField(max_digits=14, decimal_places=2, localize=True, **common)
                initial = answer.number if answer else None
            elif question.kind == QuestionKind.CHOICE:
                choices = [("", _("Choose…"))] + [(str(c), str(c)) for c in question.choices]
                field = forms.ChoiceField(choices=choices, **common)
                initial = answer.text if answer else ""
            elif question.kind == QuestionKind.DATE:
                field = DateField(widget=DATE_WIDGET, **common)
                initial = answer.date if answer else None
            else:
                field = forms.FileField(**common)
                if answer and answer.file:
                    field.help_text = _("A file was sent. A new file replaces it.")
            field.initial = initial
            self.fields[answer_field_name(question)] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            name = answer_field_name(question)
            if question.kind == QuestionKind.FILE and data.get(name):
                try:
                    validate_upload(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File (PDF, Word, Excel, OpenDocument or image; at most 10 MB)"))

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data.get("file"))
