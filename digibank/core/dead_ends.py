"""No dead ends: a button's URL opened as a page leads to the page the button is on.

A POST-only action (a `require_POST` view, `core.actions.perform`) answers a GET with an
empty 405. People meet it when they sign in again after their session expired (the
sign-in sends them back to the URL of the button they pressed), follow a bookmark, or
reload. One middleware turns that 405 into a redirect to the page the action belongs to
(the nearest shorter URL that is a page: `/gent/lending/loans/5/return/` ->
`/gent/lending/loans/5/`) with a message saying to press the button again. The redirect
depends on the path only, never on the record, so it tells nothing about another hub's
ids: that page answers 404 as before."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _


def page_of_action(path: str) -> str:
    """The nearest shorter path that the URL conf knows, or "/"."""
    segments = [segment for segment in path.split("/") if segment]
    while segments:
        segments.pop()
        candidate = "/" + "".join(f"{segment}/" for segment in segments)
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"


def is_post_only_refusal(request: HttpRequest, response: HttpResponse) -> bool:
    allowed = {method.strip() for method in response.get("Allow", "").split(",")}
    return (
        response.status_code == 405
        and request.method == "GET"
        and "POST" in allowed
        and "GET" not in allowed
        and "HX-Request" not in request.headers  # HTMX shows its own error
    )


class PostOnlyRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_post_only_refusal(request, response):
            return response
        messages.info(
            request,
            _(
                "That button only works from its page, so nothing was done. "
                "Here is the page: press the button again if you still want to."
            ),
        )
        redirect = HttpResponseRedirect(page_of_action(request.path_info))
        # Tests (the tenancy walk) tell this redirect from a view's own.
        redirect.post_only_redirect = True  # type: ignore[attr-defined]
        return redirect
