"""Reads for applicants' pages and for the read-only summary other areas show.

`with_details(queryset)` loads everything `funding/applications/_summary.html` shows in
a fixed number of queries. `revision_diff` compares two snapshots line by line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from digibank.network.models import Municipality, Organisation, OrganisationKind, PartnerType
from digibank.network.templatetags.network import euros
from digibank.network.validators import format_enterprise_number

from ..models import (
    Answer,
    Applicant,
    Application,
    ApplicationPartner,
    ApplicationRevision,
    BudgetCategory,
    Goal,
    InformationRequest,
    Question,
    QuestionKind,
)


def with_details(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Everything the summary partial shows, in a fixed number of queries."""
    return queryset.select_related(
        "round__call__programme", "lead_organisation", "created_by", "existing_hub", "follows"
    ).prefetch_related(
        Prefetch(
            "partners",
            queryset=ApplicationPartner.objects.select_related("organisation").order_by("id"),
        ),
        Prefetch("service_area", queryset=Municipality.objects.order_by("name_nl")),
        "budget_lines",
        Prefetch(
            "answers",
            queryset=Answer.objects.select_related("question").order_by(
                "question__position", "question_id"
            ),
        ),
        "attachments",
    )


def applicant_list(user: Any) -> QuerySet[Application]:
    """The applications the user may open as an applicant, newest first."""
    from ..access import applications_for_applicant

    return (
        applications_for_applicant(user)
        .select_related("round__call", "lead_organisation")
        .order_by("-created_at", "-id")
    )


def pending_colleagues(user: Any) -> QuerySet[Applicant]:
    """People waiting to be confirmed for an organisation the user speaks for."""
    spoken_for = Applicant.objects.confirmed().filter(user=user).values("organisation_id")
    return (
        Applicant.objects.pending()
        .filter(organisation__in=spoken_for)
        .exclude(user=user)
        .select_related("user", "organisation")
        .order_by("created_at", "id")
    )


class ApplicantState:
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REVOKED = "revoked"
    ALL = (PENDING, CONFIRMED, REVOKED)


def programme_applicants(programme: Any, state: str) -> QuerySet[Applicant]:
    """Applicants of organisations the programme knows (they applied to one of its
    calls, or lead or partner one of its hubs), in one state, oldest first."""
    from ..access import organisations_known_to

    known = organisations_known_to([programme.pk]).values("pk")
    applicants = Applicant.objects.filter(organisation__in=known)
    if state == ApplicantState.CONFIRMED:
        applicants = applicants.confirmed()
    elif state == ApplicantState.REVOKED:
        applicants = applicants.filter(revoked_at__isnull=False)
    else:
        applicants = applicants.pending()
    return applicants.select_related("user", "organisation").order_by("created_at", "id")


def own_pending(user: Any) -> QuerySet[Applicant]:
    return Applicant.objects.pending().filter(user=user).select_related("organisation")


def open_information_request(application: Application) -> InformationRequest | None:
    return (
        InformationRequest.objects.filter(application=application, answered_at__isnull=True)
        .order_by("-requested_at", "-id")
        .first()
    )


def questions_for(application: Application) -> list[Question]:
    return list(Question.objects.filter(call_id=application.round.call_id).order_by("position"))


def revisions(application: Application) -> QuerySet[ApplicationRevision]:
    return ApplicationRevision.objects.filter(application=application).select_related(
        "submitted_by"
    )


def revisions_with_diffs(
    application: Application, shown: list[ApplicationRevision]
) -> list[dict[str, Any]]:
    """The shown revisions (a page of them), each with its diff from the one before it
    (None for the first). One query for the earlier revisions."""
    earlier = {
        revision.number: revision
        for revision in revisions(application).filter(number__in={r.number - 1 for r in shown})
    }
    items = []
    for revision in shown:
        before = earlier.get(revision.number - 1)
        diff = revision_diff(before.snapshot, revision.snapshot) if before is not None else None
        items.append({"revision": revision, "diff": diff})
    return items


