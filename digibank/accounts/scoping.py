"""The one tenancy mechanism. Every hub page lives under /h/<hub-slug>/ and is wrapped
in `hub_view`, which finds the user's active membership of that hub (404 when there is
none, so nobody learns that another hub's record exists) and checks the permission
(403). Views then reach data only through `request.hub`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from digibank.network.models import Hub, Programme

from .models import Membership, ProgrammeRole, User
from .reads import note_record

View = Callable[..., HttpResponse]


class HubRequest(HttpRequest):
    """The request a hub view receives (for type checking: annotate views with it)."""

    user: User
    hub: Hub
    membership: Membership


class ProgrammeRequest(HttpRequest):
    user: User
    programme: Programme


def memberships_of(user: Any) -> list[Membership]:
    """The user's active memberships, for the hub switcher."""
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("hub")
        .order_by("hub__name")
    )


def hub_view(permission: str) -> Callable[[View], View]:
    """Wrap a view of /h/<hub>/…: sets request.hub and request.membership."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, hub: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = (
                Membership.objects.select_related("hub", "hub__programme")
                .filter(user=cast(User, request.user), hub__slug=hub, is_active=True)
                .first()
            )
            if membership is None:
                raise Http404
            if not membership.has_perm(permission):
                raise PermissionDenied
            request.hub = membership.hub  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def programmes_for(user: Any) -> list[Programme]:
    """Programmes whose aggregates the user may see: their programme roles, or all for
    platform admins."""
    if user.is_staff:
        return list(Programme.objects.order_by("name"))
    return list(Programme.objects.filter(roles__user=user).distinct().order_by("name"))


def programme_view(view: View) -> View:
    """Wrap a view of /programmes/<programme>/…: sets request.programme. Programme pages
    show aggregates only, never personal data."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, programme: str, *args: Any, **kwargs: Any) -> HttpResponse:
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            raise Http404
        allowed = (
            request.user.is_staff
            or ProgrammeRole.objects.filter(user=cast(User, request.user), programme=found).exists()
        )
        if not allowed:
            raise Http404
        request.programme = found  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def get_for_hub(request: HttpRequest, queryset: Any, **lookup: Any) -> Any:
    """One row of the current hub, or 404 (also for another hub's row). On a page marked
    `reads_personal_data` the row (and its person) goes into the page's journal line."""
    obj = queryset.filter(hub=request.hub, **lookup).first()  # type: ignore[attr-defined]
    if obj is None:
        raise Http404
    note_record(request, obj)
    return obj
