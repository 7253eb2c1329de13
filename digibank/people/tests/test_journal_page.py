"""Coordinators read a participant's journal, page by page; others may not."""

from __future__ import annotations

from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_write

from .conftest import people_url


def test_a_coordinator_reads_the_journal(client_for, coordinator, staff, hub, make_participant):
    jan = make_participant(given_name="Jan", family_name="Peeters")
    client_for(staff).get(people_url(hub, "detail", pk=jan.pk))
    response = client_for(coordinator).get(people_url(hub, "journal", pk=jan.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Journal of Jan Peeters" in page
    assert "Record viewed" in page
    assert "Registered" in page
    assert "Sam Staff" in page
    assert "Given: given name, family name" in page


def test_the_system_is_named_for_automatic_changes(client_for, coordinator, hub, make_participant):
    jan = make_participant(given_name="Jan")
    journal_write(
        actor=None,
        action="participant.anonymise",
        subject=jan,
        hub_id=hub.pk,
        details={"reason": "retention"},
    )
    page = client_for(coordinator).get(people_url(hub, "journal", pk=jan.pk)).content.decode()
    assert "The system" in page
    assert "Not seen for a long time" in page


def test_only_journal_readers_get_in(client_for, make_user, staff, hub, make_participant):
    jan = make_participant(given_name="Jan")
    assert client_for(staff).get(people_url(hub, "journal", pk=jan.pk)).status_code == 403
    helper = make_user(HubRole.DIGIHELPER, hub)
    assert client_for(helper).get(people_url(hub, "journal", pk=jan.pk)).status_code == 403


def test_the_journal_is_paginated_with_bounded_queries(
    client_for, coordinator, hub, make_participant, django_assert_max_num_queries
):
    jan = make_participant(given_name="Jan")
    for _ in range(60):
        journal_write(actor=coordinator, action="participant.view", subject=jan, hub_id=hub.pk)
    client = client_for(coordinator)
    # 8: the page, its records merged into this one, and the line saying it was read.
    with django_assert_max_num_queries(8):
        response = client.get(people_url(hub, "journal", pk=jan.pk))
    assert response.content.decode().count("Record viewed") == 25
    assert "Page 1 of 3" in response.content.decode()
    with django_assert_max_num_queries(8):
        assert client.get(people_url(hub, "journal", pk=jan.pk), {"page": 3}).status_code == 200


def test_after_anonymising_the_journal_keeps_the_lines_but_no_personal_text(
    client_for, coordinator, hub, make_participant
):
    """Read and search lines name the person by id only (never the search terms), so
    anonymising leaves a complete journal without anything that identifies them."""
    from digibank.core.models import JournalEntry
    from digibank.people import services

    jan = make_participant(given_name="Jantine", family_name="Peeterszoon")
    client = client_for(coordinator)
    client.get(people_url(hub, "detail", pk=jan.pk))
    client.get(people_url(hub, "list"), {"q": "Peeterszoon"})
    services.participant_anonymise(actor=coordinator, participant=jan)
    page = client.get(people_url(hub, "journal", pk=jan.pk)).content.decode()
    for label in ("Registered", "Record viewed", "Anonymised"):
        assert label in page
    lines = JournalEntry.objects.filter(hub_id=hub.pk)
    assert lines.filter(participant_id=jan.pk, action="participant.view").exists()
    search = lines.get(action="participant.search")
    assert search.details == {"page": "people:list", "results": 1}
    stored = " ".join(str(line.details) for line in lines)
    assert "Jantine" not in stored
    assert "Peeterszoon" not in stored