# --- snapshots as lines, and the difference between two -------------------------------


def _label(choices: Any, value: Any) -> str:
    return str(dict(choices.choices).get(value, value or ""))


def snapshot_lines(snapshot: dict[str, Any]) -> list[str]:
    """A snapshot as lines of text in the reader's language, one fact per line."""
    lines: list[str] = []
    add = lines.append
    add(f"{_('Project title')}: {snapshot.get('title', '')}")
    for number, text in enumerate((snapshot.get("summary") or "").splitlines() or [""], 1):
        add(f"{_('Summary')} ({number}): {text}")
    lead = snapshot.get("lead_organisation") or {}
    add(
        f"{_('Lead organisation')}: {lead.get('name', '')} "
        f"({format_enterprise_number(lead.get('enterprise_number', ''))}, "
        f"{_label(OrganisationKind, lead.get('kind'))})"
    )
    add(f"{_('Starts on')}: {snapshot.get('starts_on') or '—'}")
    add(f"{_('Ends on')}: {snapshot.get('ends_on') or '—'}")
    for goal in snapshot.get("goals") or []:
        add(f"{_('Goal')}: {_label(Goal, goal)}")
    output_labels = {
        "planned_people": _("People to reach"),
        "planned_devices": _("Devices to lend"),
        "planned_trainings": _("Trainings"),
        "planned_help_points": _("Help points"),
    }
    for name, value in (snapshot.get("outputs") or {}).items():
        add(f"{output_labels.get(name, name)}: {'—' if value is None else value}")
    for partner in snapshot.get("partners") or []:
        letter = partner.get("commitment_letter") or _("no commitment letter")
        add(
            f"{_('Partner')}: {partner.get('name')} "
            f"({format_enterprise_number(partner.get('enterprise_number', ''))}), "
            f"{_label(PartnerType, partner.get('partner_type'))}, "
            f"{partner.get('role') or '—'}, {letter}"
        )
    for municipality in snapshot.get("service_area") or []:
        add(f"{_('Municipality')}: {municipality.get('name')}")
    for line in snapshot.get("budget_lines") or []:
        add(
            f"{_('Budget line')}: {_label(BudgetCategory, line.get('category'))}, "
            f"{line.get('description')}, {euros(line.get('amount_cents'))}"
        )
    add(f"{_('Amount requested')}: {euros(snapshot.get('requested_cents') or 0)}")
    for answer in snapshot.get("answers") or []:
        kind = answer.get("kind")
        if kind == QuestionKind.FILE:
            value = answer.get("file") or ""
        elif kind == QuestionKind.NUMBER:
            value = answer.get("number") or ""
        elif kind == QuestionKind.DATE:
            value = answer.get("date") or ""
        else:
            value = answer.get("text") or ""
        value_lines = str(value).splitlines() or [""]
        for text in value_lines:
            add(f"{answer.get('question')}: {text}")
    for attachment in snapshot.get("attachments") or []:
        add(f"{_('Attachment')}: {attachment.get('title')} ({attachment.get('file')})")
    return lines


@dataclass(frozen=True)
class DiffLine:
    change: str  # "added", "removed" or "same"
    text: str


def revision_diff(before: dict[str, Any], after: dict[str, Any]) -> list[DiffLine]:
    """What changed between two snapshots: removed and added lines, with a little
    unchanged context around them."""
    old, new = snapshot_lines(before), snapshot_lines(after)
    result: list[DiffLine] = []
    for group in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_grouped_opcodes(1):
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                result.extend(DiffLine("same", text) for text in old[i1:i2])
                continue
            if tag in ("replace", "delete"):
                result.extend(DiffLine("removed", text) for text in old[i1:i2])
            if tag in ("replace", "insert"):
                result.extend(DiffLine("added", text) for text in new[j1:j2])
    return result


def organisation_by_number(number: str) -> Organisation | None:
    return Organisation.objects.filter(enterprise_number=number).first() if number else None
