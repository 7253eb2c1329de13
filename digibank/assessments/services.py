"""Every change to self-assessments and to the questionnaire. Keyword-only functions taking
`actor=`; each runs in one transaction and writes the journal inside it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.core.journal import journal_write
from digibank.people.models import Participant

from .models import Answer, Assessment, Moment, Rating, Statement, Way, area_totals_of

if TYPE_CHECKING:
    from digibank.learning.models import Course
    from digibank.network.models import Hub

PAIRED_MOMENTS = (Moment.BEFORE, Moment.AFTER)


def rating_field(statement_id: int) -> str:
    """The form field (and error key) of one statement's rating."""
    return f"statement_{statement_id}"


def active_statements() -> list[Statement]:
    return list(Statement.objects.filter(active=True).order_by("area", "position", "id"))


def _whole_number(value: Any) -> int | None:
    """1 or "1"; not 1.5, "1.5", True or anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _clean_ratings(ratings: Mapping[int, Any], statements: list[Statement]) -> dict[int, int]:
    """Every active statement has a rating from 1 to 5, and nothing else is rated."""
    errors: dict[str, list[str]] = {}
    valid = set(Rating.values)
    cleaned: dict[int, int] = {}
    for statement in statements:
        value = ratings.get(statement.pk)
        number = _whole_number(value)
        if value is None or value == "":
            errors[rating_field(statement.pk)] = [_("Choose an answer for this sentence.")]
        elif number is None or number not in valid:
            errors[rating_field(statement.pk)] = [_("Choose one of the five answers.")]
        else:
            cleaned[statement.pk] = number
    unknown = set(ratings) - {statement.pk for statement in statements}
    if unknown:
        errors.setdefault("__all__", []).append(
            _("The questionnaire has changed. Fill it in again.")
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _taken_at(taken_on: Any) -> datetime:
    """A date typed in from paper becomes noon of that day (Brussels time); no date is
    now. A date in the future is refused."""
    now = timezone.now()
    if taken_on is None:
        return now
    if taken_on > timezone.localdate(now):
        raise ValidationError({"taken_on": _("This date is in the future.")})
    if taken_on == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(taken_on, datetime.min.time()).replace(hour=12))


def refresh_latest(*, participant_id: int, course_id: int | None) -> None:
    """Mark the participant's newest assessment per moment for this course (or without a
    course) as `latest`, and the latest "before" and "after" as `paired` when both exist.
    One read of the person's few assessments, then at most three UPDATEs."""
    rows = Assessment.objects.filter(participant_id=participant_id)
    rows = (
        rows.filter(course__isnull=True) if course_id is None else rows.filter(course_id=course_id)
    )
    newest: dict[str, int] = {}
    for pk, moment in rows.order_by("-taken_at", "-id").values_list("pk", "moment"):
        newest.setdefault(moment, pk)
    keep = list(newest.values())
    rows.exclude(pk__in=keep).filter(Q(latest=True) | Q(paired=True)).update(
        latest=False, paired=False
    )
    both = all(moment in newest for moment in PAIRED_MOMENTS)
    paired = [newest[moment] for moment in PAIRED_MOMENTS] if both else []
    rows.filter(pk__in=keep).exclude(pk__in=paired).update(latest=True, paired=False)
    if paired:
        rows.filter(pk__in=paired).update(latest=True, paired=True)


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    hub: Hub,
    participant: Participant,
    moment: str,
    ratings: Mapping[int, Any],
    way: str = Way.SCREEN,
    course: Course | None = None,
    taken_on: Any = None,
) -> Assessment:
    """Save a self-assessment: a rating from 1 to 5 for every active statement of the
    questionnaire. `ratings` maps statement ids to ratings. `taken_on` (a date) is for
    paper forms filled in earlier."""
    errors: dict[str, list[str]] = {}
    # One assessment of a person at a time (PostgreSQL; SQLite's IMMEDIATE transactions
    # already serialise writers), so the "latest" marks never clash; and the record's
    # state as it is now, not as the caller read it.
    locked = Participant.objects.select_for_update().filter(pk=participant.pk).first()
    if locked is None:
        raise ValidationError(_("This person is not registered."), code="participant")
    participant = locked
    if participant.hub_id != hub.pk:
        raise ValidationError(_("This person belongs to another hub."), code="hub")
    if participant.anonymised_at is not None or participant.merged_into_id is not None:
        raise ValidationError(
            _("This record is anonymised or merged. Use the person's current record."),
            code="participant",
        )
    if moment not in Moment.values:
        errors["moment"] = [_("Choose when the person fills this in.")]
    if way not in Way.values:
        errors["way"] = [_("Choose how the answers are given.")]
    if course is not None and course.hub_id != hub.pk:
        errors["course"] = [_("Choose a course of this hub.")]
    try:
        taken_at = _taken_at(taken_on)
    except ValidationError as error:
        errors.update(error.message_dict)
        taken_at = timezone.now()
    statements = active_statements()
    try:
        cleaned = _clean_ratings(ratings, statements)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if not statements:
        raise ValidationError(_("The questionnaire has no statements yet."), code="empty")

    assessment = Assessment.objects.create(
        **area_totals_of([(s.area, cleaned[s.pk]) for s in statements]),
        hub=hub,
        participant=participant,
        taken_at=taken_at,
        moment=moment,
        way=way,
        course=course,
        recorded_by=actor,
    )
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            statement=statement,
            area=statement.area,
            rating=cleaned[statement.pk],
        )
        for statement in statements
    )
    refresh_latest(participant_id=participant.pk, course_id=course.pk if course else None)
    assessment.refresh_from_db(fields=["latest", "paired"])
    journal_write(
        actor=actor,
        action="assessments.record",
        subject=assessment,
        hub_id=hub.pk,
        details={
            "participant_id": participant.pk,
            "moment": moment,
            "way": way,
            "course_id": course.pk if course else None,
            "answers": len(statements),
        },
    )
    return assessment


