"""The digital skills self-assessment: the hub overview (progress per area and per course,
aggregated in the database over every self-assessment of the hub)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from digibank.assessments.models import Answer

from ..registry import Bench, Result, Skip, measurement


@measurement("assessments.overview", order=400)
def assessments_overview(bench: Bench) -> Result:
    try:
        url = reverse("assessments:overview", kwargs={"hub": bench.hub.slug})
    except NoReverseMatch as error:
        raise Skip("no URL named assessments:overview yet") from error
    if not Answer.objects.filter(assessment__hub=bench.hub).exists():
        raise Skip("the hub has no self-assessments")
    return bench.page_result(
        "assessments.overview",
        [url] * (bench.warmup + bench.requests),
        rows=Answer.objects.count(),
    )
