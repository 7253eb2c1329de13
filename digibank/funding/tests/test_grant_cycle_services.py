"""The real grant cycle (issue 13): applications for hubs that exist and follow-ons of a
preparation, amendments, the bank account's confirmation, result-based payment by a named
rule with its cap and balance, and reviews that hold up (notification, due dates,
conflict hints, binding kind limits)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.funding import payment
from digibank.funding.models import (
    Applicant,
    Application,
    ApplicationPartner,
    ApplicationStatus,
    CallAudience,
    CallKind,
    GrantAmendment,
    Instalment,
    PaymentRule,
    PaymentStatus,
    ReachTier,
    Report,
    ReportKind,
    ReportStatus,
)
from digibank.funding.queries import review_checks
from digibank.funding.queries.grants import grant_reach
from digibank.funding.services import amendments, banking, payments
from digibank.funding.services import applications as application_services
from digibank.funding.services import calls as call_services
from digibank.funding.services import grants as grant_services
from digibank.funding.services import reviews as review_services
from digibank.funding.services.grants import FLEMISH_2025_2026_TIERS, TierInput
from digibank.network.models import Hub, Organisation, OrganisationKind, PartnerType, Programme

from .factories import (
    call_via_services,
    create_application,
    create_call,
    create_grant,
    create_organisation,
    create_round,
    mechelen,
)

pytestmark = pytest.mark.django_db

VALID_BE = "BE71096123456769"
OTHER_BE = "BE62510007547061"


def flemish_tiers(grant: Any) -> list[ReachTier]:
    return [
        ReachTier(
            grant=grant, from_users=t.from_users, to_users=t.to_users, amount_cents=t.amount_cents
        )
        for t in FLEMISH_2025_2026_TIERS
    ]


# --- payment rules at the tier edges ------------------------------------------------------

EDGES = [0, 1, 999, 1000, 1001, 1500, 1750, 1751]
STEPS_EUROS = [0, 0, 0, 350_000, 350_000, 450_000, 480_000, 500_000]
PRO_RATA_CENTS = [
    0,
    350_00,  # 350,000 / 1,000 users
    349_650_00,
    350_000_00,
    350_200_00,  # +100,000 / 500 users
    450_000_00,
    480_000_00,
    500_000_00,  # the open tier in full once entered
]


@pytest.mark.parametrize(("reached", "euros"), list(zip(EDGES, STEPS_EUROS, strict=True)))
def test_steps_earn_each_tier_at_its_upper_bound(reached: int, euros: int) -> None:
    tiers = flemish_tiers(None)
    earned = payment.earned_cents(tiers, reached, rule=PaymentRule.STEPS, cap_cents=10**12)
    assert earned == euros * 100


@pytest.mark.parametrize(("reached", "cents"), list(zip(EDGES, PRO_RATA_CENTS, strict=True)))
def test_pro_rata_earns_within_a_tier(reached: int, cents: int) -> None:
    tiers = flemish_tiers(None)
    assert (
        payment.earned_cents(tiers, reached, rule=PaymentRule.PRO_RATA, cap_cents=10**12) == cents
    )


def test_the_rule_is_said_in_words() -> None:
    words = payment.rule_in_words(PaymentRule.STEPS, flemish_tiers(None))
    assert words == [
        "€ 350,000 once 1000 users are reached.",
        "€ 100,000 once 1500 users are reached.",
        "€ 30,000 once 1750 users are reached.",
        "€ 20,000 more once more than 1750 users are reached.",
    ]


@pytest.mark.parametrize("rule", [PaymentRule.STEPS, PaymentRule.PRO_RATA])
def test_earned_money_is_capped_at_the_grant(rule: str) -> None:
    result = payment.earned(flemish_tiers(None), 5000, rule=rule, cap_cents=400_000_00)
    assert (result.earned_cents, result.uncapped_cents, result.capped) == (
        400_000_00,
        500_000_00,
        True,
    )


def test_tiers_above_the_grant_are_refused_by_the_service(
    programme: Programme, hub: Hub, officer: User
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer, amount_cents=450_000_00)
    with pytest.raises(ValidationError, match="more than the grant"):
        grant_services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    assert not ReachTier.objects.filter(grant=grant).exists()


def test_grant_page_reach_uses_the_calls_rule_and_source(
    programme: Programme, hub: Hub, officer: User
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer)
    call = grant.application.round.call
    call.payment_rule, call.payment_rule_source = PaymentRule.PRO_RATA, "Besluit VR 2025, art. 7"
    call.save()
    grant_services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    reach = grant_reach(grant, today=date(2025, 6, 1))
    assert reach.rule == PaymentRule.PRO_RATA
    assert reach.rule_source == "Besluit VR 2025, art. 7"
    assert reach.counted_at is not None
    assert [row.number for row in reach.uncounted] == [0]  # anonymous help, none yet


# --- the bank account ---------------------------------------------------------------------


def test_a_changed_account_waits_for_the_officers_confirmation(
    programme: Programme, hub: Hub, officer: User, coordinator: User
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer)
    advance = grant_services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=100_00,
        planned_on=date(2025, 1, 1),
    )
    banking.bank_account_enter(
        actor=coordinator, grant=grant, iban="be71 0961 2345 6769", account_holder="OCMW Gent"
    )
    with pytest.raises(ValidationError, match="not confirmed"):
        grant_services.instalment_approve(actor=officer, instalment=advance)
    banking.bank_account_confirm(actor=officer, grant=grant)
    grant.refresh_from_db()
    assert grant.iban_confirmed_by == officer
    # The same account again keeps the confirmation; another one loses it.
    banking.bank_account_enter(
        actor=coordinator, grant=grant, iban=VALID_BE, account_holder="OCMW Gent"
    )
    grant.refresh_from_db()
    assert grant.iban_confirmed_at is not None
    banking.bank_account_enter(
        actor=coordinator, grant=grant, iban=OTHER_BE, account_holder="OCMW Gent"
    )
    grant.refresh_from_db()
    assert grant.iban_confirmed_at is None
    with pytest.raises(ValidationError, match="not confirmed"):
        grant_services.instalment_approve(actor=officer, instalment=advance)
    banking.bank_account_confirm(actor=officer, grant=grant)
    assert (
        grant_services.instalment_approve(actor=officer, instalment=advance).status
        == PaymentStatus.APPROVED
    )
    # A change after the approval blocks the payment until it is confirmed again.
    banking.bank_account_enter(
        actor=coordinator, grant=grant, iban=VALID_BE, account_holder="OCMW Gent"
    )
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="not confirmed"):
        grant_services.instalment_mark_paid(
            actor=officer, instalment=advance, paid_on=today, reference="B-1"
        )
    banking.bank_account_confirm(actor=officer, grant=grant)
    grant_services.instalment_mark_paid(
        actor=officer, instalment=advance, paid_on=today, reference="B-1"
    )
    actions = list(
        JournalEntry.objects.filter(action__startswith="funding.grant_bank").values_list(
            "action", flat=True
        )
    )
    assert actions.count("funding.grant_bank_account_confirm") == 3


def test_an_invalid_iban_is_refused_for_the_hub(
    programme: Programme, hub: Hub, officer: User, coordinator: User
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer)
    with pytest.raises(ValidationError) as caught:
        banking.bank_account_enter(
            actor=coordinator, grant=grant, iban="BE71 0961 2345 6768", account_holder="X"
        )
    assert "iban" in caught.value.error_dict
    grant.refresh_from_db()
    assert grant.iban == ""


# --- amendments ---------------------------------------------------------------------------


def test_an_amendment_is_a_version_journaled_and_told_to_the_hub(
    programme: Programme,
    hub: Hub,
    officer: User,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer, amount_cents=400_000_00)
    with django_capture_on_commit_callbacks(execute=True):
        first = amendments.grant_amend(
            actor=officer,
            grant=grant,
            reason="Verlenging 2025-2026",
            amount_cents=500_000_00,
            starts_on=grant.starts_on,
            ends_on=date(2027, 6, 30),
            tiers=list(FLEMISH_2025_2026_TIERS),
        )
    assert first.version == 2
    assert first.changes["amount_cents"] == [400_000_00, 500_000_00]
    assert first.changes["ends_on"] == ["2026-12-31", "2027-06-30"]
    assert len(first.changes["tiers"][1]) == 4
    grant.refresh_from_db()
    assert (grant.amount_cents, grant.ends_on) == (500_000_00, date(2027, 6, 30))
    assert ReachTier.objects.filter(grant=grant).count() == 4
    entry = JournalEntry.objects.get(action="funding.grant_amend")
    assert entry.details["version"] == 2
    assert entry.details["reason"] == "Verlenging 2025-2026"
    assert [message.to[0] for message in mail.outbox] == [coordinator.email]
    assert "Verlenging 2025-2026" in str(mail.outbox[0].body)
    second = amendments.grant_amend(
        actor=officer,
        grant=grant,
        reason="Later start",
        amount_cents=500_000_00,
        starts_on=date(2025, 2, 1),
        ends_on=date(2027, 6, 30),
    )
    assert second.version == 3
    assert set(second.changes) == {"starts_on"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": " "}, "Say why"),
        ({"amount_cents": 0}, "more than"),
        ({"ends_on": date(2024, 12, 31)}, "end after"),
        ({}, "Nothing changes"),
        ({"amount_cents": 50_00}, "already approved or paid"),
        ({"tiers": [TierInput(1, None, 600_000_00)]}, "more than the grant"),
    ],
)
def test_amendments_are_checked(
    programme: Programme, hub: Hub, officer: User, change: dict[str, Any], message: str
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer, iban=VALID_BE)
    paid = grant_services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=100_00,
        planned_on=date(2025, 1, 1),
    )
    grant_services.instalment_approve(actor=officer, instalment=paid)
    values: dict[str, Any] = {
        "reason": "Because",
        "amount_cents": grant.amount_cents,
        "starts_on": grant.starts_on,
        "ends_on": grant.ends_on,
    } | change
    with pytest.raises(ValidationError, match=message):
        amendments.grant_amend(actor=officer, grant=grant, **values)
    assert not GrantAmendment.objects.exists()


def test_an_instalment_amended_with_a_reason(programme: Programme, hub: Hub, officer: User) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer)
    row = grant_services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=300_000_00,
        planned_on=date(2025, 1, 1),
    )
    amendment = amendments.instalment_amend(
        actor=officer,
        instalment=row,
        reason="Kleiner voorschot",
        label="Advance",
        amount_cents=250_000_00,
        planned_on=date(2025, 2, 1),
    )
    assert amendment.version == 2
    assert amendment.changes["instalment"]["before"]["amount_cents"] == 300_000_00
    assert amendment.changes["instalment"]["after"]["amount_cents"] == 250_000_00
    with pytest.raises(ValidationError, match="Say why"):
        amendments.instalment_amend(
            actor=officer,
            instalment=row,
            reason="",
            label="Advance",
            amount_cents=1,
            planned_on=date(2025, 2, 1),
        )


# --- the result-based balance -------------------------------------------------------------


def _final_report(grant: Any, users: int, status: str = ReportStatus.SUBMITTED) -> Report:
    return Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        period_start=grant.starts_on,
        period_end=grant.ends_on,
        due_on=grant.ends_on + timedelta(days=60),
        status=status,
        figures={
            "computed_at": "2027-01-15T10:00:00+01:00",
            "figures": [{"key": "funding.users_reached", "value": users}],
        },
    )


def test_the_balance_comes_from_the_final_reports_frozen_figures(
    programme: Programme, hub: Hub, officer: User
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer, iban=VALID_BE)
    grant_services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    grant_services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=300_000_00,
        planned_on=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError, match="final report"):
        payments.result_balance_compute(actor=officer, grant=grant)
    report = _final_report(grant, 1600)
    balance = payments.result_balance_compute(actor=officer, grant=grant)
    # Steps: 350,000 + 100,000 earned at 1,600 users, minus the advance.
    assert balance.amount_cents == 150_000_00
    assert balance.is_result_balance
    assert balance.after_report == report
    assert balance.basis["users_reached"] == 1600
    assert balance.basis["rule"] == PaymentRule.STEPS
    assert balance.basis["counted_at"] == "2027-01-15T10:00:00+01:00"
    # Approved like any other instalment: only once the final report is approved.
    with pytest.raises(ValidationError, match="not approved yet"):
        grant_services.instalment_approve(actor=officer, instalment=balance)
    # Recomputing after the report changed replaces the planned balance.
    report.figures["figures"][0]["value"] = 1800
    report.status = ReportStatus.APPROVED
    report.save()
    again = payments.result_balance_compute(actor=officer, grant=grant)
    assert again.pk == balance.pk
    assert again.amount_cents == 200_000_00
    grant_services.instalment_approve(actor=officer, instalment=again)
    with pytest.raises(ValidationError, match="already approved"):
        payments.result_balance_compute(actor=officer, grant=grant)
    assert Instalment.objects.filter(grant=grant, is_result_balance=True).count() == 1


def test_the_balance_is_capped_and_none_when_nothing_is_left(
    programme: Programme, hub: Hub, officer: User
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer)
    grant_services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    grant_services.instalment_add(
        actor=officer,
        grant=grant,
        label="Advance",
        amount_cents=400_000_00,
        planned_on=date(2025, 1, 1),
    )
    _final_report(grant, 900)
    with pytest.raises(ValidationError, match="no balance"):
        payments.result_balance_compute(actor=officer, grant=grant)
    Report.objects.all().delete()
    _final_report(grant, 99_999)
    assert payments.result_balance_compute(actor=officer, grant=grant).amount_cents == 100_000_00


# --- applications for hubs that exist -------------------------------------------------------


@pytest.fixture
def hub_applicant(make_user: Any, hub: Hub) -> User:
    user = make_user(full_name="Hanne Hub")
    Applicant.objects.create(user=user, organisation=hub.lead_organisation)
    return user


def _extension_round(programme: Programme, officer: User, audience: str) -> Any:
    call = create_call(programme=programme, created_by=officer, audience=audience)
    return create_round(call)


def test_an_extension_adds_a_grant_to_the_hub_and_no_second_hub(
    programme: Programme, hub: Hub, officer: User, hub_applicant: User
) -> None:
    round_ = _extension_round(programme, officer, CallAudience.EXISTING)
    hub.service_area.set([mechelen()])
    application = application_services.application_start(
        actor=hub_applicant,
        round=round_,
        lead_organisation=hub.lead_organisation,
        title="Verlenging Digibank Gent",
        existing_hub=hub,
    )
    assert list(application.service_area.all()) == [mechelen()]
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31)
    )
    hubs_before = Hub.objects.count()
    approval = review_services.application_approve(
        actor=officer, application=application, amount_cents=500_000_00
    )
    assert Hub.objects.count() == hubs_before
    assert approval.hub is None
    assert approval.grant.hub == hub
    application.refresh_from_db()
    assert application.hub is None
    assert application.existing_hub == hub


@pytest.mark.parametrize(
    ("audience", "with_hub", "message"),
    [
        (CallAudience.EXISTING, False, "choose your digibank"),
        (CallAudience.NEW, True, "new partnerships"),
    ],
)
def test_the_calls_audience_is_kept(
    programme: Programme,
    hub: Hub,
    officer: User,
    hub_applicant: User,
    audience: str,
    with_hub: bool,
    message: str,
) -> None:
    round_ = _extension_round(programme, officer, audience)
    with pytest.raises(ValidationError, match=message):
        application_services.application_start(
            actor=hub_applicant,
            round=round_,
            lead_organisation=hub.lead_organisation,
            title="Digibank Gent",
            existing_hub=hub if with_hub else None,
        )


def test_only_a_hub_the_organisation_leads(
    programme: Programme, hub: Hub, officer: User, applicant: User, applicant_org: Organisation
) -> None:
    round_ = _extension_round(programme, officer, CallAudience.BOTH)
    with pytest.raises(ValidationError, match="your organisation leads"):
        application_services.application_start(
            actor=applicant,
            round=round_,
            lead_organisation=applicant_org,
            title="X",
            existing_hub=hub,
        )


def test_an_implementation_carries_on_the_preparations_partnership(
    programme: Programme, officer: User, applicant: User, applicant_org: Organisation
) -> None:
    preparation_call = create_call(
        programme=programme, created_by=officer, kind=CallKind.PREPARATION
    )
    preparation = create_application(
        create_round(preparation_call),
        created_by=applicant,
        lead_organisation=applicant_org,
        status=ApplicationStatus.APPROVED,
        goals=["lending", "training"],
        summary="Samen een digibank vormen",
    )
    preparation.service_area.set([mechelen()])
    partner = create_organisation(name="Vzw Samen", kind=OrganisationKind.CIVIL_SOCIETY)
    ApplicationPartner.objects.create(
        application=preparation,
        organisation=partner,
        partner_type=PartnerType.CIVIL_SOCIETY,
        role="Lessen",
    )
    round_ = create_round(create_call(programme=programme, created_by=officer))
    follow_on = application_services.application_start(
        actor=applicant,
        round=round_,
        lead_organisation=applicant_org,
        title="Digibank Mechelen",
        follows=preparation,
    )
    assert follow_on.follows == preparation
    assert [(p.organisation, p.role) for p in follow_on.partners.all()] == [(partner, "Lessen")]
    assert list(follow_on.service_area.all()) == [mechelen()]
    assert follow_on.goals == ["lending", "training"]
    # A preparation that is not approved cannot be carried on.
    preparation.status = ApplicationStatus.SUBMITTED
    preparation.save()
    with pytest.raises(ValidationError, match="approved preparation"):
        application_services.application_start(
            actor=applicant,
            round=round_,
            lead_organisation=applicant_org,
            title="Nog eens",
            follows=preparation,
        )


# --- reviews that hold up ---------------------------------------------------------------------


def test_the_reviewer_is_emailed_in_their_language_with_the_due_date(
    application: Application, officer: User, reviewer: User, django_capture_on_commit_callbacks: Any
) -> None:
    reviewer.preferred_language = "fr"
    reviewer.save()
    mail.outbox.clear()
    due = timezone.localdate() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = review_services.assignment_create(
            actor=officer, application=application, reviewer=reviewer, due_on=due
        )
    assert assignment.due_on == due
    assert [message.to[0] for message in mail.outbox] == [reviewer.email]
    from django.utils import formats, translation

    with translation.override("fr"):
        expected_subject = translation.gettext("A review for you: %(title)s") % {
            "title": application.title
        }
        expected_due = formats.date_format(due, "DATE_FORMAT")
    assert mail.outbox[0].subject == expected_subject
    assert expected_due in str(mail.outbox[0].body)
    assert f"/reviews/{assignment.pk}/" in str(mail.outbox[0].body)


def test_a_due_date_defaults_to_two_weeks_and_is_not_in_the_past(
    application: Application, officer: User, reviewer: User, reviewer2: User
) -> None:
    assignment = review_services.assignment_create(
        actor=officer, application=application, reviewer=reviewer
    )
    assert assignment.due_on == timezone.localdate() + timedelta(days=14)
    with pytest.raises(ValidationError, match="past"):
        review_services.assignment_create(
            actor=officer, application=application, reviewer=reviewer2, due_on=date(2020, 1, 1)
        )


def test_conflict_declaration_lists_every_party_with_hints(
    application: Application, reviewer: User, make_user: Any
) -> None:
    partner = application.partners.get().organisation
    Applicant.objects.create(user=reviewer, organisation=partner)
    colleague = make_user(email="jan@mechelen.be")
    Applicant.objects.create(user=colleague, organisation=application.lead_organisation)
    reviewer.email = "rita@mechelen.be"
    reviewer.save()
    parties = review_checks.conflict_parties(application, reviewer)
    assert [(p.name, p.is_lead) for p in parties] == [
        (application.lead_organisation.name, True),
        (partner.name, False),
    ]
    lead, other = parties
    assert lead.shares_mail_domain
    assert not lead.reviewer_is_member
    assert other.reviewer_is_member
    assert lead.likely_conflict
    assert other.likely_conflict


def test_a_public_mail_domain_is_no_hint(
    application: Application, reviewer: User, make_user: Any
) -> None:
    colleague = make_user(email="jan@gmail.com")
    Applicant.objects.create(user=colleague, organisation=application.lead_organisation)
    reviewer.email = "rita@gmail.com"
    reviewer.save()
    assert not any(p.likely_conflict for p in review_checks.conflict_parties(application, reviewer))


def test_the_officer_sees_overdue_reviews(
    application: Application, officer: User, reviewer: User, reviewer2: User, programme: Programme
) -> None:
    late = review_services.assignment_create(
        actor=officer, application=application, reviewer=reviewer
    )
    done = review_services.assignment_create(
        actor=officer, application=application, reviewer=reviewer2
    )
    done.completed_at = timezone.now()
    done.save()
    later = timezone.localdate() + timedelta(days=20)
    assert list(review_checks.overdue_reviews(programme, today=later)) == [late]
    assert list(review_checks.overdue_reviews(programme)) == []


def test_kind_limits_change_only_with_a_recorded_reason(
    officer: User, programme: Programme
) -> None:
    with pytest.raises(ValidationError) as caught:
        call_via_services(officer, programme, kind=CallKind.PREPARATION, max_amount_cents=20_000_00)
    assert "limits_reason" in caught.value.error_dict
    with pytest.raises(ValidationError):
        call_via_services(
            officer, programme, kind=CallKind.IMPLEMENTATION, required_goals=["training"]
        )
    call = call_via_services(
        officer,
        programme,
        kind=CallKind.PREPARATION,
        max_amount_cents=20_000_00,
        limits_reason="Besluit van 12 mei: hoger bedrag voor grote steden",
    )
    entry = JournalEntry.objects.get(action="funding.call_create")
    assert entry.details["limits_differ"] == ["max_amount_cents"]
    assert entry.details["limits_reason"].startswith("Besluit")
    with pytest.raises(ValidationError) as caught:
        call_services.call_update(
            actor=officer, call=call, data={"max_duration_months": 6, "limits_reason": ""}
        )
    assert "limits_reason" in caught.value.error_dict
    # Back to the kind's own limits needs no reason.
    call_services.call_update(
        actor=officer, call=call, data={"max_amount_cents": 15_000_00, "limits_reason": ""}
    )
