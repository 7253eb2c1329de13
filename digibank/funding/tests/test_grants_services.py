"""Grant services: the bank account (IBAN), the instalment plan, payments and tiers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.funding.forms.grants import parse_euros
from digibank.funding.models import (
    Grant,
    Instalment,
    PaymentStatus,
    ReachTier,
    Report,
    ReportKind,
    ReportStatus,
)
from digibank.funding.services import grants as services
from digibank.funding.services.grants import TierInput
from digibank.network.models import Hub, Programme

from .factories import create_grant

pytestmark = pytest.mark.django_db

VALID_BE = "BE71096123456769"


def journal(action: str) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(action=action))


# --- IBAN ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("BE71096123456769", "BE71096123456769"),
        ("BE71 0961 2345 6769", "BE71096123456769"),
        ("be71 0961 2345 6769", "BE71096123456769"),
        ("  be71-0961-2345-6769 ", "BE71096123456769"),
        ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("LU28 0019 4006 4475 0000", "LU280019400644750000"),
    ],
)
def test_valid_ibans_are_stored_compact(typed: str, stored: str) -> None:
    assert services.normalise_iban(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "BE72 0961 2345 6769",  # wrong check digits
        "BE71 0961 2345 6768",  # one digit mistyped
        "NL92 ABNA 0417 1643 00",
        "BE71 0961 2345",  # too short for Belgium
        "XX71 0961 2345 6769",  # no such country
        "not an iban",
        "",
    ],
)
def test_invalid_ibans_are_refused_on_the_field(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.normalise_iban(typed)
    assert "iban" in caught.value.message_dict


def test_bank_account_is_saved_normalised_and_journaled(grant: Grant, officer: User) -> None:
    services.grant_bank_account_set(
        actor=officer, grant=grant, iban="be71 0961 2345 6769", account_holder=" Vzw Samen "
    )
    grant.refresh_from_db()
    assert (grant.iban, grant.account_holder) == (VALID_BE, "Vzw Samen")
    (entry,) = journal("funding.grant_bank_account")
    assert entry.details["iban_end"] == "6769"
    assert VALID_BE not in str(entry.details)  # the whole number stays out of the journal
    assert entry.hub_id == grant.hub_id


def test_a_wrong_bank_account_saves_nothing(grant: Grant, officer: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.grant_bank_account_set(
            actor=officer, grant=grant, iban="BE72 0961 2345 6769", account_holder=""
        )
    assert set(caught.value.message_dict) == {"iban", "account_holder"}
    grant.refresh_from_db()
    assert grant.iban == ""
    assert journal("funding.grant_bank_account") == []


# --- the instalment plan --------------------------------------------------------------------


def add(grant: Grant, officer: User, euros: int, **extra: object) -> Instalment:
    return services.instalment_add(
        actor=officer,
        grant=grant,
        label=str(extra.pop("label", "Advance")),
        amount_cents=euros * 100,
        planned_on=extra.pop("planned_on", date(2025, 1, 15)),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def test_the_plan_may_reach_the_grant_amount_but_not_exceed_it(grant: Grant, officer: User) -> None:
    add(grant, officer, 300_000)
    add(grant, officer, 200_000, label="Balance")
    with pytest.raises(ValidationError) as caught:
        add(grant, officer, 1, label="One euro too many")
    message = " ".join(caught.value.message_dict["amount"])
    assert "500,001" in message
    assert "500,000" in message
    assert "€ 0" in message
    assert Instalment.objects.filter(grant=grant).count() == 2


def test_the_refusal_says_how_much_is_left(grant: Grant, officer: User) -> None:
    add(grant, officer, 300_000)
    with pytest.raises(ValidationError) as caught:
        add(grant, officer, 250_000, label="Balance")
    message = caught.value.message_dict["amount"][0]
    assert "€ 550,000" in message
    assert "€ 500,000" in message
    assert "€ 200,000" in message


def test_an_edit_is_checked_against_the_other_instalments(grant: Grant, officer: User) -> None:
    first = add(grant, officer, 300_000)
    add(grant, officer, 100_000, label="Interim")
    services.instalment_update(
        actor=officer,
        instalment=first,
        label="Advance",
        amount_cents=400_000_00,
        planned_on=date(2025, 1, 15),
    )
    with pytest.raises(ValidationError):
        services.instalment_update(
            actor=officer,
            instalment=first,
            label="Advance",
            amount_cents=400_000_01,
            planned_on=date(2025, 1, 15),
        )
    first.refresh_from_db()
    assert first.amount_cents == 400_000_00


@pytest.mark.parametrize("cents", [0, -100])
def test_an_instalment_needs_a_positive_amount_and_a_label(
    grant: Grant, officer: User, cents: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.instalment_add(
            actor=officer, grant=grant, label=" ", amount_cents=cents, planned_on=date(2025, 2, 1)
        )
    assert {"label", "amount"} <= set(caught.value.message_dict)


def test_after_report_must_be_a_report_of_the_same_grant(
    grant: Grant, officer: User, programme: Programme, hub: Hub
) -> None:
    other = create_grant(programme=programme, hub=hub, created_by=officer)
    foreign = Report.objects.create(
        grant=other,
        kind=ReportKind.FINAL,
        period_start=other.starts_on,
        period_end=other.ends_on,
        due_on=other.ends_on,
    )
    with pytest.raises(ValidationError) as caught:
        add(grant, officer, 1000, after_report=foreign)
    assert "after_report" in caught.value.message_dict


def test_the_standard_plan_without_a_final_report(grant: Grant, officer: User) -> None:
    advance, balance = services.instalment_standard_plan(actor=officer, grant=grant)
    assert (advance.amount_cents, advance.planned_on) == (300_000_00, grant.starts_on)
    assert (balance.amount_cents, balance.planned_on) == (200_000_00, grant.ends_on)
    assert balance.after_report is None
    assert len(journal("funding.instalment_standard_plan")) == 1


def test_the_standard_plan_ties_the_balance_to_the_final_report(
    grant: Grant, officer: User
) -> None:
    Report.objects.create(
        grant=grant,
        kind=ReportKind.INTERIM,
        period_start=grant.starts_on,
        period_end=date(2025, 12, 31),
        due_on=date(2026, 1, 31),
    )
    final = Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        period_start=grant.starts_on,
        period_end=grant.ends_on,
        due_on=date(2027, 2, 28),
    )
    _advance, balance = services.instalment_standard_plan(actor=officer, grant=grant)
    assert (balance.after_report, balance.planned_on) == (final, date(2027, 2, 28))


def test_the_standard_plan_of_an_odd_amount_adds_up(
    programme: Programme, hub: Hub, officer: User
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer, amount_cents=1_001)
    rows = services.instalment_standard_plan(actor=officer, grant=grant)
    assert [row.amount_cents for row in rows] == [600, 401]


def test_the_standard_plan_is_refused_when_instalments_exist(grant: Grant, officer: User) -> None:
    add(grant, officer, 1000)
    with pytest.raises(ValidationError, match="already has instalments"):
        services.instalment_standard_plan(actor=officer, grant=grant)
    assert Instalment.objects.filter(grant=grant).count() == 1


def test_changes_and_removals_are_journaled(grant: Grant, officer: User) -> None:
    row = add(grant, officer, 1000)
    services.instalment_update(
        actor=officer,
        instalment=row,
        label="Advance",
        amount_cents=2000_00,
        planned_on=row.planned_on,
    )
    services.instalment_remove(actor=officer, instalment=row)
    assert not Instalment.objects.filter(pk=row.pk).exists()
    (update,) = journal("funding.instalment_update")
    assert (update.details["before"]["amount_cents"], update.details["after"]["amount_cents"]) == (
        1000_00,
        2000_00,
    )
    assert journal("funding.instalment_remove")[0].details["amount_cents"] == 2000_00


# --- payments -------------------------------------------------------------------------------


@pytest.fixture
def paid_grant(grant: Grant) -> Grant:
    grant.iban = VALID_BE
    grant.account_holder = "Vzw Samen"
    grant.iban_confirmed_at = timezone.now()  # an officer confirmed it
    grant.save()
    return grant


def test_planned_approved_paid(paid_grant: Grant, officer: User) -> None:
    row = add(paid_grant, officer, 300_000)
    services.instalment_approve(actor=officer, instalment=row)
    row.refresh_from_db()
    assert (row.status, row.approved_by) == (PaymentStatus.APPROVED, officer)
    today = timezone.localdate()
    services.instalment_mark_paid(actor=officer, instalment=row, paid_on=today, reference=" B-17 ")
    row.refresh_from_db()
    assert (row.status, row.paid_on, row.payment_reference) == (PaymentStatus.PAID, today, "B-17")
    assert len(journal("funding.instalment_approve")) == 1
    assert journal("funding.instalment_paid")[0].details["reference"] == "B-17"


def test_approval_needs_a_valid_iban(grant: Grant, officer: User) -> None:
    row = add(grant, officer, 1000)
    with pytest.raises(ValidationError, match="valid IBAN"):
        services.instalment_approve(actor=officer, instalment=row)
    Grant.objects.filter(pk=grant.pk).update(iban="BE72096123456769")  # stored wrong, somehow
    with pytest.raises(ValidationError, match="valid IBAN"):
        services.instalment_approve(actor=officer, instalment=row)
    row.refresh_from_db()
    assert row.status == PaymentStatus.PLANNED


def test_an_instalment_after_a_report_waits_for_its_approval(
    paid_grant: Grant, officer: User
) -> None:
    report = Report.objects.create(
        grant=paid_grant,
        kind=ReportKind.FINAL,
        period_start=paid_grant.starts_on,
        period_end=paid_grant.ends_on,
        due_on=paid_grant.ends_on,
    )
    row = add(paid_grant, officer, 1000, after_report=report)
    with pytest.raises(ValidationError, match="not approved yet"):
        services.instalment_approve(actor=officer, instalment=row)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.APPROVED)
    assert services.instalment_approve(actor=officer, instalment=row).status == "approved"


def test_paid_needs_an_approval_first(paid_grant: Grant, officer: User) -> None:
    row = add(paid_grant, officer, 1000)
    with pytest.raises(ValidationError, match="Approve this instalment"):
        services.instalment_mark_paid(
            actor=officer, instalment=row, paid_on=timezone.localdate(), reference="X"
        )
    row.refresh_from_db()
    assert row.status == PaymentStatus.PLANNED


def test_no_transition_out_of_paid(paid_grant: Grant, officer: User) -> None:
    row = add(paid_grant, officer, 1000)
    services.instalment_approve(actor=officer, instalment=row)
    with pytest.raises(ValidationError, match="Only a planned instalment"):
        services.instalment_approve(actor=officer, instalment=row)
    services.instalment_mark_paid(
        actor=officer, instalment=row, paid_on=timezone.localdate(), reference="X"
    )
    with pytest.raises(ValidationError, match="already paid"):
        services.instalment_mark_paid(
            actor=officer, instalment=row, paid_on=timezone.localdate(), reference="Y"
        )
    with pytest.raises(ValidationError, match="Only a planned instalment"):
        services.instalment_approve(actor=officer, instalment=row)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.instalment_update(
            actor=officer, instalment=row, label="X", amount_cents=1, planned_on=row.planned_on
        )
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.instalment_remove(actor=officer, instalment=row)
    row.refresh_from_db()
    assert (row.status, row.payment_reference, row.amount_cents) == ("paid", "X", 1000_00)


def test_paid_needs_a_reference_and_a_date_not_in_the_future(
    paid_grant: Grant, officer: User
) -> None:
    row = add(paid_grant, officer, 1000)
    services.instalment_approve(actor=officer, instalment=row)
    with pytest.raises(ValidationError) as caught:
        services.instalment_mark_paid(
            actor=officer,
            instalment=row,
            paid_on=timezone.localdate() + timedelta(days=1),
            reference="",
        )
    assert set(caught.value.message_dict) == {"paid_on", "reference"}
    row.refresh_from_db()
    assert row.status == PaymentStatus.APPROVED


def test_changing_an_approved_instalment_asks_for_approval_again(
    paid_grant: Grant, officer: User
) -> None:
    row = add(paid_grant, officer, 1000)
    services.instalment_approve(actor=officer, instalment=row)
    services.instalment_update(
        actor=officer,
        instalment=row,
        label="Advance",
        amount_cents=900_00,
        planned_on=row.planned_on,
    )
    row.refresh_from_db()
    assert (row.status, row.approved_at, row.approved_by) == (PaymentStatus.PLANNED, None, None)


# --- reach tiers ----------------------------------------------------------------------------


def test_the_flemish_tiers(grant: Grant, officer: User) -> None:
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    rows = [
        (t.from_users, t.to_users, t.amount_cents) for t in ReachTier.objects.filter(grant=grant)
    ]
    assert rows == [
        (1, 1000, 350_000_00),
        (1001, 1500, 100_000_00),
        (1501, 1750, 30_000_00),
        (1751, None, 20_000_00),
    ]
    # Setting them again replaces, never duplicates.
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    assert ReachTier.objects.filter(grant=grant).count() == 4
    assert len(journal("funding.reach_tiers_set")) == 2


@pytest.mark.parametrize(
    ("tiers", "fragment"),
    [
        ([TierInput(1, 1000, 1), TierInput(900, 1500, 1)], "overlaps tier 1"),
        ([TierInput(1, 1000, 1), TierInput(1002, 1500, 1)], "leaves a gap"),
        ([TierInput(1001, 1500, 1), TierInput(1, 1000, 1)], "put the tiers in order"),
        ([TierInput(1, None, 1), TierInput(1001, None, 1)], "Only the last tier may be open"),
        ([TierInput(1, None, 1), TierInput(2, 10, 1)], "Only the last tier may be open"),
        ([TierInput(10, 5, 1)], "must not be below"),
        ([TierInput(1, 5, 0)], "more than € 0"),
        ([TierInput(0, 5, 1)], "start at 1"),
    ],
)
def test_wrong_tiers_are_refused_and_nothing_changes(
    grant: Grant, officer: User, tiers: list[TierInput], fragment: str
) -> None:
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    with pytest.raises(ValidationError) as caught:
        services.reach_tiers_set(actor=officer, grant=grant, tiers=tiers)
    assert any(fragment in message for message in caught.value.messages)
    assert ReachTier.objects.filter(grant=grant).count() == 4


def test_an_empty_list_removes_the_tiers(grant: Grant, officer: User) -> None:
    services.reach_tiers_flemish_2025(actor=officer, grant=grant)
    services.reach_tiers_set(actor=officer, grant=grant, tiers=[])
    assert not ReachTier.objects.filter(grant=grant).exists()


# --- euros typed in forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("350000", 350_000_00),
        ("350.000", 350_000_00),
        ("350,000", 350_000_00),
        ("350 000,00", 350_000_00),
        ("1.250.000,50", 1_250_000_50),
        ("1,250,000.50", 1_250_000_50),
        ("12,5", 12_50),
        ("12.50", 12_50),
        ("€ 99", 99_00),
        ("12,345", 12_345_00),  # three digits after a comma group thousands
    ],
)
def test_euros_as_typed(typed: str, cents: int) -> None:
    assert parse_euros(typed) == cents


@pytest.mark.parametrize("typed", ["abc", "1.2.3", "-5", "12,5.0", "12.3456", "999999999"])
def test_euros_that_make_no_sense_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_euros(typed)
