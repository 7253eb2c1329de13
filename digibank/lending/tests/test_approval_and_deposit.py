"""Check-out follows the policy's "a coordinator must approve" rule, and the deposit is
collected at check-out and settled at the return, in cents, journaled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import Device
from digibank.lending import services
from digibank.lending.models import LoanDeposit, RequestStatus
from digibank.network.models import Hub
from digibank.people.models import Participant

from .conftest import MakeDevice, lending_url

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _approval(hub: Hub, actor: User) -> None:
    services.policy_update(actor=actor, hub=hub, data={"approval_required": True})


def _checkout(actor: User, hub: Hub, device: Device, person: Participant, **kwargs: Any) -> Any:
    return services.loan_checkout(actor=actor, hub=hub, device=device, participant=person, **kwargs)


# --- approval ---------------------------------------------------------------------------


def test_without_approval_rule_staff_may_lend(
    staff: User, coordinator: User, hub: Hub, device: Device, participant: Participant
) -> None:
    _checkout(staff, hub, device, participant)
    assert JournalEntry.objects.get(action="lending.checkout").details["approval"] == (
        "not_required"
    )


def test_staff_is_refused_without_an_approved_request(
    staff: User, coordinator: User, hub: Hub, device: Device, participant: Participant
) -> None:
    _approval(hub, coordinator)
    with pytest.raises(ValidationError, match="a coordinator must approve each loan"):
        _checkout(staff, hub, device, participant)
    request = services.request_create(actor=staff, participant=participant, kind="monitor")
    assert request.status == RequestStatus.AWAITING_APPROVAL
    with pytest.raises(ValidationError, match="no approved request"):
        _checkout(staff, hub, device, participant)
    # A request for another kind does not count.
    services.request_approve(
        actor=coordinator,
        request=services.request_create(actor=staff, participant=participant, kind="laptop"),
    )
    with pytest.raises(ValidationError, match="no approved request"):
        _checkout(staff, hub, device, participant)
    services.request_approve(actor=coordinator, request=request)
    loan = _checkout(staff, hub, device, participant)
    request.refresh_from_db()
    assert loan.request_id == request.pk
    assert request.status == RequestStatus.FULFILLED
    assert JournalEntry.objects.get(action="lending.checkout").details["approval"] == "request"


def test_a_coordinator_approves_by_lending(
    staff: User,
    coordinator: User,
    hub: Hub,
    device: Device,
    participant: Participant,
) -> None:
    _approval(hub, coordinator)
    request = services.request_create(actor=staff, participant=participant, kind="monitor")
    loan = _checkout(coordinator, hub, device, participant)
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED
    assert loan.request_id == request.pk
    entry = JournalEntry.objects.get(action="lending.checkout")
    assert entry.details["approval"] == "coordinator"


def test_an_offered_device_must_be_taken_through_the_offer(
    staff: User,
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    participant: Participant,
) -> None:
    _approval(hub, coordinator)
    request = services.request_create(actor=staff, participant=participant, kind="monitor")
    services.request_approve(actor=coordinator, request=request)
    offer = services.offer_next(actor=staff, hub=hub, device=make_device())
    assert offer is not None
    with pytest.raises(ValidationError, match="accept that offer"):
        _checkout(staff, hub, make_device(), participant)
    services.offer_accept(actor=staff, offer=offer)  # the offer is the approved path


def test_checkout_page_shows_the_approval_reason(
    client_for: ClientFor,
    staff: User,
    coordinator: User,
    hub: Hub,
    device: Device,
    participant: Participant,
) -> None:
    _approval(hub, coordinator)
    url = lending_url(hub, "checkout", pk=participant.pk)
    response = client_for(staff).post(url, {"tag": device.tag, "kind": "temporary"})
    assert response.status_code == 200
    assert b"a coordinator must approve each loan" in response.content
    response = client_for(coordinator).post(url, {"tag": device.tag, "kind": "temporary"})
    assert response.status_code == 302


# --- deposits ---------------------------------------------------------------------------


def _deposit_policy(hub: Hub, actor: User, cents: int = 2500) -> None:
    services.policy_update(actor=actor, hub=hub, data={"deposit_cents": cents})


def test_deposit_collected_at_checkout_and_refunded_at_return(
    staff: User, coordinator: User, hub: Hub, device: Device, participant: Participant
) -> None:
    _deposit_policy(hub, coordinator)
    loan = _checkout(
        staff, hub, device, participant, deposit_method="cash", deposit_received_cents=2500
    )
    deposit = LoanDeposit.objects.get(loan=loan)
    assert (deposit.received_cents, deposit.method, deposit.received_by) == (2500, "cash", staff)
    services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=False,
        data_removed=True,
        outcome="ready",
        deposit_refunded_cents=2000,
        deposit_kept_reason="Charger missing",
    )
    deposit.refresh_from_db()
    assert (deposit.refunded_cents, deposit.kept_cents) == (2000, 500)
    assert deposit.kept_reason == "Charger missing"
    assert deposit.settled
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"lending.deposit_collected", "lending.deposit_refunded"} <= actions
    with pytest.raises(ValidationError, match="already settled"):
        services.loan_deposit_refund(actor=staff, loan=loan, refunded_cents=0)


def test_deposit_rules(
    staff: User, coordinator: User, hub: Hub, make_device: MakeDevice, make_participant: Any
) -> None:
    _deposit_policy(hub, coordinator)

    def attempt(**kwargs: Any) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as error:
            _checkout(staff, hub, make_device(), make_participant(), **kwargs)
        return error.value.message_dict

    assert "deposit_method" in attempt(deposit_method="cheque")
    assert "deposit_received" in attempt(deposit_method="cash", deposit_received_cents=2600)
    assert "deposit_received" in attempt(deposit_method="transfer", deposit_received_cents=0)
    assert "deposit_waiver_reason" in attempt(deposit_method="waived")
    assert "deposit_waiver_reason" in attempt(deposit_method="cash", deposit_received_cents=1000)
    assert not LoanDeposit.objects.exists()
    # Waived with a reason: nothing received, nothing to refund.
    waived = _checkout(
        staff,
        hub,
        make_device(),
        make_participant(),
        deposit_method="waived",
        deposit_received_cents=2500,
        deposit_waiver_reason="Social tariff",
    )
    assert LoanDeposit.objects.get(loan=waived).received_cents == 0
    # Collected later, from the loan page.
    later = _checkout(staff, hub, make_device(), make_participant())
    assert not LoanDeposit.objects.filter(loan=later).exists()
    services.loan_deposit_collect(actor=staff, loan=later, received_cents=2500, method="transfer")
    with pytest.raises(ValidationError, match="when the device is back"):
        services.loan_deposit_refund(actor=staff, loan=later, refunded_cents=2500)
    with pytest.raises(ValidationError, match="already recorded"):
        services.loan_deposit_collect(actor=staff, loan=later, received_cents=2500, method="cash")
    services.loan_return(
        actor=staff,
        loan=later,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    with pytest.raises(ValidationError) as error:
        services.loan_deposit_refund(actor=staff, loan=later, refunded_cents=3000)
    assert "deposit_refunded" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.loan_deposit_refund(actor=staff, loan=later, refunded_cents=0)
    assert "deposit_kept_reason" in error.value.message_dict
    services.loan_deposit_refund(actor=staff, loan=later, refunded_cents=2500)
    # A loan without a deposit has none to collect.
    services.policy_update(actor=coordinator, hub=hub, data={"deposit_cents": 0})
    free = _checkout(staff, hub, make_device(), make_participant())
    with pytest.raises(ValidationError, match="no deposit"):
        services.loan_deposit_collect(actor=staff, loan=free, received_cents=0, method="cash")


def test_deposit_pages(
    client_for: ClientFor,
    staff: User,
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    participant: Participant,
    django_assert_max_num_queries: Any,
) -> None:
    _deposit_policy(hub, coordinator, cents=1550)
    client = client_for(staff)
    url = lending_url(hub, "checkout", pk=participant.pk)
    form = client.get(url)
    assert b"deposit_method" in form.content
    device = make_device()
    missing = client.post(url, {"tag": device.tag, "kind": "temporary"})
    assert missing.status_code == 200
    assert b"error-summary" in missing.content
    done = client.post(
        url,
        {
            "tag": device.tag,
            "kind": "temporary",
            "deposit_method": "transfer",
            "deposit_received": "15.50",
        },
    )
    assert done.status_code == 302
    page = client.get(done["Location"])
    assert b"Bank transfer" in page.content
    loan = LoanDeposit.objects.get().loan
    with django_assert_max_num_queries(15):
        client.get(done["Location"])
    return_url = lending_url(hub, "loan_return", pk=loan.pk)
    assert b"deposit_refunded" in client.get(return_url).content
    bad = client.post(
        return_url,
        {
            "powers_on": "on",
            "data_removed": "on",
            "outcome": "ready",
            "deposit_refunded": "10",
        },
    )
    assert bad.status_code == 200
    assert b"Say why part of the deposit is kept" in bad.content
    assert not LoanDeposit.objects.get().settled
    client.post(
        return_url,
        {
            "powers_on": "on",
            "data_removed": "on",
            "outcome": "ready",
            "deposit_refunded": "10",
            "deposit_kept_reason": "Scratched screen",
        },
    )
    deposit = LoanDeposit.objects.get()
    assert (deposit.refunded_cents, deposit.kept_cents) == (1000, 550)
    assert b"Scratched screen" in client.get(done["Location"]).content
    # Collecting later from the loan page.
    other = client.post(
        url,
        {
            "tag": make_device().tag,
            "kind": "temporary",
            "deposit_method": "cash",
            "deposit_received": "",
        },
    )
    assert other.status_code == 200  # amount missing for cash
    services.policy_update(actor=coordinator, hub=hub, data={"deposit_cents": 1550})
    later = services.loan_checkout(
        actor=staff, hub=hub, device=make_device(), participant=participant
    )
    loan_url = lending_url(hub, "loan", pk=later.pk)
    assert b"Record the deposit" in client.get(loan_url).content
    client.post(lending_url(hub, "loan_deposit", pk=later.pk), {"deposit_method": "waived"})
    assert not LoanDeposit.objects.filter(loan=later).exists()
    client.post(
        lending_url(hub, "loan_deposit", pk=later.pk),
        {"deposit_method": "cash", "deposit_received": "15.50"},
    )
    assert LoanDeposit.objects.get(loan=later).received_cents == 1550


def test_deposit_when_an_offer_is_accepted(
    client_for: ClientFor,
    staff: User,
    coordinator: User,
    hub: Hub,
    device: Device,
    participant: Participant,
) -> None:
    _deposit_policy(hub, coordinator, cents=1000)
    services.request_create(actor=staff, participant=participant, kind="monitor")
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    url = lending_url(hub, "offer_accept", pk=offer.pk)
    response = client_for(staff).post(
        url, {"kind": "temporary", "deposit_method": "cash", "deposit_received": "10"}
    )
    assert response.status_code == 302
    assert LoanDeposit.objects.get().received_cents == 1000
