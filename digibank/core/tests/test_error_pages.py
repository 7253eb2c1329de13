"""Error pages speak plainly, in the user's language, and say what to do next."""

from django.test import Client, RequestFactory
from django.views.defaults import server_error


def test_unknown_page_answers_404_with_a_way_back(client_for, staff):
    response = client_for(staff).get("/h/nowhere/people/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'href="/"' in response.text


def test_missing_permission_answers_403_in_plain_words(client_for, staff, hub):
    response = client_for(staff).get(f"/h/{hub.slug}/team/")
    assert response.status_code == 403
    assert "Ask your coordinator" in response.text


def test_a_form_without_csrf_token_gets_a_clear_page(staff, hub):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(f"/h/{hub.slug}/people/new/", {"given_name": "Jan"})
    assert response.status_code == 403
    assert "send the form again" in response.text


def test_server_error_page_needs_no_database_and_speaks_three_languages(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis" in body
    assert "Une erreur s'est produite" in body
    assert "Something went wrong" in body
