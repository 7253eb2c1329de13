"""From arrival to help log, once: finishing an appointment or a walk-in ticket opens
the help desk's log form pre-filled with the person (or the name on the ticket), the
topic, the help point and the channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.appointments import services
from digibank.appointments.models import Appointment, Source, Topic
from digibank.helpdesk.models import HelpQuestion, HelpTopic
from digibank.network.models import Hub, Location
from digibank.people.models import Participant

pytestmark = pytest.mark.django_db


def test_a_done_appointment_opens_the_log_prefilled(
    client_for: Callable[[User], Client],
    digihelper: User,
    hub: Hub,
    location: Location,
    participant: Participant,
    django_assert_max_num_queries: Any,
) -> None:
    now = timezone.now()
    appointment = Appointment.objects.create(
        hub=hub,
        location=location,
        participant=participant,
        starts_at=now - timedelta(minutes=30),
        ends_at=now,
        topic=Topic.DIGITAL_KEYS,
        source=Source.STAFF,
    )
    client = client_for(digihelper)
    response = client.post(
        reverse("appointments:outcome", kwargs={"hub": hub.slug, "pk": appointment.pk}),
        {"came": "1"},
    )
    assert response.status_code == 302
    target = response["Location"]
    assert urlsplit(target).path == reverse("helpdesk:log", kwargs={"hub": hub.slug})
    params = parse_qs(urlsplit(target).query)
    assert params["participant"] == [str(participant.pk)]
    assert params["topic"] == ["itsme"]
    with django_assert_max_num_queries(30):
        page = client.get(target)
    form = page.context["form"]
    assert form["person_kind"].value() == "registered"
    assert str(form["participant"].value()) == str(participant.pk)
    assert form["channel"].value() == "appointment"
    assert form["topics"].value() == [HelpTopic.objects.get(code="itsme").pk]
    assert participant.given_name in page.content.decode()
    # Saving it needs nothing typed again.
    saved = client.post(
        target,
        {
            "location": location.pk,
            "topics": form["topics"].value(),
            "person_kind": "registered",
            "participant": participant.pk,
            "channel": "appointment",
            "preferred_language": "nl",
        },
    )
    assert saved.status_code == 302
    logged = HelpQuestion.objects.get()
    assert logged.participant == participant
    assert logged.channel == "appointment"


def test_a_no_show_does_not_open_the_log(
    client_for: Callable[[User], Client],
    digihelper: User,
    hub: Hub,
    location: Location,
    participant: Participant,
) -> None:
    now = timezone.now()
    appointment = Appointment.objects.create(
        hub=hub,
        location=location,
        participant=participant,
        starts_at=now - timedelta(minutes=30),
        ends_at=now,
        topic=Topic.TAXES,
        source=Source.STAFF,
    )
    response = client_for(digihelper).post(
        reverse("appointments:outcome", kwargs={"hub": hub.slug, "pk": appointment.pk}),
        {"came": "0"},
    )
    assert "/appointments/" in response["Location"]


def test_a_finished_walk_in_opens_the_log_with_the_ticket_details(
    client_for: Callable[[User], Client], digihelper: User, hub: Hub, location: Location
) -> None:
    ticket = services.ticket_take(
        actor=digihelper, location=location, name="Rosalinde Claes", topic=Topic.TAXES
    )
    services.ticket_call(actor=digihelper, ticket=ticket, desk="Desk 1")
    client = client_for(digihelper)
    response = client.post(
        reverse("appointments:ticket_finish", kwargs={"hub": hub.slug, "pk": ticket.pk})
    )
    params = parse_qs(urlsplit(response["Location"]).query)
    assert params["topic"] == ["taxes"]
    assert params["channel"] == ["walk_in"]
    form = client.get(response["Location"]).context["form"]
    assert form["person_kind"].value() == "new"
    assert form["given_name"].value() == "Rosalinde"
    assert form["family_name"].value() == "Claes"
    assert form["topics"].value() == [HelpTopic.objects.get(code="taxes").pk]
