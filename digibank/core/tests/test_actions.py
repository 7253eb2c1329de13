from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from digibank.core.actions import perform


def _request(method: str = "post") -> HttpRequest:
    request = getattr(RequestFactory(), method)("/anything/")
    request._messages = CookieStorage(request)
    return request


def _shown(request: HttpRequest) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in messages.get_messages(request)]


def test_success_shows_the_message_and_redirects():
    request = _request()
    ran: list[bool] = []

    response = perform(request, lambda: ran.append(True), success="Saved.", then="/done/")

    assert ran == [True]
    assert response.status_code == 302
    assert response["Location"] == "/done/"
    assert _shown(request) == [("success", "Saved.")]


def test_a_refusal_shows_the_reasons_as_one_message_and_redirects_to_then():
    request = _request()

    def refuse() -> None:
        raise ValidationError(["It is paid.", "It is late."])

    response = perform(request, refuse, success="Saved.", then="/done/")

    assert response.status_code == 302
    assert response["Location"] == "/done/"
    assert _shown(request) == [("error", "It is paid. It is late.")]


def test_a_refusal_can_lead_elsewhere():
    request = _request()

    def refuse() -> None:
        raise ValidationError("Not now.")

    response = perform(request, refuse, success="Saved.", then="/done/", on_error="/back/")

    assert response["Location"] == "/back/"
    assert _shown(request) == [("error", "Not now.")]


def test_a_refusal_of_fields_shows_every_reason():
    request = _request()

    def refuse() -> None:
        raise ValidationError({"amount": "Too much.", "date": "Too late."})

    perform(request, refuse, success="Saved.", then="/done/")

    assert _shown(request) == [("error", "Too much. Too late.")]


def test_reasons_can_be_shown_one_by_one():
    request = _request()

    def refuse() -> None:
        raise ValidationError(["It is paid.", "It is late."])

    perform(request, refuse, success="Saved.", then="/done/", separate_errors=True)

    assert _shown(request) == [("error", "It is paid."), ("error", "It is late.")]


def test_anything_but_post_answers_405_and_runs_nothing():
    request = _request("get")
    ran: list[bool] = []

    response = perform(request, lambda: ran.append(True), success="Saved.", then="/done/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert ran == []
    assert _shown(request) == []


def test_other_errors_are_not_swallowed():
    request = _request()

    def broken() -> None:
        raise LookupError("bug")

    with pytest.raises(LookupError):
        perform(request, broken, success="Saved.", then="/done/")
    assert _shown(request) == []
