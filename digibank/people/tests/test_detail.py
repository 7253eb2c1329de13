"""The participant's page: summary, target groups, consents and a timeline that other
apps fill; every view is journaled; anonymised and merged records are handled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_for_subject
from digibank.people import services, timeline
from digibank.people.models import ConsentPurpose
from digibank.people.registry import provider_count
from digibank.people.timeline import TimelineItem

from .conftest import people_url


@pytest.fixture
def jan(make_participant):
    return make_participant(
        given_name="Jan",
        family_name="Peeters",
        phone="0470 12 34 56",
        email="jan@example.be",
        birth_year=1956,
        gender="man",
        postcode="9000",
        target_groups=("senior", "low_income"),
        consent_given=True,
    )


def test_the_page_shows_the_person(client_for, staff, hub, jan):
    response = client_for(staff).get(people_url(hub, "detail", pk=jan.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "<h1>Jan Peeters</h1>",
        "0470 12 34 56",
        "jan@example.be",
        "1956",
        "9000 Gent",
        '<li class="tag">Senior</li>',
        '<li class="tag">Low income or increased allowance</li>',
        "Keeping my data to help me",
        'class="timeline"',
        "Registered",
        "Consent recorded",
    ):
        assert text in page, text


def test_every_view_is_journaled(client_for, staff, hub, jan):
    client = client_for(staff)
    client.get(people_url(hub, "detail", pk=jan.pk))
    client.get(people_url(hub, "detail", pk=jan.pk))
    views = journal_for_subject(jan).filter(action="participant.view")
    assert views.count() == 2
    assert {entry.actor for entry in views} == {staff}
    assert {entry.hub_id for entry in views} == {hub.pk}


def test_what_each_role_may_do_is_offered(client_for, make_user, coordinator, hub, jan):
    page = client_for(coordinator).get(people_url(hub, "detail", pk=jan.pk)).content.decode()
    for name in ("edit", "merge", "anonymise", "journal"):
        assert people_url(hub, name, pk=jan.pk) in page
    trainer = make_user(HubRole.TRAINER, hub)
    page = client_for(trainer).get(people_url(hub, "detail", pk=jan.pk)).content.decode()
    for name in ("edit", "merge", "anonymise", "journal", "consent_add"):
        assert people_url(hub, name, pk=jan.pk) not in page


def test_another_hubs_person_is_not_found(client_for, make_user, other_hub, hub, jan):
    outsider = make_user(HubRole.COORDINATOR, other_hub)
    client = client_for(outsider)
    assert client.get(people_url(hub, "detail", pk=jan.pk)).status_code == 404
    assert client.get(people_url(other_hub, "detail", pk=jan.pk)).status_code == 404
    assert not journal_for_subject(jan).filter(action="participant.view").exists()


@pytest.mark.parametrize("pk", [999999, 2**63, 10**30])
def test_unknown_ids_answer_404(client_for, staff, hub, pk):
    assert client_for(staff).get(people_url(hub, "detail", pk=pk)).status_code == 404


def test_an_anonymised_person_shows_no_personal_data(client_for, coordinator, hub, jan):
    services.participant_anonymise(actor=coordinator, participant=jan)
    page = client_for(coordinator).get(people_url(hub, "detail", pk=jan.pk)).content.decode()
    assert f"Anonymised person #{jan.pk}" in page
    for text in ("Jan", "Peeters", "0470", "jan@example.be", "9000", "1956"):
        assert text not in page.split("<main")[1], text
    assert people_url(hub, "edit", pk=jan.pk) not in page


def test_a_merged_record_leads_to_the_surviving_one(
    client_for, coordinator, hub, jan, make_participant
):
    duplicate = make_participant(given_name="Jan", family_name="Peters")
    services.participant_merge(actor=coordinator, source=duplicate, target=jan)
    response = client_for(coordinator).get(people_url(hub, "detail", pk=duplicate.pk))
    assert response.status_code == 302
    assert response["Location"] == people_url(hub, "detail", pk=jan.pk)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"Record #{duplicate.pk} was merged into this record."]


def test_other_apps_fill_the_timeline(client_for, staff, hub, jan, monkeypatch):
    def loans(participant, limit):
        assert limit == 20
        return [
            TimelineItem(
                when=timezone.now() + timedelta(minutes=1),
                title="Laptop lent",
                detail="Until 30 June",
                url="/loans/1/",
            )
        ]

    monkeypatch.setattr(timeline, "_providers", [*timeline._providers])
    timeline.register_timeline_provider(loans)
    page = client_for(staff).get(people_url(hub, "detail", pk=jan.pk)).content.decode()
    assert '<a href="/loans/1/">Laptop lent</a>' in page
    assert page.index("Laptop lent") < page.index("Consent recorded")


def test_timeline_keeps_the_newest_items_only(hub, jan, staff):
    for _ in range(30):
        services.participant_update(
            actor=staff,
            participant=jan,
            data={**{f: getattr(jan, f) for f in services.PERSONAL_FIELDS}, "gender": "x"},
            target_groups=(),
        )
        services.participant_update(
            actor=staff,
            participant=jan,
            data={**{f: getattr(jan, f) for f in services.PERSONAL_FIELDS}, "gender": "man"},
            target_groups=(),
        )
    items = timeline.timeline_for(jan, limit=20)
    assert len(items) == 20
    assert items == sorted(items, key=lambda item: item.when, reverse=True)


def test_the_page_query_count_does_not_grow_with_the_history(
    client_for, coordinator, hub, jan, django_assert_max_num_queries
):
    client = client_for(coordinator)
    url = people_url(hub, "detail", pk=jan.pk)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    few = count_queries()
    for _ in range(20):
        consent = services.consent_record(
            actor=coordinator, participant=jan, purpose=ConsentPurpose.PHOTOS
        )
        services.consent_withdraw(actor=coordinator, consent=consent)
    for _ in range(20):
        client.get(url)  # 20 more journal rows
    assert count_queries() == few
    # 13 of its own, and a fixed one or two for each app that adds to the page.
    with django_assert_max_num_queries(13 + 2 * provider_count()):
        client.get(url)
