"""Quick tally: one tap per help, counts in place with HTMX, complete later or leave
anonymous."""

from __future__ import annotations

import pytest

from digibank.helpdesk.models import HelpQuestion

from .conftest import topic, url

pytestmark = pytest.mark.django_db


def test_tap_counts_a_help(client_for, digihelper, hub, location):
    client = client_for(digihelper)
    response = client.post(url(hub, "tally"), {"topic": "itsme", "location": location.pk})
    assert response.status_code == 302
    question = HelpQuestion.objects.get()
    assert not question.is_complete
    assert [t.code for t in question.topics.all()] == ["itsme"]
    assert question.helper == digihelper


def test_htmx_updates_in_place(client_for, digihelper, hub, location):
    client = client_for(digihelper)
    for _ in range(2):
        response = client.post(
            url(hub, "tally"), {"topic": "ebox", "location": location.pk}, HTTP_HX_REQUEST="true"
        )
    body = response.content.decode()
    assert "<html" not in body
    assert "Counted: eBox." in body
    assert 'data-count="2"' in body


def test_unknown_topic(client_for, digihelper, hub, location):
    response = client_for(digihelper).post(url(hub, "tally"), {"topic": "nope"})
    assert response.status_code == 400
    assert not HelpQuestion.objects.exists()


def test_complete_later(client_for, digihelper, hub, location):
    client = client_for(digihelper)
    client.post(url(hub, "tally"), {"topic": "itsme", "location": location.pk})
    question = HelpQuestion.objects.get()
    assert "To complete" in client.get(url(hub, "tally")).content.decode()
    response = client.post(
        url(hub, "edit", pk=question.pk),
        {
            "location": location.pk,
            "topics": [topic("itsme").pk, topic("csam").pk],
            "person_kind": "anonymous",
            "age_band": "65-79",
            "channel": "phone",
            "duration_minutes": "20",
            "autonomy": "for_them",
            "outcome": "solved",
            "preferred_language": "nl",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.is_complete
    assert question.channel == "phone"
    assert question.age_band == "65-79"
    assert question.topics.count() == 2


def test_leave_anonymous(client_for, digihelper, hub, location):
    client = client_for(digihelper)
    client.post(url(hub, "tally"), {"topic": "itsme", "location": location.pk})
    question = HelpQuestion.objects.get()
    assert client.post(url(hub, "leave_anonymous", pk=question.pk)).status_code == 302
    question.refresh_from_db()
    assert question.is_complete
    assert "Nothing to complete." in client.get(url(hub, "tally")).content.decode()


def test_tally_page_query_count(
    client_for, digihelper, hub, location, django_assert_max_num_queries
):
    client = client_for(digihelper)
    for code in ("itsme", "ebox", "taxes") * 12:
        client.post(url(hub, "tally"), {"topic": code, "location": location.pk})
    with django_assert_max_num_queries(12):
        response = client.get(url(hub, "tally"))
    assert response.content.decode().count("Leave anonymous") == 36
