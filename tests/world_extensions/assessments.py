"""Self-assessments for the tenancy walk: per hub a "before" and an "after" of the first
participant (one with a course of that hub, one without)."""

from __future__ import annotations

from typing import Any

from digibank.assessments import services
from digibank.assessments.models import Statement
from digibank.learning.models import Course

APP_DEFAULT_KIND = {"assessments": "assessment"}


def fill(side: Any, *, label: str, colleague: Any, location: Any, participants: list[Any]) -> None:
    hub = side.hub
    course = Course.objects.create(hub=hub, title=f"Digitale vaardigheden {label}")
    ratings = dict.fromkeys(Statement.objects.filter(active=True).values_list("pk", flat=True), 3)
    before = services.assessment_record(
        actor=colleague,
        hub=hub,
        participant=participants[0],
        moment="before",
        course=course,
        ratings=ratings,
    )
    after = services.assessment_record(
        actor=colleague,
        hub=hub,
        participant=participants[0],
        moment="after",
        ratings=dict.fromkeys(ratings, 4),
        way="paper",
    )
    side.add("assessment", before, after)
    side.hub_records.append(course.title)
