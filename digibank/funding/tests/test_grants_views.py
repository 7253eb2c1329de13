"""Grant pages: officers keep the plan and payments; the hub's coordinator sees the
grant and its reach. Others get 404 (or 403 for hub members without the permission)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.core.models import JournalEntry
from digibank.funding.models import Call, Grant, Instalment, PaymentStatus, ReachTier
from digibank.funding.services import grants as services
from digibank.network.models import Hub, Programme

from .factories import Activity, brussels, create_grant

pytestmark = pytest.mark.django_db

VALID_BE = "BE71096123456769"


@pytest.fixture
def grant(programme: Programme, hub: Hub, officer: User) -> Grant:
    return create_grant(
        programme=programme,
        hub=hub,
        created_by=officer,
        amount_cents=500_000_00,
        starts_on=date(2025, 1, 1),
        ends_on=date(2030, 12, 31),
        title="Digibank Gent Verbindt",
    )


@pytest.fixture
def browser(client_for: Callable[[User], Client], officer: User) -> Client:
    return client_for(officer)


def url(name: str, grant: Grant, **extra: Any) -> str:
    return reverse(
        f"funding_grants:{name}",
        kwargs={"programme": grant.programme.slug, "pk": grant.pk, **extra},
    )


def text(response: Any) -> str:
    return response.content.decode()


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_programmes_grants(
    browser: Client, grant: Grant, officer: User, other_programme: Programme, hub: Hub
) -> None:
    row = Instalment.objects.create(
        grant=grant, label="Advance", amount_cents=123_456_78, planned_on=date(2025, 1, 2)
    )
    Instalment.objects.filter(pk=row.pk).update(status=PaymentStatus.PAID)
    Instalment.objects.create(
        grant=grant, label="Balance", amount_cents=100_00, planned_on=date(2026, 1, 2)
    )
    create_grant(programme=other_programme, hub=None, created_by=officer, title="Elders project")
    response = browser.get(reverse("funding_grants:list", kwargs={"programme": "digibanken"}))
    page = text(response)
    assert response.status_code == 200
    assert "Digibank Gent Verbindt" in page
    assert grant.application.lead_organisation.name in page
    assert hub.name in page
    assert "€ 500,000" in page
    assert "€ 123,456.78" in page
    assert "Elders project" not in page


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    browser: Client,
    programme: Programme,
    hub: Hub,
    officer: User,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(settings.PAGE_SIZE + 2):
        create_grant(
            programme=programme, hub=hub, created_by=officer, title=f"Project {number:02d}"
        )
    address = reverse("funding_grants:list", kwargs={"programme": programme.slug})
    with django_assert_max_num_queries(8):
        first = browser.get(address)
    assert text(first).count("/grants/") >= settings.PAGE_SIZE
    assert "Next page" in text(first)
    second = browser.get(address + "?page=2")
    assert "Project 00" in text(second) or "Project 01" in text(second)
    assert browser.get(address + "?page=999").status_code == 200


# --- who may open them ---------------------------------------------------------------------


def officer_urls(grant: Grant, instalment: Instalment) -> list[str]:
    return [
        reverse("funding_grants:list", kwargs={"programme": grant.programme.slug}),
        url("detail", grant),
        url("bank_account", grant),
        url("instalment_add", grant),
        url("instalment_edit", grant, instalment=instalment.pk),
        url("instalment_paid", grant, instalment=instalment.pk),
        url("tiers", grant),
    ]


def officer_posts(grant: Grant, instalment: Instalment) -> list[str]:
    return [
        url("standard_plan", grant),
        url("instalment_remove", grant, instalment=instalment.pk),
        url("instalment_approve", grant, instalment=instalment.pk),
        url("tiers_flemish", grant),
    ]


def test_an_officer_of_another_programme_gets_404_everywhere(
    client_for: Callable[[User], Client], make_user: Any, grant: Grant, other_programme: Programme
) -> None:
    row = Instalment.objects.create(
        grant=grant, label="Advance", amount_cents=100_00, planned_on=date(2025, 1, 2)
    )
    stranger = client_for(make_user(programme=other_programme))
    for address in officer_urls(grant, row):
        assert stranger.get(address).status_code == 404, address
    for address in officer_posts(grant, row):
        assert stranger.post(address).status_code == 404, address
    assert Instalment.objects.filter(grant=grant).count() == 1
    assert not ReachTier.objects.exists()


def test_a_reviewer_of_the_programme_gets_404(
    client_for: Callable[[User], Client], make_user: Any, grant: Grant, programme: Programme
) -> None:
    reviewer = make_user(programme=programme, programme_role=ProgrammeRoleKind.REVIEWER)
    assert client_for(reviewer).get(url("detail", grant)).status_code == 404


def test_a_grant_of_another_programme_under_my_programme_is_404(
    browser: Client, officer: User, other_programme: Programme, grant: Grant
) -> None:
    foreign = create_grant(programme=other_programme, hub=None, created_by=officer)
    address = reverse("funding_grants:detail", kwargs={"programme": "digibanken", "pk": foreign.pk})
    assert browser.get(address).status_code == 404


def test_another_grants_instalment_is_404(
    browser: Client, grant: Grant, programme: Programme, officer: User
) -> None:
    other = create_grant(programme=programme, hub=None, created_by=officer)
    row = Instalment.objects.create(
        grant=other, label="Advance", amount_cents=100_00, planned_on=date(2025, 1, 2)
    )
    assert browser.get(url("instalment_edit", grant, instalment=row.pk)).status_code == 404
    assert browser.post(url("instalment_remove", grant, instalment=row.pk)).status_code == 404
    assert browser.get(url("instalment_edit", grant, instalment=2**63)).status_code == 404
    assert Instalment.objects.filter(pk=row.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(grant: Grant) -> None:
    response = Client().get(url("detail", grant))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_actions_take_post_only(browser: Client, grant: Grant) -> None:
    assert browser.get(url("standard_plan", grant)).status_code == 302
    assert browser.get(url("tiers_flemish", grant)).status_code == 302


# --- the grant page -------------------------------------------------------------------------


def test_the_grant_page_shows_account_plan_reach_and_tiers(
    browser: Client, grant: Grant, officer: User, staff: User, hub: Hub
) -> None:
    Grant.objects.filter(pk=grant.pk).update(iban=VALID_BE, account_holder="Vzw Samen")
    # Paid pro rata within a tier (the default rule is steps).
    Call.objects.filter(pk=grant.application.round.call_id).update(payment_rule="pro_rata")
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    reach = Activity(hub, staff)
    for number in range(3):
        reach.help(reach.person(f"P{number}"), brussels(2025, 5, 5))
    page = text(browser.get(url("detail", grant)))
    assert "BE71 0961 2345 6769" in page
    assert "Vzw Samen" in page
    assert "No instalments planned yet." in page
    assert "users reached from" in page
    assert '<span class="stat">3</span>' in page
    assert "Anonymous visitors are not counted" in page
    assert "€ 1,050" in page  # 3 of 1,000 users: 3 × € 350


def test_the_grant_page_keeps_a_fixed_number_of_queries(
    browser: Client, grant: Grant, officer: User, django_assert_max_num_queries: Any
) -> None:
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    for number in range(6):
        Instalment.objects.create(
            grant=grant,
            label=f"Part {number}",
            amount_cents=1000_00,
            planned_on=date(2025, 1, 1 + number),
        )
    with django_assert_max_num_queries(11):
        response = browser.get(url("detail", grant))
    assert response.status_code == 200
    assert "Part 5" in text(response)


def test_bank_account_form(browser: Client, grant: Grant) -> None:
    wrong = browser.post(
        url("bank_account", grant), {"iban": "BE72 0961 2345 6769", "account_holder": "Vzw"}
    )
    assert wrong.status_code == 200
    assert "This is not a valid IBAN" in text(wrong)
    assert 'class="error-summary"' in text(wrong)
    grant.refresh_from_db()
    assert grant.iban == ""
    right = browser.post(
        url("bank_account", grant), {"iban": "be71 0961 2345 6769", "account_holder": "Vzw Samen"}
    )
    assert right.status_code == 302
    grant.refresh_from_db()
    assert (grant.iban, grant.account_holder) == (VALID_BE, "Vzw Samen")


def test_planning_an_instalment_in_euros(browser: Client, grant: Grant) -> None:
    response = browser.post(
        url("instalment_add", grant),
        {"label": "Advance", "amount": "300.000,50", "planned_on": "2025-02-01"},
    )
    assert response.status_code == 302
    row = Instalment.objects.get(grant=grant)
    assert (row.amount_cents, row.planned_on) == (300_000_50, date(2025, 2, 1))


def test_a_plan_over_the_grant_is_refused_with_the_numbers(browser: Client, grant: Grant) -> None:
    browser.post(
        url("instalment_add", grant),
        {"label": "Advance", "amount": "400000", "planned_on": "2025-02-01"},
    )
    response = browser.post(
        url("instalment_add", grant),
        {"label": "Balance", "amount": "150000", "planned_on": "2026-02-01"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "€ 550,000" in page
    assert "€ 500,000" in page
    assert "€ 100,000" in page
    assert Instalment.objects.filter(grant=grant).count() == 1


def test_bad_input_is_shown_not_500(browser: Client, grant: Grant) -> None:
    response = browser.post(
        url("instalment_add", grant), {"label": "", "amount": "lots", "planned_on": "yesterday"}
    )
    assert response.status_code == 200
    assert text(response).count("<li><a href=") >= 3
    assert not Instalment.objects.exists()


def test_edit_and_remove(browser: Client, grant: Grant, officer: User) -> None:
    row = services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=100_00,
        planned_on=date(2025, 1, 2),
    )
    form = browser.get(url("instalment_edit", grant, instalment=row.pk))
    assert 'value="100"' in text(form)
    browser.post(
        url("instalment_edit", grant, instalment=row.pk),
        {"label": "Advance", "amount": "250", "planned_on": "2025-01-03"},
    )
    row.refresh_from_db()
    assert row.amount_cents == 250_00
    assert browser.post(url("instalment_remove", grant, instalment=row.pk)).status_code == 302
    assert not Instalment.objects.filter(pk=row.pk).exists()


def test_standard_plan_button(browser: Client, grant: Grant) -> None:
    response = browser.post(url("standard_plan", grant), follow=True)
    assert "The standard plan is made" in text(response)
    assert sorted(Instalment.objects.values_list("amount_cents", flat=True)) == [
        200_000_00,
        300_000_00,
    ]
    again = browser.post(url("standard_plan", grant), follow=True)
    assert "already has instalments" in text(again)
    assert Instalment.objects.count() == 2


def test_approve_without_iban_is_refused_with_a_reason(
    browser: Client, grant: Grant, officer: User
) -> None:
    row = services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=100_00,
        planned_on=date(2025, 1, 2),
    )
    response = browser.post(url("instalment_approve", grant, instalment=row.pk), follow=True)
    assert "Enter a valid IBAN for this grant first" in text(response)
    row.refresh_from_db()
    assert row.status == PaymentStatus.PLANNED


def test_approve_then_record_paid(browser: Client, grant: Grant, officer: User) -> None:
    Grant.objects.filter(pk=grant.pk).update(
        iban=VALID_BE, account_holder="Vzw", iban_confirmed_at=timezone.now()
    )
    row = services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=100_00,
        planned_on=date(2025, 1, 2),
    )
    # Recording a payment before approval is refused.
    early = browser.get(url("instalment_paid", grant, instalment=row.pk), follow=True)
    assert "Approve this instalment before" in text(early)
    browser.post(url("instalment_approve", grant, instalment=row.pk))
    row.refresh_from_db()
    assert row.status == PaymentStatus.APPROVED
    today = timezone.localdate().isoformat()
    missing = browser.post(url("instalment_paid", grant, instalment=row.pk), {"paid_on": today})
    assert missing.status_code == 200
    assert "error-summary" in text(missing)
    done = browser.post(
        url("instalment_paid", grant, instalment=row.pk),
        {"paid_on": today, "reference": "OVS-2025-001"},
    )
    assert done.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.payment_reference) == (PaymentStatus.PAID, "OVS-2025-001")
    # A paid instalment offers no change and refuses one.
    page = text(browser.get(url("detail", grant)))
    assert url("instalment_edit", grant, instalment=row.pk) not in page
    refused = browser.post(url("instalment_remove", grant, instalment=row.pk), follow=True)
    assert "cannot be removed" in text(refused)
    assert Instalment.objects.filter(pk=row.pk).exists()


def tier_post(*rows: tuple[str, str, str]) -> dict[str, str]:
    data = {
        "tiers-TOTAL_FORMS": str(len(rows)),
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "20",
    }
    for number, (start, end, amount) in enumerate(rows):
        data |= {
            f"tiers-{number}-from_users": start,
            f"tiers-{number}-to_users": end,
            f"tiers-{number}-amount": amount,
        }
    return data


def test_editing_tiers(browser: Client, grant: Grant) -> None:
    response = browser.post(
        url("tiers", grant),
        tier_post(("1", "1000", "350.000"), ("1001", "", "150000"), ("", "", "")),
    )
    assert response.status_code == 302
    assert list(ReachTier.objects.values_list("from_users", "to_users", "amount_cents")) == [
        (1, 1000, 350_000_00),
        (1001, None, 150_000_00),
    ]


def test_overlapping_tiers_are_refused_on_the_page(browser: Client, grant: Grant) -> None:
    response = browser.post(
        url("tiers", grant), tier_post(("1", "1000", "350000"), ("900", "1500", "100000"))
    )
    assert response.status_code == 200
    assert "Tier 2 overlaps tier 1" in text(response)
    assert not ReachTier.objects.exists()


def test_an_incomplete_tier_row_is_refused(browser: Client, grant: Grant) -> None:
    response = browser.post(url("tiers", grant), tier_post(("", "1000", "350000")))
    assert response.status_code == 200
    assert "Enter the number of users the tier starts at." in text(response)


def test_removing_a_tier(browser: Client, grant: Grant, officer: User) -> None:
    services.reach_tiers_set(
        actor=officer,
        grant=grant,
        tiers=[services.TierInput(1, 1000, 100_00), services.TierInput(1001, None, 50_00)],
    )
    data = tier_post(("1", "1000", "100"), ("1001", "", "50"))
    data |= {"tiers-INITIAL_FORMS": "2", "tiers-1-DELETE": "on"}
    assert browser.post(url("tiers", grant), data).status_code == 302
    assert list(ReachTier.objects.values_list("from_users", "to_users")) == [(1, 1000)]


def test_flemish_tiers_button(browser: Client, grant: Grant) -> None:
    page = text(browser.get(url("tiers", grant)))
    assert "Use the Flemish 2025–2026 tiers" in page
    response = browser.post(url("tiers_flemish", grant), follow=True)
    assert response.status_code == 200
    assert ReachTier.objects.filter(grant=grant).count() == 4
    assert JournalEntry.objects.filter(action="funding.reach_tiers_set").count() == 1


# --- the hub's coordinator ------------------------------------------------------------------


def hub_url(hub: Hub) -> str:
    return reverse("funding_grants:hub_grant", kwargs={"hub": hub.slug})


def test_the_coordinator_sees_the_grant_reach_and_instalments(
    client_for: Callable[[User], Client],
    coordinator: User,
    grant: Grant,
    officer: User,
    staff: User,
    hub: Hub,
    django_assert_max_num_queries: Any,
) -> None:
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    services.instalment_standard_plan(actor=officer, grant=grant)
    reach = Activity(hub, staff)
    reach.lend(reach.person("Jan"), brussels(2025, 6, 1))
    browser = client_for(coordinator)
    with django_assert_max_num_queries(10):
        response = browser.get(hub_url(hub))
    page = text(response)
    assert response.status_code == 200
    assert "Digibank Gent Verbindt" in page
    assert "€ 500,000" in page
    assert '<span class="stat">1</span>' in page
    assert "€ 350" in page
    assert "Advance (60 %)" in page
    assert "Planned" in page
    assert "Who counts as a user reached?" in page


def test_a_hub_without_a_grant_gets_a_plain_sentence(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub
) -> None:
    response = client_for(coordinator).get(hub_url(hub))
    assert response.status_code == 200
    assert "This hub has no grant" in text(response)


def test_a_coordinator_of_another_hub_gets_404(
    client_for: Callable[[User], Client], make_user: Any, grant: Grant, other_hub: Hub, hub: Hub
) -> None:
    stranger = make_user(HubRole.COORDINATOR, other_hub)
    assert client_for(stranger).get(hub_url(hub)).status_code == 404


def test_staff_without_funding_report_get_403(
    client_for: Callable[[User], Client], staff: User, grant: Grant, hub: Hub
) -> None:
    assert client_for(staff).get(hub_url(hub)).status_code == 403


def test_the_hub_nav_shows_the_grant_to_the_coordinator_only(
    client_for: Callable[[User], Client], coordinator: User, staff: User, hub: Hub
) -> None:
    dashboard = reverse("network:dashboard", kwargs={"hub": hub.slug})
    assert hub_url(hub) in text(client_for(coordinator).get(dashboard))
    assert hub_url(hub) not in text(client_for(staff).get(dashboard))


# --- the programme page ---------------------------------------------------------------------


def test_the_programme_page_links_officers_to_grants(
    client_for: Callable[[User], Client],
    officer: User,
    make_user: Any,
    programme: Programme,
    grant: Grant,
) -> None:
    page = reverse("programmes:detail", kwargs={"programme": programme.slug})
    grants = reverse("funding_grants:list", kwargs={"programme": programme.slug})
    assert grants in text(client_for(officer).get(page))
    reviewer = make_user(programme=programme, programme_role=ProgrammeRoleKind.REVIEWER)
    assert grants not in text(client_for(reviewer).get(page))
