"""Pages of a hub (/h/<hub>/…) and of programmes (/programmes/…). Views stay thin: they
read through queries, change through services, and answer 404 for another hub's rows."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digibank.accounts.activation import base_url
from digibank.accounts.models import Membership, User
from digibank.accounts.reads import note_read, reads_personal_data
from digibank.accounts.roles import HubRole
from digibank.accounts.scoping import get_for_hub, hub_view, programme_view, programmes_for
from digibank.core.actions import perform
from digibank.core.forms import add_service_errors
from digibank.core.pagination import paginate

from . import queries, registry, services
from .forms import HubSettingsForm as SettingsForm
from .forms import (
    JournalFilterForm,
    LocationForm,
    MemberInviteForm,
    MemberRoleForm,
    OpeningExceptionForm,
    OpeningHoursFormSet,
    PartnerAddForm,
    PartnerEditForm,
)
from .models import HubPartner, Location

GET_POST = require_http_methods(["GET", "POST"])
RECENT_JOURNAL_LINES = 8


def _hub(request: HttpRequest) -> Any:
    return request.hub  # type: ignore[attr-defined]


def _perms(request: HttpRequest) -> frozenset[str]:
    return request.membership.permissions  # type: ignore[attr-defined]


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- Today ----------------------------------------------------------------------------


@hub_view("hub.view")
@reads_personal_data(when_shown=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    hub = _hub(request)
    perms = _perms(request)
    recent = None
    if "journal.view" in perms:
        entries = list(queries.hub_journal(hub)[:RECENT_JOURNAL_LINES])
        note_read(request, *(entry.participant_id for entry in entries if entry.participant_id))
        recent = queries.journal_lines(entries)
    context = {
        "today": queries.local_today(),
        "open_today": queries.open_today(hub),
        "team_size": queries.team_size(hub),
        "recent": recent,
        "panels": registry.dashboard_panels(request),
        "several_hubs": queries.membership_count(request.user) > 1,
    }
    return render(request, "network/dashboard.html", context)


# --- Help points ----------------------------------------------------------------------


@hub_view("hub.view")
def locations(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    page = paginate(request, queries.locations_for_hub(_hub(request), search))
    return render(request, "network/locations.html", {"page": page, "q": search})


@hub_view("hub.view")
def location(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_hub(request, queries.location_detail_queryset(), pk=pk)
    context = {
        "location": found,
        "schedule": queries.weekly_schedule(found),
        "manage": "hub.manage" in _perms(request),
    }
    return render(request, "network/location_detail.html", context)


@hub_view("hub.manage")
@GET_POST
def location_create(request: HttpRequest) -> HttpResponse:
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.location_create(
                actor=_actor(request), hub=_hub(request), values=form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Help point “%(name)s” is added. Now add its opening hours.")
                % {"name": created.name},
            )
            return redirect("network:location_hours", hub=_hub(request).slug, pk=created.pk)
    return render(request, "network/location_form.html", {"form": form, "location": None})


@hub_view("hub.manage")
@GET_POST
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_hub(request, Location.objects.select_related("municipality"), pk=pk)
    form = LocationForm(request.POST or None, initial=LocationForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.location_update(actor=_actor(request), location=found, values=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The help point is saved."))
            return redirect("network:location", hub=_hub(request).slug, pk=found.pk)
    return render(request, "network/location_form.html", {"form": form, "location": found})


@hub_view("hub.manage")
@GET_POST
def location_hours(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_hub(request, Location.objects.prefetch_related("opening_hours"), pk=pk)
    initial = [
        {"weekday": hours.weekday, "opens_at": hours.opens_at, "closes_at": hours.closes_at}
        for hours in found.opening_hours.all()
    ]
    formset = OpeningHoursFormSet(request.POST or None, initial=initial, prefix="hours")
    if request.method == "POST" and formset.is_valid():
        try:
            services.location_set_opening_hours(
                actor=_actor(request),
                location=found,
                periods=formset.periods(),  # type: ignore[attr-defined]
            )
        except ValidationError as error:
            formset.non_form_errors().extend(error.messages)
        else:
            messages.success(request, _("The opening hours are saved."))
            return redirect("network:location", hub=_hub(request).slug, pk=found.pk)
    return render(request, "network/location_hours.html", {"formset": formset, "location": found})


@hub_view("hub.manage")
@GET_POST
def location_exception_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_hub(request, Location.objects.all(), pk=pk)
    form = OpeningExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.opening_exception_add(
                actor=_actor(request),
                location=found,
                day=data["date"],
                is_closed=data["is_closed"],
                opens_at=data.get("opens_at"),
                closes_at=data.get("closes_at"),
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The exception to the opening hours is saved."))
            return redirect("network:location", hub=_hub(request).slug, pk=found.pk)
    return render(request, "network/exception_form.html", {"form": form, "location": found})


@hub_view("hub.manage")
@GET_POST
def location_exception_remove(request: HttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    found = get_for_hub(request, Location.objects.all(), pk=pk)
    exception = found.exceptions.filter(pk=exception_pk).first()
    if exception is None:
        raise Http404
    if request.method == "POST":
        services.opening_exception_remove(actor=_actor(request), exception=exception)
        messages.success(request, _("The exception is removed."))
        return redirect("network:location", hub=_hub(request).slug, pk=found.pk)
    return render(
        request, "network/exception_remove.html", {"location": found, "exception": exception}
    )


def _location_status(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    found = get_for_hub(request, Location.objects.all(), pk=pk)
    if request.method == "POST":
        services.location_set_active(actor=_actor(request), location=found, active=active)
        message = (_("“%(name)s” is open again.") if active else _("“%(name)s” is closed.")) % {
            "name": found.name
        }
        messages.success(request, message)
        return redirect("network:location", hub=_hub(request).slug, pk=found.pk)
    return render(request, "network/location_status.html", {"location": found, "active": active})


@hub_view("hub.manage")
@GET_POST
def location_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _location_status(request, pk, active=False)


@hub_view("hub.manage")
@GET_POST
def location_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _location_status(request, pk, active=True)


# --- Partners -------------------------------------------------------------------------


@hub_view("hub.view")
def partners(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    page = paginate(request, queries.partners_for_hub(_hub(request), search))
    return render(request, "network/partners.html", {"page": page, "q": search})


@hub_view("hub.manage")
@GET_POST
def partner_add(request: HttpRequest) -> HttpResponse:
    hub = _hub(request)
    source = request.POST if request.method == "POST" else request.GET
    search = str(source.get("q", "")).strip()[:100]
    found = queries.organisation_search(search)
    chosen = str(request.POST.get("organisation", ""))
    if chosen.isdigit() and all(str(org.pk) != chosen for org in found):
        found += queries.organisations_by_ids([int(chosen)])
    partner_ids = queries.partner_organisation_ids(hub, (org.pk for org in found))
    form = PartnerAddForm(
        request.POST or None,
        initial={"q": search},
        organisations=found,
        partner_ids=partner_ids,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chosen_organisation = form.chosen_organisation()
            if chosen_organisation is None:
                partner = services.partner_add_new_organisation(
                    actor=_actor(request),
                    hub=hub,
                    organisation=form.organisation_values(),
                    partner_type=data["partner_type"],
                    role=data["role"],
                )
            else:
                partner = services.partner_add(
                    actor=_actor(request),
                    hub=hub,
                    organisation=chosen_organisation,
                    partner_type=data["partner_type"],
                    role=data["role"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("“%(name)s” is now a partner.") % {"name": partner.organisation.name}
            )
            return redirect("network:partners", hub=hub.slug)
    context = {"form": form, "q": search, "searched": bool(search), "results": found}
    return render(request, "network/partner_add.html", context)


def _partner(request: HttpRequest, pk: int) -> HubPartner:
    partner: HubPartner = get_for_hub(
        request, HubPartner.objects.select_related("organisation"), pk=pk
    )
    return partner


@hub_view("hub.manage")
@GET_POST
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(request, pk)
    form = PartnerEditForm(request.POST or None, initial=PartnerEditForm.initial_for(partner))
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(
                actor=_actor(request),
                partner=partner,
                partner_type=form.cleaned_data["partner_type"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partner is saved."))
            return redirect("network:partners", hub=_hub(request).slug)
    return render(request, "network/partner_edit.html", {"form": form, "partner": partner})


@hub_view("hub.manage")
@GET_POST
def partner_remove(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(request, pk)
    if request.method == "POST":
        services.partner_remove(actor=_actor(request), partner=partner)
        messages.success(
            request,
            _("“%(name)s” is no longer a partner.") % {"name": partner.organisation.name},
        )
        return redirect("network:partners", hub=_hub(request).slug)
    return render(request, "network/partner_remove.html", {"partner": partner})


# --- Team -----------------------------------------------------------------------------


@hub_view("members.manage")
def members(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    page = paginate(request, queries.members_for_hub(_hub(request), search, role))
    context = {"page": page, "q": search, "role": role, "roles": HubRole.choices}
    return render(request, "network/members.html", context)


@hub_view("members.manage")
@GET_POST
def member_invite(request: HttpRequest) -> HttpResponse:
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.member_invite(
                actor=_actor(request),
                hub=_hub(request),
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                language=data["language"],
                base_url=base_url(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "We sent an invitation to %(name)s (%(email)s). They join the team "
                    "once they say yes through the link in that e-mail."
                )
                % {"name": membership.user.full_name, "email": membership.user.email},
            )
            return redirect("network:members", hub=_hub(request).slug)
    return render(request, "network/member_invite.html", {"form": form})


@hub_view("members.manage")
def member_invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    return perform(
        request,
        lambda: services.member_invitation_resend(
            actor=_actor(request), membership=membership, base_url=base_url(request)
        ),
        success=_("The invitation is sent again to %(email)s.") % {"email": membership.user.email},
        then=reverse("network:members", kwargs={"hub": _hub(request).slug}),
    )


@hub_view("members.manage")
def member_invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    return perform(
        request,
        lambda: services.member_invitation_cancel(actor=_actor(request), membership=membership),
        success=_("The invitation to %(email)s is withdrawn.") % {"email": membership.user.email},
        then=reverse("network:members", kwargs={"hub": _hub(request).slug}),
    )


def _membership(request: HttpRequest, pk: int) -> Membership:
    membership: Membership = get_for_hub(request, Membership.objects.select_related("user"), pk=pk)
    return membership


@hub_view("members.manage")
@GET_POST
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a member's role: a page of its own, or with HTMX an edit row in the team
    table that turns back into the updated row once saved."""
    membership = _membership(request, pk)
    form = MemberRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_change_role(
                actor=_actor(request),
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                row = {"membership": membership, "saved": True}
                return render(request, "network/members.html#member_row", row)
            messages.success(request, _("The role is changed."))
            return redirect("network:members", hub=_hub(request).slug)
    if request.htmx:  # type: ignore[attr-defined]
        context = {"form": form, "membership": membership}
        return render(request, "network/members.html#member_row_edit", context)
    return render(request, "network/member_edit.html", {"form": form, "membership": membership})


def _member_status(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    membership = _membership(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.member_set_active(actor=_actor(request), membership=membership, active=active)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            message = (
                _("%(name)s is switched on again.") if active else _("%(name)s is switched off.")
            ) % {"name": membership.user.full_name}
            messages.success(request, message)
            return redirect("network:members", hub=_hub(request).slug)
    context = {"membership": membership, "active": active, "error": error}
    return render(request, "network/member_status.html", context, status=400 if error else 200)


@hub_view("members.manage")
@GET_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_status(request, pk, active=False)


@hub_view("members.manage")
@GET_POST
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_status(request, pk, active=True)


# --- Journal and settings -------------------------------------------------------------


@hub_view("journal.view")
@reads_personal_data
def journal(request: HttpRequest) -> HttpResponse:
    hub = _hub(request)
    form = JournalFilterForm(request.GET or None, actors=queries.journal_actors(hub))
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(
        request,
        queries.hub_journal(
            hub,
            filters.get("action", ""),
            actor_id=filters.get("actor"),
            start=filters.get("start"),
            end=filters.get("end"),
        ),
    )
    context = {"form": form, "page": page, "lines": queries.journal_lines(page.object_list)}
    return render(request, "network/journal.html", context)


@hub_view("hub.manage")
@GET_POST
def hub_settings(request: HttpRequest) -> HttpResponse:
    hub = _hub(request)
    initial = {
        "email": hub.email,
        "phone": hub.phone,
        "required_participant_fields": hub.required_participant_fields,
        "messages_from": hub.messages_from,
        "messages_until": hub.messages_until,
        "reminder_time": hub.reminder_time,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.hub_update_settings(
                actor=_actor(request),
                hub=hub,
                email=data["email"],
                phone=data["phone"],
                required_participant_fields=data["required_participant_fields"],
                messages_from=data["messages_from"],
                messages_until=data["messages_until"],
                reminder_time=data["reminder_time"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The hub settings are saved."))
            return redirect("network:dashboard", hub=hub.slug)
    return render(request, "network/settings.html", {"form": form})


# --- Programmes -----------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = programmes_for(request.user)
    counts = queries.hub_counts(programmes)
    rows = [(programme, counts.get(programme.pk, 0)) for programme in programmes]
    return render(request, "network/programmes.html", {"rows": rows})


@programme_view
def programme_detail(request: HttpRequest) -> HttpResponse:
    programme = request.programme  # type: ignore[attr-defined]
    page = paginate(request, queries.programme_hubs(programme))
    hubs = list(page.object_list)
    hub_ids = [hub.pk for hub in hubs]
    figures = registry.hub_figures(hub_ids)
    columns: list[Any] = []
    for hub_id in hub_ids:
        for label in figures.get(hub_id, {}):
            if label not in columns:
                columns.append(label)
    member_of = queries.member_hub_ids(request.user, hub_ids)
    rows = [
        {
            "hub": hub,
            "is_member": hub.pk in member_of,
            "figures": [figures.get(hub.pk, {}).get(label) for label in columns],
        }
        for hub in hubs
    ]
    context = {
        "programme": programme,
        "spearheads": list(programme.spearheads.order_by("position")),
        "page": page,
        "rows": rows,
        "columns": columns,
        "sections": registry.programme_sections(request, programme),
    }
    return render(request, "network/programme_detail.html", context)
