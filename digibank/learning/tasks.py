"""Background work of the learning app, run by Django's task framework: messages to
people (in their language, each sent once), expiry of seat offers and meeting reminders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.tasks import default_task_backend, task
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from digibank.core.messaging import MessageKind, reminder_send_time, send_once
from digibank.people.models import Participant

from .models import Enrolment, EnrolmentStatus, Meeting, Offer, OfferStatus, Session
from .services import offers_expire

MESSAGE_LANGUAGES = ("nl", "fr", "en")


def message_language(participant: Participant) -> str:
    """The participant's language for messages and certificates: Dutch, French or English;
    any other language falls back to Dutch."""
    language = participant.preferred_language
    return language if language in MESSAGE_LANGUAGES else "nl"


@contextmanager
def in_language_of(participant: Participant) -> Iterator[None]:
    with translation.override(message_language(participant)):
        yield


def _when(moment: datetime) -> str:
    return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


def offer_expiry_backend_can_wait() -> bool:
    """Whether the task backend can run a task later (the database backend can), so each
    offer gets its own expiry run at the moment it expires."""
    return bool(getattr(default_task_backend, "supports_defer", False))


@task
def notify_session_cancelled(session_id: int, enrolment_ids: list[int]) -> int:
    """Tell everyone who was on a cancelled session. Returns how many messages went out."""
    session = Session.objects.select_related("course").get(pk=session_id)
    sent = 0
    for enrolment in Enrolment.objects.filter(pk__in=enrolment_ids).select_related("participant"):
        person = enrolment.participant
        with in_language_of(person):
            sent += send_once(
                key=f"learning:session:{session_id}:cancelled:{person.pk}",
                subject=_("Course cancelled: %(course)s") % {"course": session.course.title},
                text=_(
                    "The course %(course)s is cancelled. You do not need to come. "
                    "Questions? Contact the digibank."
                )
                % {"course": session.course.title},
                kind=MessageKind.SERVICE,
                email=person.email,
                phone=person.phone,
                participant_id=person.pk,
            )
    return sent


@task
def notify_offer(offer_id: int) -> bool:
    """Tell the next person on the waiting list that a seat is free for them."""
    offer = (
        Offer.objects.select_related("session__course", "enrolment__participant")
        .filter(pk=offer_id, status=OfferStatus.OPEN)
        .first()
    )
    if offer is None:
        return False
    person = offer.enrolment.participant
    with in_language_of(person):
        return send_once(
            key=f"learning:offer:{offer.pk}",
            subject=_("A seat is free for you: %(course)s")
            % {"course": offer.session.course.title},
            text=_(
                "A seat is free for you in the course %(course)s. "
                "Tell the digibank before %(until)s if you want it."
            )
            % {"course": offer.session.course.title, "until": _when(offer.expires_at)},
            kind=MessageKind.SERVICE,
            email=person.email,
            phone=person.phone,
            participant_id=person.pk,
        )


@task
def expire_offers() -> int:
    """Expire open offers past their time and offer those seats to the next person.
    Runs at each offer's expiry (database backend) and daily as a sweep."""
    return offers_expire()


