from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from digibank.accounts.scoping import memberships_of, programmes_for
from digibank.network.registry import home_sections


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a user starts: straight to their only hub, or a choice of hubs and
    programmes (this is also the hub switcher)."""
    memberships = memberships_of(request.user)
    programmes = programmes_for(request.user)
    sections = home_sections(request)
    if len(memberships) == 1 and not programmes and not sections and "switch" not in request.GET:
        return redirect("network:dashboard", hub=memberships[0].hub.slug)
    context = {"memberships": memberships, "programmes": programmes, "sections": sections}
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page open too long, or without cookies: say what to do."""
    return render(request, "403_csrf.html", status=403)