@transaction.atomic
def assessment_record_view(*, actor: Any, participant: Participant) -> None:
    """Reading a person's self-assessments is journaled, like reading their record."""
    journal_write(
        actor=actor,
        action="assessments.view",
        subject=participant,
        hub_id=participant.hub_id,
    )


def move_assessments(source: Participant, target: Participant, actor: Any) -> None:
    """Merge handler: the merged record's assessments move to the surviving record, and
    the "latest" marks are worked out again for the survivor. Runs inside the merge."""
    courses = set(Assessment.objects.filter(participant=source).values_list("course_id", flat=True))
    if not courses:
        return
    moved = Assessment.objects.filter(participant=source).update(
        participant=target, latest=False, paired=False
    )
    for course_id in sorted(courses, key=lambda pk: pk or 0):
        refresh_latest(participant_id=target.pk, course_id=course_id)
    journal_write(
        actor=actor,
        action="assessments.move",
        subject=target,
        hub_id=target.hub_id,
        details={"merged_id": source.pk, "assessments": moved},
    )


# --- the questionnaire (platform admins) -------------------------------------------------

TEXT_FIELDS = ("text_nl", "text_fr", "text_en")


@transaction.atomic
def statement_save(*, actor: Any, statement: Statement, changed: list[str]) -> Statement:
    """Save a statement edited by a platform admin. A statement that people have already
    rated keeps its text: when a text or the area changes, the old row is retired
    (inactive, untouched) and a new row replaces it, so old answers keep the sentence
    the person rated. Returns the row that holds the new values."""
    is_new = statement.pk is None
    rewritten = not is_new and bool(set(changed) & {*TEXT_FIELDS, "area"})
    if rewritten and Answer.objects.filter(statement_id=statement.pk).exists():
        old_pk = statement.pk
        Statement.objects.filter(pk=old_pk).update(active=False, updated_at=timezone.now())
        statement.pk = None
        statement._state.adding = True
        statement.replaces_id = old_pk
        statement.save()
        journal_write(
            actor=actor,
            action="assessments.statement_revise",
            subject=statement,
            details={"replaces": old_pk, "fields": sorted(changed)},
        )
        return statement
    statement.save()
    journal_write(
        actor=actor,
        action="assessments.statement_add" if is_new else "assessments.statement_change",
        subject=statement,
        details={"fields": sorted(changed)},
    )
    return statement