@task
def send_meeting_reminders() -> int:
    """The day before each meeting, remind every enrolled person (once per meeting and
    person). Returns how many reminders went out."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = datetime.combine(tomorrow, time.min, tzinfo=zone)
    end = start + timedelta(days=1)
    meetings = Meeting.objects.filter(
        starts_at__gte=start, starts_at__lt=end, session__status__in=("planned", "full")
    ).select_related("session__course", "location")
    sent = 0
    for meeting in meetings:
        enrolments = Enrolment.objects.filter(
            session_id=meeting.session_id, status=EnrolmentStatus.ENROLLED
        ).select_related("participant")
        for enrolment in enrolments.iterator(chunk_size=500):
            person = enrolment.participant
            where = meeting.location.name if meeting.location else meeting.online_url
            with in_language_of(person):
                sent += send_once(
                    key=f"learning:meeting:{meeting.pk}:reminder:{person.pk}",
                    subject=_("Reminder: %(course)s tomorrow")
                    % {"course": meeting.session.course.title},
                    text=_("See you tomorrow at %(time)s for %(course)s. Place: %(where)s.")
                    % {
                        "time": formats.time_format(
                            timezone.localtime(meeting.starts_at), "TIME_FORMAT"
                        ),
                        "course": meeting.session.course.title,
                        "where": where,
                    },
                    kind=MessageKind.SERVICE,
                    email=person.email,
                    phone=person.phone,
                    participant_id=person.pk,
                    hub_id=meeting.session.hub_id,
                    not_before=reminder_send_time(tomorrow, meeting.session.hub_id),
                )
    return sent


def _place(meeting: Meeting) -> str:
    if meeting.location is not None:
        return meeting.location.name
    return meeting.online_url


@task
def notify_meeting_changed(meeting_id: int, version: str) -> int:
    """Tell everyone enrolled that a meeting moved or changed place: once per version of
    the meeting (its new time and place), in each person's language."""
    meeting = (
        Meeting.objects.select_related("session__course", "location").filter(pk=meeting_id).first()
    )
    if meeting is None:
        return 0
    course = meeting.session.course.title
    sent = 0
    for enrolment in Enrolment.objects.filter(
        session_id=meeting.session_id, status=EnrolmentStatus.ENROLLED
    ).select_related("participant"):
        person = enrolment.participant
        with in_language_of(person):
            sent += send_once(
                key=f"learning:meeting:{meeting.pk}:changed:{version}:{person.pk}",
                subject=_("Changed: %(course)s") % {"course": course},
                text=_(
                    "A meeting of the course %(course)s has changed. "
                    "New time: %(when)s. Place: %(where)s."
                )
                % {"course": course, "when": _when(meeting.starts_at), "where": _place(meeting)},
                kind=MessageKind.SERVICE,
                email=person.email,
                phone=person.phone,
                participant_id=person.pk,
            )
    return sent


@task
def notify_meeting_cancelled(
    session_id: int, meeting_id: int, starts_at: str, reason: str, participant_ids: list[int]
) -> int:
    """Tell everyone enrolled that one meeting does not take place (once per meeting)."""
    session = Session.objects.select_related("course").get(pk=session_id)
    when = datetime.fromisoformat(starts_at)
    sent = 0
    for person in Participant.objects.filter(pk__in=participant_ids):
        with in_language_of(person):
            text = _(
                "The meeting of %(when)s of the course %(course)s does not take place. "
                "The other meetings stay as planned."
            ) % {"when": _when(when), "course": session.course.title}
            sent += send_once(
                key=f"learning:meeting:{meeting_id}:cancelled:{person.pk}",
                subject=_("Meeting cancelled: %(course)s") % {"course": session.course.title},
                text=f"{text} {reason}".strip(),
                kind=MessageKind.SERVICE,
                email=person.email,
                phone=person.phone,
                participant_id=person.pk,
            )
    return sent


@task
def email_certificate(certificate_id: int) -> bool:
    """Send the certificate PDF to the participant's e-mail address, in their language."""
    from django.core.mail import EmailMessage

    from . import pdf
    from .models import Certificate

    certificate = (
        Certificate.objects.select_related(
            "enrolment__participant", "enrolment__session__course", "enrolment__session__hub"
        )
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or not certificate.enrolment.participant.email:
        return False
    enrolment = certificate.enrolment
    document = pdf.certificate(enrolment=enrolment, certificate=certificate)
    with translation.override(certificate.language):
        course = enrolment.session.course.title
        message = EmailMessage(
            subject=_("Your certificate: %(course)s") % {"course": course},
            body=_(
                "Congratulations! Your certificate of the course %(course)s is attached. "
                "Keep it well."
            )
            % {"course": course},
            to=[enrolment.participant.email],
        )
    message.attach(f"certificate-{enrolment.pk}.pdf", document, "application/pdf")
    message.send()
    return True
