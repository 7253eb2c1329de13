"""Funding: counting the users reached by the big hub over a two-year grant period (the
one UNION query of funding.reach, exact), the coordinator's pre-filled report page (the
live figures of a report period) and the officer's programme dashboard.

The report page is opened by a coordinator of the big hub and the dashboard by an
officer of its programme; both are made here when the data set has none."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from django.db import close_old_connections, connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from digibank.accounts.models import Membership, ProgrammeRole, User
from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.funding.models import Grant, Report, ReportStatus
from digibank.funding.reach import users_reached
from digibank.helpdesk.models import HelpQuestion
from digibank.learning.models import Attendance
from digibank.lending.models import Loan

from ..registry import Bench, CountQueries, Result, Skip, Timing, measurement, signed_in_client

BENCH_OFFICER = "bench.officer@digibank.example"


def _url(name: str, **kwargs: object) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise Skip(f"no URL named {name} yet") from error


def _period(bench: Bench) -> tuple[date, date]:
    """The big hub's grant period, else the last two years."""
    grant = Grant.objects.filter(hub=bench.hub).order_by("starts_on").first()
    if grant is not None:
        return grant.starts_on, grant.ends_on
    today = timezone.localdate()
    return today - timedelta(days=730), today


def _source_rows() -> int:
    """Rows the reach count looks through (all hubs): help questions, loans, attendances
    (highest ids: cheap, and exact enough for a row count)."""
    return sum(
        model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in (HelpQuestion, Loan, Attendance)
    )


@measurement("funding.reach", order=900)
def reach(bench: Bench) -> Result:
    """users_reached(hub, grant period): one query, exact, no sampling."""
    starts_on, ends_on = _period(bench)
    latencies: list[float] = []
    queries: list[int] = []
    count = 0
    for index in range(bench.warmup + bench.requests):
        if bench.reconnect:
            close_old_connections()
        started = time.perf_counter()
        with CountQueries(connection) as captured:
            count = users_reached(bench.hub.pk, starts_on, ends_on)
        elapsed = (time.perf_counter() - started) * 1000
        if index >= bench.warmup:
            latencies.append(elapsed)
            queries.append(len(captured.captured_queries))
    bench.notes.append(
        f"funding.reach: {count:,} users reached by {bench.hub.name} from {starts_on} to {ends_on}"
    )
    timing = Timing(latencies, queries, Counter({200: len(latencies)}))
    return bench.result("funding.reach", timing, rows=_source_rows())


def _coordinator(bench: Bench) -> User:
    membership = (
        Membership.objects.filter(hub=bench.hub, role=HubRole.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise Skip("the hub has no coordinator")
    return membership.user


@measurement("funding.report_prefill", order=910)
def report_prefill(bench: Bench) -> Result:
    """The coordinator's report page of a report still to write: every live figure of
    the report's period is counted from the hub's data."""
    report = (
        Report.objects.filter(
            grant__hub=bench.hub, status__in=[ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED]
        )
        .order_by("-period_end", "-period_start", "pk")
        .first()
    )
    if report is None:
        raise Skip("the hub has no report to write (no funding demo data)")
    url = _url("funding_reports:hub_report", hub=bench.hub.slug, pk=report.pk)
    as_coordinator = replace(bench, client=signed_in_client(_coordinator(bench)))
    return as_coordinator.page_result(
        "funding.report_prefill",
        [url] * (bench.warmup + bench.requests),
        rows=_source_rows(),
    )


def _officer(bench: Bench) -> User:
    programme = bench.hub.programme
    role = (
        ProgrammeRole.objects.filter(programme=programme, role=ProgrammeRoleKind.OFFICER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if role is not None:
        return role.user
    user, _ = User.objects.get_or_create(
        email=BENCH_OFFICER, defaults={"full_name": "Bench Officer", "is_active": True}
    )
    ProgrammeRole.objects.get_or_create(
        user=user, programme=programme, role=ProgrammeRoleKind.OFFICER
    )
    return user


@measurement("funding.programme_dashboard", order=920)
def programme_dashboard(bench: Bench) -> Result:
    """The officer's dashboard: money, rounds, and a page of grants with their reach."""
    programme = bench.hub.programme
    if not Grant.objects.filter(programme=programme).exists():
        raise Skip("the programme has no grants (no funding demo data)")
    url = _url("funding_reports:dashboard", programme=programme.slug)
    as_officer = replace(bench, client=signed_in_client(_officer(bench)))
    return as_officer.page_result(
        "funding.programme_dashboard",
        [url] * (bench.warmup + bench.requests),
        rows=Grant.objects.filter(programme=programme).count(),
    )
