import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import TEST_PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_login_with_right_password_goes_to_the_users_only_hub(client, staff, hub):
    response = sign_in(client, staff.email.upper())
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("network:dashboard", kwargs={"hub": hub.slug})


def test_wrong_password_shows_a_clear_error_in_dutch(client, staff, settings):
    settings.LANGUAGE_CODE = "nl"
    response = sign_in(client, staff.email, "wrong-password")
    assert response.status_code == 200
    assert "error-summary" in response.text
    assert '<html lang="nl"' in response.text


def test_five_wrong_passwords_lock_the_account_for_a_while(client, staff):
    for _ in range(5):
        sign_in(client, staff.email, "wrong-password")
    response = sign_in(client, staff.email)
    assert response.status_code == 429
    assert reverse("accounts:password_reset") in response.text


def test_logout_needs_post_and_ends_the_session(client, staff):
    client.force_login(staff)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_user_with_several_hubs_chooses_where_to_work(client_for, make_user, hub, other_hub):
    user = make_user("staff", hub)
    from digibank.accounts.models import Membership

    Membership.objects.create(user=user, hub=other_hub, role="coordinator")
    response = client_for(user).get(reverse("core:home"))
    assert response.status_code == 200
    assert hub.name in response.text
    assert other_hub.name in response.text


def test_password_reset_sends_a_working_link(client, staff):
    response = client.post(reverse("accounts:password_reset"), {"email": staff.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    found = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a-much-better-passphrase-42"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new_password)


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_login_page_in_each_language(language, db):
    client = Client(headers={"accept-language": language})
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.text
