"""Calls: the officers' pages under /programmes/<programme>/calls/ (only the programme's
officers, through access.officer_view) and the public pages under /calls/ (published
calls only). Views stay thin: a form checks input, one service or query does the work."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.models import ProgrammeRole
from digibank.accounts.roles import ProgrammeRoleKind
from digibank.core.actions import perform
from digibank.core.forms import add_service_errors
from digibank.core.pagination import paginate
from digibank.network.models import Programme
from digibank.network.registry import DashboardPanel

from ..access import OfficerRequest, officer_view
from ..forms.calls import CallForm, CriterionForm, KindChoiceForm, QuestionForm, RoundForm
from ..models import Call, CallKind, Criterion, Question, Round
from ..queries import calls as queries
from ..services import calls as services

CALL_SERVICE_FIELDS = {"max_amount_cents": "max_amount_euros"}


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _show_errors(form: BaseForm, error: ValidationError, renames: Mapping[str, str]) -> None:
    """A service's errors on the form, with the service's field names mapped to the
    form's (max_amount_cents -> max_amount_euros)."""
    if hasattr(error, "error_dict") and renames:
        error = ValidationError(
            {renames.get(field, field): errors for field, errors in error.error_dict.items()}
        )
    add_service_errors(form, error)


def _call_url(call: Call) -> str:
    return reverse(
        "funding_calls:officer_detail", kwargs={"programme": call.programme.slug, "pk": call.pk}
    )


def apply_url(round_: Round) -> str | None:
    """Where an applicant starts an application in this round (the applications area's
    page), or None while that page does not exist."""
    try:
        return reverse("funding_applications:start", kwargs={"round_pk": round_.pk})
    except NoReverseMatch:
        return None


# --- officers: calls ----------------------------------------------------------------------


@officer_view
def officer_list(request: OfficerRequest) -> HttpResponse:
    page = paginate(request, queries.programme_calls(request.programme))
    return render(
        request,
        "funding/calls/officer_list.html",
        {"programme": request.programme, "page": page, "now": timezone.now()},
    )


@officer_view
def officer_create(request: OfficerRequest) -> HttpResponse:
    """Choose the kind first (GET ?kind=…), then the call's form starts from that kind's
    defaults, which the officer may change."""
    programme = request.programme
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    if kind not in CallKind.values:
        choice = KindChoiceForm(request.GET if "kind" in request.GET else None)
        if choice.is_bound:
            choice.is_valid()
        return render(
            request, "funding/calls/kind_choice.html", {"programme": programme, "form": choice}
        )
    initial = CallForm.initial_for_kind(str(kind), services.call_defaults(str(kind)))
    form = CallForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(
                actor=request.user, programme=programme, data=form.service_data()
            )
        except ValidationError as error:
            _show_errors(form, error, CALL_SERVICE_FIELDS)
        else:
            messages.success(
                request, _("The call is saved. Add rounds and review criteria, then publish it.")
            )
            return redirect(_call_url(call))
    return render(
        request,
        "funding/calls/call_form.html",
        {"programme": programme, "form": form, "call": None, "kind": kind},
    )


