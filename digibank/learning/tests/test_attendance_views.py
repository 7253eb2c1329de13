"""The tablet attendance list (without and with HTMX), the sheet PDF and certificates."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.learning import services
from digibank.learning.models import Attendance, Certificate
from digibank.network.models import Hub

from .conftest import MakeParticipant, MakeSession, learning_url

pytestmark = pytest.mark.django_db


def test_one_tap_per_person_without_javascript(
    client_for: Callable[[User], Client],
    trainer: User,
    staff: User,
    hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
) -> None:
    session = make_session(held=True)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    meeting = session.meetings.get()
    client = client_for(trainer)
    url = learning_url(hub, "attendance", pk=meeting.pk)
    assert "Not marked" in client.get(url).content.decode()
    response = client.post(url, {"enrolment": enrolment.pk, "status": "present"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}#row-{enrolment.pk}"
    assert Attendance.objects.get().status == "present"
    bad = client.post(url, {"enrolment": enrolment.pk, "status": "maybe"}, follow=True)
    assert "Choose present or absent" in bad.content.decode()


def test_htmx_swaps_the_row(
    client_for: Callable[[User], Client],
    trainer: User,
    staff: User,
    hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
) -> None:
    session = make_session(held=True)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    url = learning_url(hub, "attendance", pk=session.meetings.get().pk)
    response = client_for(trainer).post(
        url, {"enrolment": enrolment.pk, "status": "absent"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith(f'<li id="row-{enrolment.pk}"')
    assert 'value="absent" aria-pressed="true"' in body


def test_another_hubs_enrolment_is_not_found(
    client_for: Callable[[User], Client],
    trainer: User,
    staff: User,
    hub: Hub,
    other_hub: Hub,
    make_user: Callable[..., User],
    make_session: MakeSession,
    make_participant: MakeParticipant,
) -> None:
    session = make_session(held=True)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    client = client_for(make_user(HubRole.TRAINER, other_hub))
    assert client.get(learning_url(other_hub, "certificate", pk=enrolment.pk)).status_code == 404
    assert (
        client.post(learning_url(other_hub, "enrolment_cancel", pk=enrolment.pk)).status_code == 404
    )


def test_attendance_sheet_pdf(
    client_for: Callable[[User], Client],
    trainer: User,
    staff: User,
    hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
) -> None:
    session = make_session(held=True)
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    response = client_for(trainer).get(
        learning_url(hub, "attendance_sheet", pk=session.meetings.get().pk)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_certificate_pdf_or_a_clear_reason(
    client_for: Callable[[User], Client],
    trainer: User,
    staff: User,
    hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
) -> None:
    session = make_session(held=True, meetings=2)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant(preferred_language="fr")
    )
    client = client_for(trainer)
    url = learning_url(hub, "certificate", pk=enrolment.pk)
    refused = client.get(url)
    assert refused.status_code == 200
    assert "Came to 0 of 2 meetings" in refused.content.decode()
    for meeting in session.meetings.all():
        services.attendance_record(
            actor=trainer, meeting=meeting, enrolment=enrolment, status="present"
        )
    # Opening the page never issues: the trainer issues on purpose, then prints.
    waiting = client.get(url)
    assert waiting.status_code == 200
    assert not Certificate.objects.exists()
    issued = client.post(learning_url(hub, "certificate_issue", pk=enrolment.pk))
    assert issued.status_code == 302
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Certificate.objects.get().language == "fr"


def test_digihelpers_cannot_take_attendance(
    client_for: Callable[[User], Client],
    digihelper: User,
    hub: Hub,
    make_session: MakeSession,
) -> None:
    session = make_session(held=True)
    response = client_for(digihelper).get(
        learning_url(hub, "attendance", pk=session.meetings.get().pk)
    )
    assert response.status_code == 403


def test_attendance_page_query_count(
    client_for: Callable[[User], Client],
    trainer: User,
    staff: User,
    hub: Hub,
    make_session: MakeSession,
    make_participant: MakeParticipant,
    django_assert_max_num_queries,
) -> None:
    session = make_session(held=True, capacity=40)
    meeting = session.meetings.get()
    for index in range(35):
        enrolment = services.enrolment_create(
            actor=staff, session=session, participant=make_participant()
        )
        if index % 2:
            services.attendance_record(
                actor=trainer, meeting=meeting, enrolment=enrolment, status="present"
            )
    client = client_for(trainer)
    with django_assert_max_num_queries(10):
        response = client.get(learning_url(hub, "attendance", pk=meeting.pk))
    assert "Present: 17" in response.content.decode()
