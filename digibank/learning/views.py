"""Pages of the learning app under /h/<hub>/learning/. Views stay thin: a form checks
input, one service or query does the work. Rows are reached through request.hub only, so
another hub's record answers 404; shared templates of other hubs show their course
description and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.reads import note_search, reads_personal_data
from digibank.accounts.scoping import get_for_hub, hub_view
from digibank.core.forms import add_service_errors
from digibank.core.pagination import paginate
from digibank.people.models import Participant
from digibank.people.queries import participant_search

from . import classroom, pdf, queries, services
from .digcomp import Competence
from .forms import (
    AttendanceForm,
    CancelSessionForm,
    CourseForm,
    EnrolForm,
    MeetingCancelForm,
    MeetingFields,
    NewLearnerForm,
    SessionCreateForm,
    SessionForm,
)
from .models import (
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    Meeting,
    Offer,
    Session,
    SessionStatus,
)

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from digibank.accounts.models import Membership
    from digibank.network.models import Hub

    class HubRequest(HttpRequest):
        hub: Hub
        membership: Membership
        htmx: HtmxDetails

else:
    HubRequest = HttpRequest

MAX_ID = 2**63 - 1


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _check_id(pk: int) -> None:
    if not 0 < pk <= MAX_ID:
        raise Http404


def _course(request: HubRequest, pk: int) -> Course:
    _check_id(pk)
    return get_for_hub(request, Course.objects.all(), pk=pk)


def _session(request: HubRequest, pk: int) -> Session:
    _check_id(pk)
    return get_for_hub(request, Session.objects.select_related("course"), pk=pk)


def _url(request: HubRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"learning:{name}", kwargs={"hub": request.hub.slug, **kwargs})


def _competences() -> list[Competence]:
    return list(Competence.objects.order_by("position", "code"))


# --- courses ----------------------------------------------------------------------------


@hub_view("learning.view")
def course_list(request: HubRequest) -> HttpResponse:
    can_manage = request.membership.has_perm("learning.manage")
    # Managers also see the courses taken out of the catalogue, to put them back.
    page = paginate(request, queries.course_list(hub=request.hub, include_inactive=can_manage))
    return render(request, "learning/course_list.html", {"page": page, "can_manage": can_manage})


@hub_view("learning.view")
def course_detail(request: HubRequest, pk: int) -> HttpResponse:
    _check_id(pk)
    course = get_for_hub(
        request,
        Course.objects.prefetch_related(queries.competences_prefetch()),
        pk=pk,
    )
    sessions = queries.session_list(hub=request.hub, course=course)[:20]
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "can_manage": request.membership.has_perm("learning.manage"),
        },
    )


@hub_view("learning.manage")
def course_create(request: HubRequest) -> HttpResponse:
    form = CourseForm(_posted(request), competences=_competences())
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=request.user,
                hub=request.hub,
                data=form.course_data(),
                competences=form.chosen_competences(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course is in the catalogue."))
            return redirect(_url(request, "course", pk=course.pk))
    return render(request, "learning/course_form.html", {"form": form, "creating": True})


@hub_view("learning.manage")
def course_edit(request: HubRequest, pk: int) -> HttpResponse:
    _check_id(pk)
    course = get_for_hub(
        request, Course.objects.prefetch_related(queries.competences_prefetch()), pk=pk
    )
    form = CourseForm(
        _posted(request), competences=_competences(), initial=CourseForm.initial_for(course)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(
                actor=request.user,
                course=course,
                data=form.course_data(),
                competences=form.chosen_competences(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(_url(request, "course", pk=course.pk))
    return render(
        request, "learning/course_form.html", {"form": form, "course": course, "creating": False}
    )


def _template(request: HubRequest, pk: int) -> Course:
    """A course another hub shares as a template (description only), or one of the hub's
    own courses; 404 for anything else."""
    _check_id(pk)
    course = (
        Course.objects.filter(Q(is_shared_template=True, is_active=True) | Q(hub=request.hub))
        .select_related("hub")
        .prefetch_related(queries.competences_prefetch())
        .filter(pk=pk)
        .first()
    )
    if course is None:
        raise Http404
    return course


@hub_view("learning.manage")
def template_list(request: HubRequest) -> HttpResponse:
    page = paginate(request, queries.shared_templates(hub=request.hub))
    return render(request, "learning/template_list.html", {"page": page})


@hub_view("learning.manage")
def template_detail(request: HubRequest, pk: int) -> HttpResponse:
    course = _template(request, pk)
    if course.hub_id == request.hub.pk:
        return redirect(_url(request, "course", pk=course.pk))
    return render(request, "learning/template_detail.html", {"course": course})


@hub_view("learning.manage")
@require_POST
def template_copy(request: HubRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    try:
        copy = services.course_copy_template(actor=request.user, hub=request.hub, template=template)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_url(request, "templates"))
    messages.success(request, _("The course is copied into your catalogue. You can change it."))
    return redirect(_url(request, "course", pk=copy.pk))


# --- sessions ---------------------------------------------------------------------------

SESSION_FILTERS = ("", "open", *SessionStatus.values)


@hub_view("learning.view")
def session_list(request: HubRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in SESSION_FILTERS:
        show = "open"
    page = paginate(request, queries.session_list(hub=request.hub, show=show))
    return render(
        request,
        "learning/session_list.html",
        {
            "page": page,
            "show": show,
            "filters": [("open", _("Open")), ("", _("All"))]
            + [(value, label) for value, label in SessionStatus.choices],
            "can_manage": request.membership.has_perm("learning.manage"),
        },
    )


@hub_view("learning.view")
@reads_personal_data
def session_detail(request: HubRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    perms = request.membership.permissions
    offers = queries.session_offers(session)
    open_offers = {offer.enrolment_id: offer for offer in offers if offer.status == "open"}
    offered = queries.session_enrolments(session, EnrolmentStatus.OFFERED)
    for enrolment in offered:
        enrolment.open_offer = open_offers.get(enrolment.pk)  # type: ignore[attr-defined]
    meetings = list(session.meetings.select_related("location"))
    for meeting in meetings:
        meeting.markable = classroom.meeting_is_markable(meeting)  # type: ignore[attr-defined]
    return render(
        request,
        "learning/session_detail.html",
        {
            "session": session,
            "meetings": meetings,
            "trainers": list(session.trainers.order_by("full_name")),
            "enrolled": queries.session_enrolments(session, EnrolmentStatus.ENROLLED),
            "offered": offered,
            "waiting": queries.session_enrolments(session, EnrolmentStatus.WAITING),
            "offers": offers,
            "limit": queries.SESSION_LIST_LIMIT,
            "can_manage": "learning.manage" in perms,
            "can_enrol": "learning.enrol" in perms,
            "can_teach": "learning.teach" in perms,
            "may_mark": "learning.teach" in perms
            and classroom.may_mark_attendance(request.user, session),
            "certified": set(
                Certificate.objects.filter(enrolment__session=session).values_list(
                    "enrolment_id", flat=True
                )
            ),
        },
    )


@hub_view("learning.manage")
def session_create(request: HubRequest) -> HttpResponse:
    course_id = request.GET.get("course") or request.POST.get("course") or ""
    if not course_id.isdigit():
        raise Http404
    course = _course(request, int(course_id))
    form = SessionCreateForm(_posted(request), hub=request.hub)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=request.user,
                course=course,
                capacity=form.cleaned_data["capacity"],
                name=form.cleaned_data["name"],
                trainers=form.cleaned_data["trainers"],
                offer_hours=form.cleaned_data["offer_hours"],
                first_meeting=form.meeting(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session is planned."))
            return redirect(_url(request, "session", pk=session.pk))
    return render(request, "learning/session_form.html", {"form": form, "course": course})


@hub_view("learning.manage")
def session_edit(request: HubRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = SessionForm(
        _posted(request),
        hub=request.hub,
        initial={
            "name": session.name,
            "capacity": session.capacity,
            "offer_hours": session.offer_hours,
            "trainers": list(session.trainers.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                actor=request.user,
                session=session,
                capacity=form.cleaned_data["capacity"],
                name=form.cleaned_data["name"],
                trainers=form.cleaned_data["trainers"],
                offer_hours=form.cleaned_data["offer_hours"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(_url(request, "session", pk=session.pk))
    return render(
        request,
        "learning/session_form.html",
        {"form": form, "course": session.course, "session": session},
    )


@hub_view("learning.manage")
def meeting_add(request: HubRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = MeetingFields(_posted(request), hub=request.hub)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_add(actor=request.user, session=session, **form.meeting())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is added."))
            return redirect(_url(request, "session", pk=session.pk))
    return render(request, "learning/meeting_form.html", {"form": form, "session": session})


@hub_view("learning.manage")
def session_cancel(request: HubRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = CancelSessionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                actor=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session is cancelled. Everyone on it gets a message."))
            return redirect(_url(request, "session", pk=session.pk))
    return render(request, "learning/session_cancel.html", {"form": form, "session": session})


@hub_view("learning.manage")
@require_POST
def session_done(request: HubRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        services.session_mark_done(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session is marked as done."))
    return redirect(_url(request, "session", pk=session.pk))


# --- enrolment and offers ---------------------------------------------------------------


@hub_view("learning.enrol")
@reads_personal_data(when_shown=True)
def enrol(request: HubRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    query = request.GET.get("q", "").strip()[:100]
    registering = request.method == "POST" and "register" in request.POST
    new_person = NewLearnerForm(request.POST if registering else None)
    if registering and new_person.is_valid():
        try:
            enrolment = services.enrolment_create_new_person(
                actor=request.user,
                session=session,
                person=new_person.person_data(),
                consent_given=new_person.cleaned_data["consent"],
            )
        except ValidationError as error:
            add_service_errors(new_person, error)
        else:
            return _enrolled(request, session, enrolment)
    form = EnrolForm(None if registering else _posted(request))
    if request.method == "POST" and not registering and form.is_valid():
        participant = Participant.objects.filter(
            hub=request.hub, pk=form.cleaned_data["participant"]
        ).first()
        if participant is None:
            raise Http404
        try:
            enrolment = services.enrolment_create(
                actor=request.user, session=session, participant=participant
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return _enrolled(request, session, enrolment)
    results = paginate(request, participant_search(hub=request.hub, query=query)) if query else None
    if results is not None:
        note_search(request, results=results.paginator.count)
    template = "learning/enrol.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(
        request,
        template,
        {"session": session, "query": query, "page": results, "new_person": new_person},
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _enrolled(request: HubRequest, session: Session, enrolment: Enrolment) -> HttpResponse:
    name = enrolment.participant.display_name
    if enrolment.status == EnrolmentStatus.ENROLLED:
        messages.success(request, _("%(name)s is enrolled.") % {"name": name})
    else:
        messages.warning(
            request, _("The session is full. %(name)s is on the waiting list.") % {"name": name}
        )
    return redirect(_url(request, "session", pk=session.pk))


def _enrolment(request: HubRequest, pk: int) -> Enrolment:
    _check_id(pk)
    return get_for_hub(
        request, Enrolment.objects.select_related("participant", "session__course"), pk=pk
    )


@hub_view("learning.enrol")
@require_POST
def enrolment_cancel(request: HubRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    try:
        services.enrolment_cancel(actor=request.user, enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is no longer on this session.")
            % {"name": enrolment.participant.display_name},
        )
    return redirect(_url(request, "session", pk=enrolment.session_id))


def _offer(request: HubRequest, pk: int) -> Offer:
    _check_id(pk)
    return get_for_hub(request, Offer.objects.select_related("enrolment__participant"), pk=pk)


@hub_view("learning.enrol")
@require_POST
def offer_accept(request: HubRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    try:
        services.offer_accept(actor=request.user, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s took the seat and is enrolled.")
            % {"name": offer.enrolment.participant.display_name},
        )
    return redirect(_url(request, "session", pk=offer.session_id))


@hub_view("learning.enrol")
@require_POST
def offer_decline(request: HubRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    try:
        services.offer_decline(actor=request.user, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The seat goes to the next person waiting."))
    return redirect(_url(request, "session", pk=offer.session_id))


# --- attendance and certificates --------------------------------------------------------


def _meeting(request: HubRequest, pk: int) -> Meeting:
    _check_id(pk)
    return get_for_hub(
        request, Meeting.objects.select_related("session__course", "location"), pk=pk
    )


def _marked(row: Enrolment) -> str | None:
    status: str | None = getattr(row, "attendance", None)
    return status


@hub_view("learning.teach")
@reads_personal_data
def attendance(request: HubRequest, pk: int) -> HttpResponse:
    """The tablet list: one tap per person. Each row is its own small form; with HTMX the
    row is swapped in place, without it the page reloads at the row."""
    meeting = _meeting(request, pk)
    error = ""
    if request.method == "POST":
        form = AttendanceForm(request.POST)
        if form.is_valid():
            enrolment = (
                Enrolment.objects.filter(hub=request.hub, pk=form.cleaned_data["enrolment"])
                .select_related("participant")
                .first()
            )
            if enrolment is None:
                raise Http404
            try:
                services.attendance_record(
                    actor=request.user,
                    meeting=meeting,
                    enrolment=enrolment,
                    status=form.cleaned_data["status"],
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                if request.htmx:
                    row = next(
                        (r for r in queries.attendance_list(meeting) if r.pk == enrolment.pk),
                        None,
                    )
                    return render(
                        request,
                        "learning/attendance.html#row",
                        {"row": row, "meeting": meeting, "markable": True, "may_mark": True},
                    )
                return redirect(_url(request, "attendance", pk=meeting.pk) + f"#row-{enrolment.pk}")
        else:
            error = _("Choose present or absent.")
        if error:
            messages.error(request, error)
            return redirect(_url(request, "attendance", pk=meeting.pk))
    rows = queries.attendance_list(meeting)
    return render(
        request,
        "learning/attendance.html",
        {
            "meeting": meeting,
            "session": meeting.session,
            "rows": rows,
            "markable": classroom.meeting_is_markable(meeting),
            "may_mark": classroom.may_mark_attendance(request.user, meeting.session),
            "counts": {
                "present": sum(1 for r in rows if _marked(r) == "present"),
                "absent": sum(1 for r in rows if _marked(r) in ("absent", "excused")),
                "open": sum(1 for r in rows if not _marked(r)),
            },
        },
    )


@hub_view("learning.teach")
@reads_personal_data
def attendance_sheet(request: HubRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    document = pdf.attendance_sheet(meeting=meeting, rows=queries.attendance_list(meeting))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attendance-{meeting.pk}.pdf"'
    return response


@hub_view("learning.teach")
@reads_personal_data
def certificate(request: HubRequest, pk: int) -> HttpResponse:
    """The PDF of an issued certificate. Opening it never issues one: without a
    certificate the page says why and offers the explicit action."""
    enrolment = _enrolment(request, pk)
    issued = Certificate.objects.filter(enrolment=enrolment).first()
    if issued is not None:
        document = pdf.certificate(enrolment=enrolment, certificate=issued)
        response = HttpResponse(document, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="certificate-{enrolment.pk}.pdf"'
        return response
    return render(
        request,
        "learning/certificate_refused.html",
        {
            "enrolment": enrolment,
            "session": enrolment.session,
            "eligibility": queries.certificate_eligibility(enrolment),
        },
    )


@hub_view("learning.teach")
@require_POST
def certificate_issue(request: HubRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    try:
        classroom.certificate_issue_one(actor=request.user, enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The certificate of %(name)s is issued.")
            % {"name": enrolment.participant.display_name},
        )
    return redirect(_url(request, "session", pk=enrolment.session_id) + "#enrolled")


@hub_view("learning.teach")
@require_POST
def certificates_issue(request: HubRequest, pk: int) -> HttpResponse:
    """Issue the certificates of everyone in the session who met the attendance rule."""
    session = _session(request, pk)
    result = classroom.certificates_issue_session(actor=request.user, session=session)
    messages.success(
        request,
        _("Certificates issued now: %(issued)s. Issued before: %(already)s.")
        % {"issued": len(result.issued), "already": result.already},
    )
    for enrolment, reason in result.not_eligible[:20]:
        messages.warning(request, f"{enrolment.participant.display_name}: {reason}")
    return redirect(_url(request, "session", pk=session.pk) + "#enrolled")


@hub_view("learning.teach")
@require_POST
def certificate_email(request: HubRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    issued = Certificate.objects.filter(enrolment=enrolment).first()
    if issued is None:
        messages.error(request, _("Issue the certificate first."))
    else:
        try:
            classroom.certificate_email(actor=request.user, certificate=issued)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The certificate goes to %(email)s by e-mail.")
                % {"email": enrolment.participant.email},
            )
    return redirect(_url(request, "session", pk=enrolment.session_id) + "#enrolled")


# --- one meeting: change, move, cancel --------------------------------------------------


@hub_view("learning.manage")
def meeting_edit(request: HubRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    form = MeetingFields(
        _posted(request),
        hub=request.hub,
        initial={
            "date": start.date(),
            "start": start.time().replace(second=0, microsecond=0),
            "end": end.time().replace(second=0, microsecond=0),
            "location": meeting.location_id,
            "online_url": meeting.online_url,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            classroom.meeting_update(actor=request.user, meeting=meeting, **form.meeting())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The meeting is changed. Everyone enrolled gets a message.")
            )
            return redirect(_url(request, "session", pk=meeting.session_id))
    return render(
        request,
        "learning/meeting_form.html",
        {"form": form, "session": meeting.session, "meeting": meeting},
    )


@hub_view("learning.manage")
def meeting_cancel(request: HubRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = MeetingCancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            classroom.meeting_cancel(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The meeting is cancelled. Everyone enrolled gets a message.")
            )
            return redirect(_url(request, "session", pk=meeting.session_id))
    return render(
        request,
        "learning/meeting_cancel.html",
        {"form": form, "session": meeting.session, "meeting": meeting},
    )


# --- the catalogue ----------------------------------------------------------------------


@hub_view("learning.manage")
@require_POST
def course_catalogue(request: HubRequest, pk: int) -> HttpResponse:
    """Take a course out of the catalogue, or put it back (`active=1`)."""
    course = _course(request, pk)
    active = request.POST.get("active") == "1"
    classroom.course_set_in_catalogue(actor=request.user, course=course, active=active)
    if active:
        messages.success(request, _("The course is back in the catalogue."))
    else:
        messages.success(
            request,
            _("The course is out of the catalogue. Its sessions go on; no new ones can start."),
        )
    return redirect(_url(request, "course", pk=course.pk))


# --- a trainer's own view ---------------------------------------------------------------


@hub_view("learning.view")
def my_sessions(request: HubRequest) -> HttpResponse:
    """The sessions the signed-in user trains, and their meetings today."""
    return render(
        request,
        "learning/my_sessions.html",
        {
            "today": queries.trainer_meetings_today(hub=request.hub, user=request.user),
            "sessions": queries.trainer_sessions(hub=request.hub, user=request.user),
        },
    )
