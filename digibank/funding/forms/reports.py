"""Forms of the reports area: the officer's report obligation and review, the
coordinator's narrative."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from digibank.core.dates import DateField
from digibank.core.validators import validate_no_national_number

from ..models import Report, ReportKind, ReportStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ObligationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    period_start = DateField(label=_("Period from"), widget=DateInput())
    period_end = DateField(label=_("Period until"), widget=DateInput())
    due_on = DateField(label=pgettext_lazy("report", "Due on"), widget=DateInput())

    @classmethod
    def initial_for(cls, report: Report) -> dict[str, Any]:
        return {
            "kind": report.kind,
            "period_start": report.period_start,
            "period_end": report.period_end,
            "due_on": report.due_on,
        }


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label=_("What went well, and what did not"),
        help_text=_("Tell the programme in a few paragraphs how the period went."),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20_000,
        validators=[validate_no_national_number],
    )
    next_steps = forms.CharField(
        label=_("Next steps"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10_000,
        validators=[validate_no_national_number],
    )


class ReviewForm(forms.Form):
    DECISIONS = (
        (ReportStatus.APPROVED, _("Approve the report")),
        (ReportStatus.CHANGES_REQUESTED, _("Ask for changes")),
    )
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=DECISIONS, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment to the hub"),
        help_text=_("Required when you ask for changes: say what should change."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
        validators=[validate_no_national_number],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("decision") == ReportStatus.CHANGES_REQUESTED
            and not (data.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Write what should change."))
        return data


EXPORT_TABLES = (("rounds", _("Rounds")), ("grants", _("Grants")))


class ExportForm(forms.Form):
    table = forms.ChoiceField(choices=EXPORT_TABLES, required=False)
