"""Forms of the reviews area: they check what people typed; the services check the same
rules again for every other caller."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digibank.accounts.models import User
from digibank.core.dates import DateField
from digibank.core.validators import validate_no_national_number

from ..models import Criterion, Score
from ..services.reviews import ScoreInput


class ReviewerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg,unused-ignore]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class AssignForm(forms.Form):
    reviewer = ReviewerChoiceField(
        label=_("Reviewer"),
        queryset=User.objects.none(),
        empty_label=_("Choose a reviewer"),
        error_messages={
            "required": _("Choose a reviewer."),
            "invalid_choice": _("Choose a reviewer from the list."),
        },
    )

    due_on = DateField(
        label=_("Review due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for two weeks from today. The reviewer is told by e-mail."),
    )

    def __init__(self, *args: Any, reviewers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers  # type: ignore[attr-defined]


class ConflictForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        help_text=_(
            "For example: you work for the lead organisation or a partner, you helped write "
            "the application, or a family member is involved."
        ),
        choices=[
            ("no", _("No, I have no conflict of interest")),
            ("yes", _("Yes, I have a conflict of interest")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you have a conflict of interest.")},
    )
    note = forms.CharField(
        label=_("What is the conflict? (only with a conflict)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        validators=[validate_no_national_number],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("conflict") and not (data.get("note") or "").strip():
            self.add_error("note", _("Say briefly what the conflict of interest is."))
        return data


class ScoreForm(forms.Form):
    """A score and a comment per criterion, and an overall comment. Each field keeps the
    value shown when the page was loaded (a hidden initial value), so only what the
    reviewer changed on this page is saved: another tab's scores stay as they are."""

    comment = forms.CharField(
        label=_("Overall comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
        validators=[validate_no_national_number],
    )

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        scale_max: int,
        scores: dict[int, Score],
        comment: str,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("initial", None)
        initial: dict[str, Any] = {"comment": comment}
        for criterion in criteria:
            score = scores.get(criterion.pk)
            initial[f"score_{criterion.pk}"] = "" if score is None else str(score.value)
            initial[f"comment_{criterion.pk}"] = "" if score is None else score.comment
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["comment"].show_hidden_initial = True
        choices = [("", _("No score yet"))] + [(str(n), str(n)) for n in range(scale_max + 1)]
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Score for “%(name)s” (0 to %(max)s)")
                % {"name": criterion.name, "max": scale_max},
                help_text=criterion.description,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                show_hidden_initial=True,
                error_messages={
                    "invalid_choice": _("Give a score from 0 to %(max)s.") % {"max": scale_max}
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": criterion.name},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=5000,
                show_hidden_initial=True,
                validators=[validate_no_national_number],
            )

    def criterion_fields(self) -> list[tuple[Criterion, Any, Any]]:
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        changed = set(self.changed_data)
        for criterion in self.criteria:
            score_name, comment_name = f"score_{criterion.pk}", f"comment_{criterion.pk}"
            if (
                (score_name in changed or comment_name in changed)
                and data.get(score_name) is None
                and score_name not in self.errors
            ):
                self.add_error(score_name, _("Choose a score to save this criterion."))
        return data

    def changed_scores(self) -> dict[int, ScoreInput]:
        """The criteria whose score or comment the reviewer changed on this page."""
        changed = set(self.changed_data)
        result: dict[int, ScoreInput] = {}
        for criterion in self.criteria:
            score_name, comment_name = f"score_{criterion.pk}", f"comment_{criterion.pk}"
            if score_name in changed or comment_name in changed:
                result[criterion.pk] = ScoreInput(
                    value=self.cleaned_data[score_name],
                    comment=self.cleaned_data.get(comment_name) or "",
                )
        return result

    def changed_comment(self) -> str | None:
        return self.cleaned_data["comment"] if "comment" in self.changed_data else None


class ApproveForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount awarded in euros"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        error_messages={"required": _("Enter the amount awarded.")},
    )
    reasons = forms.CharField(
        label=_("Note to the applicant (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def amount_cents(self) -> int:
        amount: Decimal = self.cleaned_data["amount"]
        return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class RejectForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the rejection"),
        help_text=_("The applicant reads these."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Give the reasons for the rejection.")},
    )


class InformationForm(forms.Form):
    message = forms.CharField(
        label=_("What information is needed?"),
        help_text=_("The applicant can change the application and send it again."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Say what information is needed.")},
    )
