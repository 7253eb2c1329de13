from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .twofactor import asks_for_second_factor, has_staff_role

# Views reachable before the second factor, by URL name: signing in and out, the code
# itself, password reset, switching language, the health check and security.txt. Not the
# account page, switching two-factor off or changing the password: those need the second
# factor first. Decided on the resolved route, never on the path text: the path includes
# SCRIPT_NAME, which a client may send as a header (static files never get here:
# WhiteNoise serves them before the session is even read).
OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "set_language",
        "core:healthz",
        "core:security_txt",
    }
)


def is_open_view(request: HttpRequest) -> bool:
    """True for the open views, and for a path that routes nowhere (it answers 404)."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return True
    return match.view_name in OPEN_VIEWS


class TwoFactorRequiredMiddleware:
    """Where two-factor is enforced, a user whose role needs it (or who set it up by
    choice) reaches nothing but the open views until they have confirmed a device in
    this session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.ENFORCE_TWO_FACTOR
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and not is_open_view(request)
            and asks_for_second_factor(user)
        ):
            if request.method == "GET" and "HX-Request" not in request.headers:
                # Back to the page asked for (an invitation link, say) once confirmed.
                return redirect_to_login(request.get_full_path(), "accounts:two_factor")
            return redirect("accounts:two_factor")
        return self.get_response(request)


LAST_ACTIVITY_KEY = "last_activity"
# The session is written at most once a minute for activity, not on every request.
ACTIVITY_RESOLUTION_SECONDS = 60


def now_seconds() -> int:
    return int(time.time())


def stamp_activity(request: HttpRequest) -> None:
    """Mark the session active now (at sign-in, and then at most once a minute)."""
    request.session[LAST_ACTIVITY_KEY] = now_seconds()


def on_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Receiver of user_logged_in: a new session starts active, so the first pages after
    signing in do not write the session again."""
    if request is not None and hasattr(request, "session"):
        stamp_activity(request)


class IdleTimeoutMiddleware:
    """Signs out anyone who works with personal data (a hub, programme or admin role)
    after SESSION_IDLE_MINUTES without a request; the session's absolute lifetime
    (SESSION_COOKIE_AGE) applies as well. Costs no query on a normal request: roles are
    looked up only once a session has been idle too long."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = now_seconds()
            last = request.session.get(LAST_ACTIVITY_KEY)
            idle = now - last if isinstance(last, int) else None
            too_long = idle is not None and idle > settings.SESSION_IDLE_MINUTES * 60
            if too_long and has_staff_role(request.user):
                return self._sign_out(request)
            if idle is None or idle >= ACTIVITY_RESOLUTION_SECONDS:
                stamp_activity(request)
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        messages.info(
            request,
            _(
                "You were signed out because you did nothing for %(minutes)d minutes. "
                "Sign in again to go on."
            )
            % {"minutes": settings.SESSION_IDLE_MINUTES},
        )
        response = redirect_to_login(request.get_full_path())
        if request.headers.get("HX-Request") == "true":
            # An HTMX request would swap the sign-in page into part of the page: load it
            # as a whole page instead.
            return HttpResponseClientRedirect(response["Location"])
        return response
