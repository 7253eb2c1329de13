"""Throttling that works behind a proxy: the client's address from X-Forwarded-For as
written by our own proxies (spoofed entries ignored); nobody can lock someone else out
from the victim's own address; spraying passwords over many usernames from one address
is slowed with growing delays; password reset is limited and mailed by the worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import TEST_PASSWORD
from digibank.accounts.models import RateCounter, User
from digibank.accounts.throttle import FREE_FAILURES_PER_IP, RESET_LIMITS, client_ip

from .conftest import link_in_mail

LOGIN = reverse("accounts:login")
PROXY = "10.0.0.1"


def behind_proxy(client_address: str, spoofed: str = "") -> Client:
    """A browser at `client_address` reaching us through one reverse proxy, which appends
    the address it saw to whatever X-Forwarded-For the browser sent."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(LOGIN, {"username": email, "password": password})


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", PROXY),  # no trusted proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # spoofed leftmost entry ignored
        (1, "1.2.3.4,203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", PROXY),  # did not pass through both proxies
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_from_trusted_proxies(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_django_axes_uses_the_same_client_address(settings: Any) -> None:
    assert settings.AXES_CLIENT_IP_CALLABLE == "digibank.accounts.throttle.client_ip"


@pytest.mark.django_db
def test_a_third_party_cannot_lock_the_victim_out(settings: Any, staff: User) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = behind_proxy("198.51.100.7", spoofed="203.0.113.5")  # pretends to be the victim
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(attacker, staff.email, "wrong-password")
    assert sign_in(attacker, staff.email, TEST_PASSWORD).status_code == 429
    victim = behind_proxy("203.0.113.5")
    response = sign_in(victim, staff.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] != LOGIN


@pytest.mark.django_db
def test_spraying_many_usernames_from_one_address_is_slowed(
    settings: Any, make_user: Callable[..., User]
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    sprayer = behind_proxy("198.51.100.66")
    for number in range(FREE_FAILURES_PER_IP):
        assert sign_in(sprayer, f"guess{number}@example.org", "Winter2026!").status_code == 200
    refused = sign_in(sprayer, "guess-next@example.org", "Winter2026!")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    # Refused without checking the password, even a right one for a real account.
    real = make_user(email="real@example.org")
    assert sign_in(sprayer, real.email, TEST_PASSWORD).status_code == 429
    # Someone at another address signs in as usual.
    assert sign_in(behind_proxy("203.0.113.5"), real.email, TEST_PASSWORD).status_code == 302

    # Once the wait is over one more try is allowed; each failure doubles the next wait.
    waits = []
    for _ in range(3):
        RateCounter.objects.filter(key__startswith="login-failure:").update(
            last_at=RateCounter.objects.get(key__startswith="login-failure:").last_at
            - timedelta(minutes=10)
        )
        assert sign_in(sprayer, "guess-again@example.org", "Winter2026!").status_code == 200
        waits.append(int(sign_in(sprayer, "x@example.org", "Winter2026!")["Retry-After"]))
    assert waits[0] < waits[1] < waits[2]


@pytest.mark.django_db
def test_password_reset_mail_is_sent_by_the_task_worker(
    staff: User, task_worker: Callable[[], None]
) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": staff.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    task_worker()
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert link_in_mail(staff.email, "/accounts/password-reset/")


@pytest.mark.django_db
def test_password_reset_is_limited_per_address_and_per_ip(staff: User, settings: Any) -> None:
    settings.LANGUAGE_CODE = "fr"
    for address in (staff.email, "nobody@example.org"):
        answers = [
            Client(REMOTE_ADDR=f"192.0.2.{n}")
            .post(reverse("accounts:password_reset"), {"email": address})
            .status_code
            for n in range(RESET_LIMITS["email"] + 1)
        ]
        assert answers == [302] * RESET_LIMITS["email"] + [429]
    assert len(mail.outbox) == RESET_LIMITS["email"]
    one_ip = Client(REMOTE_ADDR="198.51.100.30")
    answers = [
        one_ip.post(reverse("accounts:password_reset"), {"email": f"p{n}@example.org"}).status_code
        for n in range(RESET_LIMITS["ip"] + 1)
    ]
    assert answers == [302] * RESET_LIMITS["ip"] + [429]
    over = one_ip.post(reverse("accounts:password_reset"), {"email": staff.email})
    assert over.status_code == 429
    assert '<html lang="fr"' in over.text


@pytest.mark.django_db
def test_old_counters_are_forgotten_daily(client: Client) -> None:
    from digibank.accounts import tasks
    from digibank.core.schedule import DAILY_TASKS

    assert tasks.forget_old_rate_counters in DAILY_TASKS
    sign_in(client, "someone@example.org", "wrong-password")
    RateCounter.objects.update(last_at=F("last_at") - timedelta(days=2))
    sign_in(Client(REMOTE_ADDR="192.0.2.77"), "someone@example.org", "wrong-password")
    tasks.forget_old_rate_counters.call()
    assert list(RateCounter.objects.values_list("key", flat=True)) == [
        "login-failure:ip:192.0.2.77"
    ]
