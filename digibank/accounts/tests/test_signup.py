"""No account without a proven address: applicant sign-up makes an inactive account that
the owner of the address activates through an e-mailed link (choosing the password
there); the answer on screen is the same whether or not the address has an account; the
mail goes out from the task worker; links work once and expire; and sign-up is limited
per IP and per address."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import TEST_PASSWORD
from digibank.accounts.models import User
from digibank.accounts.throttle import SIGNUP_LIMITS
from digibank.funding.models import Applicant
from digibank.funding.tests.factories import enterprise_number

from .conftest import link_in_mail

pytestmark = pytest.mark.django_db

REGISTER = reverse("funding_applications:register")
APPLY = reverse("funding_applications:list")
ACTIVATE = "/accounts/activate/"
NEW_PASSWORD = "een-lang-en-goed-wachtwoord"


def sign_up(
    client: Client, email: str, number: int = 7000001, name: str = "Vzw Digitaal", **extra: Any
) -> Any:
    data = {
        "full_name": "Rita Register",
        "email": email,
        "enterprise_number": enterprise_number(number),
        "organisation_name": name,
        "organisation_kind": "civil_society",
    }
    return client.post(REGISTER, data, **extra)


def page_text(response: Any) -> str:
    """The page without what changes on every response (CSP nonce, CSRF token)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.text)


def choose_password(client: Client, link: str) -> Any:
    return client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_a_new_account_is_inactive_and_holds_nothing_until_activated(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, "Rita@Example.org")
    assert response["Location"] == reverse("accounts:check_mailbox")
    user = User.objects.get(email="rita@example.org")
    assert user.awaits_activation
    assert not user.has_usable_password()
    # Not signed in, and it cannot be: no password, and an inactive account's session
    # is refused, so its organisation link opens nothing.
    assert client.get(APPLY)["Location"].startswith(reverse("accounts:login"))
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get(APPLY)["Location"].startswith(reverse("accounts:login"))

    link = link_in_mail("rita@example.org", ACTIVATE)
    page = client.get(link)
    assert page.status_code == 200
    assert "rita@example.org" in page.text
    assert choose_password(client, link)["Location"] == APPLY
    user.refresh_from_db()
    assert user.is_active
    assert user.activated_at is not None
    assert user.check_password(NEW_PASSWORD)
    assert "Vzw Digitaal" in client.get(APPLY).text


def test_the_same_answer_whether_or_not_the_address_has_an_account(
    client: Client,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = make_user(email="known@example.org", full_name="Karel Known")
    with django_capture_on_commit_callbacks(execute=True):
        known = sign_up(client, "KNOWN@example.org", number=7000002, name="Vzw Kaper")
        new = sign_up(client, "new@example.org", number=7000003)
    assert known.status_code == new.status_code == 302
    assert known["Location"] == new["Location"] == reverse("accounts:check_mailbox")
    assert page_text(client.get(known["Location"])) == page_text(client.get(new["Location"]))
    # The owner is told by e-mail; their account and password are untouched, and the
    # organisation typed by whoever used their address was not made.
    notice = [message for message in mail.outbox if message.to == ["known@example.org"]]
    assert len(notice) == 1
    assert notice[0].subject == "Je hebt al een digibank-account"  # in the owner's language
    assert reverse("accounts:password_reset") in notice[0].body
    owner.refresh_from_db()
    assert owner.check_password(TEST_PASSWORD)
    assert owner.full_name == "Karel Known"
    assert not Applicant.objects.filter(user=owner).exists()
    assert User.objects.filter(email__iexact="known@example.org").count() == 1


def test_mail_is_sent_by_the_task_worker_not_in_the_request(
    client: Client,
    task_worker: Callable[[], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "queued@example.org")
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="digibank.accounts.tasks.send_activation").exists()
    task_worker()
    assert [message.to for message in mail.outbox] == [["queued@example.org"]]
    assert choose_password(client, link_in_mail("queued@example.org", ACTIVATE)).status_code == 302


def test_a_link_works_once_and_a_used_or_old_one_offers_a_new_one(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "once@example.org")
    link = link_in_mail("once@example.org", ACTIVATE)
    assert choose_password(client, link).status_code == 302
    again = Client().get(link)
    assert again.status_code == 200
    assert "does not work any more" in again.text
    assert f'action="{reverse("accounts:activation_resend")}"' in again.text

    client = Client()  # signed out again
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "late@example.org", number=7000004)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is too old now
    late = link_in_mail("late@example.org", ACTIVATE)
    assert "does not work any more" in client.get(late).text
    assert "does not work any more" in choose_password(client, late).text
    assert User.objects.get(email="late@example.org").awaits_activation

    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    mail.outbox.clear()
    resend = client.post(reverse("accounts:activation_resend"), {"email": "late@example.org"})
    assert resend["Location"] == reverse("accounts:check_mailbox")
    assert choose_password(client, link_in_mail("late@example.org", ACTIVATE)).status_code == 302
    assert User.objects.get(email="late@example.org").is_active


def test_whoever_signed_up_first_with_an_address_gains_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    attacker, owner = Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(attacker, "victim@example.org", number=7000005, name="Vzw Kaper")
    squatted_link = link_in_mail("victim@example.org", ACTIVATE)
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(owner, "victim@example.org", number=7000006, name="Vzw Echt")
    assert response["Location"] == reverse("accounts:check_mailbox")
    own_link = link_in_mail("victim@example.org", ACTIVATE)
    assert own_link != squatted_link
    assert "does not work any more" in owner.get(squatted_link).text
    assert choose_password(owner, own_link).status_code == 302
    user = User.objects.get(email="victim@example.org")
    names = set(Applicant.objects.filter(user=user).values_list("organisation__name", flat=True))
    assert names == {"Vzw Echt"}


def test_sign_up_is_limited_per_address_whether_or_not_it_exists(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.LANGUAGE_CODE = "nl"
    make_user(email="known@example.org")
    for address in ("known@example.org", "unknown@example.org"):
        client = Client()
        answers = [
            sign_up(client, address, number=7100000 + n, REMOTE_ADDR=f"192.0.2.{n}").status_code
            for n in range(SIGNUP_LIMITS["email"] + 1)
        ]
        assert answers == [302] * SIGNUP_LIMITS["email"] + [429]
    over = sign_up(Client(), "known@example.org", number=7200001, REMOTE_ADDR="192.0.2.99")
    assert over.status_code == 429
    assert int(over["Retry-After"]) > 0
    assert '<html lang="nl"' in over.text
    unknown = sign_up(Client(), "unknown@example.org", number=7200002, REMOTE_ADDR="192.0.2.98")
    assert page_text(unknown) == page_text(over)  # nothing tells the two addresses apart


def test_sign_up_is_limited_per_ip_across_addresses(client: Client) -> None:
    answers = [
        sign_up(client, f"person{n}@example.org", number=7300000 + n).status_code
        for n in range(SIGNUP_LIMITS["ip"] + 1)
    ]
    assert answers == [302] * SIGNUP_LIMITS["ip"] + [429]
    other_ip = sign_up(Client(REMOTE_ADDR="198.51.100.20"), "fresh@example.org", number=7400001)
    assert other_ip.status_code == 302
