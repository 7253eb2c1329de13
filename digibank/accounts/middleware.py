from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .twofactor import asks_for_second_factor

# Pages reachable before the second factor: signing in and out, the code itself,
# password reset, switching language, static files. Not the account page, switching
# two-factor off or changing the password: those need the second factor first.
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password-reset/",
    "/i18n/",
    "/static/",
    "/healthz",
)
OPEN_PATHS = ("/accounts/two-factor/",)


class TwoFactorRequiredMiddleware:
    """Where two-factor is enforced, a user whose role needs it (or who set it up by
    choice) reaches nothing but the account pages until they have confirmed a device in
    this session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.ENFORCE_TWO_FACTOR
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and not request.path.startswith(OPEN_PREFIXES)
            and request.path not in OPEN_PATHS
            and asks_for_second_factor(user)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
