"""The two-factor gate decides on the route Django will serve, never on the path text:
a SCRIPT_NAME sent by a client must not make a real page count as an open one."""

import runpy
from pathlib import Path

import pytest
from django.urls import reverse
from gunicorn.config import Config
from gunicorn.http.parser import RequestParser
from gunicorn.http.wsgi import create

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def enforced(settings):
    settings.ENFORCE_TWO_FACTOR = True


# Prefixes the gate used to compare request.path with; with SCRIPT_NAME set to one of
# them, request.path starts with it while PATH_INFO still routes the real page.
OPEN_LOOKING_PREFIXES = ["/accounts/login", "/static", "/healthz", "/accounts/two-factor"]


@pytest.mark.parametrize("script_name", OPEN_LOOKING_PREFIXES)
@pytest.mark.parametrize("force_script_name", [None, ""])
def test_a_script_name_header_does_not_open_a_page_without_the_second_factor(
    enforced, settings, client_for, coordinator, hub, script_name, force_script_name
):
    """Also with FORCE_SCRIPT_NAME unset (None: Django then trusts the environ's
    SCRIPT_NAME), the gate holds."""
    settings.FORCE_SCRIPT_NAME = force_script_name
    client = client_for(coordinator)
    dashboard = reverse("network:dashboard", kwargs={"hub": hub.slug})
    response = client.get(dashboard, SCRIPT_NAME=script_name)
    assert response.status_code == 302
    assert response["Location"].partition("?")[0].endswith(reverse("accounts:two_factor"))
    assert hub.name not in response.text


def test_force_script_name_is_empty_by_default_so_the_environ_cannot_set_the_path(settings):
    from django.core.handlers.wsgi import get_script_name

    assert settings.FORCE_SCRIPT_NAME == ""
    assert get_script_name({"SCRIPT_NAME": "/accounts/login", "PATH_INFO": "/h/x/"}) == ""


def test_the_open_views_stay_open_before_the_second_factor(enforced, client_for, coordinator):
    client = client_for(coordinator)
    for name in ("accounts:login", "accounts:two_factor", "accounts:password_reset"):
        assert client.get(reverse(name)).status_code in (200, 302), name
    assert client.get(reverse("accounts:login"))["Location"] != reverse("accounts:two_factor")
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get("/.well-known/security.txt").status_code == 200
    switched = client.post(reverse("set_language"), {"language": "fr", "next": "/accounts/login/"})
    assert switched["Location"] == "/accounts/login/"


def test_the_account_page_is_not_open_before_the_second_factor(enforced, client_for, coordinator):
    response = client_for(coordinator).get(reverse("accounts:account"))
    assert response["Location"].partition("?")[0] == reverse("accounts:two_factor")


def test_a_path_that_routes_nowhere_answers_404_not_a_page(enforced, client_for, coordinator):
    response = client_for(coordinator).get("/static/../h/gent/nothing-here")
    assert response.status_code == 404


def _gunicorn_environ(raw: bytes, *, config_file: Path | None) -> dict:
    """The WSGI environ gunicorn builds for a raw request from the proxy (127.0.0.1)."""
    cfg = Config()
    if config_file is not None:
        for name, value in runpy.run_path(str(config_file)).items():
            if name in cfg.settings:
                cfg.set(name, value)
    peer = ("127.0.0.1", 40000)
    request = next(iter(RequestParser(cfg, iter([raw]), peer)))
    _response, environ = create(request, None, peer, "127.0.0.1:8000", cfg)
    return environ


ATTACK = (
    b"GET /accounts/login/h/gent/ HTTP/1.1\r\n"
    b"Host: digibank.example\r\n"
    b"SCRIPT_NAME: /accounts/login\r\n"
    b"\r\n"
)


def test_our_gunicorn_config_ignores_a_script_name_header():
    environ = _gunicorn_environ(ATTACK, config_file=ROOT / "gunicorn.conf.py")
    assert environ["SCRIPT_NAME"] == ""
    assert environ["PATH_INFO"] == "/accounts/login/h/gent/"
    assert "HTTP_SCRIPT_NAME" not in environ


def test_gunicorn_defaults_would_take_the_header_from_the_proxy():
    """Why the config file matters: without it the header sets SCRIPT_NAME."""
    environ = _gunicorn_environ(ATTACK, config_file=None)
    assert environ["SCRIPT_NAME"] == "/accounts/login"
    assert environ["PATH_INFO"] == "/h/gent/"


def test_the_gate_brings_the_member_back_to_the_page_asked_for(
    enforced, client_for, coordinator, hub
):
    """An invitation or a link in an e-mail opened before the second factor still opens
    once the code is typed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .test_account import token_for

    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    client = client_for(coordinator)
    asked = reverse("network:members", kwargs={"hub": hub.slug}) + "?page=1"
    gate = client.get(asked)["Location"]
    assert gate.partition("?")[0] == reverse("accounts:two_factor")
    confirmed = client.post(gate, {"token": token_for(device)})
    assert confirmed["Location"] == asked
    assert client.get(asked).status_code == 200
