"""Pages of the help desk, under /h/<hub>/help/. Views stay thin: they check input with
a form, call one service or query, and answer. Rows are reached through request.hub only,
so another hub's help or mandate answers 404."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.models import Membership
from digibank.accounts.reads import note_read, note_search, reads_personal_data
from digibank.accounts.scoping import get_for_hub, hub_view
from digibank.core.credentials import SAFETY_PROMISE
from digibank.core.forms import add_service_errors
from digibank.core.pagination import paginate
from digibank.network.models import Location
from digibank.people.models import Participant
from digibank.people.queries import participant_search

from . import queries, services
from .forms import (
    DayForm,
    FollowUpDoneForm,
    FollowUpFilterForm,
    HelpdeskSettingsForm,
    HelpForm,
    MandateForm,
    PersonKind,
    ProfileForm,
    VolunteerFilterForm,
    WithdrawForm,
)
from .models import HelpQuestion, HelpTopic, Mandate
from .registry import trainings_for

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from digibank.accounts.models import User
    from digibank.network.models import Hub

    class HubRequest(HttpRequest):
        user: User
        hub: Hub
        membership: Membership
        htmx: HtmxDetails

else:
    HubRequest = HttpRequest

MAX_ID = 2**63 - 1
# People shown by the person search in the log form.
SEARCH_RESULTS = 8


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _url(request: HubRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"helpdesk:{name}", kwargs={"hub": request.hub.slug, **kwargs})


def _session_key(request: HubRequest) -> str:
    return f"helpdesk:location:{request.hub.pk}"


def _current_location(request: HubRequest, locations: list[Location]) -> Location | None:
    """The help point used last in this session, else the first open one."""
    remembered = request.session.get(_session_key(request))
    for location in locations:
        if location.pk == remembered:
            return location
    return locations[0] if locations else None


def _remember_location(request: HubRequest, location: Location) -> None:
    if request.session.get(_session_key(request)) != location.pk:
        request.session[_session_key(request)] = location.pk


def _check_id(pk: int) -> None:
    if not 0 < pk <= MAX_ID:
        raise Http404


def _people_found(request: HubRequest, query: str) -> list[Participant]:
    query = " ".join(query.split())[:200]
    if not query:
        return []
    found = list(participant_search(hub=request.hub, query=query)[:SEARCH_RESULTS])
    note_search(request, results=len(found))
    return found


# --- logging a help ---------------------------------------------------------------------


def _wants_search(request: HubRequest) -> bool:
    """The Find button, or Enter pressed in the search box (which submits with the
    default button): a registered person is wanted, none is chosen, a name is typed."""
    post = request.POST
    return "find" in post or (
        post.get("person_kind") == PersonKind.REGISTERED
        and not post.get("participant")
        and bool(str(post.get("person_q", "")).strip())
    )


def _help_form(request: HubRequest, *, initial: dict[str, Any]) -> HelpForm:
    """The log form: bound to what was posted, except while searching for the person,
    when it shows what was typed without complaining about what is still missing."""
    defaults = queries.hub_defaults(request.hub)
    if request.method != "POST":
        return HelpForm(hub=request.hub, initial=initial, defaults=defaults)
    if not _wants_search(request):
        return HelpForm(request.POST, hub=request.hub, initial=initial, defaults=defaults)
    fields = HelpForm.base_fields
    typed = {
        name: request.POST.getlist(name)
        if getattr(field.widget, "allow_multiple_selected", False)
        else request.POST.get(name)
        for name, field in fields.items()
        if name in request.POST
    }
    return HelpForm(hub=request.hub, initial={**initial, **typed}, defaults=defaults)


def _help_form_context(request: HubRequest, form: HelpForm, **extra: Any) -> dict[str, Any]:
    query = str(request.POST.get("person_q", "")) if request.method == "POST" else ""
    found = _people_found(request, query)
    chosen = form["participant"].value()
    if chosen and str(chosen).isdigit() and not any(str(p.pk) == str(chosen) for p in found):
        found = (
            list(
                Participant.objects.filter(
                    hub=request.hub, pk=int(chosen), anonymised_at__isnull=True
                )[:1]
            )
            + found
        )
    note_read(request, *found)
    return {
        "form": form,
        "person_q": query,
        "people_found": found,
        "chosen_participant": str(chosen or ""),
        "searched": bool(query),
        "safety_promise": SAFETY_PROMISE,
        "search_url": _url(request, "person_search"),
        **extra,
    }


def _visit_initial(request: HubRequest, locations: list[Location]) -> dict[str, Any]:
    """What a finished walk-in ticket or appointment passes to the log form (query
    parameters, so the help desk never imports the appointments app): the person or
    the visitor's ticket, the topic, the help point and the channel."""
    params = request.GET
    found: dict[str, Any] = {}
    location = str(params.get("location", ""))
    if any(str(loc.pk) == location for loc in locations):
        found["location"] = int(location)
    codes = [code for code in params.getlist("topic") if code]
    if codes:
        found["topics"] = list(HelpTopic.objects.filter(code__in=codes[:5], is_active=True))
    if params.get("channel") in ("walk_in", "appointment"):
        found["channel"] = params["channel"]
    person = str(params.get("participant", ""))
    if person.isdigit() and 0 < int(person) <= MAX_ID:
        participant = Participant.objects.filter(
            hub=request.hub, pk=int(person), anonymised_at__isnull=True, merged_into__isnull=True
        ).first()
        if participant is not None:
            found["person_kind"] = PersonKind.REGISTERED
            found["participant"] = participant.pk
    name = " ".join(str(params.get("name", "")).split())[:100]
    if name and "participant" not in found:
        # The visitor gave a name on the ticket: offer to register them.
        found["person_kind"] = PersonKind.NEW
        given, _space, family = name.partition(" ")
        found["given_name"], found["family_name"] = given, family
    return found


