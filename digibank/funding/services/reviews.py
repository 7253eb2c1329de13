"""Reviews and decisions: assigning reviewers, conflicts of interest, scores, and the
officer's determinations (approve, reject, ask for more information).

Every service runs in one transaction, locks the row it changes, enforces the rules
(raising ValidationError keyed by form field where it can) and writes the journal in
that same transaction. Approval creates the Grant and, for implementation calls, the
Hub with its partners, service area and a coordinator. The applicant is told by e-mail
from a background task enqueued on commit (funding.tasks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.accounts.models import ProgrammeRole, User
from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.core.journal import journal_write
from digibank.core.validators import refuse_national_numbers
from digibank.network import services as network_services
from digibank.network.models import Hub, HubStatus

from .. import access
from ..models import (
    Application,
    ApplicationStatus,
    CallKind,
    ConflictStatus,
    Criterion,
    Determination,
    Grant,
    InformationRequest,
    Outcome,
    ReviewAssignment,
    Score,
)

ACTIONS = {
    "funding.review_assign": gettext_lazy("Reviewer assigned"),
    "funding.review_unassign": gettext_lazy("Reviewer removed"),
    "funding.review_conflict": gettext_lazy("Conflict of interest declared"),
    "funding.review_scores": gettext_lazy("Review scores saved"),
    "funding.review_complete": gettext_lazy("Review completed"),
    "funding.approve": gettext_lazy("Application approved"),
    "funding.reject": gettext_lazy("Application rejected"),
    "funding.request_information": gettext_lazy("More information asked"),
    "funding.hub_create": gettext_lazy("Hub created from an approved application"),
}

# Days a reviewer has for a review unless the officer says otherwise.
REVIEW_DAYS = 14

# Applications a reviewer may still score (not after the decision).
SCORABLE_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFORMATION})
# Applications an officer deals with: everything but drafts.
OFFICER_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.MORE_INFORMATION,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
)


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round__call__programme", "lead_organisation")
        .get(pk=application.pk)
    )


def _locked_assignment(assignment: ReviewAssignment) -> ReviewAssignment:
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application__round__call")
        .get(pk=assignment.pk)
    )


def is_programme_reviewer(user: User, programme_id: int) -> bool:
    return ProgrammeRole.objects.filter(
        user=user, programme_id=programme_id, role=ProgrammeRoleKind.REVIEWER
    ).exists()


# --- assignments ------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *, actor: Any, application: Application, reviewer: User, due_on: date | None = None
) -> ReviewAssignment:
    """Assign a reviewer of the programme to a submitted (or decided) application; each
    reviewer once. The review is due on `due_on` (default: REVIEW_DAYS days from today);
    the reviewer is e-mailed on commit, in their language, with the due date."""
    today = timezone.localdate()
    due_on = due_on or today + timedelta(days=REVIEW_DAYS)
    if due_on < today:
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    application = _locked_application(application)
    if application.status == ApplicationStatus.DRAFT:
        raise ValidationError(_("This application is not submitted yet."))
    if not is_programme_reviewer(reviewer, application.round.call.programme_id):
        raise ValidationError({"reviewer": _("Choose a reviewer of this programme.")})
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("This reviewer is already assigned.")})
    try:
        with transaction.atomic():
            assignment = ReviewAssignment.objects.create(
                application=application, reviewer=reviewer, assigned_by=actor, due_on=due_on
            )
    except IntegrityError as error:  # assigned by someone else just now
        raise ValidationError({"reviewer": _("This reviewer is already assigned.")}) from error
    journal_write(
        actor=actor,
        action="funding.review_assign",
        subject=application,
        details={
            "assignment_id": assignment.pk,
            "reviewer_id": reviewer.pk,
            "due_on": due_on.isoformat(),
        },
    )
    from ..tasks import notify_review_assigned

    assignment_id = assignment.pk
    transaction.on_commit(lambda: notify_review_assigned.enqueue(assignment_id))
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Any, assignment: ReviewAssignment) -> None:
    """Take a reviewer off an application, only before they scored anything."""
    assignment = _locked_assignment(assignment)
    if assignment.completed_at is not None or assignment.scores.exists():
        raise ValidationError(_("This reviewer has already scored: they can no longer be removed."))
    journal_write(
        actor=actor,
        action="funding.review_unassign",
        subject=assignment.application,
        details={"assignment_id": assignment.pk, "reviewer_id": assignment.reviewer_id},
    )
    assignment.delete()


def _own(actor: Any, assignment: ReviewAssignment) -> None:
    """Only the assigned reviewer, and only while they hold the reviewer role."""
    if not access.active_assignments(actor).filter(pk=assignment.pk).exists():
        raise ValidationError(_("Only the assigned reviewer can do this."))


@transaction.atomic
def conflict_declare(
    *, actor: Any, assignment: ReviewAssignment, conflict: bool, note: str = ""
) -> ReviewAssignment:
    """The reviewer declares, before seeing the application, whether they have a conflict
    of interest. "No conflict" opens the application; a conflict closes it for good (a
    reviewer who declared none may still declare one later; their scores then no longer
    count)."""
    assignment = _locked_assignment(assignment)
    _own(actor, assignment)
    note = note.strip()
    refuse_national_numbers(note=note)
    if assignment.conflict == ConflictStatus.CONFLICT:
        raise ValidationError(_("You already declared a conflict of interest."))
    if not conflict and assignment.conflict == ConflictStatus.NONE:
        return assignment
    if conflict and not note:
        raise ValidationError({"note": _("Say briefly what the conflict of interest is.")})
    assignment.conflict = ConflictStatus.CONFLICT if conflict else ConflictStatus.NONE
    assignment.conflict_note = note if conflict else ""
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["conflict", "conflict_note", "declared_at", "updated_at"])
    journal_write(
        actor=actor,
        action="funding.review_conflict",
        subject=assignment.application,
        details={"assignment_id": assignment.pk, "conflict": assignment.conflict},
    )
    return assignment


@dataclass(frozen=True)
class ScoreInput:
    value: int
    comment: str = ""


def _check_can_score(assignment: ReviewAssignment) -> None:
    if assignment.conflict != ConflictStatus.NONE:
        raise ValidationError(_("Declare that you have no conflict of interest first."))
    if assignment.completed_at is not None:
        raise ValidationError(_("You completed this review: it can no longer change."))
    if assignment.application.status not in SCORABLE_STATUSES:
        raise ValidationError(_("This application has been decided: reviews are closed."))


@transaction.atomic
def scores_save(
    *,
    actor: Any,
    assignment: ReviewAssignment,
    scores: Mapping[int, ScoreInput],
    comment: str | None = None,
) -> ReviewAssignment:
    """Save the scores given (criterion id -> score) and, when given, the overall comment.

    Only the criteria passed are written, each as its own row (insert or update) under a
    lock on the assignment, so two tabs saving different criteria at once, or two
    reviewers at once, never lose a score."""
    assignment = _locked_assignment(assignment)
    _own(actor, assignment)
    _check_can_score(assignment)
    call = assignment.application.round.call
    criteria = {c.pk: c for c in Criterion.objects.filter(call=call, pk__in=list(scores))}
    errors: dict[str, list[str]] = {}
    for criterion_id, given in scores.items():
        if criterion_id not in criteria:
            raise ValidationError(_("This criterion is not part of the call."))
        if not 0 <= given.value <= call.score_scale_max:
            errors[f"score_{criterion_id}"] = [
                _("Give a score from 0 to %(max)s.") % {"max": call.score_scale_max}
            ]
    refuse_national_numbers(
        comment=comment or "",
        **{f"comment_{pk}": given.comment for pk, given in scores.items()},
    )
    if errors:
        raise ValidationError(errors)
    for criterion_id, given in sorted(scores.items()):
        Score.objects.update_or_create(
            assignment=assignment,
            criterion_id=criterion_id,
            defaults={"value": given.value, "comment": given.comment.strip()},
        )
    fields = ["updated_at"]
    if comment is not None and comment.strip() != assignment.comment:
        assignment.comment = comment.strip()
        fields.append("comment")
    assignment.save(update_fields=fields)
    journal_write(
        actor=actor,
        action="funding.review_scores",
        subject=assignment.application,
        details={"assignment_id": assignment.pk, "criteria": sorted(scores)},
    )
    return assignment


@transaction.atomic
def review_complete(*, actor: Any, assignment: ReviewAssignment) -> ReviewAssignment:
    """Mark the review done: every criterion must have a score."""
    assignment = _locked_assignment(assignment)
    _own(actor, assignment)
    _check_can_score(assignment)
    missing = Criterion.objects.filter(call=assignment.application.round.call).exclude(
        scores__assignment=assignment
    )
    names = [criterion.name for criterion in missing]
    if names:
        raise ValidationError(
            _("Give a score for every criterion first. Still missing: %(names)s.")
            % {"names": ", ".join(names)}
        )
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["completed_at", "updated_at"])
    journal_write(
        actor=actor,
        action="funding.review_complete",
        subject=assignment.application,
        details={"assignment_id": assignment.pk},
    )
    return assignment


# --- decisions --------------------------------------------------------------------------


def _decidable(application: Application) -> Application:
    locked = _locked_application(application)
    if locked.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be decided."))
    return locked


def _notify(determination: Determination) -> None:
    from ..tasks import notify_determination

    determination_id = determination.pk
    transaction.on_commit(lambda: notify_determination.enqueue(determination_id=determination_id))


def round_approved_cents(round_id: int) -> int:
    """What the round has awarded so far (approved applications)."""
    from django.db.models import Sum

    total = Application.objects.filter(
        round_id=round_id, status=ApplicationStatus.APPROVED
    ).aggregate(total=Sum("awarded_cents"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class Approval:
    determination: Determination
    grant: Grant
    hub: Hub | None
    # How far the round's approved total passes its budget now (0: within it).
    over_budget_cents: int


def _unique_hub_slug(title: str) -> str:
    base = (slugify(title) or "hub")[:40].strip("-") or "hub"
    taken = set(Hub.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _hub_create(*, actor: Any, application: Application) -> Hub:
    """The hub of an approved implementation application: its lead, partners, service
    area and period, and the applicant who wrote it as coordinator."""
    assert application.starts_on is not None
    today = timezone.localdate()
    if application.ends_on is not None and application.ends_on < today:
        status = HubStatus.ENDED
    elif application.starts_on > today:
        status = HubStatus.PLANNED
    else:
        status = HubStatus.ACTIVE
    hub = None
    for _attempt in range(5):  # another approval may take the same slug at the same time
        try:
            with transaction.atomic():
                hub = Hub.objects.create(
                    name=application.title[:200],
                    slug=_unique_hub_slug(application.title),
                    programme=application.round.call.programme,
                    lead_organisation=application.lead_organisation,
                    starts_on=application.starts_on,
                    ends_on=application.ends_on,
                    status=status,
                )
            break
        except IntegrityError:
            continue
    if hub is None:
        raise ValidationError(_("The hub could not be created. Please try again."))
    hub.service_area.set(list(application.service_area.all()))
    journal_write(
        actor=actor,
        action="funding.hub_create",
        subject=hub,
        hub_id=hub.pk,
        details={"application_id": application.pk},
    )
    for partner in application.partners.select_related("organisation"):
        if partner.organisation_id == application.lead_organisation_id:
            continue
        network_services.partner_add(
            actor=actor,
            hub=hub,
            organisation=partner.organisation,
            partner_type=partner.partner_type,
            role=partner.role,
        )
    # The author asked to run this hub by applying: no invitation to accept.
    network_services.member_add_at_own_request(
        actor=actor, hub=hub, user=application.created_by, role=HubRole.COORDINATOR
    )
    return hub


@transaction.atomic
def application_approve(
    *, actor: Any, application: Application, amount_cents: int, reasons: str = ""
) -> Approval:
    """Approve with the amount awarded (at most the call's maximum). Creates the grant
    and, for an implementation call, the hub. Passing the round's budget is allowed:
    the result says by how much, so the officer is warned."""
    application = _decidable(application)
    call = application.round.call
    if amount_cents <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if amount_cents > call.max_amount_cents:
        raise ValidationError(
            {
                "amount": _("The call awards at most %(max)s euros.")
                % {"max": f"{call.max_amount_cents / 100:,.2f}"}
            }
        )
    if application.starts_on is None or application.ends_on is None:
        raise ValidationError(
            _("The application has no project period: ask for more information first.")
        )
    determination = Determination.objects.create(
        application=application,
        outcome=Outcome.APPROVED,
        amount_cents=amount_cents,
        reasons=reasons.strip(),
        decided_by=actor,
    )
    hub = None
    if application.existing_hub_id is None and call.kind == CallKind.IMPLEMENTATION:
        hub = _hub_create(actor=actor, application=application)
    # An extension or follow-on adds a grant to the digibank that exists: no second hub.
    grant = Grant.objects.create(
        application=application,
        programme=call.programme,
        hub=hub or application.existing_hub,
        amount_cents=amount_cents,
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        account_holder=application.lead_organisation.name[:200],
    )
    application.status = ApplicationStatus.APPROVED
    application.awarded_cents = amount_cents
    application.hub = hub
    application.save(update_fields=["status", "awarded_cents", "hub", "updated_at"])
    journal_write(
        actor=actor,
        action="funding.approve",
        subject=application,
        hub_id=grant.hub_id,
        details={
            "determination_id": determination.pk,
            "amount_cents": amount_cents,
            "grant_id": grant.pk,
            "hub_id": grant.hub_id,
            "hub_created": hub is not None,
        },
    )
    _notify(determination)
    over = round_approved_cents(application.round_id) - application.round.budget_cents
    return Approval(determination, grant, hub, max(over, 0))


@transaction.atomic
def application_reject(*, actor: Any, application: Application, reasons: str) -> Determination:
    """Reject with the reasons, which the applicant reads."""
    reasons = reasons.strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for the rejection.")})
    application = _decidable(application)
    determination = Determination.objects.create(
        application=application, outcome=Outcome.REJECTED, reasons=reasons, decided_by=actor
    )
    application.status = ApplicationStatus.REJECTED
    application.save(update_fields=["status", "updated_at"])
    journal_write(
        actor=actor,
        action="funding.reject",
        subject=application,
        details={"determination_id": determination.pk},
    )
    _notify(determination)
    return determination


@transaction.atomic
def application_request_information(
    *, actor: Any, application: Application, message: str
) -> InformationRequest:
    """Ask the applicant for more information: the application reopens for them (status
    more_information) until they submit it again."""
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Say what information is needed.")})
    application = _decidable(application)
    request = InformationRequest.objects.create(
        application=application, message=message, requested_by=actor
    )
    determination = Determination.objects.create(
        application=application,
        outcome=Outcome.MORE_INFORMATION,
        reasons=message,
        decided_by=actor,
    )
    application.status = ApplicationStatus.MORE_INFORMATION
    application.save(update_fields=["status", "updated_at"])
    journal_write(
        actor=actor,
        action="funding.request_information",
        subject=application,
        details={"determination_id": determination.pk, "information_request_id": request.pk},
    )
    _notify(determination)
    return request
