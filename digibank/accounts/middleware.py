from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .twofactor import needs_two_factor

# Pages reachable before the second factor: signing in and out, setting up two-factor,
# switching language, static files.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


class TwoFactorRequiredMiddleware:
    """Where two-factor is enforced, a user whose role needs it reaches nothing but the
    two-factor pages until they have confirmed a device in this session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.ENFORCE_TWO_FACTOR
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and not request.path.startswith(OPEN_PREFIXES)
            and needs_two_factor(user)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
