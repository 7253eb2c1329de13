"""Pages for the people a hub serves. Views stay thin: they check input with a form, call
one service or query, and answer. Every page is under /h/<hub>/people/ and reaches data
through request.hub only, so another hub's record answers 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.reads import note_read, note_search, reads_personal_data
from digibank.accounts.scoping import get_for_hub, hub_view
from digibank.core.forms import add_service_errors
from digibank.core.journal import action_label
from digibank.core.pagination import paginate

from . import queries, services
from .consent import PRIVACY_NOTICE_VERSION
from .forms import (
    AnonymiseForm,
    ConsentForm,
    MergeForm,
    ParticipantCreateForm,
    ParticipantForm,
    SearchForm,
    VisitorFilterForm,
    VisitorForm,
)
from .models import Consent, Participant
from .registry import anonymise_blocked, participant_sections
from .timeline import timeline_for

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

TIMELINE_LENGTH = 20


MAX_ID = 2**63 - 1


def _participant(request: HubRequest, pk: int) -> Participant:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_for_hub(request, Participant.objects.select_related("municipality"), pk=pk)


def _detail_url(request: HubRequest, participant: Participant) -> str:
    return reverse("people:detail", kwargs={"hub": request.hub.slug, "pk": participant.pk})


def _not_changeable(request: HubRequest, participant: Participant) -> HttpResponse | None:
    """Anonymised and merged records cannot be changed: say so and go to the record."""
    if participant.is_merged:
        survivor = services.resolve_merged(participant)
        messages.info(request, _("This record was merged into this one."))
        return redirect(_detail_url(request, survivor))
    if participant.is_anonymised:
        messages.error(request, _("This record is anonymised. It cannot be changed."))
        return redirect(_detail_url(request, participant))
    return None


def _posted(request: HttpRequest) -> Any:
    """The submitted data, or None on GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


# --- search -----------------------------------------------------------------------------


# Searches matching more people than this say "more than 1,000" rather than count them all.
SEARCH_COUNT_LIMIT = 1000


@hub_view("people.view")
@reads_personal_data
def participant_list(request: HubRequest) -> HttpResponse:
    list_url = reverse("people:list", kwargs={"hub": request.hub.slug})
    form = SearchForm(request.GET, live_url=list_url)
    query, group = form.query(), form.target_group()
    page = paginate(
        request,
        queries.participant_search(hub=request.hub, query=query, target_group=group),
        count_limit=SEARCH_COUNT_LIMIT,
    )
    if query or group:
        note_search(request, results=page.paginator.count)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "searching": bool(query or group),
        "can_edit": request.membership.has_perm("people.edit"),
    }
    template = "people/participant_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- register and edit ------------------------------------------------------------------


@hub_view("people.edit")
@reads_personal_data
def participant_create(request: HubRequest) -> HttpResponse:
    form = ParticipantCreateForm(_posted(request), hub=request.hub)
    duplicates: list[Participant] = []
    if request.method == "POST" and form.is_valid():
        data = form.personal_data()
        confirmed = request.POST.get("different_person") == "yes"
        if not confirmed:
            duplicates = queries.possible_duplicates(
                hub=request.hub,
                given_name=data["given_name"],
                family_name=data["family_name"],
                phone=data["phone"],
                email=data["email"],
            )
        note_read(request, *duplicates)
        if not duplicates:
            try:
                participant = services.participant_create(
                    actor=request.user,
                    hub=request.hub,
                    data=data,
                    target_groups=form.cleaned_data["target_groups"],
                    consent_given=form.cleaned_data["consent"],
                    duplicate_confirmed=confirmed,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered.") % {"name": participant.display_name},
                )
                return redirect(_detail_url(request, participant))
    return render(
        request,
        "people/participant_form.html",
        {"form": form, "duplicates": duplicates, "creating": True},
    )


