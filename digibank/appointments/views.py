"""Pages of appointments, the rota and the walk-in queue (/h/<hub>/appointments/…).
Thin: read through queries, change through services, 404 for another hub's rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digibank.accounts.models import Membership, User
from digibank.accounts.reads import note_search, reads_personal_data
from digibank.accounts.scoping import HubRequest, get_for_hub, hub_view
from digibank.core.actions import perform
from digibank.core.dates import date_param, parse_aware_datetime
from digibank.core.forms import add_service_errors
from digibank.core.pagination import paginate
from digibank.network.models import Hub, Location
from digibank.network.queries import local_today
from digibank.people.models import Participant
from digibank.people.queries import participant_search

from . import queries, services
from .forms import (
    BookingForm,
    BookingWithNewPersonForm,
    DeskForm,
    ShiftForm,
    SlotSettingsForm,
    TicketForm,
)
from .models import Appointment, QueueDisplay, QueueTicket, Shift, Status, Topic
from .slots import BRUSSELS, local_datetime, week_of

GET_POST = require_http_methods(["GET", "POST"])
SEARCH_RESULTS = 10


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _perms(request: HubRequest) -> frozenset[str]:
    return request.membership.permissions


def _location(request: HubRequest, pk: int) -> Location:
    return cast(
        Location, get_for_hub(request, Location.objects.select_related("municipality"), pk=pk)
    )


def _date_param(request: HttpRequest, name: str) -> date:
    """A date from the query string; today when missing, wrong or out of range."""
    return date_param(request, name, default=local_today())


# --- Overview and lists -------------------------------------------------------------------


@hub_view("appointments.book")
def index(request: HubRequest) -> HttpResponse:
    today = local_today()
    start = local_datetime(today, datetime.min.time())
    points = queries.help_points(request.hub).annotate(
        today_count=Count(
            "appointments",
            filter=Q(
                appointments__status=Status.BOOKED,
                appointments__starts_at__gte=start,
                appointments__starts_at__lt=start + timedelta(days=1),
            ),
            distinct=True,
        ),
    )
    context = {
        "page": paginate(request, points),
        "today": today,
        "manage": "appointments.manage" in _perms(request),
    }
    return render(request, "appointments/index.html", context)


@hub_view("appointments.book")
@reads_personal_data
def day_list(request: HubRequest) -> HttpResponse:
    day = _date_param(request, "day")
    location = None
    if request.GET.get("location", "").isdigit():
        location = _location(request, int(request.GET["location"]))
    rows = queries.appointments_on(hub=request.hub, day=day, location=location)
    context = {
        "page": paginate(request, rows),
        "day": day,
        "location": location,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
    }
    return render(request, "appointments/day.html", context)


# --- Slots and booking ----------------------------------------------------------------------


@hub_view("appointments.book")
def slots(request: HubRequest, location: int) -> HttpResponse:
    found = _location(request, location)
    days = week_of(_date_param(request, "week"))
    settings_row = queries.slot_settings(found)
    week = queries.slots_by_day(queries.slots_for(found, days, settings=settings_row), days)
    context = {
        "location": found,
        "week": week,
        "days": days,
        "previous": days[0] - timedelta(days=7),
        "next": days[0] + timedelta(days=7),
        "settings": settings_row,
        "manage": "appointments.manage" in _perms(request),
    }
    return render(request, "appointments/slots.html", context)


def _chosen_participant(request: HubRequest) -> Participant | None:
    raw = request.GET.get("participant") or request.POST.get("participant") or ""
    if not raw.isdigit():
        return None
    found = get_for_hub(
        request,
        Participant.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True),
        pk=int(raw),
    )
    return cast(Participant, found)


@hub_view("appointments.book")
@GET_POST
@reads_personal_data(when_shown=True)
def book(request: HubRequest, location: int) -> HttpResponse:
    found = _location(request, location)
    start = parse_aware_datetime(request.GET.get("start", ""))
    slots_url = reverse(
        "appointments:slots", kwargs={"hub": request.hub.slug, "location": found.pk}
    )
    if start is None:
        return render(
            request,
            "appointments/book_no_time.html",
            {"location": found, "slots_url": slots_url},
            status=400 if request.GET.get("start") else 200,
        )
    participant = _chosen_participant(request)
    form_class = BookingForm if participant else BookingWithNewPersonForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if participant is not None:
                appointment = services.appointment_book(
                    actor=_actor(request),
                    location=found,
                    participant=participant,
                    starts_at=start,
                    topic=data["topic"],
                    about=data["about"],
                    what_to_bring=data["what_to_bring"],
                )
            else:
                assert isinstance(form, BookingWithNewPersonForm)
                appointment = services.appointment_book_new_person(
                    actor=_actor(request),
                    location=found,
                    person=form.person_data(),
                    consent_given=bool(data.get("consent")),
                    starts_at=start,
                    topic=data["topic"],
                    about=data["about"],
                    what_to_bring=data["what_to_bring"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The appointment is booked. The person gets a confirmation.")
            )
            return redirect("appointments:detail", hub=request.hub.slug, pk=appointment.pk)
    query = request.GET.get("q", "").strip()[:200]
    results: list[Participant] = []
    if participant is None and query:
        results = list(participant_search(hub=request.hub, query=query)[:SEARCH_RESULTS])
        note_search(request, results=len(results))
    base = {"start": start.isoformat()}
    context = {
        "location": found,
        "start": start.astimezone(BRUSSELS),
        "start_iso": start.isoformat(),
        "participant": participant,
        "form": form,
        "q": query,
        "results": results,
        "choose_url": request.path + "?" + urlencode(base) + "&participant=",
        "clear_url": request.path + "?" + urlencode(base),
        "slots_url": slots_url,
        # By the topic's name in the reader's language, never its internal code.
        "usual": {
            str(Topic(key).label): str(value) for key, value in services.WHAT_TO_BRING.items()
        },
    }
    return render(request, "appointments/book.html", context)


# --- One appointment ----------------------------------------------------------------------


def _appointment(request: HubRequest, pk: int) -> Appointment:
    return cast(Appointment, get_for_hub(request, queries.appointment_detail_queryset(), pk=pk))


@hub_view("appointments.book")
@reads_personal_data
def detail(request: HubRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    context = {
        "appointment": appointment,
        "starts": appointment.starts_at.astimezone(BRUSSELS),
        "ends": appointment.ends_at.astimezone(BRUSSELS),
        "bring": appointment.what_to_bring or services.default_what_to_bring(appointment.topic),
        "is_past": appointment.starts_at < datetime.now(tz=BRUSSELS),
    }
    return render(request, "appointments/detail.html", context)


@hub_view("appointments.book")
@GET_POST
@reads_personal_data
def cancel(request: HubRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.appointment_cancel(actor=_actor(request), appointment=appointment)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("The appointment is cancelled. The person is told."))
            return redirect("appointments:detail", hub=request.hub.slug, pk=appointment.pk)
    context = {
        "appointment": appointment,
        "starts": appointment.starts_at.astimezone(BRUSSELS),
        "error": error,
    }
    return render(request, "appointments/cancel.html", context)


@hub_view("appointments.book")
@GET_POST
@reads_personal_data
def reschedule(request: HubRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    error = ""
    if request.method == "POST":
        start = parse_aware_datetime(request.POST.get("starts_at", ""))
        if start is None:
            error = _("Choose a new time.")
        else:
            try:
                services.appointment_reschedule(
                    actor=_actor(request), appointment=appointment, starts_at=start
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(request, _("The appointment is moved. The person is told."))
                return redirect("appointments:detail", hub=request.hub.slug, pk=appointment.pk)
    week_day = (
        _date_param(request, "week")
        if "week" in request.GET
        else max(appointment.starts_at.astimezone(BRUSSELS).date(), local_today())
    )
    days = week_of(week_day)
    found = appointment.location
    week = queries.slots_by_day(queries.slots_for(found, days, exclude_pk=appointment.pk), days)
    context = {
        "appointment": appointment,
        "starts": appointment.starts_at.astimezone(BRUSSELS),
        "week": week,
        "previous": days[0] - timedelta(days=7),
        "next": days[0] + timedelta(days=7),
        "error": error,
    }
    return render(request, "appointments/reschedule.html", context, status=400 if error else 200)


@hub_view("appointments.book")
@require_POST
def outcome(request: HubRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    came = request.POST.get("came") == "1"
    try:
        services.appointment_set_outcome(actor=_actor(request), appointment=appointment, came=came)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
        if came and (log := _help_log_url(request, appointment=appointment)):
            return redirect(log)
    return redirect("appointments:detail", hub=request.hub.slug, pk=appointment.pk)


def _help_log_url(
    request: HubRequest,
    *,
    appointment: Appointment | None = None,
    ticket: QueueTicket | None = None,
) -> str | None:
    """The help desk's log form, pre-filled from the visit that just finished (the
    person or the name on the ticket, the topic, the help point), for a member who logs
    help; None otherwise. Nobody types the same thing twice."""
    if not request.membership.has_perm("helpdesk.log"):
        return None
    visit = appointment or ticket
    assert visit is not None
    params: dict[str, Any] = {
        "location": visit.location_id,
        "channel": "appointment" if appointment is not None else "walk_in",
    }
    if visit.topic:
        params["topic"] = services.HELP_TOPIC_FOR.get(visit.topic, visit.topic)
    if visit.participant_id:
        params["participant"] = visit.participant_id
    elif ticket is not None and ticket.name:
        params["name"] = ticket.name
    base = reverse("helpdesk:log", kwargs={"hub": request.hub.slug})
    return f"{base}?{urlencode(params)}"


# --- Settings -----------------------------------------------------------------------------


@hub_view("appointments.manage")
@GET_POST
def slot_settings(request: HubRequest, location: int) -> HttpResponse:
    found = _location(request, location)
    current = queries.slot_settings(found)
    form = SlotSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.slot_settings_save(actor=_actor(request), location=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The appointment settings are saved."))
            return redirect("appointments:slots", hub=request.hub.slug, location=found.pk)
    return render(request, "appointments/settings.html", {"form": form, "location": found})


# --- Rota ---------------------------------------------------------------------------------


@hub_view("appointments.book")
def rota(request: HubRequest, location: int) -> HttpResponse:
    found = _location(request, location)
    week = queries.rota_week(found, _date_param(request, "week"))
    context = {
        "location": found,
        "week": week,
        "previous": week[0].day - timedelta(days=7),
        "next": week[0].day + timedelta(days=7),
        "manage": "appointments.manage" in _perms(request),
        "gaps": sum(len(day.gaps) for day in week),
    }
    return render(request, "appointments/rota.html", context)


def _members(hub: Hub) -> list[tuple[int, str]]:
    rows = (
        Membership.objects.filter(hub=hub, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    return [(row.user_id, row.user.full_name) for row in rows]


@hub_view("appointments.manage")
@GET_POST
def shift_add(request: HubRequest, location: int) -> HttpResponse:
    found = _location(request, location)
    members = _members(request.hub)
    initial = {"date": _date_param(request, "day")}
    form = ShiftForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(pk=data["user"]).first()
        if user is None:
            form.add_error("user", _("Choose a member of this hub's team."))
        else:
            try:
                shift = services.shift_create(
                    actor=_actor(request),
                    location=found,
                    user=user,
                    day=data["date"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The shift is added."))
                url = reverse(
                    "appointments:rota", kwargs={"hub": request.hub.slug, "location": found.pk}
                )
                return redirect(f"{url}?week={shift.date.isoformat()}")
    return render(request, "appointments/shift_form.html", {"form": form, "location": found})


@hub_view("appointments.manage")
@GET_POST
def shift_remove(request: HubRequest, pk: int) -> HttpResponse:
    shift = cast(
        Shift, get_for_hub(request, Shift.objects.select_related("user", "location"), pk=pk)
    )
    if request.method == "POST":
        services.shift_remove(actor=_actor(request), shift=shift)
        messages.success(request, _("The shift is removed."))
        url = reverse(
            "appointments:rota", kwargs={"hub": request.hub.slug, "location": shift.location_id}
        )
        return redirect(f"{url}?week={shift.date.isoformat()}")
    return render(request, "appointments/shift_remove.html", {"shift": shift})


@hub_view("hub.view")
def my_shifts(request: HubRequest) -> HttpResponse:
    page = paginate(request, queries.my_shifts(user=request.user, hub=request.hub))
    return render(request, "appointments/my_shifts.html", {"page": page})


# --- Walk-in queue ------------------------------------------------------------------------


def _queue_context(request: HubRequest, found: Location, **extra: Any) -> dict[str, Any]:
    return {
        "location": found,
        "state": queries.queue_state(found),
        "ticket_form": extra.pop("ticket_form", None) or TicketForm(),
        "desk_form": extra.pop("desk_form", None)
        or DeskForm(initial={"desk": request.session.get("appointments_desk", "")}),
        **extra,
    }


@hub_view("appointments.book")
@GET_POST
@reads_personal_data
def queue(request: HubRequest, location: int) -> HttpResponse:
    found = _location(request, location)
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_take(
                actor=_actor(request),
                location=found,
                name=form.cleaned_data["name"],
                topic=form.cleaned_data["topic"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Ticket number %(number)s is given.") % {"number": ticket.number}
            )
            return redirect("appointments:queue", hub=request.hub.slug, location=found.pk)
    context = _queue_context(request, found, ticket_form=form if request.method == "POST" else None)
    return render(
        request,
        "appointments/queue.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@hub_view("appointments.book")
@require_POST
def queue_next(request: HubRequest, location: int) -> HttpResponse:
    found = _location(request, location)
    form = DeskForm(request.POST)
    if form.is_valid():
        desk = form.cleaned_data["desk"]
        request.session["appointments_desk"] = desk
        try:
            ticket = services.ticket_call_next(actor=_actor(request), location=found, desk=desk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if ticket is None:
                messages.info(request, _("Nobody is waiting."))
            else:
                messages.success(
                    request,
                    _("Number %(number)s is called to %(desk)s.")
                    % {"number": ticket.number, "desk": ticket.desk},
                )
            return redirect("appointments:queue", hub=request.hub.slug, location=found.pk)
    context = _queue_context(request, found, desk_form=form)
    return render(request, "appointments/queue.html", context, status=400)


def _screen(request: HttpRequest, location: Location) -> HttpResponse:
    """The waiting-room board: ticket numbers and desks only (queries.screen_board), so
    no name ever reaches a screen people in the room can read."""
    context = {"location": location, "board": queries.screen_board(location)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "appointments/queue_screen.html#board", context)
    return render(request, "appointments/queue_screen.html", context)


@hub_view("appointments.book")
def queue_screen(request: HubRequest, location: int) -> HttpResponse:
    """The screen for staff who open it in their own session."""
    return _screen(request, _location(request, location))


def public_queue_screen(request: HttpRequest, screen_token: str) -> HttpResponse:
    """The screen on a public display, reached by the help point's secret link: no
    session needed; a replaced or revoked link answers 404."""
    found = queries.screen_by_token(screen_token)
    if found is None:
        raise Http404
    response = _screen(request, found)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@hub_view("appointments.manage")
def queue_display(request: HubRequest, location: int) -> HttpResponse:
    """The help point's screen link: see it, replace it, revoke it."""
    found = _location(request, location)
    display = QueueDisplay.objects.filter(location=found).first()
    link = (
        request.build_absolute_uri(
            reverse("queue_screens:screen", kwargs={"screen_token": display.token})
        )
        if display is not None
        else ""
    )
    return render(
        request,
        "appointments/queue_display.html",
        {"location": found, "display": display, "link": link},
    )


