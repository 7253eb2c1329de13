"""Who may reach which funding records: the one place the funding views ask.

- Programme officers (ProgrammeRole "officer" on the call's programme, or platform
  admins) manage calls, assign reviewers, decide, run grants: `officer_view`.
- Reviewers (ProgrammeRole "reviewer") see only applications assigned to them, and
  only after declaring no conflict of interest: `reviewer_assignment`.
- Applicants see only the applications of organisations they are confirmed for:
  `applications_for_applicant`, `applicant_application`.
- Hub coordinators see their hub's grant and reports through `hub_view("funding.report")`.

Anything else answers 404, so nobody learns that another organisation's work exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from digibank.accounts.models import ProgrammeRole, User
from digibank.accounts.roles import ProgrammeRoleKind
from digibank.network.models import Organisation, Programme

from .models import Application, ConflictStatus, ReviewAssignment

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


def applications_for_applicant(user: Any) -> QuerySet[Application]:
    return Application.objects.filter(lead_organisation__in=applicant_organisations(user))


def applicant_application(request: HttpRequest, pk: int) -> Application:
    """One application of the user's own organisations, or 404."""
    found = (
        applications_for_applicant(request.user)
        .select_related("round__call__programme", "lead_organisation")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def reviewer_assignment(request: HttpRequest, pk: int, *, cleared: bool = True) -> ReviewAssignment:
    """One of the user's own review assignments, or 404. With cleared=True (reading or
    scoring the application) the reviewer must have declared no conflict; declaring
    itself uses cleared=False."""
    user = cast(User, request.user)
    assignments = ReviewAssignment.objects.select_related(
        "application__round__call__programme", "application__lead_organisation"
    ).filter(pk=pk, reviewer=user)
    if not user.is_authenticated:
        raise Http404
    found = assignments.first()
    if found is None or (cleared and found.conflict != ConflictStatus.NONE):
        raise Http404
    return found
