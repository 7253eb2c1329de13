"""Session pages: planning, the list, the page with its enrolments, enrolling until full
and onto the waiting list, freeing a seat and the offer, cancelling."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.learning import services
from digibank.learning.models import Course, Enrolment, Offer, Session
from digibank.network.models import Hub, Location

from .conftest import MakeParticipant, MakeSession, learning_url, meeting_times

pytestmark = pytest.mark.django_db


def test_plan_a_session(
    client_for: Callable[[User], Client],
    staff: User,
    trainer: User,
    hub: Hub,
    course: Course,
    location: Location,
) -> None:
    when = meeting_times(5)["starts_at"]
    response = client_for(staff).post(
        learning_url(hub, "session_create") + f"?course={course.pk}",
        {
            "course": course.pk,
            "capacity": "8",
            "trainers": [trainer.pk],
            "offer_hours": "24",
            "date": when.date().isoformat(),
            "start": "14:00",
            "end": "16:00",
            "location": location.pk,
        },
    )
    session = Session.objects.get()
    assert response["Location"] == learning_url(hub, "session", pk=session.pk)
    assert (session.capacity, session.offer_hours) == (8, 24)
    assert list(session.trainers.all()) == [trainer]
    assert session.meetings.get().starts_at == when


def test_plan_a_session_errors(
    client_for: Callable[[User], Client], staff: User, hub: Hub, course: Course
) -> None:
    response = client_for(staff).post(
        learning_url(hub, "session_create") + f"?course={course.pk}",
        {"capacity": "0", "date": "2026-13-01", "start": "16:00", "end": "14:00"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Session.objects.exists()
    assert client_for(staff).get(learning_url(hub, "session_create")).status_code == 404
    assert (
        client_for(staff).get(learning_url(hub, "session_create") + "?course=999999").status_code
        == 404
    )


def test_enrol_until_full_then_waiting_list_then_offer(
    client_for: Callable[[User], Client],
    digihelper: User,
    staff: User,
    hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
    django_capture_on_commit_callbacks,
) -> None:
    session = make_session(capacity=1)
    first, second = make_participant(given_name="Ada"), make_participant(given_name="Bert")
    client = client_for(digihelper)
    search = client.get(learning_url(hub, "enrol", pk=session.pk), {"q": "Ada"}).content.decode()
    assert "Ada Peeters" in search
    partial = client.get(
        learning_url(hub, "enrol", pk=session.pk), {"q": "Ada"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial
    assert "Ada Peeters" in partial
    client.post(learning_url(hub, "enrol", pk=session.pk), {"participant": first.pk})
    response = client.post(
        learning_url(hub, "enrol", pk=session.pk), {"participant": second.pk}, follow=True
    )
    assert "is on the waiting list" in response.content.decode()
    page = client.get(learning_url(hub, "session", pk=session.pk)).content.decode()
    assert "Waiting list (1)" in page
    seated = Enrolment.objects.get(participant=first)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(learning_url(hub, "enrolment_cancel", pk=seated.pk))
    page = client.get(learning_url(hub, "session", pk=session.pk)).content.decode()
    assert "Offered a freed seat" in page
    assert "Takes the seat" in page
    offer = Offer.objects.get()
    client.post(learning_url(hub, "offer_accept", pk=offer.pk))
    assert Enrolment.objects.get(participant=second).status == "enrolled"
    again = client.post(learning_url(hub, "offer_accept", pk=offer.pk), follow=True)
    assert "no longer open" in again.content.decode()
    assert any("plaats vrij" in message.subject for message in mail.outbox)  # in Dutch


def test_enrol_refuses_another_hubs_person(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    other_hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
) -> None:
    stranger = make_participant(hub=other_hub)
    response = client_for(staff).post(
        learning_url(hub, "enrol", pk=make_session().pk), {"participant": stranger.pk}
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_cancel_the_session(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
    django_capture_on_commit_callbacks,
) -> None:
    session = make_session()
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    mail.outbox.clear()
    client = client_for(staff)
    assert client.get(learning_url(hub, "session_cancel", pk=session.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(learning_url(hub, "session_cancel", pk=session.pk), {"reason": "Room flooded"})
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("role", "view", "manage", "enrol"),
    [
        (HubRole.TRAINER, 200, 403, 200),
        (HubRole.DIGIHELPER, 200, 403, 200),
        (HubRole.PARTNER_VIEWER, 403, 403, 403),
    ],
)
def test_permissions_per_role(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    hub: Hub,
    make_session: MakeSession,
    role: str,
    view: int,
    manage: int,
    enrol: int,
) -> None:
    session = make_session()
    client = client_for(make_user(role, hub))
    assert client.get(learning_url(hub, "sessions")).status_code == view
    assert client.get(learning_url(hub, "session", pk=session.pk)).status_code == view
    assert client.get(learning_url(hub, "session_edit", pk=session.pk)).status_code == manage
    assert client.get(learning_url(hub, "enrol", pk=session.pk)).status_code == enrol


def test_another_hubs_session_is_not_found(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    other_hub: Hub,
    make_session: MakeSession,
) -> None:
    session = make_session()
    client = client_for(make_user(HubRole.COORDINATOR, other_hub))
    for name in ("session", "session_edit", "session_cancel", "enrol", "meeting_add"):
        assert client.get(learning_url(other_hub, name, pk=session.pk)).status_code == 404
    meeting = session.meetings.get()
    assert client.get(learning_url(other_hub, "attendance", pk=meeting.pk)).status_code == 404
    assert client.get(learning_url(other_hub, "session", pk=2**64)).status_code == 404


def test_session_list_and_detail_query_counts(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
    django_assert_max_num_queries,
) -> None:
    sessions = [make_session(capacity=30) for _ in range(32)]
    session = sessions[0]
    for _ in range(35):
        services.enrolment_create(actor=staff, session=session, participant=make_participant())
    first = Enrolment.objects.filter(session=session).first()
    assert first is not None
    services.enrolment_cancel(actor=staff, enrolment=first)
    client = client_for(staff)
    with django_assert_max_num_queries(10):
        assert client.get(learning_url(hub, "sessions")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(learning_url(hub, "sessions") + "?show=").status_code == 200
    with django_assert_max_num_queries(16):
        page = client.get(learning_url(hub, "session", pk=session.pk))
    assert "Waiting list (4)" in page.content.decode()
    with django_assert_max_num_queries(12):
        assert client.get(learning_url(hub, "course", pk=session.course_id)).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            client.get(learning_url(hub, "enrol", pk=session.pk), {"q": "Peeters"}).status_code
            == 200
        )
