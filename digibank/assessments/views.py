"""Pages of the digital skills self-assessment, under /h/<hub>/skills/. Views stay thin:
a form checks the input, one service or query does the work. Every page needs the
permission "assessments.take" (the roles that take assessments with people); data is
reached through request.hub only, so another hub's record answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from digibank.accounts.reads import note_search, reads_personal_data
from digibank.accounts.scoping import HubRequest, get_for_hub, hub_view
from digibank.core.pagination import paginate
from digibank.people.models import Participant
from digibank.people.queries import participant_search
from digibank.people.services import resolve_merged

from . import queries, services
from .chart import progress_chart
from .forms import AssessmentForm, ParticipantSearchForm
from .models import Assessment, Way

PERMISSION = "assessments.take"
MAX_ID = 2**63 - 1


def _participant(request: HubRequest, pk: int) -> Participant:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_for_hub(request, Participant.objects.all(), pk=pk)


def _progress_url(request: HubRequest, participant: Participant) -> str:
    return reverse(
        "assessments:participant", kwargs={"hub": request.hub.slug, "participant": participant.pk}
    )


@hub_view(PERMISSION)
@reads_personal_data
def overview(request: HubRequest) -> HttpResponse:
    """The hub's progress per area and per course: aggregates only."""
    overall, per_course = queries.hub_progress(request.hub)
    page = paginate(request, queries.recent_assessments(request.hub))
    return render(
        request,
        "assessments/overview.html",
        {
            "overall": overall,
            "overall_chart": progress_chart(overall.areas),
            "per_course": per_course,
            "page": page,
        },
    )


@hub_view(PERMISSION)
@reads_personal_data(when_shown=True)
def choose_participant(request: HubRequest) -> HttpResponse:
    """Find the person who fills in a self-assessment."""
    form = ParticipantSearchForm(request.GET)
    query = form.query()
    page = paginate(request, participant_search(hub=request.hub, query=query)) if query else None
    if page is not None:
        note_search(request, results=page.paginator.count)
    return render(
        request,
        "assessments/choose.html",
        {"form": form, "query": query, "page": page},
    )


@hub_view(PERMISSION)
@reads_personal_data
def take(request: HubRequest, participant: int) -> HttpResponse:
    """The questionnaire for one person: on screen together, or typed in from paper."""
    person = _participant(request, participant)
    if person.is_merged:
        return redirect(
            reverse(
                "assessments:take",
                kwargs={"hub": request.hub.slug, "participant": resolve_merged(person).pk},
            )
        )
    if person.is_anonymised:
        messages.error(request, _("This record is anonymised. It cannot be changed."))
        return redirect(_progress_url(request, person))
    statements = services.active_statements()
    initial: dict[str, Any] = {
        "way": Way.PAPER if request.GET.get("way") == "paper" else Way.SCREEN
    }
    if moment := request.GET.get("moment"):
        initial["moment"] = moment
    course = request.GET.get("course", "")
    if course.isdigit() and int(course) <= MAX_ID:
        initial["course"] = int(course)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        hub=request.hub,
        statements=statements,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                actor=request.user,
                hub=request.hub,
                participant=person,
                moment=form.cleaned_data["moment"],
                way=form.cleaned_data["way"],
                course=form.cleaned_data["course"],
                taken_on=form.cleaned_data["taken_on"],
                ratings=form.ratings(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(None if field not in form.fields else field, errors)
            else:
                for message in error.messages:
                    form.add_error(None, message)
        else:
            messages.success(request, _("The self-assessment is saved. Thank you!"))
            url = _progress_url(request, person)
            if assessment.course_id:
                url += f"?course={assessment.course_id}"
            return redirect(url)
    return render(
        request,
        "assessments/take.html",
        {"participant": person, "form": form, "statements": statements},
    )


@hub_view(PERMISSION)
@reads_personal_data
def participant_progress(request: HubRequest, participant: int) -> HttpResponse:
    """One person's progress per area (latest "before" and "after"), as a chart and a
    table, and their self-assessments."""
    person = _participant(request, participant)
    if person.is_merged:
        return redirect(_progress_url(request, resolve_merged(person)))
    courses = queries.participant_courses(person)
    course_id: int | None = None
    raw = request.GET.get("course", "")
    if raw.isdigit() and int(raw) in {pk for pk, _title in courses}:
        course_id = int(raw)
    services.assessment_record_view(actor=request.user, participant=person)
    progress = queries.participant_progress(person, course_id=course_id)
    page = paginate(request, queries.participant_assessments(person))
    return render(
        request,
        "assessments/participant.html",
        {
            "participant": person,
            "progress": progress,
            "chart": progress_chart(progress.areas),
            "courses": courses,
            "course_id": course_id,
            "page": page,
        },
    )


@hub_view(PERMISSION)
@reads_personal_data
def detail(request: HubRequest, pk: int) -> HttpResponse:
    """One self-assessment with the sentences exactly as the person rated them."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    assessment: Assessment = get_for_hub(
        request,
        Assessment.objects.select_related("participant", "course", "recorded_by"),
        pk=pk,
    )
    services.assessment_record_view(actor=request.user, participant=assessment.participant)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "participant": assessment.participant,
            "answers": queries.assessment_answers(assessment),
        },
    )
