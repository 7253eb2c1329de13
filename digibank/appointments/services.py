"""Every change in the appointments app: shifts, slot settings, appointments and the
walk-in queue. Each function runs in one transaction, enforces the rules (raising
ValidationError keyed by form field where it can) and writes the journal in it.

Capacity under concurrency: a booking and a walk-in ticket first lock the help point's
SlotSettings row (select_for_update on PostgreSQL; on SQLite every transaction is
IMMEDIATE, so writers queue), then count and insert. Two bookings for the last place of
a slot therefore run one after the other, and the second one sees the first. A unique
constraint on (help point, start, desk) of active appointments and one on (help point,
day, number) of tickets are the database's backstop beneath the lock.

`appointment_book` takes `actor=None` and `source="self_service"` for the public portal."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from digibank.accounts.models import Membership, User
from digibank.core.credentials import refuse_credentials
from digibank.core.journal import journal_write
from digibank.core.messaging import MessageKind, reminder_send_time, send_once
from digibank.network.models import Location
from digibank.network.queries import local_today
from digibank.people.models import Participant
from digibank.people.services import participant_create

from . import queries
from .models import (
    Appointment,
    QueueDisplay,
    QueueTicket,
    Shift,
    SlotSettings,
    Source,
    Status,
    TicketStatus,
    Topic,
)
from .slots import BRUSSELS, overlaps, within_opening

# What a participant brings, by topic: the default of the booking form and of messages.
WHAT_TO_BRING: dict[str, Promise] = {
    Topic.DIGITAL_KEYS: gettext_lazy(
        "Your eID card and its PIN code (do not tell us the PIN), your phone."
    ),
    Topic.EBOX: gettext_lazy("Your eID card and PIN code, or your phone with itsme."),
    Topic.TAXES: gettext_lazy(
        "Your phone with itsme, or your eID card and PIN code; letters from the tax office."
    ),
    Topic.BURGERPROFIEL: gettext_lazy("Your phone with itsme, or your eID card and PIN code."),
    Topic.HEALTH: gettext_lazy("Your phone with itsme, or your eID card and PIN code."),
    Topic.BANKING: gettext_lazy("Your phone, your bank card and card reader."),
    Topic.WORK: gettext_lazy("Your phone or laptop, your CV if you have one."),
    Topic.SOCIAL_SECURITY: gettext_lazy("Your eID card and PIN code, letters you received."),
    Topic.FAMILY: gettext_lazy("Your phone with itsme, letters from the school or Groeipakket."),
    Topic.DEVICE: gettext_lazy("Your device, its charger and your passwords at home."),
    Topic.EMAIL: gettext_lazy("Your phone or laptop."),
    Topic.SECURITY: gettext_lazy("Your phone or laptop, and the suspicious message."),
    Topic.OTHER: gettext_lazy("Your phone or laptop, and letters about your question."),
}


# The help topic (helpdesk.HelpTopic code) an appointment's topic is logged under when
# the visit is done; codes that are the same need no entry.
HELP_TOPIC_FOR: dict[str, str] = {
    Topic.DIGITAL_KEYS: "itsme",
    Topic.DEVICE: "device_basics",
    Topic.EMAIL: "email_accounts",
}


def default_what_to_bring(topic: str) -> str:
    return str(WHAT_TO_BRING.get(topic, WHAT_TO_BRING[Topic.OTHER]))


# --- Rota -------------------------------------------------------------------------------


def _lock_user(user: User) -> None:
    """Serialise shift changes of one person (all hubs), so overlaps cannot slip in."""
    User.objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def shift_create(
    *, actor: User, location: Location, user: User, day: date, starts_at: time, ends_at: time
) -> Shift:
    """Put a member of the hub on duty at a help point. Refused: someone who is not an
    active member, an end before the start, a day in the past, a time outside the day's
    opening hours (a shift then serves nobody and the gaps would be wrong), and an
    overlap with another shift of the same person (at any help point)."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be later than the start.")})
    if day < local_today():
        raise ValidationError({"date": _("Choose today or a date in the future.")})
    if not Membership.objects.filter(user=user, hub_id=location.hub_id, is_active=True).exists():
        raise ValidationError({"user": _("Choose a member of this hub's team.")})
    opening = queries.opening_periods(location, [day])[day]
    if not opening:
        raise ValidationError({"date": _("The help point is closed on this day.")})
    if not within_opening(opening, starts_at, ends_at):
        hours = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in opening)
        raise ValidationError(
            {
                "starts_at": _("The shift must fall within the opening hours: %(hours)s.")
                % {"hours": hours}
            }
        )
    _lock_user(user)
    for other in Shift.objects.filter(user=user, date=day).select_related("location"):
        if overlaps((other.starts_at, other.ends_at), (starts_at, ends_at)):
            raise ValidationError(
                {
                    "starts_at": _(
                        "%(name)s already has a shift from %(start)s to %(end)s at %(place)s."
                    )
                    % {
                        "name": user.full_name,
                        "start": f"{other.starts_at:%H:%M}",
                        "end": f"{other.ends_at:%H:%M}",
                        "place": other.location.name,
                    }
                }
            )
    shift = Shift.objects.create(
        hub_id=location.hub_id,
        location=location,
        user=user,
        date=day,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    journal_write(
        actor=actor,
        action="shift.create",
        subject=shift,
        hub_id=location.hub_id,
        details={"location": location.pk, "date": day.isoformat()},
    )
    return shift


@transaction.atomic
def shift_remove(*, actor: User, shift: Shift) -> None:
    journal_write(
        actor=actor,
        action="shift.remove",
        subject=shift,
        hub_id=shift.hub_id,
        details={"location": shift.location_id, "date": shift.date.isoformat()},
    )
    shift.delete()


# --- Slot settings ----------------------------------------------------------------------


def _lock_settings(location: Location) -> SlotSettings:
    """The help point's settings row, created when missing, locked for this transaction."""
    SlotSettings.objects.get_or_create(location=location, defaults={"hub_id": location.hub_id})
    return SlotSettings.objects.select_for_update().get(location=location)


@transaction.atomic
def slot_settings_save(
    *,
    actor: User,
    location: Location,
    slot_minutes: int,
    desks: int,
    book_ahead_days: int,
    min_notice_hours: int,
) -> SlotSettings:
    errors: dict[str, str] = {}
    if not 5 <= slot_minutes <= 240:
        errors["slot_minutes"] = _("Choose between 5 and 240 minutes.")
    if not 1 <= desks <= 50:
        errors["desks"] = _("Choose between 1 and 50 desks.")
    if not 1 <= book_ahead_days <= 366:
        errors["book_ahead_days"] = _("Choose between 1 and 366 days.")
    if not 0 <= min_notice_hours <= 24 * 14:
        errors["min_notice_hours"] = _("Choose between 0 and 336 hours.")
    if errors:
        raise ValidationError(errors)
    found = _lock_settings(location)
    values = {
        "slot_minutes": slot_minutes,
        "desks": desks,
        "book_ahead_days": book_ahead_days,
        "min_notice_hours": min_notice_hours,
    }
    changed = [name for name, value in values.items() if getattr(found, name) != value]
    for name in changed:
        setattr(found, name, values[name])
    if changed:
        found.save()
        journal_write(
            actor=actor,
            action="slots.settings",
            subject=location,
            hub_id=location.hub_id,
            details=values,
        )
    return found


# --- Appointments -----------------------------------------------------------------------

FULL_MESSAGE = gettext_lazy(
    "This time is no longer free: someone else booked the last place. Choose another time."
)


def _check_participant(participant: Participant, location: Location) -> None:
    if participant.hub_id != location.hub_id:
        raise ValidationError({"participant": _("Choose a person of this hub.")})
    if participant.merged_into_id is not None or participant.anonymised_at is not None:
        raise ValidationError(
            {"participant": _("This record is merged or anonymised. Choose another one.")}
        )


def _place_in_slot(
    *, location: Location, starts_at: datetime, now: datetime, exclude_pk: int | None = None
) -> tuple[datetime, int]:
    """With the help point locked: the end of the slot at `starts_at` and a free desk
    number, or a ValidationError saying why the time cannot be booked."""
    settings_row = _lock_settings(location)
    day = starts_at.astimezone(BRUSSELS).date()
    slots = queries.slots_for(
        location, [day], settings=settings_row, now=now, exclude_pk=exclude_pk
    )
    slot = next((s for s in slots if s.starts_at == starts_at), None)
    if slot is None:
        raise ValidationError(
            {"starts_at": _("This time cannot be booked at this help point. Choose a free time.")}
        )
    if slot.free <= 0:
        raise ValidationError({"starts_at": str(FULL_MESSAGE)})
    taken = set(
        Appointment.objects.filter(location=location, starts_at=starts_at, status=Status.BOOKED)
        .exclude(pk=exclude_pk or 0)
        .values_list("desk", flat=True)
    )
    desk = next(
        number for number in range(1, slot.capacity + len(taken) + 2) if number not in taken
    )
    return slot.ends_at, desk


def _lock_person(participant: Participant) -> None:
    """Serialise the bookings of one person across all help points (and reschedules):
    the help point's lock alone lets two bookings at two help points both see the person
    free. Taken before the help point's lock, always in that order."""
    Participant.objects.select_for_update().filter(pk=participant.pk).values_list("pk").first()


def _check_person_free(
    participant: Participant, starts_at: datetime, ends_at: datetime, exclude_pk: int | None
) -> None:
    clash = (
        Appointment.objects.filter(
            participant=participant,
            status=Status.BOOKED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(pk=exclude_pk or 0)
        .exists()
    )
    if clash:
        raise ValidationError(
            {"starts_at": _("This person already has an appointment at that time.")}
        )


@transaction.atomic
def appointment_book(
    *,
    actor: User | None,
    location: Location,
    participant: Participant,
    starts_at: datetime,
    topic: str,
    about: str = "",
    what_to_bring: str = "",
    source: str = Source.STAFF,
    now: datetime | None = None,
) -> Appointment:
    """Book a slot for a participant. `actor` None with source "self_service" is the
    public portal. Never beyond the slot's capacity, also when many book at once. The
    participant gets a confirmation after the commit. An empty `what_to_bring` means
    the usual list for the topic, in the participant's language."""
    if source not in Source.values:
        raise ValidationError(_("Unknown source of the booking."))
    if source == Source.STAFF and actor is None:
        raise ValidationError(_("A booking by the team needs the person who books."))
    if topic not in Topic.values:
        raise ValidationError({"topic": _("Choose what the appointment is about.")})
    refuse_credentials(about=about, what_to_bring=what_to_bring)
    if not location.is_active:
        raise ValidationError({"starts_at": _("This help point is closed.")})
    _check_participant(participant, location)
    _lock_person(participant)
    now = now or timezone.now()
    ends_at, desk = _place_in_slot(location=location, starts_at=starts_at, now=now)
    _check_person_free(participant, starts_at, ends_at, None)
    appointment = Appointment.objects.create(
        hub_id=location.hub_id,
        location=location,
        participant=participant,
        starts_at=starts_at,
        ends_at=ends_at,
        desk=desk,
        topic=topic,
        about=about.strip(),
        what_to_bring=what_to_bring.strip(),
        source=source,
        booked_by=actor,
    )
    journal_write(
        actor=actor,
        action="appointment.book",
        subject=appointment,
        hub_id=location.hub_id,
        details={
            "location": location.pk,
            "starts_at": starts_at.isoformat(),
            "topic": topic,
            "source": source,
        },
    )
    pk = appointment.pk
    _notify_after_commit(pk, "confirmation")
    return appointment


@transaction.atomic
def appointment_book_new_person(
    *,
    actor: User,
    location: Location,
    person: dict[str, Any],
    consent_given: bool,
    starts_at: datetime,
    topic: str,
    about: str = "",
    what_to_bring: str = "",
) -> Appointment:
    """Register a new person and book for them, in one transaction: when the slot is
    gone, the person is not registered either."""
    participant = participant_create(
        actor=actor, hub=location.hub, data=person, consent_given=consent_given
    )
    return appointment_book(
        actor=actor,
        location=location,
        participant=participant,
        starts_at=starts_at,
        topic=topic,
        about=about,
        what_to_bring=what_to_bring,
    )


def _locked_appointment(appointment: Appointment) -> Appointment:
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if current.status != Status.BOOKED:
        raise ValidationError(_("This appointment is no longer booked."))
    return current


@transaction.atomic
def appointment_cancel(*, actor: User | None, appointment: Appointment) -> Appointment:
    """Cancel: the place is free again, the participant is told."""
    current = _locked_appointment(appointment)
    current.status = Status.CANCELLED
    current.cancelled_at = timezone.now()
    current.save(update_fields=["status", "cancelled_at", "updated_at"])
    journal_write(
        actor=actor,
        action="appointment.cancel",
        subject=current,
        hub_id=current.hub_id,
        details={"starts_at": current.starts_at.isoformat()},
    )
    pk = current.pk
    _notify_after_commit(pk, "cancelled")
    appointment.refresh_from_db()
    return current


@transaction.atomic
def appointment_reschedule(
    *,
    actor: User | None,
    appointment: Appointment,
    starts_at: datetime,
    now: datetime | None = None,
) -> Appointment:
    """Move to another slot of the same help point (capacity checked as for a booking);
    the participant is told the new time."""
    current = _locked_appointment(appointment)
    if starts_at == current.starts_at:
        raise ValidationError({"starts_at": _("Choose a time other than the current one.")})
    location = current.location
    _lock_person(current.participant)
    ends_at, desk = _place_in_slot(
        location=location, starts_at=starts_at, now=now or timezone.now(), exclude_pk=current.pk
    )
    _check_person_free(current.participant, starts_at, ends_at, current.pk)
    before = current.starts_at
    current.starts_at, current.ends_at, current.desk = starts_at, ends_at, desk
    current.save(update_fields=["starts_at", "ends_at", "desk", "updated_at"])
    journal_write(
        actor=actor,
        action="appointment.reschedule",
        subject=current,
        hub_id=current.hub_id,
        details={"from": before.isoformat(), "to": starts_at.isoformat()},
    )
    pk = current.pk
    _notify_after_commit(pk, "moved")
    appointment.refresh_from_db()
    return current


@transaction.atomic
def appointment_set_outcome(*, actor: User, appointment: Appointment, came: bool) -> Appointment:
    current = _locked_appointment(appointment)
    current.status = Status.DONE if came else Status.NO_SHOW
    current.save(update_fields=["status", "updated_at"])
    journal_write(
        actor=actor,
        action="appointment.done" if came else "appointment.no_show",
        subject=current,
        hub_id=current.hub_id,
    )
    appointment.refresh_from_db()
    return current


# --- Messages to the participant ---------------------------------------------------------

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def message_language(participant: Participant) -> str:
    """The participant's language when the platform speaks it, else the default."""
    code = participant.preferred_language
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


def compose(appointment: Appointment, kind: str) -> tuple[str, str]:
    """Subject and text of a message about an appointment, in the participant's
    language: when, where (address) and what to bring."""
    participant = appointment.participant
    location = appointment.location
    with translation.override(message_language(participant)):
        local = appointment.starts_at.astimezone(BRUSSELS)
        when = {
            "date": date_format(local.date(), "l j F Y"),
            "time": time_format(local.time(), "H:i"),
        }
        address = ", ".join(
            part
            for part in (
                location.name,
                location.street,
                f"{location.postcode} {location.municipality}".strip(),
            )
            if part
        )
        bring = appointment.what_to_bring or default_what_to_bring(appointment.topic)
        if kind == "cancelled":
            subject = gettext("Your appointment is cancelled")
            body = (
                gettext(
                    "Your appointment on %(date)s at %(time)s is cancelled. "
                    "Call us if you want a new appointment."
                )
                % when
            )
        else:
            subject = {
                "confirmation": gettext("Your appointment at the help point"),
                "moved": gettext("Your appointment has a new time"),
                "reminder": gettext("Reminder: your appointment tomorrow"),
            }[kind]
            body = (
                gettext("You have an appointment on %(date)s at %(time)s.") % when
                + "\n"
                + gettext("Where: %(address)s") % {"address": address}
                + "\n"
                + gettext("Please bring: %(things)s") % {"things": bring}
                + "\n"
                + gettext("We never ask for your PIN code or password.")
            )
        if location.phone:
            body += "\n" + gettext("Questions? Call %(phone)s.") % {"phone": location.phone}
    name = f"{participant.given_name}".strip()
    with translation.override(message_language(participant)):
        greeting = gettext("Hello %(name)s,") % {"name": name} if name else gettext("Hello,")
    return subject, f"{greeting}\n\n{body}"


def _notify_after_commit(appointment_pk: int, kind: str) -> None:
    """The message goes out from the task worker, so booking never waits for a mail
    server or an SMS provider."""
    from .tasks import send_appointment_message

    transaction.on_commit(lambda: send_appointment_message.enqueue(appointment_pk, kind))


def notify(appointment_pk: int, kind: str) -> bool:
    """Send one message about an appointment (idempotent per occasion)."""
    appointment = (
        Appointment.objects.select_related("participant", "location", "location__municipality")
        .filter(pk=appointment_pk)
        .first()
    )
    if appointment is None:
        return False
    participant = appointment.participant
    if participant.anonymised_at is not None:
        return False
    subject, text = compose(appointment, kind)
    stamp = appointment.starts_at.isoformat()
    key = f"appointment:{appointment.pk}:{kind}:{stamp}"
    not_before = None
    if kind == "reminder":
        day = appointment.starts_at.astimezone(BRUSSELS).date()
        not_before = reminder_send_time(day, appointment.hub_id)
    return send_once(
        key=key,
        subject=subject,
        text=text,
        kind=MessageKind.SERVICE,
        email=participant.email,
        phone=participant.phone,
        participant_id=participant.pk,
        hub_id=appointment.hub_id,
        not_before=not_before,
    )


def appointment_send_reminders(*, day: date | None = None) -> int:
    """Remind everyone with an appointment on `day` (tomorrow by default). Safe to run
    more than once: each reminder goes out once per appointment and time."""
    day = day or local_today() + timedelta(days=1)
    sent = 0
    for appointment in queries.due_for_reminder(day).iterator(chunk_size=500):
        if notify(appointment.pk, "reminder"):
            sent += 1
    return sent


# --- Walk-in queue ----------------------------------------------------------------------


@transaction.atomic
def ticket_take(
    *,
    actor: User | None,
    location: Location,
    name: str = "",
    participant: Participant | None = None,
    topic: str = "",
    now: datetime | None = None,
) -> QueueTicket:
    """A walk-in arrives: the next number of the day at this help point."""
    if topic and topic not in Topic.values:
        raise ValidationError({"topic": _("Choose a topic from the list.")})
    name = " ".join(name.split())
    refuse_credentials(name=name)
    if participant is not None:
        _check_participant(participant, location)
    now = now or timezone.now()
    day = now.astimezone(BRUSSELS).date()
    _lock_settings(location)
    last = (
        QueueTicket.objects.filter(location=location, day=day)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    ticket = QueueTicket.objects.create(
        hub_id=location.hub_id,
        location=location,
        day=day,
        number=(last or 0) + 1,
        name=name,
        participant=participant,
        topic=topic,
        created_at=now,
    )
    journal_write(
        actor=actor,
        action="ticket.take",
        subject=ticket,
        hub_id=location.hub_id,
        details={"location": location.pk, "number": ticket.number},
    )
    return ticket


def _call(actor: User, ticket: QueueTicket, desk: str) -> QueueTicket:
    ticket.status = TicketStatus.CALLED
    ticket.called_at = timezone.now()
    ticket.called_by = actor
    ticket.desk = desk
    ticket.save(update_fields=["status", "called_at", "called_by", "desk"])
    journal_write(
        actor=actor,
        action="ticket.call",
        subject=ticket,
        hub_id=ticket.hub_id,
        details={"number": ticket.number},
    )
    return ticket


def _clean_desk(desk: str) -> str:
    desk = " ".join(desk.split())[:40]
    if not desk:
        raise ValidationError({"desk": _("Say which desk calls the ticket, for example Desk 1.")})
    return desk


@transaction.atomic
def ticket_call_next(*, actor: User, location: Location, desk: str) -> QueueTicket | None:
    """Call the ticket that waited longest today; None when nobody waits."""
    desk = _clean_desk(desk)
    _lock_settings(location)
    ticket = (
        QueueTicket.objects.filter(
            location=location, day=local_today(), status=TicketStatus.WAITING
        )
        .order_by("number")
        .first()
    )
    if ticket is None:
        return None
    return _call(actor, ticket, desk)


@transaction.atomic
def ticket_call(*, actor: User, ticket: QueueTicket, desk: str) -> QueueTicket:
    desk = _clean_desk(desk)
    current = QueueTicket.objects.select_for_update().get(pk=ticket.pk)
    if current.status != TicketStatus.WAITING:
        raise ValidationError(_("This ticket is not waiting any more."))
    return _call(actor, current, desk)


@transaction.atomic
def ticket_finish(*, actor: User, ticket: QueueTicket, left: bool = False) -> QueueTicket:
    """Helped (done), or the person left before or after being called."""
    current = QueueTicket.objects.select_for_update().get(pk=ticket.pk)
    if current.status in (TicketStatus.DONE, TicketStatus.LEFT):
        raise ValidationError(_("This ticket is already finished."))
    if not left and current.status != TicketStatus.CALLED:
        raise ValidationError(_("Call this ticket first."))
    current.status = TicketStatus.LEFT if left else TicketStatus.DONE
    current.finished_at = timezone.now()
    current.save(update_fields=["status", "finished_at"])
    journal_write(
        actor=actor,
        action="ticket.left" if left else "ticket.done",
        subject=current,
        hub_id=current.hub_id,
        details={"number": current.number},
    )
    return current


# --- The waiting-room screen's link ------------------------------------------------------


@transaction.atomic
def queue_display_renew(*, actor: User, location: Location) -> QueueDisplay:
    """A new secret link for the help point's waiting-room screen. An earlier link of
    the help point stops working at once (rotating it after a screen is lost)."""
    token = secrets.token_urlsafe(32)
    # Lock the help point, not the link: when there is no link yet there is no row to
    # lock, and two coordinators at once would both insert one.
    Location.objects.select_for_update().filter(pk=location.pk).first()
    display = QueueDisplay.objects.filter(location=location).first()
    replaced = display is not None
    if display is None:
        display = QueueDisplay(hub_id=location.hub_id, location=location)
    display.token = token
    display.created_at = timezone.now()
    display.created_by = actor
    display.save()
    journal_write(
        actor=actor,
        action="queue_display.renew" if replaced else "queue_display.create",
        subject=location,
        hub_id=location.hub_id,
        details={"location": location.pk},
    )
    return display


@transaction.atomic
def queue_display_revoke(*, actor: User, location: Location) -> None:
    """The help point's screen link stops working at once."""
    Location.objects.select_for_update().filter(pk=location.pk).first()
    deleted, _rows = QueueDisplay.objects.filter(location=location).delete()
    if not deleted:
        raise ValidationError(_("This help point has no screen link."))
    journal_write(
        actor=actor,
        action="queue_display.revoke",
        subject=location,
        hub_id=location.hub_id,
        details={"location": location.pk},
    )


# --- Merging participants ---------------------------------------------------------------


def move_to_survivor(source: Participant, target: Participant, actor: Any) -> None:
    """Merge handler: the merged record's appointments and tickets go to the survivor."""
    Appointment.objects.filter(participant=source).update(participant=target)
    QueueTicket.objects.filter(participant=source).update(participant=target)


def tickets_forget_names(*, before: date | None = None) -> int:
    """Privacy by default: a walk-in's name on a ticket is only needed on the day itself.
    Names on tickets of earlier days are erased (the numbers and times stay for the
    waiting-time figures). Returns how many tickets were cleared."""
    before = before or local_today()
    return QueueTicket.objects.filter(day__lt=before).exclude(name="").update(name="")
