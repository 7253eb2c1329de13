"""A ceiling on request bodies, checked from the Content-Length header before anything
reads the body (CSRF check, forms, uploads), so an oversized request costs nothing.

Every URL gets settings.REQUEST_BODY_MAX_BYTES; a page that takes files declares its own
ceiling next to the view with `@accepts_uploads(...)`. The middleware finds it through
the URL conf (the resolved view), never by path text. A body without Content-Length
(chunked) is refused too: Django would read it as empty and the form would fail
without saying why. The proxy in front keeps its own, larger limit
(docs/deployment-security.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

MB = 1024 * 1024
# Room for the form's other fields and the multipart boundaries around the files.
FORM_OVERHEAD = MB

View = TypeVar("View", bound=Callable[..., HttpResponse])
_ATTRIBUTE = "max_request_body"


def accepts_uploads(max_bytes: int) -> Callable[[View], View]:
    """Let this view receive bodies up to `max_bytes` (its files plus FORM_OVERHEAD;
    more than REQUEST_BODY_MAX_BYTES). Put it above the other decorators so the URL
    conf's view carries it."""

    def mark(view: View) -> View:
        setattr(view, _ATTRIBUTE, max_bytes)
        return view

    return mark


def body_ceiling(request: HttpRequest) -> int:
    """The most bytes this request's view accepts."""
    default: int = settings.REQUEST_BODY_MAX_BYTES
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return default
    return int(getattr(match.func, _ATTRIBUTE, default))


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return None


class RequestBodyLimitMiddleware:
    """Answers 413 (or 411 for a body without a length) in the user's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length is None or (chunked and not request.META.get("CONTENT_LENGTH")):
            return render(request, "413.html", {"no_length": True}, status=411)
        # Views only raise the ceiling: a body within the default needs no URL lookup.
        if length <= settings.REQUEST_BODY_MAX_BYTES:
            return self.get_response(request)
        ceiling = body_ceiling(request)
        if length > ceiling:
            files_mb = None
            if ceiling > settings.REQUEST_BODY_MAX_BYTES:
                files_mb = max(1, round((ceiling - FORM_OVERHEAD) / MB))
            return render(request, "413.html", {"files_mb": files_mb}, status=413)
        return self.get_response(request)
