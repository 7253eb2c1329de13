"""Messages to people: e-mail through Django's mailers, SMS through a pluggable backend
(console by default; a provider's backend is one class with `send(messages)`), and
`send_once`, which makes reminders idempotent: a message with the same key is sent at
most once, however often a task runs.

Consent to be contacted (the one place this rule is written down)
-----------------------------------------------------------------
Every sender says what kind of message it sends (`kind=`, required):

- `MessageKind.SERVICE`: the confirmation or reminder of something the person asked for
  or takes part in. It goes out whatever the person's contact consent, because not
  sending it would fail the service they asked for.
- `MessageKind.OTHER`: anything else (news, invitations to other courses, surveys). It
  goes out only to a participant (`participant_id=`) with an active consent for
  the purpose "contact" (people.models.ConsentPurpose.CONTACT). Without it nothing is
  sent and the key is recorded as skipped (SentMessage.skipped); a later send with
  consent goes out.

The senders today, all service messages:

- lending.tasks: due-soon and overdue reminders (a loan the person took); a device
  offered from the waiting list (a request the person made); the overdue summary (a
  team member's own work, no participant).
- learning.tasks: meeting reminders, a cancelled session, a seat offered from the
  waiting list (a course the person enrolled in).
- appointments.services: confirmation, reminder, rescheduled, cancelled (an
  appointment the person booked).
- helpdesk.services: a mandate about to end (a mandate the person gave); the warning
  to an inactive digihelper (a team member's own access).
- funding.tasks: decisions, report reviews and reminders (an applicant's or a
  coordinator's own file).

People tells this module how to check the consent (people.apps registers
`register_contact_consent`), so core never imports people. With no check registered,
nobody has consented.

Human hours (the one place this rule is written down)
-----------------------------------------------------
No SMS or e-mail reaches a participant (`participant_id=` given) outside the message
hours of their hub: 08:00 to 21:00 Europe/Brussels unless the hub chose its own window
(network registers `register_message_hours`; `hub_id=` names the hub). A message that
would fall outside is held (core.models.HeldMessage) and the hourly task
`send_held_messages` sends it at the next opening. A reminder passes `not_before=` (the
hub's reminder time on the day before, see `reminder_send_time`): sent before then, it is
held until then, whatever time the daily task runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import HeldMessage, SentMessage

BRUSSELS = ZoneInfo("Europe/Brussels")


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


class MessageKind(StrEnum):
    SERVICE = "service"  # confirmation or reminder of something the person asked for
    OTHER = "other"  # anything else: needs the participant's consent to be contacted


ContactConsent = Callable[[int], bool]  # participant id -> may we contact them?

_contact_consent: list[ContactConsent] = []


def register_contact_consent(check: ContactConsent) -> None:
    _contact_consent[:] = [check]


def may_contact(participant_id: int) -> bool:
    return bool(_contact_consent) and _contact_consent[0](participant_id)


@dataclass(frozen=True)
class MessageHours:
    """When messages may reach participants (local time, Europe/Brussels): from `opens`
    until `closes`; day-before reminders go out at `reminder_at`."""

    opens: time = time(8)
    closes: time = time(21)
    reminder_at: time = time(10)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(BRUSSELS).time()
        return self.opens <= local < self.closes

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` when the window is open, else the next time it opens."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(BRUSSELS)
        day = local.date() if local.time() < self.opens else local.date() + timedelta(days=1)
        return datetime.combine(day, self.opens, tzinfo=BRUSSELS)


DEFAULT_HOURS = MessageHours()
HubHours = Callable[[int], MessageHours]  # hub id -> its message hours
_hub_hours: list[HubHours] = []


def register_message_hours(provider: HubHours) -> None:
    _hub_hours[:] = [provider]


def message_hours(hub_id: int | None) -> MessageHours:
    if hub_id is None or not _hub_hours:
        return DEFAULT_HOURS
    return _hub_hours[0](hub_id)


def reminder_send_time(event_day: date, hub_id: int | None = None) -> datetime:
    """When a day-before reminder of something on `event_day` should go out: the hub's
    reminder time on the day before (an aware datetime; DST-safe)."""
    hours = message_hours(hub_id)
    return datetime.combine(event_day - timedelta(days=1), hours.reminder_at, tzinfo=BRUSSELS)


def send_once(
    *,
    key: str,
    subject: str,
    text: str,
    kind: MessageKind,
    email: str = "",
    phone: str = "",
    participant_id: int | None = None,
    hub_id: int | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> bool:
    """Send by e-mail when there is an address, else by SMS when there is a phone number,
    unless a message with this key went out before. True when it was sent now.
    The key names the occasion, e.g. "loan:42:due-soon" or "appointment:7:reminder".
    A message of kind OTHER needs `participant_id` and that person's contact consent;
    without it the key is recorded as skipped and nothing goes out. A message to a
    participant outside the hub's message hours (or before `not_before`) is held until
    the next opening (see the module's rule) and False is returned."""
    if not (email or phone):
        return False
    channel = "email" if email else "sms"
    if kind != MessageKind.SERVICE:
        if participant_id is None:
            raise ValueError("A message other than a service message needs participant_id.")
        if not may_contact(participant_id):
            SentMessage.objects.get_or_create(
                key=key, defaults={"channel": channel, "skipped": True}
            )
            return False
    now = now or timezone.now()
    if participant_id is not None and getattr(settings, "MESSAGE_HOURS_ENFORCED", True):
        earliest = max(now, not_before) if not_before else now
        send_after = message_hours(hub_id).next_opening(earliest)
        if send_after > now:
            if not SentMessage.objects.filter(key=key, skipped=False).exists():
                HeldMessage.objects.get_or_create(
                    key=key,
                    defaults={
                        "kind": str(kind),
                        "subject": subject[:300],
                        "text": text,
                        "email": email,
                        "phone": phone,
                        "participant_id": participant_id,
                        "hub_id": hub_id,
                        "send_after": send_after,
                    },
                )
            return False
    try:
        with transaction.atomic():
            SentMessage.objects.filter(key=key, skipped=True).delete()
            SentMessage.objects.create(key=key, channel=channel)
            if email:
                send_mail(subject, text, None, [email])
            else:
                send_sms(to=phone, text=f"{subject}: {text}" if subject else text)
    except IntegrityError:
        return False  # sent before
    return True


def send_held_messages(*, now: datetime | None = None) -> int:
    """Send the held messages whose time has come (hourly task). Each goes through
    send_once again, so it is sent once, and only inside its hub's hours."""
    now = now or timezone.now()
    sent = 0
    for held in HeldMessage.objects.filter(send_after__lte=now).order_by("send_after", "pk"):
        with transaction.atomic():
            claimed = HeldMessage.objects.filter(pk=held.pk).delete()[0]
            if not claimed:
                continue  # another worker took it
            sent += send_once(
                key=held.key,
                subject=held.subject,
                text=held.text,
                kind=MessageKind(held.kind),
                email=held.email,
                phone=held.phone,
                participant_id=held.participant_id,
                hub_id=held.hub_id,
                now=now,
            )
    return sent
