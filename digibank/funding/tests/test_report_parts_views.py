"""The report's parts through the pages: the coordinator fills in spending (with the
explanation next to the line when it is off the plan) and attaches a file; the officer
comments on one figure and asks a change there; the coordinator sees the request,
answers it and resubmits. Other hubs and programmes get 404, GET on a POST-only action
405, and the pages' query counts stay bounded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digibank.accounts.models import User
from digibank.funding.models import (
    ApplicationRevision,
    BudgetCategory,
    BudgetLine,
    Grant,
    Report,
    ReportAttachment,
    ReportComment,
    ReportKind,
    ReportStatus,
)
from digibank.network.models import Hub, Programme

from .factories import create_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(programme: Programme, hub: Hub, officer: User) -> Grant:
    grant = create_grant(programme=programme, hub=hub, created_by=officer, title="Digibank Gent")
    BudgetLine.objects.create(
        application=grant.application,
        category=BudgetCategory.PERSONNEL,
        description="Coaches",
        amount_cents=10_000_00,
    )
    return grant


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


def _story(**extra: str) -> dict[str, str]:
    return {"narrative": "Goed jaar", "next_steps": "Meer digipunten", **extra}


def test_spending_and_an_attachment_then_a_change_asked_on_one_figure(
    client_for: Any,
    coordinator: User,
    officer: User,
    report: Report,
    hub: Hub,
    programme: Programme,
    django_assert_max_num_queries: Any,
) -> None:
    line = BudgetLine.objects.get(application=report.grant.application)
    client = client_for(coordinator)
    url = _hub_url("hub_report", hub, pk=report.pk)
    with django_assert_max_num_queries(40):
        page = client.get(url)
    assert "Coaches: spent (euros)" in page.text
    # 20% more than planned, without a word why: refused, next to the line.
    response = client.post(url, _story(**{f"spent_{line.pk}": "12000", "submit": "1"}))
    assert response.status_code == 200
    assert "more than 10% off the plan" in response.text
    response = client.post(
        _hub_url("hub_report_attach", hub, pk=report.pk),
        {
            "kind": "minutes",
            "title": "Stuurgroep maart",
            "file": SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes"),
        },
    )
    assert response.status_code == 302
    attachment = ReportAttachment.objects.get(report=report)
    response = client.post(
        url, _story(**{f"spent_{line.pk}": "12000", f"why_{line.pk}": "Extra coach", "submit": "1"})
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    officer_client = client_for(officer)
    officer_url = _officer_url("officer_report", programme, pk=report.pk)
    with django_assert_max_num_queries(30):
        page = officer_client.get(officer_url)
    assert "Extra coach" in page.text
    assert "Stuurgroep maart" in page.text
    download = officer_client.get(
        _officer_url("officer_report_file", programme, pk=report.pk, attachment_pk=attachment.pk)
    )
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"
    response = officer_client.post(
        _officer_url("officer_report_comment", programme, pk=report.pk),
        {
            "target": "figure:helpdesk.questions",
            "text": "Why so few in summer?",
            "asks_change": "on",
        },
    )
    assert response.status_code == 302
    response = officer_client.post(officer_url, {"decision": "changes_requested", "comment": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CHANGES_REQUESTED

    page = client.get(url)
    assert "What the programme asks you to change" in page.text
    assert "Why so few in summer?" in page.text
    comment = ReportComment.objects.get(report=report)
    response = client.post(
        url, _story(**{f"response_{comment.pk}": "Closed in August.", "submit": "1"})
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_other_hubs_and_programmes_get_404_and_get_on_actions_405(
    client_for: Any,
    coordinator: User,
    officer: User,
    report: Report,
    other_hub: Hub,
    other_programme: Programme,
    make_user: Any,
    hub: Hub,
    programme: Programme,
) -> None:
    from digibank.accounts.roles import HubRole

    stranger = make_user(hub=other_hub, role=HubRole.COORDINATOR)
    assert client_for(stranger).get(
        _hub_url("hub_report_attach", other_hub, pk=report.pk)
    ).status_code in (302, 404)
    # A POST-only action opened with GET leads to the page it belongs to (core.dead_ends).
    assert (
        client_for(coordinator).get(_hub_url("hub_report_attach", hub, pk=report.pk)).status_code
        == 302
    )
    assert (
        client_for(officer)
        .get(_officer_url("officer_report_comment", programme, pk=report.pk))
        .status_code
        == 302
    )


def test_the_officer_sets_the_calls_sections_and_sees_revisions(
    client_for: Any,
    officer: User,
    report: Report,
    programme: Programme,
    coordinator: User,
    hub: Hub,
) -> None:
    call = report.grant.application.round.call
    client = client_for(officer)
    url = _officer_url("call_report_sections", programme, call_pk=call.pk)
    assert client.get(url).status_code == 200
    response = client.post(url, {"sections": "Partnership | How it went\nVolunteers"})
    assert response.status_code == 302
    assert list(call.report_sections.values_list("title", flat=True)) == [
        "Partnership",
        "Volunteers",
    ]
    page = client_for(coordinator).get(_hub_url("hub_report", hub, pk=report.pk))
    assert "How it went" in page.text
    application = report.grant.application
    ApplicationRevision.objects.create(
        application=application, number=1, snapshot={"title": "Oud"}, submitted_by=officer
    )
    ApplicationRevision.objects.create(
        application=application, number=2, snapshot={"title": "Nieuw"}, submitted_by=officer
    )
    revisions_url = _officer_url("officer_revisions", programme, pk=application.pk)
    page = client.get(revisions_url)
    assert page.status_code == 200
    assert "Nieuw" in page.text
    # Both pages are reachable from the officer's own pages.
    call_page = client.get(
        reverse("funding_calls:officer_detail", kwargs={"programme": programme.slug, "pk": call.pk})
    )
    assert f'href="{url}"' in call_page.text
    application_page = client.get(
        reverse(
            "funding_reviews:application",
            kwargs={"programme": programme.slug, "pk": application.pk},
        )
    )
    assert f'href="{revisions_url}"' in application_page.text
