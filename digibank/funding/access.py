"""Who may reach which funding records: the one place the funding views ask.

- Programme officers (ProgrammeRole "officer" on the call's programme, or platform
  admins) manage calls, assign reviewers, decide, run grants: `officer_view`.
- Reviewers (ProgrammeRole "reviewer") see only applications assigned to them, and
  only after declaring no conflict of interest: `reviewer_assignment`.
- Applicants: a confirmed applicant sees, changes and submits all applications of the
  organisation; a pending one (everyone starts pending, the first person to register
  an enterprise number too) may start applications and fill in the ones they started,
  and nothing more; a revoked one reaches nothing: `applications_for_applicant`,
  `applicant_application`, `may_edit_application`, `may_submit`.
- Who confirms and revokes applicants: `may_confirm`, `may_revoke`.
- A reviewer reaches an assignment only while they hold the reviewer role on the
  call's programme: `reviewer_assignment`, `active_assignments`.
- Hub coordinators see their hub's grant and reports through `hub_view("funding.report")`.

Anything else answers 404, so nobody learns that another organisation's work exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from digibank.accounts.models import ProgrammeRole, User
from digibank.accounts.roles import ProgrammeRoleKind
from digibank.network.models import Organisation, Programme

from .models import Applicant, Application, ApplicationPartner, ConflictStatus, ReviewAssignment

View = Callable[..., HttpResponse]


class OfficerRequest(HttpRequest):
    """The request an officer view receives (annotate views with it)."""

    user: User
    programme: Programme


def is_officer(user: Any, programme: Programme) -> bool:
    """Whether the user is an officer of the programme. Remembered on the user object
    for the request, as several sections of one page ask the same question."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    known: dict[int, bool] = user.__dict__.setdefault("_funding_officer_of", {})
    if programme.pk not in known:
        known[programme.pk] = ProgrammeRole.objects.filter(
            user=user, programme=programme, role=ProgrammeRoleKind.OFFICER
        ).exists()
    return known[programme.pk]


def officer_view(view: View) -> View:
    """Wrap a view of /programmes/<programme>/…: only the programme's officers (and
    platform admins) pass; sets request.programme."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, programme: str, *args: Any, **kwargs: Any) -> HttpResponse:
        found = Programme.objects.filter(slug=programme).first()
        if found is None or not is_officer(request.user, found):
            raise Http404
        request.programme = found  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def applicant_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations the user is a confirmed applicant for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        applicants__user=user, applicants__is_confirmed=True
    ).distinct()


def drafting_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations the user may start an application for: confirmed or pending."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Applicant.objects.filter(user=user, revoked_at__isnull=True).values(
            "organisation_id"
        )
    )


def applications_for_applicant(user: Any) -> QuerySet[Application]:
    """All applications of the user's confirmed organisations, and the ones the user
    started for an organisation they still wait to be confirmed for."""
    if not user.is_authenticated:
        return Application.objects.none()
    roles = Applicant.objects.filter(user=user)
    return Application.objects.filter(
        Q(lead_organisation__in=roles.confirmed().values("organisation_id"))
        | Q(created_by=user, lead_organisation__in=roles.pending().values("organisation_id"))
    )


def applicant_application(request: HttpRequest, pk: int) -> Application:
    """One application the user may read as an applicant, or 404."""
    found = (
        applications_for_applicant(request.user)
        .select_related("round__call__programme", "lead_organisation")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def may_edit_application(user: Any, application: Application) -> bool:
    return applications_for_applicant(user).filter(pk=application.pk).exists()


def may_submit(user: Any, organisation_id: int) -> bool:
    """Only a confirmed applicant submits for the organisation."""
    return (
        Applicant.objects.confirmed()
        .filter(user_id=user.pk, organisation_id=organisation_id)
        .exists()
    )


# --- confirming and revoking applicants ---------------------------------------------------


def organisations_known_to(programmes: Any) -> QuerySet[Organisation]:
    """Organisations a programme knows: they lead or partner one of its hubs, or lead
    or partner an application to one of its calls (a draft too: that is how an officer
    learns about a first applicant waiting to be confirmed)."""
    partners = ApplicationPartner.objects.filter(
        application__round__call__programme__in=programmes
    ).values("organisation_id")
    return Organisation.objects.filter(
        Q(led_hubs__programme__in=programmes)
        | Q(partnerships__hub__programme__in=programmes)
        | Q(applications__round__call__programme__in=programmes)
        | Q(pk__in=partners)
    )


def _oversees(user: Any, organisation_id: int) -> bool:
    """A platform admin, or an officer of a programme that knows the organisation."""
    if user.is_staff:
        return True
    programmes = ProgrammeRole.objects.filter(user=user, role=ProgrammeRoleKind.OFFICER).values(
        "programme_id"
    )
    return organisations_known_to(programmes).filter(pk=organisation_id).exists()


def may_confirm(user: Any, applicant: Applicant) -> bool:
    """Nobody confirms themselves. Officers (of a programme that knows the organisation)
    and admins always may, revoked people included; a confirmed colleague may confirm a
    pending one."""
    if not user.is_authenticated or applicant.user_id == user.pk or applicant.is_confirmed:
        return False
    if _oversees(user, applicant.organisation_id):
        return True
    return applicant.is_pending and may_submit(user, applicant.organisation_id)


def may_refuse(user: Any, applicant: Applicant) -> bool:
    """Refusing a pending person: whoever may confirm them."""
    return applicant.is_pending and may_confirm(user, applicant)


def may_revoke(user: Any, applicant: Applicant) -> bool:
    """Revoking a confirmed applicant: officers (of a programme that knows the
    organisation) and admins only, so a colleague cannot lock the others out."""
    if not user.is_authenticated or applicant.user_id == user.pk or not applicant.is_confirmed:
        return False
    return _oversees(user, applicant.organisation_id)


# --- reviewers --------------------------------------------------------------------------


def _holds_reviewer_role() -> Exists:
    return Exists(
        ProgrammeRole.objects.filter(
            user_id=OuterRef("reviewer_id"),
            programme_id=OuterRef("application__round__call__programme_id"),
            role=ProgrammeRoleKind.REVIEWER,
        )
    )


def active_assignments(user: Any) -> QuerySet[ReviewAssignment]:
    """The user's assignments on programmes where they still hold the reviewer role.
    An assignment stays in history when the role ends, but opens nothing."""
    if not user.is_authenticated or not user.is_active:
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(_holds_reviewer_role(), reviewer=user)


def with_reviewer_active(assignments: QuerySet[ReviewAssignment]) -> QuerySet[ReviewAssignment]:
    """Annotates `reviewer_active`: whether the reviewer still holds the role (officers
    see "no longer active" otherwise)."""
    return assignments.annotate(reviewer_active=_holds_reviewer_role())


def reviewer_assignment(request: HttpRequest, pk: int, *, cleared: bool = True) -> ReviewAssignment:
    """One of the user's own active review assignments, or 404. With cleared=True
    (reading or scoring the application) the reviewer must have declared no conflict;
    declaring itself uses cleared=False."""
    found = (
        active_assignments(request.user)
        .select_related("application__round__call__programme", "application__lead_organisation")
        .filter(pk=pk)
        .first()
    )
    if found is None or (cleared and found.conflict != ConflictStatus.NONE):
        raise Http404
    return found