def _queue_display_action(
    request: HubRequest, location: int, service: Any, success: str
) -> HttpResponse:
    """Renew or revoke the help point's screen link (POST only), back to its page."""
    found = _location(request, location)
    return perform(
        request,
        lambda: service(actor=_actor(request), location=found),
        success=success,
        then=reverse(
            "appointments:queue_display", kwargs={"hub": request.hub.slug, "location": found.pk}
        ),
    )


@hub_view("appointments.manage")
def queue_display_renew(request: HubRequest, location: int) -> HttpResponse:
    success = _("The screen has a new link. An earlier link no longer works.")
    return _queue_display_action(request, location, services.queue_display_renew, success)


@hub_view("appointments.manage")
def queue_display_revoke(request: HubRequest, location: int) -> HttpResponse:
    success = _("The screen link no longer works.")
    return _queue_display_action(request, location, services.queue_display_revoke, success)


def _ticket(request: HubRequest, pk: int) -> QueueTicket:
    return cast(QueueTicket, get_for_hub(request, QueueTicket.objects.all(), pk=pk))


@hub_view("appointments.book")
@require_POST
def ticket_call(request: HubRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    desk = request.POST.get("desk", "") or request.session.get("appointments_desk", "")
    try:
        services.ticket_call(actor=_actor(request), ticket=ticket, desk=desk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Number %(number)s is called.") % {"number": ticket.number})
    return redirect("appointments:queue", hub=request.hub.slug, location=ticket.location_id)


@hub_view("appointments.book")
@require_POST
def ticket_finish(request: HubRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    left = request.POST.get("left") == "1"
    try:
        services.ticket_finish(actor=_actor(request), ticket=ticket, left=left)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Number %(number)s is finished.") % {"number": ticket.number})
        if not left and (log := _help_log_url(request, ticket=ticket)):
            return redirect(log)
    return redirect("appointments:queue", hub=request.hub.slug, location=ticket.location_id)
