"""Forms of a report's parts: the coordinator's sections, outputs, spending and answers
to the officer's requests (one form, fields named after the part), an attachment, the
officer's comment on one part, the review (a change can be asked by comments alone) and
the call's report sections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digibank.core.validators import validate_no_national_number

from ..models import ReportAttachmentKind, ReportStatus
from ..queries.report_parts import ReportParts
from ..services.applications import MAX_UPLOAD_BYTES
from ..services.report_content import ReportContent
from .grants import EuroField, cents_as_euros
from .reports import ReviewForm


def _text(label: Any, *, rows: int = 4, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
        max_length=10_000,
        validators=[validate_no_national_number],
    )


class ReportPartsForm(forms.Form):
    """Fields: section_<id>, actual_<kind>, note_<kind>, spent_<line id>, why_<line id>,
    response_<comment id>. A part the officer did not ask to change (after a request)
    is shown but disabled."""

    def __init__(self, data: Any, *, parts: ReportParts) -> None:
        super().__init__(data)
        self.parts = parts
        for section in parts.sections:
            assert section.section is not None
            self.fields[f"section_{section.section.pk}"] = _text(
                section.label, rows=6, help_text=section.section.help_text
            )
            self.initial[f"section_{section.section.pk}"] = section.text
        for output in parts.outputs:
            self.fields[f"actual_{output.kind}"] = forms.IntegerField(
                label=_("%(output)s: actual number") % {"output": output.label},
                help_text=_("Planned: %(planned)s.") % {"planned": output.planned},
                min_value=0,
                max_value=10_000_000,
                required=False,
            )
            self.fields[f"note_{output.kind}"] = _text(
                _("%(output)s: note") % {"output": output.label}, rows=2
            )
            actual = output.actual if output.actual is not None else output.prefill
            self.initial[f"actual_{output.kind}"] = actual
            self.initial[f"note_{output.kind}"] = output.note
        for spending in parts.spending:
            assert spending.line is not None
            pk = spending.line.pk
            self.fields[f"spent_{pk}"] = EuroField(
                label=_("%(line)s: spent (euros)") % {"line": spending.label},
                help_text=_("Planned: € %(planned)s.")
                % {"planned": cents_as_euros(spending.planned_cents)},
                required=False,
            )
            self.fields[f"why_{pk}"] = _text(
                _("%(line)s: why it differs from the plan") % {"line": spending.label},
                rows=2,
                help_text=_("Needed when you spent more than 10% more or less than planned."),
            )
            self.initial[f"spent_{pk}"] = cents_as_euros(spending.actual_cents)
            self.initial[f"why_{pk}"] = spending.explanation
        for comment in parts.requests:
            self.fields[f"response_{comment.pk}"] = _text(
                _("Your answer to: %(comment)s") % {"comment": comment.text[:200]}, rows=3
            )
            self.initial[f"response_{comment.pk}"] = comment.response
        self._disable_locked()

    def _disable_locked(self) -> None:
        for part in self.parts.every:
            if not part.locked:
                continue
            for name in self.names_for(part.target):
                if name in self.fields:
                    self.fields[name].disabled = True

    @staticmethod
    def names_for(target: str) -> list[str]:
        kind, _sep, key = target.partition(":")
        return {
            "section": [f"section_{key}"],
            "output": [f"actual_{key}", f"note_{key}"],
            "spending": [f"spent_{key}", f"why_{key}"],
        }.get(kind, [])

    def bound(self, target: str) -> list[forms.BoundField]:
        return [self[name] for name in self.names_for(target) if name in self.fields]

    def content(self) -> ReportContent:
        data = self.cleaned_data
        return ReportContent(
            sections={
                s.section.pk: data.get(f"section_{s.section.pk}") or ""
                for s in self.parts.sections
                if s.section is not None
            },
            outputs={
                o.kind: (data.get(f"actual_{o.kind}"), data.get(f"note_{o.kind}") or "")
                for o in self.parts.outputs
            },
            spending={
                s.line.pk: (data.get(f"spent_{s.line.pk}"), data.get(f"why_{s.line.pk}") or "")
                for s in self.parts.spending
                if s.line is not None
            },
            responses={c.pk: data.get(f"response_{c.pk}") or "" for c in self.parts.requests},
        )


class ReportAttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=ReportAttachmentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File (PDF, Word, Excel, OpenDocument or image; at most 10 MB)"),
        max_length=200,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class ReportCommentForm(forms.Form):
    target = forms.ChoiceField(label=_("About which part"))
    text = _text(_("Your comment"), rows=3)
    asks_change = forms.BooleanField(
        label=_("Ask the hub to change this part"),
        required=False,
        help_text=_("The hub can then change only the parts you asked for, and answers you."),
    )

    def __init__(self, data: Any, *, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["target"].choices = choices  # type: ignore[attr-defined]
        self.fields["text"].required = True


class PartsReviewForm(ReviewForm):
    """The review: asking for changes needs an overall comment or a change asked on a
    part."""

    def __init__(self, data: Any, *, has_requests: bool, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.has_requests = has_requests

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        if (
            data.get("decision") == ReportStatus.CHANGES_REQUESTED
            and not (data.get("comment") or "").strip()
            and not self.has_requests
        ):
            self.add_error(
                "comment", _("Write what should change. Or ask for a change on a part above.")
            )
        return data


class ReportSectionsForm(forms.Form):
    sections = forms.CharField(
        label=_("Sections of the reports"),
        help_text=_(
            "One section a line. After a vertical bar, what to write, for example: "
            "“Partnership | How the partners worked together”."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=10_000,
    )

    def parsed(self) -> list[tuple[str, str]]:
        rows = []
        for line in (self.cleaned_data.get("sections") or "").splitlines():
            title, _bar, help_text = line.partition("|")
            if title.strip():
                rows.append((title.strip(), help_text.strip()))
        return rows
