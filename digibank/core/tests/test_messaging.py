import pytest
from django.core import mail

from digibank.core.messaging import LocmemSmsBackend, MessageKind, send_once


def test_a_message_with_the_same_key_goes_out_once(db):
    for _ in range(3):
        send_once(
            key="loan:1:due",
            subject="Reminder",
            text="Bring the laptop back.",
            kind=MessageKind.SERVICE,
            email="a@example.org",
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.org"]


def test_without_e_mail_the_message_goes_by_sms(db):
    assert send_once(
        key="appointment:7:reminder",
        subject="Tomorrow",
        text="10:00",
        kind=MessageKind.SERVICE,
        phone="0470 12 34 56",
    )
    assert LocmemSmsBackend.outbox[0].to == "0470 12 34 56"
    assert "10:00" in LocmemSmsBackend.outbox[0].text
    assert mail.outbox == []


def test_nobody_to_reach_sends_nothing(db):
    assert not send_once(key="x", subject="s", text="t", kind=MessageKind.SERVICE)


def test_another_message_names_its_participant(db):
    with pytest.raises(ValueError, match="participant_id"):
        send_once(key="x", subject="s", text="t", kind=MessageKind.OTHER, email="a@example.org")
