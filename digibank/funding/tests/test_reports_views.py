"""The reports pages: the coordinator's list and pre-filled report, the officer's
obligations and review, who may open what (404 for other hubs and programmes, 403 for
staff without funding.report), and query counts that do not grow with the data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.funding.models import Grant, Report, ReportKind, ReportStatus
from digibank.network.models import Hub, Programme

from .factories import Activity, brussels, create_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(programme: Programme, hub: Hub, officer: User) -> Grant:
    return create_grant(programme=programme, hub=hub, created_by=officer, title="Digibank Gent")


@pytest.fixture
def report(grant: Grant) -> Report:
    return Report.objects.create(
        grant=grant,
        kind=ReportKind.INTERIM,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        due_on=date(2026, 1, 31),
    )


def _hub_url(name: str, hub: Hub, **kwargs: Any) -> str:
    return reverse(f"funding_reports:{name}", kwargs={"hub": hub.slug, **kwargs})


def _officer_url(name: str, programme: Programme, **kwargs: Any) -> str:
    return reverse(f"funding_reports:{name}", kwargs={"programme": programme.slug, **kwargs})


# --- coordinator ----------------------------------------------------------------------------


def test_the_coordinator_sees_the_reports_with_overdue_marked(
    client_for: Any, coordinator: User, report: Report, hub: Hub
) -> None:
    response = client_for(coordinator).get(_hub_url("hub_reports", hub))
    assert response.status_code == 200
    assert "Interim report" in response.text
    assert "Digibank Gent" in response.text
    assert "Overdue" in response.text  # due in January 2026, long past in the tests' today


def test_the_report_is_prefilled_then_submitted_and_read_only(
    client_for: Any, coordinator: User, staff: User, report: Report, hub: Hub
) -> None:
    activity = Activity(hub, staff)
    activity.help_on(activity.person("Jan", "senior"), brussels(2025, 3, 3), "itsme")
    client = client_for(coordinator)
    url = _hub_url("hub_report", hub, pk=report.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert "Help questions" in page.text
    assert "itsme" in page.text
    assert "Senior" in page.text
    # A draft first, then a submission that misses the next steps.
    response = client.post(url, {"narrative": "Goed jaar", "next_steps": "", "save": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "Goed jaar"
    assert report.status == ReportStatus.DUE
    response = client.post(url, {"narrative": "Goed jaar", "next_steps": "", "submit": "1"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Write the next steps." in response.text
    response = client.post(url, {"narrative": "Goed jaar", "next_steps": "Meer", "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    page = client.get(url)
    assert "<textarea" not in page.text
    assert "Goed jaar" in page.text
    assert "itsme" in page.text
    response = client.post(url, {"narrative": "Anders", "next_steps": "x", "save": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "Goed jaar"


def test_the_report_page_costs_the_same_queries_with_more_data(
    client_for: Any,
    coordinator: User,
    staff: User,
    report: Report,
    hub: Hub,
    django_assert_max_num_queries: Any,
) -> None:
    activity = Activity(hub, staff)
    client = client_for(coordinator)
    url = _hub_url("hub_report", hub, pk=report.pk)
    for number in range(6):
        person = activity.person(f"P{number}", "senior")
        activity.help_on(person, brussels(2025, 3, 1 + number), "itsme")
        activity.lend(person, brussels(2025, 4, 1 + number))
        activity.present(activity.meeting(brussels(2025, 5, 1 + number)), person)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(_hub_url("hub_reports", hub)).status_code == 200


def test_a_coordinator_of_another_hub_gets_404(
    client_for: Any, make_user: Any, other_hub: Hub, report: Report, hub: Hub
) -> None:
    stranger = make_user(HubRole.COORDINATOR, other_hub)
    client = client_for(stranger)
    assert client.get(_hub_url("hub_report", hub, pk=report.pk)).status_code == 404
    assert client.get(_hub_url("hub_reports", hub)).status_code == 404
    # Their own hub's address with our report's id: 404 as well.
    assert client.get(_hub_url("hub_report", other_hub, pk=report.pk)).status_code == 404


def test_staff_without_the_permission_get_403(
    client_for: Any, staff: User, report: Report, hub: Hub
) -> None:
    client = client_for(staff)
    assert client.get(_hub_url("hub_reports", hub)).status_code == 403
    assert client.get(_hub_url("hub_report", hub, pk=report.pk)).status_code == 403


# --- officer ----------------------------------------------------------------------------------


def test_the_officer_adds_reports_and_the_standard_schedule(
    client_for: Any, officer: User, grant: Grant, programme: Programme
) -> None:
    client = client_for(officer)
    url = _officer_url("grant_reports", programme, grant_pk=grant.pk)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "interim",
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
            "due_on": "2025-06-01",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not Report.objects.exists()
    response = client.post(
        url,
        {
            "kind": "interim",
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
            "due_on": "2025-07-31",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(_officer_url("grant_schedule", programme, grant_pk=grant.pk)).status_code == 302
    )
    assert Report.objects.filter(grant=grant).count() == 3
    added = Report.objects.get(period_end=date(2025, 6, 30))
    edit = _officer_url("report_edit", programme, pk=added.pk)
    response = client.post(
        edit,
        {
            "kind": "interim",
            "period_start": "2025-01-01",
            "period_end": "2025-05-31",
            "due_on": "2025-07-31",
        },
    )
    assert response.status_code == 302
    assert client.post(_officer_url("report_remove", programme, pk=added.pk)).status_code == 302
    assert Report.objects.filter(grant=grant).count() == 2


def test_removing_a_submitted_report_is_refused_with_a_message(
    client_for: Any, officer: User, report: Report, programme: Programme
) -> None:
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.SUBMITTED, submitted_at=timezone.now()
    )
    response = client_for(officer).post(
        _officer_url("report_remove", programme, pk=report.pk), follow=True
    )
    assert response.status_code == 200
    assert "A submitted report cannot be removed." in response.text
    assert Report.objects.filter(pk=report.pk).exists()


def test_the_officer_reviews_a_submitted_report(
    client_for: Any,
    officer: User,
    coordinator: User,
    report: Report,
    programme: Programme,
    hub: Hub,
) -> None:
    client_for(coordinator).post(
        _hub_url("hub_report", hub, pk=report.pk),
        {"narrative": "Goed", "next_steps": "Meer", "submit": "1"},
    )
    client = client_for(officer)
    url = _officer_url("officer_report", programme, pk=report.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert "People reached" in page.text
    assert "Goed" in page.text
    response = client.post(url, {"decision": "changes_requested", "comment": ""})
    assert response.status_code == 200
    assert "Write what should change." in response.text
    response = client.post(url, {"decision": "changes_requested", "comment": "Meer uitleg"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CHANGES_REQUESTED
    assert client.get(_officer_url("programme_reports", programme)).status_code == 200


def test_an_officer_of_another_programme_gets_404(
    client_for: Any, make_user: Any, other_programme: Programme, report: Report, grant: Grant
) -> None:
    stranger = make_user(programme=other_programme)
    client = client_for(stranger)
    programme = grant.programme
    for url in (
        _officer_url("grant_reports", programme, grant_pk=grant.pk),
        _officer_url("officer_report", programme, pk=report.pk),
        _officer_url("report_edit", programme, pk=report.pk),
        _officer_url("programme_reports", programme),
        _officer_url("dashboard", programme),
        _officer_url("export_csv", programme),
        _officer_url("export_xlsx", programme),
    ):
        assert client.get(url).status_code == 404, url
    # Their own programme with our ids: 404 too.
    assert (
        client.get(_officer_url("officer_report", other_programme, pk=report.pk)).status_code == 404
    )
    assert (
        client.get(_officer_url("grant_reports", other_programme, grant_pk=grant.pk)).status_code
        == 404
    )
    assert (
        client.post(_officer_url("report_remove", other_programme, pk=report.pk)).status_code == 404
    )
    assert Report.objects.filter(pk=report.pk).exists()


def test_the_coordinator_cannot_open_officer_pages(
    client_for: Any, coordinator: User, report: Report, programme: Programme
) -> None:
    assert (
        client_for(coordinator)
        .get(_officer_url("officer_report", programme, pk=report.pk))
        .status_code
        == 404
    )


def test_the_programme_page_links_officers_to_the_dashboard(
    client_for: Any, officer: User, coordinator: User, programme: Programme, report: Report
) -> None:
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    url = reverse("programmes:detail", kwargs={"programme": programme.slug})
    page = client_for(officer).get(url)
    assert _officer_url("dashboard", programme) in page.text
    assert "1 report waits for your review." in page.text


def test_the_due_soon_list_is_not_marked_overdue(
    client_for: Any, coordinator: User, grant: Grant, hub: Hub
) -> None:
    Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        period_start=grant.starts_on,
        period_end=grant.ends_on,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    page = client_for(coordinator).get(_hub_url("hub_reports", hub))
    assert "Final report" in page.text
    assert "Overdue" not in page.text


def test_client_is_signed_in(client: Client) -> None:
    """Anonymous visitors go to the login page."""
    response = client.get("/h/gent/grant/reports/")
    assert response.status_code == 302
    assert "login" in response["Location"]
