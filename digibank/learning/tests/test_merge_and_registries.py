"""Merging two records moves enrolments; the dashboard panel, hub figures and timeline."""

from __future__ import annotations

from typing import Any

import pytest

from digibank.accounts.models import User
from digibank.learning import panels, queries, services
from digibank.learning.models import Enrolment, Offer
from digibank.network.models import Hub
from digibank.people import services as people_services
from digibank.people.timeline import timeline_for

from .conftest import MakeParticipant, MakeSession

pytestmark = pytest.mark.django_db


def test_merge_moves_enrolments_and_keeps_the_better_place(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User, coordinator: User
) -> None:
    shared, only_source = make_session(capacity=1, held=True), make_session(held=True)
    source, target = make_participant(), make_participant()
    kept = services.enrolment_create(actor=staff, session=shared, participant=source)
    dropped = services.enrolment_create(actor=staff, session=shared, participant=target)  # waiting
    services.attendance_record(
        actor=coordinator, meeting=shared.meetings.get(), enrolment=kept, status="present"
    )
    moved = services.enrolment_create(actor=staff, session=only_source, participant=source)
    people_services.participant_merge(actor=coordinator, source=source, target=target)
    kept.refresh_from_db()
    dropped.refresh_from_db()
    moved.refresh_from_db()
    assert kept.participant == target
    assert kept.status == "enrolled"
    assert dropped.status == "cancelled"
    assert moved.participant == target
    assert not Enrolment.objects.filter(participant=source).exists()
    assert not Offer.objects.exists()
    shared.refresh_from_db()
    assert shared.seats_taken == 1


def test_merge_of_two_seats_frees_one_for_the_waiting_list(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User, coordinator: User
) -> None:
    session = make_session(capacity=2)
    source, target, third = make_participant(), make_participant(), make_participant()
    services.enrolment_create(actor=staff, session=session, participant=source)
    services.enrolment_create(actor=staff, session=session, participant=target)
    waiting = services.enrolment_create(actor=staff, session=session, participant=third)
    people_services.participant_merge(actor=coordinator, source=source, target=target)
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    assert Enrolment.objects.filter(participant=target, status="enrolled").count() == 1


def test_hub_figures_and_timeline(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    trainer: User,
    hub: Hub,
    other_hub: Hub,
    django_assert_max_num_queries,
) -> None:
    session = make_session(meetings=2, held=True)
    person = make_participant()
    enrolment = services.enrolment_create(actor=staff, session=session, participant=person)
    for meeting in session.meetings.all():
        services.attendance_record(
            actor=trainer, meeting=meeting, enrolment=enrolment, status="present"
        )
    services.certificate_issue(actor=trainer, enrolment=enrolment)
    with django_assert_max_num_queries(2):
        figures = panels.hub_figures([hub.pk, other_hub.pk])
    assert figures[hub.pk][panels.ENROLMENTS_FIGURE] == 1
    assert figures[hub.pk][panels.HOURS_FIGURE] == 4
    assert figures[other_hub.pk][panels.ENROLMENTS_FIGURE] == 0
    with django_assert_max_num_queries(3):
        items = queries.learning_timeline(person, 20)
    titles = [str(item.title) for item in items]
    assert "Enrolled in a course" in titles
    assert "Came to a course meeting" in titles
    assert "Certificate of participation" in titles
    assert any(str(item.title) == "Certificate of participation" for item in timeline_for(person))


def test_dashboard_panel_and_navigation(
    client_for: Any,
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    hub: Hub,
    make_user: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from datetime import datetime, timedelta

    from django.urls import reverse
    from django.utils import timezone

    session = make_session(capacity=3)
    now = timezone.localtime()
    monday = now.date() - timedelta(days=now.weekday())
    start = datetime(monday.year, monday.month, monday.day, 23, tzinfo=now.tzinfo)
    start += timedelta(days=3)
    services.meeting_add(
        actor=staff,
        session=session,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        online_url="https://meet.example.org/a",
    )
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    client = client_for(staff)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("network:dashboard", kwargs={"hub": hub.slug})).content.decode()
    assert "Courses this week" in page
    assert "2\n  free seats in them" in page or "free seats in them" in page
    assert f'href="/h/{hub.slug}/learning/"' in page
    viewer = client_for(make_user("partner_viewer", hub))
    page = viewer.get(reverse("network:dashboard", kwargs={"hub": hub.slug})).content.decode()
    assert "Courses this week" not in page