@hub_view("people.edit")
@reads_personal_data
def participant_edit(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    if (response := _not_changeable(request, participant)) is not None:
        return response
    form = ParticipantForm(
        _posted(request), hub=request.hub, initial=ParticipantForm.initial_for(participant)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.participant_update(
                actor=request.user,
                participant=participant,
                data=form.personal_data(),
                target_groups=form.cleaned_data["target_groups"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The changes are saved."))
            else:
                messages.success(request, _("Nothing was changed."))
            return redirect(_detail_url(request, participant))
    return render(
        request,
        "people/participant_form.html",
        {"form": form, "participant": participant, "creating": False},
    )


# --- the participant's page -------------------------------------------------------------


@hub_view("people.view")
@reads_personal_data
def participant_detail(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    if participant.is_merged:
        survivor = services.resolve_merged(participant)
        messages.info(
            request,
            _("Record #%(old)s was merged into this record.") % {"old": participant.pk},
        )
        return redirect(_detail_url(request, survivor))
    permissions = request.membership.permissions
    context: dict[str, Any] = {
        "participant": participant,
        "permissions": permissions,
        "can_edit": "people.edit" in permissions and not participant.is_anonymised,
    }
    if not participant.is_anonymised:
        consents = queries.participant_consents(participant)
        active = [consent for consent in consents if consent.is_active]
        context.update(
            target_groups=list(participant.target_groups.all()),
            active_consents=active,
            withdrawn_consents=[consent for consent in consents if not consent.is_active],
            timeline=timeline_for(participant, limit=TIMELINE_LENGTH, permissions=permissions),
            sections=participant_sections(request, participant),
            consent_form=ConsentForm(
                auto_id="consent_%s", exclude={consent.purpose for consent in active}
            ),
            notice_version=PRIVACY_NOTICE_VERSION,
        )
    return render(request, "people/participant_detail.html", context)


@hub_view("journal.view")
@reads_personal_data
def participant_journal(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    page = paginate(request, queries.participant_journal(participant))
    rows = [
        {
            "entry": entry,
            "label": action_label(entry.action),
            "detail": queries.journal_detail(entry),
        }
        for entry in page
    ]
    return render(
        request,
        "people/participant_journal.html",
        {"participant": participant, "page": page, "rows": rows},
    )


# --- consent ----------------------------------------------------------------------------


@hub_view("people.edit")
@reads_personal_data
def consent_add(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    if (response := _not_changeable(request, participant)) is not None:
        return response
    form = ConsentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.consent_record(
                actor=request.user,
                participant=participant,
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Consent recorded: %(purpose)s.") % {"purpose": consent.get_purpose_display()},
            )
            return redirect(_detail_url(request, participant))
    return render(
        request,
        "people/consent_form.html",
        {"form": form, "participant": participant, "notice_version": PRIVACY_NOTICE_VERSION},
    )


@hub_view("people.edit")
@require_POST
def consent_withdraw(request: HubRequest, pk: int, consent_pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    consent = (
        Consent.objects.filter(participant=participant, pk=consent_pk).first()
        if consent_pk <= MAX_ID
        else None
    )
    if consent is None:
        raise Http404
    if (response := _not_changeable(request, participant)) is not None:
        return response
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Consent withdrawn: %(purpose)s.") % {"purpose": consent.get_purpose_display()},
        )
    return redirect(_detail_url(request, participant))


# --- anonymise and merge ----------------------------------------------------------------


@hub_view("people.anonymise")
@reads_personal_data
def participant_anonymise(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    if (response := _not_changeable(request, participant)) is not None:
        return response
    form = AnonymiseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_anonymise(actor=request.user, participant=participant)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The personal data is erased."))
            return redirect(_detail_url(request, participant))
    blocked = anonymise_blocked([participant.pk]).get(participant.pk, [])
    return render(
        request,
        "people/anonymise.html",
        {"form": form, "participant": participant, "blocked_reasons": blocked},
    )


def _merge_rows(target: Participant, source: Participant) -> list[tuple[str, str, str, str]]:
    """(field, label, value in target, value in source) for every personal field."""
    rows = []
    for name in services.PERSONAL_FIELDS:
        label = queries.field_label(name).capitalize()
        values = []
        for record in (target, source):
            value = getattr(record, name)
            display = getattr(record, f"get_{name}_display", None)
            text = str(display()) if display and value else str(value if value is not None else "")
            if name == "postcode" and record.municipality:
                text = f"{text} {record.municipality.name}"
            values.append(text)
        rows.append((name, label, values[0], values[1]))
    return rows


@hub_view("people.merge")
@reads_personal_data
def participant_merge(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    if (response := _not_changeable(request, participant)) is not None:
        return response
    other_id = request.GET.get("other") or request.POST.get("other")
    if not other_id:
        # Step 1: find the other record of the same person.
        search = SearchForm(request.GET)
        query = search.query()
        page = None
        if query:
            page = paginate(
                request,
                queries.participant_search(hub=request.hub, query=query).exclude(pk=participant.pk),
            )
            note_search(request, results=page.paginator.count)
        return render(
            request,
            "people/merge_choose.html",
            {"participant": participant, "search": search, "page": page, "query": query},
        )
    if not str(other_id).isdigit():
        raise Http404
    other = _participant(request, int(other_id))
    if other.pk == participant.pk or other.is_merged or other.is_anonymised:
        raise Http404
    rows = _merge_rows(participant, other)
    form = MergeForm(_posted(request), target=participant, source=other, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_merge(
                actor=request.user,
                source=other,
                target=participant,
                fields_from_source=form.fields_from_source(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The records are merged. Record #%(old)s now leads to this one.")
                % {"old": other.pk},
            )
            return redirect(_detail_url(request, participant))
    return render(
        request,
        "people/merge_confirm.html",
        {"participant": participant, "other": other, "rows": rows, "form": form},
    )


# --- anonymous visitors -----------------------------------------------------------------


@hub_view("people.view")
def visitor_list(request: HubRequest) -> HttpResponse:
    form = VisitorFilterForm(request.GET)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    page = paginate(request, queries.visitor_list(hub=request.hub, start=start, end=end))
    return render(
        request,
        "people/visitor_list.html",
        {
            "form": form,
            "page": page,
            "can_edit": request.membership.has_perm("people.edit"),
        },
    )


@hub_view("people.edit")
def visitor_create(request: HubRequest) -> HttpResponse:
    form = VisitorForm(_posted(request), hub=request.hub)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visitor_record(
                actor=request.user,
                hub=request.hub,
                visited_on=data["visited_on"],
                location=data["location"],
                age_band=data["age_band"],
                gender=data["gender"],
                status=data["status"],
                postcode=data["postcode"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The visit is counted. Thank you."))
            if "another" in request.POST:
                return redirect("people:visitor_create", hub=request.hub.slug)
            return redirect("people:visitors", hub=request.hub.slug)
    return render(request, "people/visitor_form.html", {"form": form})