@hub_view("helpdesk.log")
@reads_personal_data(when_shown=True)
def help_log(request: HubRequest) -> HttpResponse:
    locations = queries.open_locations(request.hub)
    if not locations:
        return render(request, "helpdesk/no_help_point.html", {})
    current = _current_location(request, locations)
    initial: dict[str, Any] = {"location": current.pk if current else None}
    initial.update(_visit_initial(request, locations))
    form = _help_form(request, initial=initial)
    if request.method == "POST" and not _wants_search(request) and form.is_valid():
        values = form.values()
        new = form.chosen_person_kind() == PersonKind.NEW
        try:
            question = services.help_log(
                actor=request.user,
                hub=request.hub,
                values=values,
                new_person=form.person_data() if new else None,
                consent_given=form.cleaned_data["consent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _remember_location(request, values.location)
            messages.success(
                request,
                _("Help logged: %(topics)s.")
                % {"topics": ", ".join(topic.name for topic in values.topics)},
            )
            if question.participant_id and "to_person" in request.POST:
                return redirect("people:detail", hub=request.hub.slug, pk=question.participant_id)
            if question.participant_id and "to_mandate" in request.POST:
                return redirect(
                    _url(request, "mandate_create", participant_pk=question.participant_id)
                )
            return redirect(_url(request, "log"))
    return render(request, "helpdesk/help_form.html", _help_form_context(request, form))


@hub_view("helpdesk.log")
@reads_personal_data(when_shown=True)
def person_search(request: HubRequest) -> HttpResponse:
    """The person search of the log form: the results part (HTMX) or, without
    JavaScript, a page of results to pick from."""
    query = str(request.GET.get("person_q", ""))
    context = {
        "people_found": _people_found(request, query),
        "person_q": query,
        "searched": bool(query.strip()),
        "chosen_participant": "",
    }
    if not request.htmx:
        return redirect(_url(request, "log"))
    response = render(request, "helpdesk/person_results.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _question(request: HubRequest, pk: int) -> HelpQuestion:
    _check_id(pk)
    question: HelpQuestion = get_for_hub(
        request, HelpQuestion.objects.select_related("location", "participant"), pk=pk
    )
    if question.helper_id != request.user.pk and not request.membership.has_perm("helpdesk.manage"):
        raise Http404
    return question


@hub_view("helpdesk.log")
@reads_personal_data
def help_edit(request: HubRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    initial = HelpForm.initial_for(question)
    if request.GET.get("person") in (PersonKind.REGISTERED, PersonKind.NEW):
        initial["person_kind"] = request.GET["person"]  # linking an anonymous help
    form = _help_form(request, initial=initial)
    if request.method == "POST" and not _wants_search(request) and form.is_valid():
        new = form.chosen_person_kind() == PersonKind.NEW
        try:
            services.help_update(
                actor=request.user,
                question=question,
                values=form.values(),
                new_person=form.person_data() if new else None,
                consent_given=form.cleaned_data["consent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The help is saved."))
            if not question.is_complete:  # completed from the tally's list
                return redirect(_url(request, "tally"))
            day = timezone.localdate(question.occurred_at).isoformat()
            return redirect(f"{_url(request, 'day')}?location={question.location_id}&date={day}")
    can_withdraw = services.may_withdraw(
        question, user=request.user, can_manage=request.membership.has_perm("helpdesk.manage")
    )
    return render(
        request,
        "helpdesk/help_form.html",
        _help_form_context(request, form, question=question, can_withdraw=can_withdraw),
    )


@hub_view("helpdesk.log")
@reads_personal_data
def help_withdraw(request: HubRequest, pk: int) -> HttpResponse:
    """Withdraw a mistaken tap or log, with a reason."""
    question = _question(request, pk)
    can_manage = request.membership.has_perm("helpdesk.manage")
    allowed = services.may_withdraw(question, user=request.user, can_manage=can_manage)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and allowed and form.is_valid():
        try:
            services.help_withdraw(
                actor=request.user,
                question=question,
                reason=form.cleaned_data["reason"],
                can_manage=can_manage,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The help is withdrawn. It no longer counts anywhere."))
            day = timezone.localdate(question.occurred_at).isoformat()
            return redirect(f"{_url(request, 'day')}?location={question.location_id}&date={day}")
    return render(
        request,
        "helpdesk/withdraw.html",
        {"form": form, "question": question, "allowed": allowed},
        status=200 if allowed or request.method == "GET" else 403,
    )


# --- follow-ups -------------------------------------------------------------------------


@hub_view("helpdesk.log")
@reads_personal_data
def follow_up_list(request: HubRequest) -> HttpResponse:
    form = FollowUpFilterForm(request.GET, hub=request.hub)
    which, location = form.chosen()
    page = paginate(request, queries.follow_ups(hub=request.hub, location=location, which=which))
    return render(
        request,
        "helpdesk/follow_ups.html",
        {
            "form": form,
            "which": which,
            "page": page,
            "counts": queries.follow_up_counts(hub=request.hub),
            "today": timezone.localdate(),
            "done_form": FollowUpDoneForm(),
        },
    )


@hub_view("helpdesk.log")
@reads_personal_data
def follow_up_done(request: HubRequest, pk: int) -> HttpResponse:
    _check_id(pk)
    question: HelpQuestion = get_for_hub(
        request, HelpQuestion.objects.select_related("participant", "location"), pk=pk
    )
    form = FollowUpDoneForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_done(
                actor=request.user, question=question, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up is done."))
            return redirect(_url(request, "follow_ups"))
    return render(
        request,
        "helpdesk/follow_up_done.html",
        {"form": form, "question": question},
        status=400 if request.method == "POST" else 200,
    )


# --- the hub's defaults -----------------------------------------------------------------


@hub_view("helpdesk.manage")
def helpdesk_settings(request: HubRequest) -> HttpResponse:
    current = queries.hub_defaults(request.hub)
    initial = {}
    if current is not None:
        initial = {
            "default_duration": current.default_duration,
            "default_autonomy": current.default_autonomy,
            "default_outcome": current.default_outcome,
        }
    form = HelpdeskSettingsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(
                actor=request.user,
                hub=request.hub,
                default_duration=form.cleaned_data["default_duration"],
                default_autonomy=form.cleaned_data["default_autonomy"],
                default_outcome=form.cleaned_data["default_outcome"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The help desk settings are saved."))
            return redirect(_url(request, "settings"))
    return render(request, "helpdesk/settings.html", {"form": form})


@hub_view("helpdesk.log")
@require_POST
def help_leave_anonymous(request: HubRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    services.help_leave_anonymous(actor=request.user, question=question)
    messages.success(request, _("The help is counted as anonymous."))
    return redirect(_url(request, "tally"))


# --- quick tally ------------------------------------------------------------------------


@hub_view("helpdesk.log")
def tally(request: HubRequest) -> HttpResponse:
    locations = queries.open_locations(request.hub)
    if not locations:
        return render(request, "helpdesk/no_help_point.html", {})
    location = _current_location(request, locations)
    assert location is not None
    if wanted := str(request.GET.get("location", "")):
        chosen = next((loc for loc in locations if str(loc.pk) == wanted), None)
        if chosen is not None:
            location = chosen
            _remember_location(request, chosen)
    topics = queries.active_topics()
    error = ""
    counted: HelpTopic | None = None
    if request.method == "POST":
        wanted = str(request.POST.get("location", ""))
        location = next((loc for loc in locations if str(loc.pk) == wanted), location)
        counted = next((topic for topic in topics if topic.code == request.POST.get("topic")), None)
        if counted is None:
            error = _("Choose a topic from the list.")
        else:
            try:
                services.help_tally(
                    actor=request.user, hub=request.hub, location=location, topic=counted
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                _remember_location(request, location)
                if not request.htmx:
                    messages.success(request, _("Counted: %(topic)s.") % {"topic": counted.name})
                    return redirect(_url(request, "tally"))
    today = timezone.localdate()
    counts = queries.tally_counts(helper=request.user, hub=request.hub, day=today)
    context = {
        "location": location,
        "locations": locations,
        "tiles": [(topic, counts.get(topic.pk, 0)) for topic in topics],
        "incomplete": list(
            queries.incomplete_helps(helper=request.user, hub=request.hub, day=today)[:50]
        ),
        "counted": counted,
        "error": error,
        "today_iso": today.isoformat(),
    }
    template = "helpdesk/tally.html"
    if request.htmx and request.method == "POST":
        template += "#tally_tiles"
    response = render(request, template, context, status=400 if error else 200)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- day view ---------------------------------------------------------------------------


@hub_view("helpdesk.log")
@reads_personal_data
def day_view(request: HubRequest) -> HttpResponse:
    locations = queries.open_locations(request.hub)
    if not locations:
        return render(request, "helpdesk/no_help_point.html", {})
    current = _current_location(request, locations)
    data = request.GET.copy()
    data.setdefault("location", str(current.pk) if current else "")
    if not data.get("date"):
        data["date"] = timezone.localdate().isoformat()
    form = DayForm(data, hub=request.hub)
    location = form.chosen_location() or current
    assert location is not None
    day: date = form.chosen_day()
    page = paginate(request, queries.day_log(location=location, day=day))
    on_duty = queries.on_duty(location=location, day=day)
    return render(
        request,
        "helpdesk/day.html",
        {
            "form": form,
            "location": location,
            "day": day,
            "is_today": day == timezone.localdate(),
            "page": page,
            "totals": queries.topic_totals(location=location, day=day),
            "on_duty": on_duty,
            "rota_available": on_duty is not None,
            "can_manage": request.membership.has_perm("helpdesk.manage"),
        },
    )


# --- digihelpers ------------------------------------------------------------------------


@hub_view("helpdesk.manage")
def volunteer_list(request: HubRequest) -> HttpResponse:
    form = VolunteerFilterForm(request.GET)
    filters = form.filters()
    page = paginate(request, queries.volunteers(hub=request.hub, **filters))
    return render(
        request,
        "helpdesk/volunteer_list.html",
        {"form": form, "page": page, "filtering": bool(filters["topic"] or filters["language"])},
    )


def _profile_page(request: HubRequest, membership: Membership, *, own: bool) -> HttpResponse:
    profile = queries.profile_of(membership)
    initial = {}
    if profile is not None:
        initial = {
            "topics": list(profile.topics.all()),
            "languages": [row.language for row in profile.languages.all()],
            "locations": list(profile.locations.all()),
            "availability": profile.availability,
        }
    form = ProfileForm(_posted(request), hub=request.hub, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(
                actor=request.user,
                membership=membership,
                topics=form.cleaned_data["topics"],
                languages=form.cleaned_data["languages"],
                locations=form.cleaned_data["locations"],
                availability=form.cleaned_data["availability"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect(_url(request, "my_profile") if own else _url(request, "volunteers"))
    return render(
        request,
        "helpdesk/profile_form.html",
        {
            "form": form,
            "member": membership,
            "own": own,
            "trainings": trainings_for(membership.user, request.hub),
        },
    )


@hub_view("helpdesk.log")
def my_profile(request: HubRequest) -> HttpResponse:
    return _profile_page(request, request.membership, own=True)


@hub_view("helpdesk.manage")
def volunteer_profile(request: HubRequest, pk: int) -> HttpResponse:
    _check_id(pk)
    membership = get_for_hub(
        request, Membership.objects.select_related("user").filter(is_active=True), pk=pk
    )
    return _profile_page(request, membership, own=membership.pk == request.membership.pk)


# --- mandates ---------------------------------------------------------------------------


@hub_view("helpdesk.manage")
@reads_personal_data
def mandate_list(request: HubRequest) -> HttpResponse:
    query = str(request.GET.get("q", ""))
    page = paginate(request, queries.mandates_ending(hub=request.hub))
    return render(
        request,
        "helpdesk/mandate_list.html",
        {"page": page, "q": query, "people_found": _people_found(request, query)},
    )


def _participant(request: HubRequest, pk: int) -> Participant:
    _check_id(pk)
    participant: Participant = get_for_hub(
        request, Participant.objects.filter(anonymised_at__isnull=True), pk=pk
    )
    if participant.is_merged:
        raise Http404
    return participant


def _two_years_after(day: date) -> date:
    """A Mijn Burgerprofiel volmacht lasts two years (29 February becomes 28)."""
    try:
        return day.replace(year=day.year + 2)
    except ValueError:
        return day.replace(year=day.year + 2, day=28)


# A digihelper records the mandate they just helped set up; changing and removing
# mandates, and the hub's list, stay with staff (helpdesk.manage).
@hub_view("helpdesk.log")
@reads_personal_data
def mandate_create(request: HubRequest, participant_pk: int) -> HttpResponse:
    participant = _participant(request, participant_pk)
    today = timezone.localdate()
    form = MandateForm(
        _posted(request), initial={"starts_on": today, "ends_on": _two_years_after(today)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_create(
                actor=request.user, participant=participant, values=form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The mandate is recorded."))
            return redirect(_url(request, "mandate_create", participant_pk=participant.pk))
    return render(
        request,
        "helpdesk/mandate_form.html",
        {
            "form": form,
            "participant": participant,
            "mandates": queries.participant_mandates(participant),
            "can_manage": request.membership.has_perm("helpdesk.manage"),
        },
    )


@hub_view("helpdesk.manage")
@reads_personal_data
def mandate_edit(request: HubRequest, pk: int) -> HttpResponse:
    _check_id(pk)
    mandate: Mandate = get_for_hub(request, Mandate.objects.select_related("participant"), pk=pk)
    form = MandateForm(
        _posted(request),
        initial={
            "kind": mandate.kind,
            "holder_name": mandate.holder_name,
            "starts_on": mandate.starts_on,
            "ends_on": mandate.ends_on,
            "note": mandate.note,
        },
    )
    if request.method == "POST" and "remove" in request.POST:
        services.mandate_remove(actor=request.user, mandate=mandate)
        messages.success(request, _("The mandate is removed."))
        return redirect(_url(request, "mandate_create", participant_pk=mandate.participant_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_update(actor=request.user, mandate=mandate, values=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The mandate is saved."))
            return redirect(_url(request, "mandate_create", participant_pk=mandate.participant_id))
    return render(
        request,
        "helpdesk/mandate_form.html",
        {"form": form, "participant": mandate.participant, "mandate": mandate},
    )
