"""Pages of the grant cycle: amending a grant, the hub's bank account and the officer's
confirmation, the result-based balance, the payment rule on the grant page, starting an
extension for an existing digibank, overdue reviews and the conflict declaration's list.
Others get 404 (or 403 for hub members without the permission); queries stay bounded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.funding.models import (
    Applicant,
    Application,
    CallAudience,
    Grant,
    GrantAmendment,
    Instalment,
    ReachTier,
    Report,
    ReportKind,
    ReportStatus,
    ReviewAssignment,
)
from digibank.funding.services import grants as services
from digibank.network.models import Hub, Programme

from .factories import create_call, create_grant, create_round

pytestmark = pytest.mark.django_db

VALID_BE = "BE71096123456769"


@pytest.fixture
def grant(programme: Programme, hub: Hub, officer: User) -> Grant:
    return create_grant(
        programme=programme,
        hub=hub,
        created_by=officer,
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        title="Digibank Gent Verbindt",
    )


def url(name: str, grant: Grant, **extra: Any) -> str:
    return reverse(
        f"funding_grants:{name}",
        kwargs={"programme": grant.programme.slug, "pk": grant.pk, **extra},
    )


def text(response: Any) -> str:
    return response.content.decode()


def test_amending_a_grant_on_its_page(
    client_for: Callable[[User], Client],
    officer: User,
    coordinator: User,
    grant: Grant,
    hub: Hub,
    django_assert_max_num_queries: Any,
) -> None:
    browser = client_for(officer)
    with django_assert_max_num_queries(12):
        form = browser.get(url("amend", grant))
    assert form.status_code == 200
    data = {
        "amount": "450000",
        "starts_on": "2025-01-01",
        "ends_on": "2027-06-30",
        "reason": "Verlenging met zes maanden",
        "tiers-TOTAL_FORMS": "2",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-from_users": "1",
        "tiers-0-to_users": "1000",
        "tiers-0-amount": "350000",
        "tiers-1-from_users": "1001",
        "tiers-1-to_users": "",
        "tiers-1-amount": "100000",
    }
    missing = browser.post(url("amend", grant), {**data, "reason": ""})
    assert missing.status_code == 400
    assert "This field is required" in text(missing)
    too_much = browser.post(url("amend", grant), {**data, "tiers-1-amount": "200000"})
    assert too_much.status_code == 400
    assert "more than the grant" in text(too_much)
    assert not GrantAmendment.objects.exists()
    done = browser.post(url("amend", grant), data)
    assert done.status_code == 302
    page = text(browser.get(url("detail", grant)))
    assert "Version 2" in page
    assert "Verlenging met zes maanden" in page
    assert "€ 450,000" in page
    hub_page = text(
        client_for(coordinator).get(reverse("funding_grants:hub_grant", kwargs={"hub": hub.slug}))
    )
    assert "Version 2" in hub_page
    assert "Verlenging met zes maanden" in hub_page


def test_amending_an_instalment_needs_a_reason(
    client_for: Callable[[User], Client], officer: User, grant: Grant
) -> None:
    row = services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=300_000_00,
        planned_on=date(2025, 1, 1),
    )
    browser = client_for(officer)
    data = {"label": "Advance", "amount": "250000", "planned_on": "2025-02-01", "reason": ""}
    refused = browser.post(url("instalment_amend", grant, instalment=row.pk), data)
    assert refused.status_code == 400
    done = browser.post(
        url("instalment_amend", grant, instalment=row.pk), {**data, "reason": "Minder nodig"}
    )
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.amount_cents == 250_000_00
    assert GrantAmendment.objects.get().changes["instalment"]["after"]["amount_cents"] == 250_000_00


def test_the_hub_enters_the_account_and_the_officer_confirms_it(
    client_for: Callable[[User], Client],
    officer: User,
    coordinator: User,
    staff: User,
    grant: Grant,
    hub: Hub,
    django_assert_max_num_queries: Any,
) -> None:
    hub_bank = reverse("funding_grants:hub_bank_account", kwargs={"hub": hub.slug, "pk": grant.pk})
    assert client_for(staff).get(hub_bank).status_code == 403
    coordinator_browser = client_for(coordinator)
    with django_assert_max_num_queries(12):
        assert coordinator_browser.get(hub_bank).status_code == 200
    wrong = coordinator_browser.post(
        hub_bank, {"iban": "BE72 0961 2345 6769", "account_holder": "OCMW"}
    )
    assert wrong.status_code == 400
    assert "This is not a valid IBAN" in text(wrong)
    assert (
        coordinator_browser.post(
            hub_bank, {"iban": VALID_BE, "account_holder": "OCMW Gent"}
        ).status_code
        == 302
    )
    assert "waiting for the programme" in text(
        coordinator_browser.get(reverse("funding_grants:hub_grant", kwargs={"hub": hub.slug}))
    )
    officer_browser = client_for(officer)
    assert "Confirm the bank account" in text(officer_browser.get(url("detail", grant)))
    # Opened with GET (say after signing in again) it leads to the page and confirms nothing.
    assert officer_browser.get(url("bank_account_confirm", grant)).status_code == 302
    grant.refresh_from_db()
    assert grant.iban_confirmed_by is None
    assert officer_browser.post(url("bank_account_confirm", grant)).status_code == 302
    grant.refresh_from_db()
    assert grant.iban_confirmed_by == officer


def test_another_hubs_grant_is_404_for_the_bank_account(
    client_for: Callable[[User], Client],
    coordinator: User,
    programme: Programme,
    officer: User,
    hub: Hub,
) -> None:
    from conftest import make_hub

    elsewhere = make_hub(programme, "Digibank Aalst", "aalst")
    foreign = create_grant(programme=programme, hub=elsewhere, created_by=officer)
    page = reverse("funding_grants:hub_bank_account", kwargs={"hub": hub.slug, "pk": foreign.pk})
    assert client_for(coordinator).get(page).status_code == 404


def test_the_grant_page_shows_the_rule_and_how_reach_was_counted(
    client_for: Callable[[User], Client], officer: User, grant: Grant
) -> None:
    call = grant.application.round.call
    call.payment_rule_source = "Oproep 2025, punt 6.2"
    call.save()
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    page = text(client_for(officer).get(url("detail", grant)))
    assert "Steps: a tier&#x27;s amount is earned once its threshold is reached" in page
    assert "source: Oproep 2025, punt 6.2" in page
    assert "€ 350,000 once 1000 users are reached." in page
    assert "€ 20,000 more once more than 1750 users are reached." in page
    assert "Not counted:" in page
    assert "anonymous" in page
    assert "just now" in page


def test_the_result_based_balance_from_the_page(
    client_for: Callable[[User], Client], officer: User, grant: Grant
) -> None:
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        period_start=grant.starts_on,
        period_end=grant.ends_on,
        due_on=grant.ends_on + timedelta(days=60),
        status=ReportStatus.SUBMITTED,
        figures={
            "computed_at": "2027-01-10T09:00:00+01:00",
            "figures": [{"key": "funding.users_reached", "value": 1200}],
        },
    )
    browser = client_for(officer)
    response = browser.post(url("result_balance", grant), follow=True)
    assert "The result-based balance is computed" in text(response)
    assert Instalment.objects.get(grant=grant, is_result_balance=True).amount_cents == 350_000_00
    assert "1200 users reached in the final report" in text(response)


def test_the_grant_page_keeps_its_query_bound_with_amendments(
    client_for: Callable[[User], Client],
    officer: User,
    grant: Grant,
    django_assert_max_num_queries: Any,
) -> None:
    from digibank.funding.services import amendments

    for number in range(5):
        amendments.grant_amend(
            actor=officer,
            grant=grant,
            reason=f"Reden {number}",
            amount_cents=grant.amount_cents - number - 1,
            starts_on=grant.starts_on,
            ends_on=grant.ends_on,
        )
    browser = client_for(officer)
    with django_assert_max_num_queries(14):
        response = browser.get(url("detail", grant))
    assert "Reden 4" in text(response)


# --- applying for an existing digibank ------------------------------------------------------


def test_starting_an_extension_for_an_existing_digibank(
    client_for: Callable[[User], Client],
    make_user: Any,
    hub: Hub,
    programme: Programme,
    officer: User,
) -> None:
    user = make_user(full_name="Hanne Hub")
    Applicant.objects.create(user=user, organisation=hub.lead_organisation)
    round_ = create_round(
        create_call(programme=programme, created_by=officer, audience=CallAudience.EXISTING)
    )
    browser = client_for(user)
    start = reverse("funding_applications:start", kwargs={"round_pk": round_.pk})
    page = text(browser.get(start))
    assert "For which digibank?" in page
    assert hub.name in page
    refused = browser.post(
        start, {"lead_organisation": hub.lead_organisation.pk, "title": "Verlenging"}
    )
    assert refused.status_code == 200
    assert "Choose the digibank you apply for." in text(refused)
    done = browser.post(
        start,
        {
            "lead_organisation": hub.lead_organisation.pk,
            "title": "Verlenging",
            "existing_hub": hub.pk,
        },
    )
    assert done.status_code == 302
    assert Application.objects.get(title="Verlenging").existing_hub == hub


# --- reviews ----------------------------------------------------------------------------------


def test_overdue_reviews_for_the_officer_only(
    client_for: Callable[[User], Client],
    officer: User,
    reviewer: User,
    application: Application,
    programme: Programme,
    django_assert_max_num_queries: Any,
) -> None:
    ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        assigned_by=officer,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    page = reverse("funding_reviews:overdue", kwargs={"programme": programme.slug})
    browser = client_for(officer)
    with django_assert_max_num_queries(10):
        response = browser.get(page)
    assert response.status_code == 200
    assert reviewer.full_name in text(response)
    assert application.title in text(response)
    assert client_for(reviewer).get(page).status_code == 404


def test_the_declaration_lists_the_lead_and_every_partner(
    client_for: Callable[[User], Client], officer: User, reviewer: User, application: Application
) -> None:
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=officer
    )
    Applicant.objects.create(user=reviewer, organisation=application.partners.get().organisation)
    page = text(
        client_for(reviewer).get(reverse("funding_reviews:assignment", args=[assignment.pk]))
    )
    assert application.lead_organisation.name in page
    assert application.partners.get().organisation.name in page
    assert "you are a member of this organisation" in page


def test_flemish_tiers_above_the_grant_are_refused_with_a_message(
    grant: Grant, officer: User, client_for: Callable[[User], Client]
) -> None:
    """The Flemish tiers add up to EUR 500,000: on a smaller grant the button says why
    nothing changed, on the grant page, instead of failing."""
    Grant.objects.filter(pk=grant.pk).update(amount_cents=350_000_00)
    browser = client_for(officer)
    response = browser.post(url("tiers_flemish", grant), follow=True)
    assert response.status_code == 200
    assert "more than the grant" in text(response)
    assert not ReachTier.objects.filter(grant=grant).exists()
