"""One small helper for the buttons that change something and lead back to a page: "remove
this line", "approve this payment", "mark as signed".

Such a view answers POST only, asks one service to do the work, tells the user how it
went with a message, and redirects. The service says no with a ValidationError, whose
messages the user reads as they are."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect


def perform(
    request: HttpRequest,
    run: Callable[[], object],
    *,
    success: str,
    then: str,
    on_error: str | None = None,
    separate_errors: bool = False,
) -> HttpResponse:
    """Run a POST-only action and redirect.

    - Anything but POST answers 405 and runs nothing. (A view that must answer 405
      before it looks anything up keeps its `require_POST`.)
    - When `run` raises a ValidationError, its messages are shown as one error message
      (joined by spaces), or each as its own with `separate_errors=True`; the user goes
      to `on_error`, or to `then` when it is not given.
    - Otherwise `success` is shown and the user goes to `then`.

    `then` and `on_error` are URLs (paths), `success` an already translated text."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        run()
    except ValidationError as error:
        if separate_errors:
            for problem in error.messages:
                messages.error(request, problem)
        else:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(on_error if on_error is not None else then)
    messages.success(request, success)
    return HttpResponseRedirect(then)
