"""The programme's funding dashboard: money (hand-computed sums), applications per
round with the success rate, requested against awarded, grants' reach against target,
the CSV and XLSX exports, and a bounded number of queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.funding import tasks
from digibank.funding.models import (
    Application,
    ApplicationStatus,
    Call,
    CallKind,
    Grant,
    Instalment,
    PaymentStatus,
    ReachTier,
    Round,
)
from digibank.funding.queries import reports as queries
from digibank.funding.services import grants as grant_services
from digibank.network.models import Hub, Organisation, OrganisationKind, Programme

from .factories import Activity, brussels, create_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme: Programme, other_programme: Programme, hub: Hub, officer: User) -> dict:
    """Budget € 50,000,000 (conftest). Grants € 400,000 (hub) and € 15,000 (no hub);
    paid € 100,000 + € 5,000; one planned instalment and another programme's paid one
    do not count."""
    big = create_grant(
        programme=programme,
        hub=hub,
        created_by=officer,
        amount_cents=400_000_00,
        title="Digibank Gent",
    )
    big.application.planned_people = 4
    big.application.save()
    # Paid pro rata within a tier (the default is steps), as the tests below count.
    big.application.round.call.payment_rule = "pro_rata"
    big.application.round.call.save()
    small = create_grant(
        programme=programme,
        hub=None,
        created_by=officer,
        amount_cents=15_000_00,
        title="Voortraject",
    )
    foreign = create_grant(
        programme=other_programme, hub=None, created_by=officer, amount_cents=1_00
    )
    today = timezone.localdate()
    Instalment.objects.create(
        grant=big,
        label="Voorschot",
        amount_cents=100_000_00,
        planned_on=today,
        status=PaymentStatus.PAID,
    )
    Instalment.objects.create(
        grant=small,
        label="Voorschot",
        amount_cents=5_000_00,
        planned_on=today,
        status=PaymentStatus.PAID,
    )
    Instalment.objects.create(grant=big, label="Saldo", amount_cents=300_000_00, planned_on=today)
    Instalment.objects.create(
        grant=foreign, label="X", amount_cents=1_00, planned_on=today, status=PaymentStatus.PAID
    )
    ReachTier.objects.create(grant=big, from_users=1, to_users=4, amount_cents=400_00)
    # A call with a round of six applications in every state (plus the grants' own rounds).
    call = Call.objects.create(
        programme=programme,
        title="Implementatie 2026",
        slug="implementatie-2026",
        kind=CallKind.IMPLEMENTATION,
        max_amount_cents=500_000_00,
        created_by=officer,
    )
    round_ = Round.objects.create(
        call=call,
        name="Ronde A",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
        budget_cents=1_000_000_00,
    )
    lead = Organisation.objects.create(name="Vzw Lead", kind=OrganisationKind.CIVIL_SOCIETY)
    for status, requested, awarded in [
        (ApplicationStatus.DRAFT, 50_00, None),
        (ApplicationStatus.SUBMITTED, 100_00, None),
        (ApplicationStatus.MORE_INFORMATION, 200_00, None),
        (ApplicationStatus.APPROVED, 300_00, 250_00),
        (ApplicationStatus.REJECTED, 400_00, None),
        (ApplicationStatus.REJECTED, 500_00, None),
    ]:
        Application.objects.create(
            round=round_,
            lead_organisation=lead,
            created_by=officer,
            title=f"Aanvraag {status}",
            status=status,
            requested_cents=requested,
            awarded_cents=awarded,
        )
    return {"big": big, "small": small, "round": round_}


def test_money_sums(world: dict, programme: Programme) -> None:
    money = queries.programme_money(programme)
    assert money.budget_cents == 50_000_000_00
    assert money.committed_cents == 415_000_00
    assert money.paid_cents == 105_000_00
    assert money.remaining_cents == 50_000_000_00 - 415_000_00


def test_rounds_by_status_success_rate_and_amounts(world: dict, programme: Programme) -> None:
    rows = {row.round_id: row for row in queries.programme_rounds(programme)}
    row = rows[world["round"].pk]
    assert row.call_title == "Implementatie 2026"
    assert row.round_name == "Ronde A"
    assert row.counts == [1, 1, 1, 1, 2]
    assert row.total == 5  # drafts are not counted as applications received
    assert row.decided == 3
    assert row.success_rate == pytest.approx(1 / 3)
    assert row.success_percent == 33
    assert row.requested_cents == 100_00 + 200_00 + 300_00 + 400_00 + 500_00  # no draft
    assert row.awarded_cents == 250_00
    assert len(rows) == 3  # the grants' own rounds are listed too


def test_grants_reach_against_target(world: dict, staff: User, hub: Hub) -> None:
    activity = Activity(hub, staff)
    for name in ("Ann", "Bert", "Cis"):
        activity.help_on(activity.person(name), brussels(2025, 6, 1), "itsme")
    activity.help_on(activity.person("Te laat"), brussels(2027, 1, 1), "itsme")
    grants = [world["big"], world["small"]]
    # Before the daily count the dashboard says so, and nothing is earned yet.
    not_counted = queries.grant_rows(grants)
    assert [(row.reached, row.counted_at, row.share_percent) for row in not_counted] == [
        (None, None, None),
        (None, None, None),
    ]
    assert tasks.count_grants_reach.call() == Grant.objects.count()  # all have started
    rows = {
        row.grant.pk: row
        for row in queries.grant_rows(Grant.objects.filter(pk__in=[g.pk for g in grants]))
    }
    big = rows[world["big"].pk]
    assert (big.reached, big.target, big.share_percent) == (3, 4, 75)
    assert big.counted_at is not None
    assert big.earned_cents == 300_00  # 3 of the 4 users of a € 400 tier
    assert rows[world["small"].pk].reached == 0


def test_the_daily_count_stops_the_day_after_a_grant_ends(world: dict) -> None:
    grant = world["big"]
    start, end = grant.starts_on, grant.ends_on
    day = timedelta(days=1)
    assert grant not in grant_services.grants_to_count(start - day)  # not started
    assert grant in grant_services.grants_to_count(start)
    grant_services.grant_count_reach(grant=grant)
    grant.refresh_from_db()
    assert grant.reach_counted_at is not None
    counted_on = timezone.localdate(grant.reach_counted_at)
    # Counted during the period: counted again, up to a count made after the last day.
    Grant.objects.filter(pk=grant.pk).update(
        reach_counted_at=grant.reach_counted_at - (counted_on - end)
    )
    assert grant in grant_services.grants_to_count(end + day)
    Grant.objects.filter(pk=grant.pk).update(
        reach_counted_at=grant.reach_counted_at - (counted_on - end) + day
    )
    assert grant not in grant_services.grants_to_count(end + day)


def test_the_dashboard_page(
    client_for: Any, officer: User, world: dict, programme: Programme
) -> None:
    response = client_for(officer).get(reverse("funding_reports:dashboard", args=[programme.slug]))
    assert response.status_code == 200
    text = response.text
    assert "Implementatie 2026" in text
    assert "Ronde A" in text
    assert "33 %" in text
    assert "Digibank Gent" in text
    assert "Voortraject" in text


def test_the_dashboard_queries_do_not_grow_with_the_grants(
    client_for: Any,
    officer: User,
    world: dict,
    programme: Programme,
    hub: Hub,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(officer)
    url = reverse("funding_reports:dashboard", args=[programme.slug])
    for number in range(15):  # more than a page
        create_grant(programme=programme, hub=hub, created_by=officer, title=f"Extra {number}")
    # A fixed number: the grants' reach comes from their daily count.
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url + "?page=2").status_code == 200


def test_csv_exports(client_for: Any, officer: User, world: dict, programme: Programme) -> None:
    client = client_for(officer)
    url = reverse("funding_reports:export_csv", args=[programme.slug])
    response = client.get(url + "?table=money")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [
        ["What", "Euros"],
        ["Budget", "50000000.00"],
        ["Committed", "415000.00"],
        ["Paid", "105000.00"],
        ["Remaining", "49585000.00"],
    ]
    response = client.get(url + "?table=rounds")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, *body = rows
    assert header[:3] == ["Call", "Round", "Round budget (euros)"]
    ronde_a = next(row for row in body if row[1] == "Ronde A")
    assert ronde_a == [
        "Implementatie 2026",
        "Ronde A",
        "1000000.00",
        "1",
        "1",
        "1",
        "1",
        "2",
        "33.3",
        "1500.00",
        "250.00",
    ]
    response = client.get(url + "?table=grants")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {"Digibank Gent", "Voortraject"}
    # An unknown table falls back to the rounds.
    assert client.get(url + "?table=nope").status_code == 200


def test_xlsx_export(client_for: Any, officer: User, world: dict, programme: Programme) -> None:
    from openpyxl import load_workbook

    response = client_for(officer).get(
        reverse("funding_reports:export_xlsx", args=[programme.slug])
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Money", "Rounds", "Grants"]
    money = [list(row) for row in book["Money"].iter_rows(values_only=True)]
    assert money[2] == ["Committed", "415000.00"]
    grants = [list(row) for row in book["Grants"].iter_rows(values_only=True)]
    gent = next(row for row in grants if row[0] == "Digibank Gent")
    assert gent[1] == "Digibank Gent"
    assert gent[4] == "400000.00"
    assert gent[6] == 4


def test_grants_of_other_programmes_are_not_counted(
    world: dict, other_programme: Programme
) -> None:
    money = queries.programme_money(other_programme)
    assert (money.committed_cents, money.paid_cents) == (1_00, 1_00)
    assert not Grant.objects.filter(programme=other_programme, hub__isnull=False).exists()
