"""/.well-known/security.txt (RFC 9116) says where to report a vulnerability."""

from datetime import datetime, timedelta

from django.utils import timezone


def fields(text: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in text.splitlines() if line)


def test_security_txt_names_a_contact_and_expires_within_a_year(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@digibank.example"
    settings.SECURITY_POLICY_URL = "https://digibank.example/security-policy"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    found = fields(response.text)
    assert found["Contact"] == "mailto:security@digibank.example"
    assert found["Preferred-Languages"] == "nl, fr, en"
    assert found["Canonical"] == "http://testserver/.well-known/security.txt"
    assert found["Policy"] == "https://digibank.example/security-policy"
    expires = datetime.fromisoformat(found["Expires"])
    assert timezone.now() < expires < timezone.now() + timedelta(days=365)
    assert found["Expires"].endswith("Z")


def test_by_default_the_contact_is_the_sites_security_mailbox(client, settings):
    settings.SECURITY_CONTACT = ""
    settings.SECURITY_POLICY_URL = ""
    settings.ALLOWED_HOSTS = ["digibank.example"]
    response = client.get("/.well-known/security.txt", HTTP_HOST="digibank.example:8443")
    found = fields(response.text)
    assert found["Contact"] == "mailto:security@digibank.example"
    assert "Policy" not in found


def test_security_txt_is_open_to_a_user_without_the_second_factor(
    client_for, coordinator, settings
):
    settings.ENFORCE_TWO_FACTOR = True
    assert client_for(coordinator).get("/.well-known/security.txt").status_code == 200
