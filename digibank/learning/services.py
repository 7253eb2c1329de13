"""Every change to learning data: courses and shared templates, sessions and meetings,
enrolments with a waiting list and offers of freed seats, attendance and certificates.

Keyword-only functions taking `actor=`; each runs in one transaction, enforces the rules
(ValidationError, keyed by form field where one fits) and writes the journal in that same
transaction. Messages and deferred work go out with `transaction.on_commit`.

Seats: `Session.seats_taken` counts enrolled people plus open offers. A seat is taken by a
conditional UPDATE (`seats_taken < capacity`), so capacity holds under any concurrency,
and the check constraint refuses anything else. A freed seat goes to the next person on
the waiting list as an offer (the seat stays held for them) or, with nobody waiting, back
to the pool."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Min, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_write
from digibank.network.models import Hub, Location
from digibank.people.models import Language, Participant

from .digcomp import Competence
from .models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Attendance,
    AttendanceStatus,
    Audience,
    Certificate,
    CertificateHours,
    Course,
    CourseCompetence,
    CourseFormat,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    Meeting,
    Offer,
    OfferStatus,
    Session,
    SessionStatus,
)

# Roles whose members may be a session's trainer.
TRAINER_ROLES = (HubRole.TRAINER, HubRole.STAFF, HubRole.COORDINATOR)

COURSE_FIELDS = (
    "title",
    "description",
    "audiences",
    "technical_track",
    "format",
    "languages",
    "meeting_count",
    "hours",
    "materials",
    "min_attendance_percent",
    "certificate_hours",
    "is_shared_template",
)


# --- courses ----------------------------------------------------------------------------


def _clean_course(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {field: data[field] for field in COURSE_FIELDS if field in data}
    errors: dict[str, str] = {}
    if not str(values.get("title", "")).strip():
        errors["title"] = _("Give the course a title.")
    if values.get("format", CourseFormat.IN_PERSON) not in CourseFormat.values:
        errors["format"] = _("Choose a format.")
    if set(values.get("audiences", [])) - set(Audience.values):
        errors["audiences"] = _("Choose from the list.")
    if set(values.get("languages", [])) - set(Language.values):
        errors["languages"] = _("Choose from the list.")
    if values.get("certificate_hours", CertificateHours.ATTENDED) not in CertificateHours.values:
        errors["certificate_hours"] = _("Choose from the list.")
    percent = values.get("min_attendance_percent", 75)
    if percent is None or not 0 <= int(percent) <= 100:
        errors["min_attendance_percent"] = _("Give a percentage from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    return values


def _set_competences(course: Course, competences: Sequence[tuple[Competence, int]]) -> None:
    seen: set[int] = set()
    rows = []
    for competence, level in competences:
        if competence.pk in seen:
            continue
        if not 1 <= int(level) <= 8:
            raise ValidationError({"competences": _("A target level runs from 1 to 8.")})
        seen.add(competence.pk)
        rows.append(CourseCompetence(course=course, competence=competence, target_level=level))
    CourseCompetence.objects.filter(course=course).delete()
    CourseCompetence.objects.bulk_create(rows)


@transaction.atomic
def course_create(
    *,
    actor: Any,
    hub: Hub,
    data: Mapping[str, Any],
    competences: Sequence[tuple[Competence, int]] = (),
) -> Course:
    course = Course.objects.create(hub=hub, created_by=actor, **_clean_course(data))
    _set_competences(course, competences)
    journal_write(
        actor=actor,
        action="learning.course_create",
        subject=course,
        hub_id=hub.pk,
        details={"competences": [c.code for c, _level in competences]},
    )
    return course


@transaction.atomic
def course_update(
    *,
    actor: Any,
    course: Course,
    data: Mapping[str, Any],
    competences: Sequence[tuple[Competence, int]] = (),
) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    values = _clean_course(data)
    changed = [field for field, value in values.items() if getattr(course, field) != value]
    for field, value in values.items():
        setattr(course, field, value)
    course.save()
    _set_competences(course, competences)
    journal_write(
        actor=actor,
        action="learning.course_update",
        subject=course,
        hub_id=course.hub_id,
        details={"fields": changed, "competences": [c.code for c, _level in competences]},
    )
    return course


@transaction.atomic
def course_copy_template(*, actor: Any, hub: Hub, template: Course) -> Course:
    """Copy a shared template (of any hub), or one of the hub's own courses, into `hub`'s
    catalogue. Only the course description and competences are copied; the copy belongs
    to `hub` and is not shared."""
    if not template.is_shared_template and template.hub_id != hub.pk:
        raise ValidationError(_("This course is not shared as a template."), code="not_shared")
    copy = Course.objects.create(
        hub=hub,
        created_by=actor,
        copied_from=template,
        is_shared_template=False,
        **{
            field: getattr(template, field)
            for field in COURSE_FIELDS
            if field != "is_shared_template"
        },
    )
    CourseCompetence.objects.bulk_create(
        CourseCompetence(
            course=copy, competence_id=row.competence_id, target_level=row.target_level
        )
        for row in CourseCompetence.objects.filter(course=template)
    )
    journal_write(
        actor=actor,
        action="learning.course_copy",
        subject=copy,
        hub_id=hub.pk,
        details={"template": template.pk},
    )
    return copy


# --- sessions and meetings --------------------------------------------------------------


def _clean_trainers(hub: Hub, trainers: Iterable[Any]) -> list[Any]:
    chosen = list(trainers)
    allowed = set(
        Membership.objects.filter(
            hub=hub, is_active=True, role__in=TRAINER_ROLES, user__in=chosen
        ).values_list("user_id", flat=True)
    )
    if any(user.pk not in allowed for user in chosen):
        raise ValidationError({"trainers": _("Choose trainers or staff of this hub.")})
    return chosen


def _check_meeting(
    hub: Hub, starts_at: datetime, ends_at: datetime, location: Location | None, online_url: str
) -> None:
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["end"] = _("The meeting must end after it starts.")
    if location is not None and location.hub_id != hub.pk:
        errors["location"] = _("Choose a location of this hub.")
    if location is None and not online_url:
        errors["location"] = _("Choose a location or give an online link.")
    if errors:
        raise ValidationError(errors)


def _refresh_first_meeting(session: Session) -> None:
    first = Meeting.objects.filter(session=session).aggregate(first=Min("starts_at"))["first"]
    Session.objects.filter(pk=session.pk).update(first_meeting_at=first)
    session.first_meeting_at = first


@transaction.atomic
def session_create(
    *,
    actor: Any,
    course: Course,
    capacity: int,
    name: str = "",
    trainers: Iterable[Any] = (),
    offer_hours: int = 48,
    first_meeting: Mapping[str, Any] | None = None,
) -> Session:
    """Plan a run of a course, optionally with its first meeting (starts_at, ends_at,
    location, online_url)."""
    if not course.is_active:
        raise ValidationError({"course": _("This course is no longer in the catalogue.")})
    if capacity < 1:
        raise ValidationError({"capacity": _("A session needs at least one seat.")})
    chosen = _clean_trainers(course.hub, trainers)
    session = Session.objects.create(
        hub_id=course.hub_id,
        course=course,
        name=name,
        capacity=capacity,
        offer_hours=offer_hours,
        created_by=actor,
    )
    session.trainers.set(chosen)
    if first_meeting:
        _meeting_insert(session=session, **first_meeting)
    journal_write(
        actor=actor,
        action="learning.session_create",
        subject=session,
        hub_id=session.hub_id,
        details={"course": course.pk, "capacity": capacity},
    )
    return session


def _meeting_insert(
    *,
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    location: Location | None = None,
    online_url: str = "",
) -> Meeting:
    _check_meeting(session.course.hub, starts_at, ends_at, location, online_url)
    meeting = Meeting.objects.create(
        hub_id=session.hub_id,
        session=session,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        online_url=online_url,
    )
    _refresh_first_meeting(session)
    return meeting


@transaction.atomic
def meeting_add(
    *,
    actor: Any,
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    location: Location | None = None,
    online_url: str = "",
) -> Meeting:
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled."), code="cancelled")
    meeting = _meeting_insert(
        session=session,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        online_url=online_url,
    )
    journal_write(
        actor=actor,
        action="learning.meeting_add",
        subject=session,
        hub_id=session.hub_id,
        details={"meeting": meeting.pk},
    )
    return meeting


@transaction.atomic
def session_update(
    *,
    actor: Any,
    session: Session,
    capacity: int,
    name: str = "",
    trainers: Iterable[Any] = (),
    offer_hours: int = 48,
) -> Session:
    """Change seats, name, trainers and offer time. Fewer seats than are taken is refused;
    more seats go to the waiting list as offers."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not session.is_open:
        raise ValidationError(_("Only a planned session can be changed."), code="closed")
    if capacity < max(session.seats_taken, 1):
        raise ValidationError(
            {
                "capacity": _("%(taken)s seats are taken: give at least that many.")
                % {"taken": session.seats_taken}
            }
        )
    chosen = _clean_trainers(session.hub, trainers)
    added = capacity - session.capacity
    session.capacity, session.name, session.offer_hours = capacity, name, offer_hours
    session.status = (
        SessionStatus.FULL if session.seats_taken >= capacity else SessionStatus.PLANNED
    )
    session.save()
    session.trainers.set(chosen)
    journal_write(
        actor=actor,
        action="learning.session_update",
        subject=session,
        hub_id=session.hub_id,
        details={"capacity": capacity},
    )
    for _seat in range(max(added, 0)):
        if not _offer_free_seat(session=session, actor=actor, seat_in_hand=False):
            break
    return session