@officer_view
def officer_detail(request: OfficerRequest, pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    now = timezone.now()
    rounds = queries.call_rounds(call)
    return render(
        request,
        "funding/calls/officer_detail.html",
        {
            "programme": request.programme,
            "call": call,
            "rounds": [(round_, queries.round_timing(round_, now)) for round_ in rounds],
            "questions": list(call.questions.order_by("position", "id")),
            "criteria": list(call.criteria.order_by("position", "id")),
            "eligibility": queries.eligibility_lines(call),
            "goals": queries.goal_labels(call),
            "publish_problems": [] if call.is_published else services.publish_problems(call),
        },
    )


@officer_view
def officer_edit(request: OfficerRequest, pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    form = CallForm(_posted(request), initial=CallForm.initial_for(call))
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(actor=request.user, call=call, data=form.service_data())
        except ValidationError as error:
            _show_errors(form, error, CALL_SERVICE_FIELDS)
        else:
            messages.success(request, _("The call is saved."))
            return redirect(_call_url(call))
    return render(
        request,
        "funding/calls/call_form.html",
        {"programme": request.programme, "form": form, "call": call, "kind": call.kind},
    )


@officer_view
@require_POST
def officer_publish(request: OfficerRequest, pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    try:
        services.call_publish(actor=request.user, call=call)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(
                request, _("The call is not published: %(reason)s") % {"reason": problem}
            )
    else:
        messages.success(request, _("The call is published: anyone can now read it."))
    return redirect(_call_url(call))


@officer_view
@require_POST
def officer_unpublish(request: OfficerRequest, pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    services.call_unpublish(actor=request.user, call=call)
    messages.success(request, _("The call is no longer published."))
    return redirect(_call_url(call))


# --- officers: rounds, questions, criteria --------------------------------------------------


def _child_form(
    request: OfficerRequest,
    *,
    call: Call,
    form: BaseForm,
    save: Any,
    done: str,
    template: str,
    title: str,
    renames: Mapping[str, str] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.service_data())  # type: ignore[attr-defined]
        except ValidationError as error:
            _show_errors(form, error, renames or {})
        else:
            messages.success(request, done)
            return redirect(_call_url(call))
    return render(
        request,
        template,
        {"programme": request.programme, "call": call, "form": form, "title": title},
    )


def _remove(
    request: OfficerRequest, *, call: Call, thing: str, delete: Any, done: str
) -> HttpResponse:
    """GET: ask to confirm; POST: remove, or show why not."""
    if request.method == "POST":
        return perform(request, delete, success=done, then=_call_url(call), separate_errors=True)
    return render(
        request,
        "funding/calls/confirm_remove.html",
        {"programme": request.programme, "call": call, "thing": thing},
    )


@officer_view
def round_create(request: OfficerRequest, pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    return _child_form(
        request,
        call=call,
        form=RoundForm(_posted(request)),
        save=lambda data: services.round_create(actor=request.user, call=call, data=data),
        done=_("The round is added."),
        template="funding/calls/round_form.html",
        title=_("Add a round"),
        renames=RoundForm.SERVICE_FIELDS,
    )


@officer_view
def round_edit(request: OfficerRequest, pk: int, round_pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    round_: Round = queries.call_child(Round, call, round_pk)
    return _child_form(
        request,
        call=call,
        form=RoundForm(_posted(request), initial=RoundForm.initial_for(round_)),
        save=lambda data: services.round_update(actor=request.user, round_=round_, data=data),
        done=_("The round is saved."),
        template="funding/calls/round_form.html",
        title=_("Change the round “%(name)s”") % {"name": round_.name},
        renames=RoundForm.SERVICE_FIELDS,
    )


@officer_view
def round_remove(request: OfficerRequest, pk: int, round_pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    round_: Round = queries.call_child(Round, call, round_pk)
    return _remove(
        request,
        call=call,
        thing=_("the round “%(name)s”") % {"name": round_.name},
        delete=lambda: services.round_delete(actor=request.user, round_=round_),
        done=_("The round is removed."),
    )


@officer_view
def question_create(request: OfficerRequest, pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    return _child_form(
        request,
        call=call,
        form=QuestionForm(_posted(request)),
        save=lambda data: services.question_create(actor=request.user, call=call, data=data),
        done=_("The question is added."),
        template="funding/calls/child_form.html",
        title=_("Add a question"),
    )


@officer_view
def question_edit(request: OfficerRequest, pk: int, question_pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    question: Question = queries.call_child(Question, call, question_pk)
    return _child_form(
        request,
        call=call,
        form=QuestionForm(_posted(request), initial=QuestionForm.initial_for(question)),
        save=lambda data: services.question_update(
            actor=request.user, question=question, data=data
        ),
        done=_("The question is saved."),
        template="funding/calls/child_form.html",
        title=_("Change a question"),
    )


@officer_view
def question_remove(request: OfficerRequest, pk: int, question_pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    question: Question = queries.call_child(Question, call, question_pk)
    return _remove(
        request,
        call=call,
        thing=_("the question “%(label)s”") % {"label": question.label},
        delete=lambda: services.question_delete(actor=request.user, question=question),
        done=_("The question is removed."),
    )


@officer_view
@require_POST
def question_move(request: OfficerRequest, pk: int, question_pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    question: Question = queries.call_child(Question, call, question_pk)
    services.question_move(
        actor=request.user, question=question, up=request.POST.get("direction") == "up"
    )
    return redirect(_call_url(call) + "#questions")


@officer_view
def criterion_create(request: OfficerRequest, pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    return _child_form(
        request,
        call=call,
        form=CriterionForm(_posted(request)),
        save=lambda data: services.criterion_create(actor=request.user, call=call, data=data),
        done=_("The review criterion is added."),
        template="funding/calls/child_form.html",
        title=_("Add a review criterion"),
    )


@officer_view
def criterion_edit(request: OfficerRequest, pk: int, criterion_pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    criterion: Criterion = queries.call_child(Criterion, call, criterion_pk)
    return _child_form(
        request,
        call=call,
        form=CriterionForm(_posted(request), initial=CriterionForm.initial_for(criterion)),
        save=lambda data: services.criterion_update(
            actor=request.user, criterion=criterion, data=data
        ),
        done=_("The review criterion is saved."),
        template="funding/calls/child_form.html",
        title=_("Change a review criterion"),
    )


@officer_view
def criterion_remove(request: OfficerRequest, pk: int, criterion_pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    criterion: Criterion = queries.call_child(Criterion, call, criterion_pk)
    return _remove(
        request,
        call=call,
        thing=_("the review criterion “%(name)s”") % {"name": criterion.name},
        delete=lambda: services.criterion_delete(actor=request.user, criterion=criterion),
        done=_("The review criterion is removed."),
    )


@officer_view
@require_POST
def criterion_move(request: OfficerRequest, pk: int, criterion_pk: int) -> HttpResponse:
    call = queries.officer_call(request.programme, pk)
    criterion: Criterion = queries.call_child(Criterion, call, criterion_pk)
    services.criterion_move(
        actor=request.user, criterion=criterion, up=request.POST.get("direction") == "up"
    )
    return redirect(_call_url(call) + "#criteria")


# --- public pages -------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    page = paginate(request, queries.published_calls(now))
    calls = [
        (
            call,
            [(round_, queries.round_timing(round_, now)) for round_ in call.current_rounds],
        )
        for call in page.object_list
    ]
    return render(request, "funding/calls/public_list.html", {"page": page, "calls": calls})


def public_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = queries.published_call(slug)
    now = timezone.now()
    rounds = []
    for round_ in call.rounds.all():
        timing = queries.round_timing(round_, now)
        rounds.append((round_, timing, apply_url(round_) if timing.is_open else None))
    return render(
        request,
        "funding/calls/public_detail.html",
        {
            "call": call,
            "rounds": rounds,
            "questions": list(call.questions.all()),
            "criteria": list(call.criteria.all()),
            "eligibility": queries.eligibility_lines(call),
            "goals": queries.goal_labels(call),
            "countdown_words": {
                **queries.countdown_words(),
                "now": int(now.timestamp() * 1000),
            },
        },
    )


# --- the programme page ---------------------------------------------------------------------


def programme_section(request: HttpRequest, programme: Any) -> DashboardPanel | None:
    """On the programme's page: the officers' way to the programme's calls (others see
    nothing from calls here). One query: the officer check (as access.is_officer) and
    the counts together."""
    user = request.user
    if not user.is_authenticated:
        return None
    row = (
        Programme.objects.filter(pk=programme.pk)
        .annotate(
            officer=Exists(
                ProgrammeRole.objects.filter(
                    user_id=user.pk, programme=OuterRef("pk"), role=ProgrammeRoleKind.OFFICER
                )
            ),
            calls_total=Count("calls"),
            calls_published=Count("calls", filter=Q(calls__is_published=True)),
        )
        .values("officer", "calls_total", "calls_published")
        .first()
    )
    if row is None or not (row["officer"] or user.is_staff):
        return None
    return DashboardPanel(
        template="funding/calls/programme_section.html",
        context={
            "calls_programme_slug": programme.slug,
            "calls_total": row["calls_total"],
            "calls_published": row["calls_published"],
        },
    )
