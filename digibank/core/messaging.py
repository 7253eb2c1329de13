"""Messages to people: e-mail through Django's mailers, SMS through a pluggable backend
(console by default; a provider's backend is one class with `send(messages)`), and
`send_once`, which makes reminders idempotent: a message with the same key is sent at
most once, however often a task runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .models import SentMessage


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class SmsBackend(Protocol):
    def send(self, messages: list[SmsMessage]) -> None: ...


class ConsoleSmsBackend:
    """Prints text messages: the default, for development and the demo."""

    def send(self, messages: list[SmsMessage]) -> None:
        for message in messages:
            print(f"SMS to {message.to}: {message.text}")


class LocmemSmsBackend:
    """Keeps text messages in `outbox`, for tests."""

    outbox: list[SmsMessage] = []

    def send(self, messages: list[SmsMessage]) -> None:
        LocmemSmsBackend.outbox.extend(messages)


def sms_backend() -> SmsBackend:
    backend: Any = import_string(settings.SMS_BACKEND)
    return backend()


def send_sms(*, to: str, text: str) -> None:
    sms_backend().send([SmsMessage(to=to, text=text)])


def send_once(*, key: str, subject: str, text: str, email: str = "", phone: str = "") -> bool:
    """Send by e-mail when there is an address, else by SMS when there is a phone number,
    unless a message with this key went out before. True when it was sent now.
    The key names the occasion, e.g. "loan:42:due-soon" or "appointment:7:reminder"."""
    if not (email or phone):
        return False
    try:
        with transaction.atomic():
            SentMessage.objects.create(key=key, channel="email" if email else "sms")
            if email:
                send_mail(subject, text, None, [email])
            else:
                send_sms(to=phone, text=f"{subject}: {text}" if subject else text)
    except IntegrityError:
        return False  # sent before
    return True