@transaction.atomic
def session_cancel(*, actor: Any, session: Session, reason: str = "") -> Session:
    """Cancel a session: every active enrolment ends, open offers are withdrawn and each
    enrolled, offered or waiting person gets a message in their language."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not session.is_open:
        raise ValidationError(_("This session is already closed."), code="closed")
    now = timezone.now()
    affected = list(
        Enrolment.objects.filter(session=session, status__in=ACTIVE_STATUSES).values_list(
            "pk", flat=True
        )
    )
    Offer.objects.filter(session=session, status=OfferStatus.OPEN).update(
        status=OfferStatus.WITHDRAWN, closed_at=now
    )
    Enrolment.objects.filter(pk__in=affected).update(
        status=EnrolmentStatus.CANCELLED, cancelled_at=now
    )
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.cancel_reason = reason[:300]
    session.seats_taken = 0
    session.save()
    journal_write(
        actor=actor,
        action="learning.session_cancel",
        subject=session,
        hub_id=session.hub_id,
        details={"enrolments": len(affected)},
    )
    from .tasks import notify_session_cancelled

    transaction.on_commit(
        lambda: notify_session_cancelled.enqueue(session_id=session.pk, enrolment_ids=affected)
    )
    return session


@transaction.atomic
def session_mark_done(*, actor: Any, session: Session) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not session.is_open:
        raise ValidationError(_("This session is already closed."), code="closed")
    now = timezone.now()
    for offer in Offer.objects.filter(session=session, status=OfferStatus.OPEN):
        _close_offer(offer, OfferStatus.WITHDRAWN, now)
        Enrolment.objects.filter(pk=offer.enrolment_id).update(
            status=EnrolmentStatus.EXPIRED, cancelled_at=now
        )
    Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITING).update(
        status=EnrolmentStatus.CANCELLED, cancelled_at=now
    )
    session.status = SessionStatus.DONE
    session.save()
    journal_write(
        actor=actor, action="learning.session_done", subject=session, hub_id=session.hub_id
    )
    return session


# --- enrolment and the waiting list -----------------------------------------------------


def _take_seat(session_id: int) -> bool:
    """Take one seat if one is free: a single conditional UPDATE, atomic on every
    database. The status turns 'full' in the same statement when the last seat goes."""
    return (
        Session.objects.filter(
            pk=session_id,
            status__in=(SessionStatus.PLANNED, SessionStatus.FULL),
            seats_taken__lt=F("capacity"),
        ).update(
            seats_taken=F("seats_taken") + 1,
            status=Case(
                When(seats_taken__gte=F("capacity") - 1, then=Value(SessionStatus.FULL)),
                default=Value(SessionStatus.PLANNED),
            ),
        )
        == 1
    )


def _give_back_seat(session_id: int) -> None:
    Session.objects.filter(pk=session_id, seats_taken__gt=0).update(
        seats_taken=F("seats_taken") - 1,
        status=Case(
            When(status=SessionStatus.FULL, then=Value(SessionStatus.PLANNED)),
            default=F("status"),
        ),
    )


@transaction.atomic
def enrolment_create(
    *,
    actor: Any,
    session: Session,
    participant: Participant,
    source: str = EnrolmentSource.STAFF,
) -> Enrolment:
    """Enrol a person: a seat when one is free, else a place at the end of the waiting
    list. For staff and, later, self-service from the public portal (`source="portal"`,
    `actor` None or the portal user)."""
    if source not in EnrolmentSource.values:
        raise ValidationError(_("Unknown source of enrolment."), code="source")
    if participant.hub_id != session.hub_id:
        raise ValidationError({"participant": _("Choose a person of this hub.")})
    if participant.is_anonymised or participant.is_merged:
        raise ValidationError({"participant": _("This record can no longer be enrolled.")})
    # Lock the session first, like every cancellation does: otherwise a cancellation that
    # frees a seat while this enrolment is being written cannot see it waiting, gives the
    # seat back to the pool, and this person ends up waiting behind a free seat.
    session = _lock_session(session.pk)
    if not session.is_open:
        raise ValidationError(_("This session is not open for enrolment."), code="closed")
    now = timezone.now()
    try:
        with transaction.atomic():
            seated = _take_seat(session.pk)
            enrolment = Enrolment.objects.create(
                hub_id=session.hub_id,
                session_id=session.pk,
                participant=participant,
                status=EnrolmentStatus.ENROLLED if seated else EnrolmentStatus.WAITING,
                enrolled_at=now if seated else None,
                source=source,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                created_at=now,
            )
    except IntegrityError as error:
        # The partial unique constraint: one active enrolment per person and session.
        raise ValidationError(
            {"participant": _("This person is already on this session.")}
        ) from error
    journal_write(
        actor=actor,
        action="learning.enrol" if seated else "learning.waitlist",
        subject=enrolment,
        hub_id=session.hub_id,
        details={"session": session.pk, "status": enrolment.status, "source": source},
    )
    return enrolment


@transaction.atomic
def enrolment_create_new_person(
    *, actor: Any, session: Session, person: Mapping[str, Any], consent_given: bool = False
) -> Enrolment:
    """Register a brand-new person (as the help log does) and enrol them, together: a
    refused enrolment leaves no half-registered person behind."""
    from digibank.people import services as people_services

    participant = people_services.participant_create(
        actor=actor, hub=session.hub, data=person, consent_given=consent_given
    )
    return enrolment_create(actor=actor, session=session, participant=participant)


def _close_offer(offer: Offer, status: str, now: datetime) -> bool:
    """Close an open offer; False when it was closed already (by someone else)."""
    closed = Offer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
        status=status, closed_at=now
    )
    offer.status, offer.closed_at = status, now
    return closed == 1


def _offer_free_seat(*, session: Session, actor: Any, seat_in_hand: bool = True) -> Offer | None:
    """Offer a seat to the next person waiting. With `seat_in_hand` the seat is one a
    leaving person held (still counted): with nobody waiting it goes back to the pool.
    Without it (more seats were added) a free seat is taken first. The caller holds the
    session's lock."""
    now = timezone.now()
    following = (
        Enrolment.objects.select_for_update()
        .filter(session=session, status=EnrolmentStatus.WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if following is None:
        if seat_in_hand:
            _give_back_seat(session.pk)
        return None
    if not seat_in_hand and not _take_seat(session.pk):
        return None
    following.status = EnrolmentStatus.OFFERED
    following.save(update_fields=["status", "updated_at"])
    offer = Offer.objects.create(
        hub_id=session.hub_id,
        session=session,
        enrolment=following,
        offered_at=now,
        expires_at=now + timedelta(hours=session.offer_hours),
    )
    journal_write(
        actor=actor,
        action="learning.offer",
        subject=following,
        hub_id=session.hub_id,
        details={"session": session.pk, "offer": offer.pk, "hours": session.offer_hours},
    )
    from .tasks import expire_offers, notify_offer, offer_expiry_backend_can_wait

    transaction.on_commit(lambda: notify_offer.enqueue(offer_id=offer.pk))
    if offer_expiry_backend_can_wait():
        transaction.on_commit(lambda: expire_offers.using(run_after=offer.expires_at).enqueue())
    return offer


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update().get(pk=session_id)


@transaction.atomic
def enrolment_cancel(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    """A person leaves the session or the waiting list. A seat they held goes to the next
    person waiting as an offer."""
    session = _lock_session(enrolment.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This enrolment has ended already."), code="ended")
    held_seat = enrolment.status in SEAT_STATUSES
    now = timezone.now()
    for offer in Offer.objects.filter(enrolment=enrolment, status=OfferStatus.OPEN):
        _close_offer(offer, OfferStatus.DECLINED, now)
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.cancelled_at = now
    enrolment.save(update_fields=["status", "cancelled_at", "updated_at"])
    journal_write(
        actor=actor,
        action="learning.enrolment_cancel",
        subject=enrolment,
        hub_id=enrolment.hub_id,
        details={"session": session.pk, "held_seat": held_seat},
    )
    if held_seat and session.is_open:
        _offer_free_seat(session=session, actor=actor)
    return enrolment


@transaction.atomic
def offer_accept(*, actor: Any, offer: Offer) -> Enrolment:
    """The person takes the offered seat. Locks the offer and checks it is still open and
    not expired, so an offer is accepted at most once."""
    _lock_session(offer.session_id)
    offer = Offer.objects.select_for_update().select_related("enrolment").get(pk=offer.pk)
    now = timezone.now()
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(_("This offer is no longer open."), code="closed")
    if offer.expires_at <= now:
        raise ValidationError(_("This offer has expired."), code="expired")
    if not _close_offer(offer, OfferStatus.ACCEPTED, now):
        raise ValidationError(_("This offer is no longer open."), code="closed")
    enrolment = offer.enrolment
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.enrolled_at = now
    enrolment.save(update_fields=["status", "enrolled_at", "updated_at"])
    journal_write(
        actor=actor,
        action="learning.offer_accept",
        subject=enrolment,
        hub_id=enrolment.hub_id,
        details={"session": offer.session_id, "offer": offer.pk},
    )
    return enrolment


@transaction.atomic
def offer_decline(*, actor: Any, offer: Offer) -> Enrolment:
    """The person does not want the seat: they leave the list, the seat moves on."""
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(_("This offer is no longer open."), code="closed")
    return enrolment_cancel(actor=actor, enrolment=offer.enrolment)


def offers_expire(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Expire every open offer past its time and offer the seat to the next person; one
    transaction per offer. Idempotent. Returns how many offers expired."""
    now = now or timezone.now()
    expired = 0
    due = list(
        Offer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now)
        .order_by("expires_at", "id")
        .values_list("pk", "session_id")[:batch_size]
    )
    for offer_id, session_id in due:
        with transaction.atomic():
            session = _lock_session(session_id)
            offer = Offer.objects.select_for_update().get(pk=offer_id)
            if offer.status != OfferStatus.OPEN or not _close_offer(
                offer, OfferStatus.EXPIRED, now
            ):
                continue
            Enrolment.objects.filter(pk=offer.enrolment_id, status=EnrolmentStatus.OFFERED).update(
                status=EnrolmentStatus.EXPIRED, cancelled_at=now, updated_at=now
            )
            journal_write(
                actor=None,
                action="learning.offer_expire",
                subject=offer.enrolment,
                hub_id=offer.hub_id,
                details={"session": session_id, "offer": offer_id},
            )
            if session.is_open:
                _offer_free_seat(session=session, actor=None)
            expired += 1
    return expired


# --- attendance and certificates --------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, actor: Any, meeting: Meeting, enrolment: Enrolment, status: str
) -> Attendance:
    """Record whether an enrolled person came to a meeting (tap again to change it)."""
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("Choose present or absent.")})
    if enrolment.session_id != meeting.session_id or enrolment.hub_id != meeting.hub_id:
        raise ValidationError(_("This person is not on this session."), code="session")
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("Only enrolled people have attendance."), code="status")
    from .classroom import check_attendance_allowed

    check_attendance_allowed(actor=actor, meeting=meeting)
    now = timezone.now()
    values = {"status": status, "recorded_at": now, "recorded_by": actor}
    updated = Attendance.objects.filter(meeting=meeting, enrolment=enrolment).update(**values)
    if not updated:
        try:
            with transaction.atomic():
                Attendance.objects.create(
                    hub_id=meeting.hub_id, meeting=meeting, enrolment=enrolment, **values
                )
        except IntegrityError:
            Attendance.objects.filter(meeting=meeting, enrolment=enrolment).update(**values)
    attendance = Attendance.objects.get(meeting=meeting, enrolment=enrolment)
    journal_write(
        actor=actor,
        action="learning.attendance",
        subject=enrolment,
        hub_id=meeting.hub_id,
        details={"meeting": meeting.pk, "status": status},
    )
    return attendance


@transaction.atomic
def certificate_issue(*, actor: Any, enrolment: Enrolment) -> Certificate:
    """Issue (once) the certificate of participation, for people who met the course's
    attendance rule; otherwise a ValidationError that explains why not."""
    from .queries import certificate_eligibility

    eligibility = certificate_eligibility(enrolment)
    if not eligibility.eligible:
        raise ValidationError(eligibility.reason, code="not_eligible")
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    language = enrolment.participant.preferred_language
    certificate = Certificate.objects.create(
        hub_id=enrolment.hub_id,
        enrolment=enrolment,
        issued_by=actor,
        language=language if language in ("nl", "fr", "en") else "nl",
    )
    journal_write(
        actor=actor,
        action="learning.certificate",
        subject=enrolment,
        hub_id=enrolment.hub_id,
        details={"certificate": certificate.pk, "language": certificate.language},
    )
    return certificate


# --- merging two records of a person ----------------------------------------------------

_RANK: dict[str, int] = {
    EnrolmentStatus.ENROLLED: 3,
    EnrolmentStatus.OFFERED: 2,
    EnrolmentStatus.WAITING: 1,
}


def enrolments_merge(source: Participant, target: Participant, actor: Any) -> None:
    """Merge handler: move enrolments to the surviving record. When both records are on
    the same session, the better place stays (enrolled before offered before waiting,
    then the earlier one); the other is cancelled, its attendance moves to the kept one
    where that meeting has none, and a seat it held moves on to the waiting list."""
    target_active = {
        row.session_id: row
        for row in Enrolment.objects.filter(participant=target, status__in=ACTIVE_STATUSES)
    }
    for row in Enrolment.objects.filter(participant=source, status__in=ACTIVE_STATUSES):
        other = target_active.get(row.session_id)
        if other is None:
            continue
        keep, drop = sorted((row, other), key=lambda e: (-_RANK[e.status], e.created_at, e.pk))
        taken = set(Attendance.objects.filter(enrolment=keep).values_list("meeting_id", flat=True))
        Attendance.objects.filter(enrolment=drop).exclude(meeting_id__in=taken).update(
            enrolment=keep
        )
        enrolment_cancel(actor=actor, enrolment=drop)
    moved = Enrolment.objects.filter(participant=source).update(participant=target)
    if moved:
        journal_write(
            actor=actor,
            action="learning.enrolments_merge",
            subject=target,
            hub_id=target.hub_id,
            details={"moved": moved},
        )
