"""Mandate pages: record, change, remove; the list of mandates ending soon."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from digibank.helpdesk import services
from digibank.helpdesk.models import HelpTopic, Mandate

from .conftest import url

pytestmark = pytest.mark.django_db


def _data(**extra):
    today = timezone.localdate()
    data = {
        "kind": "myminfin",
        "holder_name": "Sofie Claes",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=10)).isoformat(),
        "note": "",
    }
    data.update(extra)
    return data


def test_record_and_list(client_for, coordinator, hub, participant):
    client = client_for(coordinator)
    response = client.post(url(hub, "mandate_create", participant_pk=participant.pk), _data())
    assert response.status_code == 302
    mandate = Mandate.objects.get()
    assert mandate.hub == hub
    body = client.get(url(hub, "mandates")).content.decode()
    assert "Sofie Claes" in body
    assert "Fatima El Idrissi" in body
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from digibank.accounts.models import Membership
    from digibank.helpdesk.panels import dashboard_panel

    request = SimpleNamespace(hub=hub, membership=Membership.objects.get(user=coordinator))
    panel = dashboard_panel(request)  # type: ignore[arg-type]
    assert panel is not None
    assert "1 mandate ends within 30 days" in render_to_string(panel.template, panel.context)


def test_refused_note(client_for, coordinator, hub, participant):
    response = client_for(coordinator).post(
        url(hub, "mandate_create", participant_pk=participant.pk), _data(note="code 123456")
    )
    assert response.status_code == 200
    assert "never store passwords, PINs or codes" in response.content.decode()
    assert not Mandate.objects.exists()


def test_edit_and_remove(client_for, coordinator, hub, participant):
    today = timezone.localdate()
    mandate = services.mandate_create(
        actor=coordinator,
        participant=participant,
        values=services.MandateValues(
            kind="other", holder_name="A", starts_on=today, ends_on=today
        ),
    )
    client = client_for(coordinator)
    assert (
        client.post(url(hub, "mandate_edit", pk=mandate.pk), _data(holder_name="B")).status_code
        == 302
    )
    mandate.refresh_from_db()
    assert mandate.holder_name == "B"
    client.post(url(hub, "mandate_edit", pk=mandate.pk), {"remove": "1"})
    assert not Mandate.objects.exists()


def test_digihelper_records_the_mandate_they_helped_set_up(
    client_for, coordinator, digihelper, hub, participant, location
):
    """A digihelper records a mandate (straight from the help they log); changing,
    removing and the hub's list stay with staff."""
    client = client_for(digihelper)
    logged = client.post(
        url(hub, "log"),
        {
            "location": location.pk,
            "topics": [HelpTopic.objects.get(code="burgerprofiel").pk],
            "person_kind": "registered",
            "participant": participant.pk,
            "channel": "walk_in",
            "preferred_language": "nl",
            "to_mandate": "1",
        },
    )
    assert logged.status_code == 302
    assert logged["Location"] == url(hub, "mandate_create", participant_pk=participant.pk)
    page = client.get(logged["Location"])
    assert page.status_code == 200
    response = client.post(
        logged["Location"],
        {
            "kind": "burgerprofiel",
            "holder_name": "Yasmina El Idrissi",
            "starts_on": "2025-03-01",
            "ends_on": "2027-03-01",
        },
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get()
    assert mandate.created_by == digihelper
    assert client.get(url(hub, "mandate_edit", pk=mandate.pk)).status_code == 403
    assert client.get(url(hub, "mandates")).status_code == 403
    listed = client.get(url(hub, "mandate_create", participant_pk=participant.pk))
    assert url(hub, "mandate_edit", pk=mandate.pk) not in listed.content.decode()
    staff_page = client_for(coordinator).get(url(hub, "mandate_edit", pk=mandate.pk))
    assert staff_page.status_code == 200


def test_other_hub_404(client_for, coordinator, hub, other_hub, staff):
    from digibank.people import services as people_services

    stranger = people_services.participant_create(
        actor=staff, hub=other_hub, data={"given_name": "G"}
    )
    assert (
        client_for(coordinator)
        .get(url(hub, "mandate_create", participant_pk=stranger.pk))
        .status_code
        == 404
    )


def test_list_query_count(client_for, coordinator, hub, participant, django_assert_max_num_queries):
    today = timezone.localdate()
    for index in range(32):
        services.mandate_create(
            actor=coordinator,
            participant=participant,
            values=services.MandateValues(
                kind="other",
                holder_name=f"H{index}",
                starts_on=today,
                ends_on=today + timedelta(days=index % 30),
            ),
        )
    client = client_for(coordinator)
    with django_assert_max_num_queries(10):
        assert client.get(url(hub, "mandates")).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            client.get(url(hub, "mandate_create", participant_pk=participant.pk)).status_code == 200
        )


def test_anonymising_a_person_erases_their_help_notes_and_mandate_holders(db, hub, staff):
    from datetime import date, timedelta

    from digibank.helpdesk.models import HelpQuestion, Mandate, MandateKind
    from digibank.people import services as people_services

    person = people_services.participant_create(
        actor=staff, hub=hub, data={"given_name": "Rita", "family_name": "Wouters"}
    )
    Mandate.objects.create(
        hub=hub,
        participant=person,
        kind=MandateKind.MYMINFIN,
        holder_name="Koen Wouters",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=300),
        note="Son does the tax return",
        created_by=staff,
    )
    people_services.participant_anonymise(actor=staff, participant=person)
    mandate = Mandate.objects.get(participant=person)
    assert (mandate.holder_name, mandate.note) == ("", "")
    assert not HelpQuestion.objects.filter(participant=person).exclude(note="").exists()
