from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.utils import timezone

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


# security.txt says how long it holds (RFC 9116: less than a year ahead).
SECURITY_TXT_VALID_FOR = timedelta(days=180)


def security_txt(request: HttpRequest) -> HttpResponse:
    """/.well-known/security.txt (RFC 9116): where to report a vulnerability."""
    domain, _port = split_domain_port(request.get_host())
    contact = settings.SECURITY_CONTACT or f"mailto:security@{domain}"
    expires = timezone.now() + SECURITY_TXT_VALID_FOR  # aware, in UTC
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: nl, fr, en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page open too long, or without cookies: say what to do."""
    return render(request, "403_csrf.html", status=403)
