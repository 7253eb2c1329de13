"""Pages of the reviews area.

- Officers, under /programmes/<programme>/…: a round's applications, the ranking against
  the round's budget, one application with its reviewers, scores and decisions.
- Reviewers, under /reviews/…: their assignments; the declaration of conflicts of
  interest first; then the application and the scoring form.

Views stay thin: a form checks input, one service or query does the work. Records of
another programme, or not assigned to the reviewer, answer 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.roles import ProgrammeRoleKind
from digibank.core.actions import perform
from digibank.core.forms import add_service_errors
from digibank.core.pagination import paginate
from digibank.network.registry import DashboardPanel
from digibank.network.templatetags.network import euros

from .. import access
from ..forms.reviews import (
    ApproveForm,
    AssignForm,
    ConflictForm,
    InformationForm,
    RejectForm,
    ScoreForm,
)
from ..models import (
    Application,
    ApplicationStatus,
    ConflictStatus,
    Criterion,
    ReviewAssignment,
    Round,
)
from ..queries import applications as application_queries
from ..queries import review_checks
from ..queries import reviews as queries
from ..services import reviews as services

MAX_ID = 2**63 - 1


def _check_id(pk: int) -> None:
    if not 0 < pk <= MAX_ID:
        raise Http404


# --- officer ----------------------------------------------------------------------------


def _round(request: access.OfficerRequest, round_pk: int) -> Round:
    _check_id(round_pk)
    found = queries.officer_round(request.programme, round_pk)
    if found is None:
        raise Http404
    return found


def _application(request: access.OfficerRequest, pk: int) -> Application:
    _check_id(pk)
    found = queries.officer_application(request.programme, pk)
    if found is None:
        raise Http404
    return found


def _application_url(request: access.OfficerRequest, application: Application) -> str:
    return reverse(
        "funding_reviews:application",
        kwargs={"programme": request.programme.slug, "pk": application.pk},
    )


@access.officer_view
def round_applications(request: access.OfficerRequest, round_pk: int) -> HttpResponse:
    round_ = _round(request, round_pk)
    page = paginate(request, queries.round_applications(round_))
    applications = queries.with_totals(round_.call, list(page.object_list))
    return render(
        request,
        "funding/reviews/round_applications.html",
        {"round": round_, "page": page, "applications": applications},
    )


@access.officer_view
def round_ranking(request: access.OfficerRequest, round_pk: int) -> HttpResponse:
    round_ = _round(request, round_pk)
    ranking = queries.round_ranking(round_)
    page = paginate(request, ranking.rows)
    return render(
        request,
        "funding/reviews/ranking.html",
        {"round": round_, "ranking": ranking, "page": page},
    )


def _officer_context(
    request: access.OfficerRequest, application: Application, **extra: Any
) -> dict[str, Any]:
    detailed = application_queries.with_details(Application.objects.filter(pk=application.pk))
    return {
        "application": detailed.get(),
        "sheet": queries.score_sheet(application),
        "determinations": list(queries.determinations(application)[:50]),
        "information_requests": list(queries.information_requests(application)[:50]),
        "assign_form": AssignForm(reviewers=queries.assignable_reviewers(application)),
        "can_decide": application.status == ApplicationStatus.SUBMITTED,
        **extra,
    }


@access.officer_view
def application_detail(request: access.OfficerRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    return render(
        request, "funding/reviews/application.html", _officer_context(request, application)
    )


@access.officer_view
@require_POST
def assign(request: access.OfficerRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = AssignForm(request.POST, reviewers=queries.assignable_reviewers(application))
    if form.is_valid():
        try:
            services.assignment_create(
                actor=request.user,
                application=application,
                reviewer=form.cleaned_data["reviewer"],
                due_on=form.cleaned_data.get("due_on"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reviewer is assigned."))
            return redirect(_application_url(request, application))
    context = _officer_context(request, application, assign_form=form)
    return render(request, "funding/reviews/application.html", context, status=400)


@access.officer_view
@require_POST
def unassign(request: access.OfficerRequest, pk: int) -> HttpResponse:
    _check_id(pk)
    assignment = (
        ReviewAssignment.objects.select_related("application")
        .filter(pk=pk, application__round__call__programme=request.programme)
        .first()
    )
    if assignment is None:
        raise Http404
    return perform(
        request,
        lambda: services.assignment_remove(actor=request.user, assignment=assignment),
        success=_("The reviewer is no longer assigned."),
        then=_application_url(request, assignment.application),
    )


def _decide_context(
    request: access.OfficerRequest, application: Application, **forms: Any
) -> dict[str, Any]:
    round_ = application.round
    approved = services.round_approved_cents(round_.pk)
    return {
        "application": application,
        "round": round_,
        "approved_cents": approved,
        "remaining_cents": round_.budget_cents - approved,
        "sheet": queries.score_sheet(application),
        "can_decide": application.status == ApplicationStatus.SUBMITTED,
        "approve_form": forms.get("approve_form")
        or ApproveForm(
            prefix="approve", initial={"amount": _euros_value(application.requested_cents)}
        ),
        "reject_form": forms.get("reject_form") or RejectForm(prefix="reject"),
        "information_form": forms.get("information_form") or InformationForm(prefix="info"),
    }


def _euros_value(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}" if cents > 0 else ""


@access.officer_view
def decide(request: access.OfficerRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    return render(request, "funding/reviews/decide.html", _decide_context(request, application))


@access.officer_view
@require_POST
def approve(request: access.OfficerRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = ApproveForm(request.POST, prefix="approve")
    if form.is_valid():
        try:
            approval = services.application_approve(
                actor=request.user,
                application=application,
                amount_cents=form.amount_cents(),
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The application is approved and the grant is created."))
            if approval.hub is not None:
                messages.success(
                    request, _("The hub “%(name)s” is created.") % {"name": approval.hub.name}
                )
            elif approval.grant.hub is not None:
                messages.success(
                    request,
                    _("The grant is added to the existing hub “%(name)s”.")
                    % {"name": approval.grant.hub.name},
                )
            if approval.over_budget_cents:
                messages.warning(
                    request,
                    _("The approved total of this round now passes its budget by %(amount)s.")
                    % {"amount": euros(approval.over_budget_cents)},
                )
            return redirect(_application_url(request, application))
    context = _decide_context(request, application, approve_form=form)
    return render(request, "funding/reviews/decide.html", context, status=400)


@access.officer_view
@require_POST
def reject(request: access.OfficerRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = RejectForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            services.application_reject(
                actor=request.user, application=application, reasons=form.cleaned_data["reasons"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The application is rejected. The applicant is told."))
            return redirect(_application_url(request, application))
    context = _decide_context(request, application, reject_form=form)
    return render(request, "funding/reviews/decide.html", context, status=400)


@access.officer_view
@require_POST
def request_information(request: access.OfficerRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = InformationForm(request.POST, prefix="info")
    if form.is_valid():
        try:
            services.application_request_information(
                actor=request.user, application=application, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The applicant is asked for more information and can edit again.")
            )
            return redirect(_application_url(request, application))
    context = _decide_context(request, application, information_form=form)
    return render(request, "funding/reviews/decide.html", context, status=400)


# --- reviewer ---------------------------------------------------------------------------


def _assignment_url(assignment: ReviewAssignment) -> str:
    return reverse("funding_reviews:assignment", kwargs={"pk": assignment.pk})


def _review_url(assignment: ReviewAssignment) -> str:
    return reverse("funding_reviews:review", kwargs={"pk": assignment.pk})


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.my_assignments(request.user))
    return render(request, "funding/reviews/my_reviews.html", {"page": page})


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Before declaring, and with a conflict, the reviewer sees only the call's title and
    the lead organisation's name. Declaring no conflict leads on to the application."""
    _check_id(pk)
    assignment = access.reviewer_assignment(request, pk, cleared=False)
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if assignment.conflict != ConflictStatus.UNDECLARED:
            messages.error(request, _("You already declared this."))
            return redirect(_assignment_url(assignment))
        if form.is_valid():
            try:
                assignment = services.conflict_declare(
                    actor=request.user,
                    assignment=assignment,
                    conflict=form.cleaned_data["conflict"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if assignment.conflict == ConflictStatus.NONE:
                    messages.success(request, _("Thank you. You can now read and score."))
                    return redirect(_review_url(assignment))
                messages.success(request, _("Thank you. You will not review this application."))
                return redirect(_assignment_url(assignment))
    status = 400 if form.errors else 200
    parties = (
        review_checks.conflict_parties(assignment.application, request.user)
        if assignment.conflict == ConflictStatus.UNDECLARED
        else []
    )
    return render(
        request,
        "funding/reviews/assignment.html",
        {"assignment": assignment, "form": form, "parties": parties},
        status=status,
    )


def _criteria(assignment: ReviewAssignment) -> list[Criterion]:
    return list(Criterion.objects.filter(call_id=assignment.application.round.call_id))


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The application and the scoring form: only after declaring no conflict."""
    _check_id(pk)
    assignment = access.reviewer_assignment(request, pk, cleared=True)
    call = assignment.application.round.call
    criteria = _criteria(assignment)
    form = ScoreForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        scale_max=call.score_scale_max,
        scores=queries.my_scores(assignment),
        comment=assignment.comment,
    )
    can_score = (
        assignment.completed_at is None
        and assignment.application.status in services.SCORABLE_STATUSES
    )
    if request.method == "POST" and not can_score:
        messages.error(request, _("This review can no longer change."))
        return redirect(_review_url(assignment))
    if request.method == "POST" and form.is_valid():
        scores = form.changed_scores()
        comment = form.changed_comment()
        if not scores and comment is None:
            messages.info(request, _("Nothing changed."))
            return redirect(_review_url(assignment))
        try:
            services.scores_save(
                actor=request.user, assignment=assignment, scores=scores, comment=comment
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect(_review_url(assignment))
    application = application_queries.with_details(
        Application.objects.filter(pk=assignment.application_id)
    ).get()
    return render(
        request,
        "funding/reviews/review.html",
        {
            "assignment": assignment,
            "application": application,
            "form": form,
            "can_score": can_score,
        },
        status=400 if form.errors else 200,
    )


@login_required
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    _check_id(pk)
    assignment = access.reviewer_assignment(request, pk, cleared=True)
    # The lookup comes first, so others' assignments answer 404; perform answers 405 to GET.
    return perform(
        request,
        lambda: services.review_complete(actor=request.user, assignment=assignment),
        success=_("Your review is complete. Thank you."),
        then=reverse("funding_reviews:mine"),
        on_error=_review_url(assignment),
    )


# --- sections on other apps' pages ------------------------------------------------------


def home_section(request: HttpRequest) -> DashboardPanel | None:
    """Reviewers see their open assignments on the home page."""
    user = request.user
    if not user.is_authenticated:
        return None
    if not access.active_assignments(user).exists():
        return None
    return DashboardPanel(
        template="funding/reviews/home_section.html",
        context={"open_reviews": queries.open_assignment_count(user)},
    )


def programme_section(request: HttpRequest, programme: Any) -> DashboardPanel | None:
    """Officers find each round's applications and ranking on the programme page."""
    user = request.user
    if not user.is_authenticated:
        return None
    officer_rounds = queries.programme_rounds(programme)
    if not user.is_staff:  # the officer check rides along in the one query
        officer_rounds = officer_rounds.filter(
            call__programme__roles__user=user,
            call__programme__roles__role=ProgrammeRoleKind.OFFICER,
        )
    rounds = list(officer_rounds.order_by("-opens_at", "id")[:20])
    if not rounds:
        return None
    return DashboardPanel(
        template="funding/reviews/programme_section.html",
        context={"review_rounds": rounds, "review_programme": programme},
    )


@access.officer_view
def overdue_reviews(request: access.OfficerRequest) -> HttpResponse:
    """The programme's reviews past their due date, oldest first."""
    page = paginate(request, review_checks.overdue_reviews(request.programme))
    return render(request, "funding/reviews/overdue.html", {"page": page})
