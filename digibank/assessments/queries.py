"""Reads of the assessments app: a participant's progress per DigComp area, the hub's
progress per area and per course (aggregates only), figures for programme pages and the
participant's timeline. Every read is a fixed number of queries, aggregated in the
database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.learning.digcomp import AREAS
from digibank.people.timeline import TimelineItem

from .models import AREA_NUMBERS, Answer, Assessment, Moment

if TYPE_CHECKING:
    from digibank.network.models import Hub
    from digibank.people.models import Participant

TWO_PLACES = Decimal("0.01")
ASSESSMENTS_FIGURE = _("Self-assessments of digital skills")
TIMELINE_TITLES: dict[str, Promise] = {
    Moment.BEFORE: _("Digital skills self-assessment before the course"),
    Moment.AFTER: _("Digital skills self-assessment after the course"),
    Moment.OTHER: _("Digital skills self-assessment"),
}


def average(total: int | None, count: int | None) -> Decimal | None:
    """The exact average, rounded half up to two decimals; None without answers."""
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AreaProgress:
    area: int
    label: str | Promise
    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class Progress:
    """Averages per area, before and after."""

    areas: list[AreaProgress]
    before: Assessment | None = None
    after: Assessment | None = None
    people: int | None = None  # hub figures: people with a "before" and an "after"
    title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_figures(self) -> bool:
        return any(row.before is not None or row.after is not None for row in self.areas)


def _areas(sums: dict[tuple[str, int], tuple[int, int]]) -> list[AreaProgress]:
    """Rows per area from {(moment, area): (sum of ratings, number of answers)}."""
    return [
        AreaProgress(
            area=area,
            label=AREAS[area],
            before=average(*sums.get((Moment.BEFORE, area), (0, 0))),
            after=average(*sums.get((Moment.AFTER, area), (0, 0))),
        )
        for area in AREA_NUMBERS
    ]


# --- one participant ---------------------------------------------------------------------


def participant_assessments(participant: Participant) -> QuerySet[Assessment]:
    return Assessment.objects.filter(participant=participant).select_related(
        "course", "recorded_by"
    )


def participant_courses(participant: Participant) -> list[tuple[int, str]]:
    """The courses the participant has self-assessments for: (id, title)."""
    rows = (
        Assessment.objects.filter(participant=participant, course__isnull=False)
        .values_list("course_id", "course__title")
        .distinct()
        .order_by("course__title", "course_id")
    )
    return [(pk, title) for pk, title in rows]


def participant_progress(participant: Participant, *, course_id: int | None = None) -> Progress:
    """Average rating per area of the participant's latest "before" and latest "after"
    self-assessment (of one course when `course_id` is given). Two queries."""
    assessments = Assessment.objects.filter(participant=participant).select_related("course")
    newest = ("-taken_at", "-id")
    unpaired = False
    if course_id is not None:
        assessments = assessments.filter(course_id=course_id)
        before = assessments.filter(moment=Moment.BEFORE).order_by(*newest).first()
        after = assessments.filter(moment=Moment.AFTER).order_by(*newest).first()
    else:
        # Never compare the "before" of one course with the "after" of another: take the
        # newest pair of the same course (or of no course); without one, show the newest
        # single self-assessment and say it has no pair.
        after = assessments.filter(moment=Moment.AFTER, paired=True).order_by(*newest).first()
        if after is not None:
            same = assessments.filter(moment=Moment.BEFORE, paired=True)
            same = (
                same.filter(course_id=after.course_id)
                if after.course_id
                else same.filter(course__isnull=True)
            )
            before = same.order_by(*newest).first()
        else:
            single = (
                assessments.filter(moment__in=(Moment.BEFORE, Moment.AFTER))
                .order_by(*newest)
                .first()
            )
            before = single if single and single.moment == Moment.BEFORE else None
            after = single if single and single.moment == Moment.AFTER else None
            unpaired = single is not None
    sums: dict[tuple[str, int], tuple[int, int]] = {}
    for assessment in (before, after):
        if assessment is not None:
            for area, totals in assessment.area_totals().items():
                sums[(assessment.moment, area)] = totals
    return Progress(areas=_areas(sums), before=before, after=after, extra={"unpaired": unpaired})


def assessment_answers(assessment: Assessment) -> list[Answer]:
    """The answers with the exact statement versions the person rated."""
    return list(
        Answer.objects.filter(assessment=assessment)
        .select_related("statement")
        .order_by("area", "statement__position", "id")
    )


# --- the hub ---------------------------------------------------------------------------


_AREA_SUMS = {
    f"{kind}_{area}": Sum(f"{kind}_area_{area}")
    for kind in ("sum", "count")
    for area in AREA_NUMBERS
}


def _sums(row: Any, moment: str, into: dict[tuple[str, int], tuple[int, int]]) -> None:
    for area in AREA_NUMBERS:
        into[(moment, area)] = (row[f"sum_{area}"] or 0, row[f"count_{area}"] or 0)


def hub_progress(hub: Hub) -> tuple[Progress, list[Progress]]:
    """The hub's progress per area over every pair of a person's latest "before" and
    latest "after" (per course, or both without a course), and the same per course.
    Aggregates only, summed in the database from the per-area totals of each
    assessment; two queries whatever the number of people and courses."""
    paired = Assessment.objects.filter(hub=hub, paired=True)
    overall_sums: dict[tuple[str, int], tuple[int, int]] = {}
    people = 0
    for row in (
        paired.values("moment")
        .annotate(people=Count("participant", distinct=True), **_AREA_SUMS)
        .order_by()
    ):
        _sums(row, row["moment"], overall_sums)
        if row["moment"] == Moment.AFTER:
            people = row["people"]
    overall = Progress(areas=_areas(overall_sums), people=people)

    courses: dict[int, tuple[str, int]] = {}
    sums: dict[int, dict[tuple[str, int], tuple[int, int]]] = {}
    for row in (
        paired.filter(course__isnull=False)
        .values("course_id", "course__title", "moment")
        .annotate(people=Count("participant", distinct=True), **_AREA_SUMS)
        .order_by("course__title", "course_id", "moment")
    ):
        if row["moment"] == Moment.AFTER:
            courses[row["course_id"]] = (row["course__title"], row["people"])
        _sums(row, row["moment"], sums.setdefault(row["course_id"], {}))
    per_course = [
        Progress(areas=_areas(sums[pk]), people=people, title=title, extra={"course_id": pk})
        for pk, (title, people) in courses.items()
    ]
    return overall, per_course


def recent_assessments(hub: Hub) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(hub=hub)
        .select_related("participant", "course")
        .order_by("-taken_at", "-id")
    )


# --- other apps' pages -------------------------------------------------------------------


def assessments_per_hub(hub_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Assessment.objects.filter(hub_id__in=list(hub_ids))
        .values("hub_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["hub_id"]: row["count"] for row in rows}


def hub_figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
    """Per hub: the number of self-assessments. One query, no personal data."""
    ids = list(hub_ids)
    counts = assessments_per_hub(ids)
    return {hub_id: {ASSESSMENTS_FIGURE: counts.get(hub_id, 0)} for hub_id in ids}


def assessments_timeline(participant: Participant, limit: int) -> list[TimelineItem]:
    """One item per self-assessment, linking to the person's progress. One query."""
    rows = (
        Assessment.objects.filter(participant=participant)
        .select_related("hub", "course")
        .order_by("-taken_at", "-id")[:limit]
    )
    items = []
    for assessment in rows:
        url = reverse(
            "assessments:participant",
            kwargs={"hub": assessment.hub.slug, "participant": assessment.participant_id},
        )
        if assessment.course_id:
            url += f"?course={assessment.course_id}"
        items.append(
            TimelineItem(
                when=assessment.taken_at,
                title=TIMELINE_TITLES.get(assessment.moment, TIMELINE_TITLES[Moment.OTHER]),
                detail=assessment.course.title if assessment.course else "",
                url=url,
            )
        )
    return items
