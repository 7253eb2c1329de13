"""Consent to be contacted is honoured (core.messaging): a service message (the
confirmation or reminder of something the person asked for) always goes out; any other
message goes out only with the person's active consent for 'contact', and is recorded
as skipped without it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from digibank.core.messaging import LocmemSmsBackend, MessageKind, send_once
from digibank.core.models import SentMessage
from digibank.people import services
from digibank.people.models import ConsentPurpose

pytestmark = pytest.mark.django_db


def _send(person: Any, kind: MessageKind, key: str = "news:2026-03") -> bool:
    return send_once(
        key=key,
        subject="Nieuw: cursus smartphone",
        text="Schrijf je in.",
        kind=kind,
        email=person.email,
        phone=person.phone,
        participant_id=person.pk,
    )


def test_another_message_without_consent_is_skipped(make_participant: Any) -> None:
    person = make_participant(given_name="Jan", email="jan@example.org")
    assert not _send(person, MessageKind.OTHER)
    assert mail.outbox == []
    assert SentMessage.objects.get(key="news:2026-03").skipped


def test_a_service_message_goes_out_without_consent(make_participant: Any) -> None:
    person = make_participant(given_name="Jan", phone="0470 12 34 56")
    assert _send(person, MessageKind.SERVICE, key="appointment:1:reminder")
    assert LocmemSmsBackend.outbox[0].to == "0470 12 34 56"
    assert not SentMessage.objects.get(key="appointment:1:reminder").skipped


def test_with_consent_it_goes_out_once_even_after_a_skip(make_participant: Any, staff: Any) -> None:
    person = make_participant(given_name="Jan", email="jan@example.org")
    assert not _send(person, MessageKind.OTHER)
    services.consent_record(actor=staff, participant=person, purpose=ConsentPurpose.CONTACT)
    assert _send(person, MessageKind.OTHER)
    assert not _send(person, MessageKind.OTHER)
    assert [message.to for message in mail.outbox] == [["jan@example.org"]]
    assert not SentMessage.objects.get(key="news:2026-03").skipped


def test_withdrawn_consent_stops_other_messages(make_participant: Any, staff: Any) -> None:
    person = make_participant(given_name="Jan", email="jan@example.org")
    consent = services.consent_record(
        actor=staff, participant=person, purpose=ConsentPurpose.CONTACT
    )
    services.consent_withdraw(actor=staff, consent=consent)
    assert not _send(person, MessageKind.OTHER)
    assert mail.outbox == []


def test_consent_for_another_purpose_is_not_enough(make_participant: Any) -> None:
    person = make_participant(given_name="Jan", email="jan@example.org", consent_given=True)
    assert not _send(person, MessageKind.OTHER)
    assert mail.outbox == []
